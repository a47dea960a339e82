// simdpool: PyTorch-exact pooling on WebAssembly SIMD.
import { Engine } from './engine';
import { loadKernels, type WasmSource } from './wasm';

export interface InitOptions {
  /** Where the kernels come from; default: the bytes inlined in this bundle. */
  wasm?: WasmSource;
}

/** Compile and instantiate the kernels once; returns an engine with every operator. */
export async function init(options: InitOptions = {}): Promise<Engine> {
  return new Engine(await loadKernels(options.wasm));
}

export { Engine } from './engine';
export type {
  Input, Output, IndicesOutput, IndicesInput, MaxPoolOptions, AvgPoolOptions, LpPoolOptions, AdaptiveMaxPoolOptions,
  AdaptiveAvgPoolOptions, MaxUnpoolOptions, OutOptions, GlobalMaxPoolOptions, GlobalLpPoolOptions, IndicesOptions,
  NanOptions, OutputSize,
} from './engine';
export { Tensor } from './tensor';
export type { Layout, DType, TensorLike, PlainTensor } from './tensor';
export type { PoolOptions, Size, Padding } from './ops/options';
export type { MemoryStats } from './memory';
export type { WasmSource } from './wasm';
export { OPERATORS } from './ops/registry';
export type { OperatorSpec, OperatorName } from './ops/registry';
