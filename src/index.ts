// simdpool: PyTorch-exact pooling on WebAssembly SIMD.
import { Engine } from './engine';
import { fileBytes } from './file-url';
import { fullBuild, loadKernels, type WasmSource, type WasmSources } from './wasm';
import { defaultWasm } from './wasm-source';

export interface InitOptions {
  /**
   * Where the kernels come from; default: this bundle's own (inlined bytes, or the .wasm files
   * next to it in the streaming build). A `{ simd, scalar }` pair is chosen from like the default;
   * a single source is used as given (a `simd` that contradicts its build is a TypeError).
   */
  wasm?: WasmSource | WasmSources | null;
  /**
   * Which build: default (undefined) the SIMD build where WebAssembly SIMD is supported, else the
   * scalar one; `false` forces the scalar build (same results), `true` the SIMD build.
   * `engine.simd` tells which one runs.
   */
  simd?: boolean | null;
}

/** Compile and instantiate the kernels once; returns an engine with every operator. */
export async function init(options: InitOptions = {}): Promise<Engine> {
  return new Engine(await loadKernels(options, defaultWasm, fileBytes, fullBuild));
}

export { Engine } from './engine';
export type {
  QuantOptions, OutTensor,
  Input, Output, IndicesOutput, IndicesInput, MaxPoolOptions, AvgPoolOptions, LpPoolOptions, AdaptiveMaxPoolOptions,
  AdaptiveAvgPoolOptions, MaxUnpoolOptions, OutOptions, GlobalMaxPoolOptions, GlobalLpPoolOptions, IndicesOptions,
  NanOptions, OutputSize, MaxPoolBackwardIndicesOptions, MaxPoolBackwardInputOptions, AvgPoolBackwardOptions,
  LpPoolBackwardOptions, AdaptiveMaxPoolBackwardIndicesOptions, AdaptiveMaxPoolBackwardInputOptions, AdaptiveAvgPoolBackwardOptions,
} from './engine';
export { Tensor } from './tensor';
export { OutOfMemoryError } from './memory';
export type { Layout, DType, TensorLike, PlainTensor } from './tensor';
export type { PoolOptions, Size, Padding } from './ops/options';
export type { MemoryStats } from './memory';
export type { WasmSource, WasmSources } from './wasm';
export { simdSupported } from './wasm';
export { OPERATORS } from './ops/registry';
export type { OperatorSpec, OperatorName } from './ops/registry';
