// The wasm module's exports (assembly/index.ts), typed. Pointers are byte addresses.
export interface Kernels {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  /** 1 in the SIMD build, 0 in the scalar build. */
  simd(): number;
  planBytes(): number;
  maxPoolRows_f32(plan: number, input: number, output: number): void;
  maxPoolRowsIndices_f32(plan: number, input: number, output: number, indices: number): void;
  avgPoolRows_f32(plan: number, input: number, output: number): void;
  maxPoolChannels_f32(plan: number, input: number, output: number): void;
  maxPoolChannelsIndices_f32(plan: number, input: number, output: number, indices: number): void;
  avgPoolChannels_f32(plan: number, input: number, output: number): void;
  globalMaxPlanes_f32(input: number, output: number, planes: number, length: number): void;
  globalAvgPlanes_f32(input: number, output: number, planes: number, length: number): void;
  transpose_f32(input: number, output: number, batches: number, rows: number, cols: number): void;
}
