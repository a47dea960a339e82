// The wasm module's exports (assembly/index.ts), typed. Pointers are byte addresses.
type PoolKernel = (plan: number, input: number, output: number) => void;
type PoolIndicesKernel = (plan: number, input: number, output: number, indices: number) => void;
type PlaneGroupKernel = (plan: number, input: number, output: number, scratch: number) => void;
type PlaneGroupIndicesKernel = (plan: number, input: number, output: number, indices: number, scratch: number) => void;
type PlanesKernel = (input: number, output: number, planes: number, length: number) => void;

declare global {
  // Node's own types (@types/node) have no WebAssembly namespace; TypeScript's DOM and webworker
  // libs do. These empty interfaces of the two types simdpool's declarations name let a project
  // with neither type-check them (a Memory is then opaque), and merge into the full ones where
  // they are present.
  namespace WebAssembly {
    interface Memory {}
    interface Module {}
  }
}

export interface Kernels {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  /** 1 in the SIMD build, 0 in the scalar build. */
  simd(): number;
  planBytes(): number;
  maxPoolRows_f32: PoolKernel;
  maxPoolRowsIndices_f32: PoolIndicesKernel;
  maxPoolRowsNoNaN_f32: PoolKernel;
  maxPoolRowsIndicesNoNaN_f32: PoolIndicesKernel;
  avgPoolRows_f32: PoolKernel;
  maxPoolChannels_f32: PoolKernel;
  maxPoolChannelsIndices_f32: PoolIndicesKernel;
  maxPoolChannelsNoNaN_f32: PoolKernel;
  maxPoolChannelsIndicesNoNaN_f32: PoolIndicesKernel;
  avgPoolChannels_f32: PoolKernel;
  maxPoolPlaneGroups_f32: PlaneGroupKernel;
  maxPoolPlaneGroupsIndices_f32: PlaneGroupIndicesKernel;
  maxPoolPlaneGroupsNoNaN_f32: PlaneGroupKernel;
  maxPoolPlaneGroupsIndicesNoNaN_f32: PlaneGroupIndicesKernel;
  avgPoolPlaneGroups_f32: PlaneGroupKernel;
  // wide stride-1 planar max pooling's row folds (assembly/row-folds.ts; src/ops/row-folds.ts)
  maxPoolRowFolds_f32: PlaneGroupKernel;
  maxPoolRowFoldsNoNaN_f32: PlaneGroupKernel;
  // and its channels-last twin (assembly/pixel-folds.ts)
  maxPoolPixelFolds_f32: PlaneGroupKernel;
  maxPoolPixelFoldsNoNaN_f32: PlaneGroupKernel;
  globalMaxPlanes_f32: PlanesKernel;
  globalMaxPlanesNoNaN_f32: PlanesKernel;
  globalAvgPlanes_f32: PlanesKernel;
  powElements_f32(src: number, dst: number, length: number, scale: number, exponent: number): void;
  // index checks (assembly/index-range.ts)
  firstIndexOutside_i32(indices: number, length: number, lowest: number, end: number): number;
  unpoolPlanes_f32(values: number, indices: number, output: number, planes: number, inPlane: number, outPlane: number): void;
  unpoolChannels_f32(
    values: number, indices: number, output: number, batches: number, inPixels: number, outPixels: number, channels: number,
  ): void;
  remapIndices_i32(
    ptr: number, batches: number, channels: number, outPlane: number, channelsLast: number,
    batchStep: number, channelStep: number, scale: number,
  ): void;
  remapIndicesColumnMajor_i32(
    ptr: number, batches: number, channels: number, outPlane: number, channelsLast: number,
    batchStep: number, channelStep: number, scale: number, m1: number, m2: number, w0: number, w1: number, w2: number,
  ): void;
  transpose_f32(input: number, output: number, batches: number, rows: number, cols: number): void;
  /** The full builds' byte twin of transpose_f32 (int8/uint8 pixels of 2 to 4 or 8 channels pooled as planes: src/ops/bytes.ts). */
  transpose_u8(input: number, output: number, batches: number, rows: number, cols: number): void;
  /** Pixels of `from` bytes into slots of `to` (int8/uint8 pixels of 5 to 15 channels pooled as sixteen: src/ops/bytes.ts). */
  repitch_u8(input: number, output: number, pixels: number, from: number, to: number): void;
  // windows of one cell (assembly/one-cell.ts): a copy, or (avg) the input plus +0
  poolOneCell_f32(input: number, output: number, count: number, avg: number): void;
  // Backward passes (assembly/backward.ts).
  maxPoolBackwardPlanes_f32(grad: number, indices: number, gradIn: number, planes: number, outPlane: number, inPlane: number): void;
  maxPoolBackwardChannels_f32(
    grad: number, indices: number, gradIn: number, batches: number, outPixels: number, inPixels: number, channels: number,
  ): void;
  avgPoolBackwardRows_f32: PlaneGroupKernel;
  avgPoolBackwardChannels_f32: PlaneGroupKernel;
  lpPoolBackwardWeights_f32(
    grad: number, a: number, power: number, length: number, kernelSize: number, normType: number, invert: number,
  ): void;
  lpPoolBackwardInput_f32(gradIn: number, power: number, length: number, normType: number, invert: number): void;
  meanBackward_f32(grad: number, gradIn: number, planes: number, length: number, channels: number, count: number): void;
  // adaptive averages divided axis by axis (assembly/window-sizes.ts)
  divideBySizes_f32(src: number, dst: number, count: number, positions: number, perPosition: number, sizes: number, dims: number): void;
  // int8 / uint8 pooling (assembly/bytes.ts); bias: 0 for int8, 128 for uint8
  maxPoolBytes(plan: number, input: number, output: number, scratch: number, bias: number): void;
  maxPoolBytesIndices(plan: number, input: number, output: number, indices: number, bias: number): void;
  avgPoolBytes(
    plan: number, input: number, output: number, scratch: number, offsets: number, multipliers: number, zeroPoint: number, bias: number,
    zeroPointAfter: number,
  ): void;
  globalMaxBytes(input: number, output: number, planes: number, length: number, bias: number): void;
  globalAvgBytes(
    input: number, output: number, planes: number, length: number, offset: number, multiplier: number, zeroPoint: number, bias: number,
  ): void;
  meanBytes(input: number, output: number, planes: number, length: number, channels: number, bias: number, scratch: number): void;
  adaptiveAvgBytesWide(plan: number, input: number, output: number, multipliers: number, bias: number, scratch: number): void;
}
