// simdpool/core: the pooling most CNNs use, in a one-file bundle under 48 KB (the full `simdpool`
// bundle is about 100 KB). Its engine's operators are a sub-list of the one registry, run by the
// same operator code as the full engine's; its own .wasm (assembly/core.ts, under 32 KB) holds
// only their kernels.
//   In: max (with indices) and average pooling, adaptive and global max/average pooling, 1D and
//   2D, both layout families; toNHWC / toNCHW; resident tensors.
//   Out: 3D, Lp pooling, unpooling, backward passes, int8/uint8 tensors (a TypeError), and the
//   TensorFlow/ONNX options nanMode, indexFormat, storageOrder and includeBatchInIndex and the
//   quantization options (rejected as unknown options). Windows other than
//   2 / stride 2, 3 / stride 2 and 3 / stride 1 run a generic SIMD kernel (up to 1.8x slower).
import packed from '../build/core.b85';
import type { Engine } from './engine';
import { EngineBase, installOperators } from './engine-base';
import type { InitOptions } from './index';
import { globalPool } from './ops/global';
import { convertLayout } from './ops/layout';
import { pool } from './ops/pool';
import { CORE_OPERATORS } from './ops/registry';
import { loadKernels } from './wasm';
import { unpackWasm } from './wasm-packed';

/** The core operators' names: the max/average family's and the layout conversions', 1D and 2D. */
export type CoreOperatorName = keyof typeof CORE_OPERATORS;

/**
 * The core operators (the registry's CORE_OPERATORS): the max/average and layout entries without
 * 3D (1D ones first, then 2D), with their options but the full engine's interop and quantization ones.
 */
export { CORE_OPERATORS };

/**
 * An engine with the core operators: the same methods, results and errors as the full Engine's
 * (an interop option is an unknown-option TypeError here).
 */
export interface CoreEngine extends Pick<Engine, CoreOperatorName> {}
export class CoreEngine extends EngineBase {}
// The full engine's code for each kind (unpooling and backward passes are not in core).
installOperators(CoreEngine, CORE_OPERATORS, { pool, adaptive: pool, global: globalPool, layout: convertLayout });

/** The core build's kernels, packed into this bundle (scalar first; scripts/build.mjs). */
async function coreWasm(simd: boolean): Promise<Uint8Array> {
  const [scalar, simdBuild] = await unpackWasm(packed);
  return simd ? simdBuild : scalar;
}

/** Compile and instantiate the core kernels once; returns an engine with the core operators. */
export async function init(options: InitOptions = {}): Promise<CoreEngine> {
  return new CoreEngine(await loadKernels(options, coreWasm));
}

export type { InitOptions } from './index';
export type {
  Input, Output, IndicesOutput, MaxPoolOptions, AvgPoolOptions, AdaptiveMaxPoolOptions, AdaptiveAvgPoolOptions,
  OutOptions, OutputSize,
} from './engine';
export { Tensor } from './tensor';
export type { Layout, DType, TensorLike, PlainTensor } from './tensor';
export type { PoolOptions, Size, Padding } from './ops/options';
export type { MemoryStats } from './memory';
export type { WasmSource, WasmSources } from './wasm';
export { simdSupported } from './wasm';
export type { OperatorSpec } from './ops/registry';
