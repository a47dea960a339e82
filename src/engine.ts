// One engine per wasm instance: the operators users call (resident tensors: ./engine-base.ts).
import type { EngineHooks, WindowSettings } from './context';
import type { Kernels } from './kernels';
import { BYTE_OPS } from './ops/bytes';
import { INTEROP_OPS } from './ops/interop';
import { LP_OPS } from './ops/lp';
import { rowFoldSettings } from './ops/row-folds';
import { STREAM_OPS } from './ops/stream';
import { adaptiveSettings } from './ops/window-sizes';
import { oneCellKernel } from './ops/one-cell';
import { lastCallRead } from './ops/last-call';
import { kernelWithinInput } from './ops/kernel-within-input';
import { EngineBase, installOperators } from './engine-base';
import { convertLayout } from './ops/layout';
import { globalPool } from './ops/global';
import type { PoolOptions, Size } from './ops/options';
import { maxUnpool } from './ops/unpool';
import { poolBackward } from './ops/backward';
import { pool } from './ops/pool';
import { pathSettings } from './ops/paths';
import { channelPlaneSettings } from './ops/channel-planes';
import { OPERATORS } from './ops/registry';
import type { AnyTypedArray, DType, Tensor, PlainTensor, TensorLike } from './tensor';

/** Pooling inputs: float32, or int8/uint8 (quantized values; results keep the dtype). */
export type Input =
  | TensorLike<Float32Array> | Tensor<'float32'>
  | TensorLike<Int8Array> | Tensor<'int8'> | TensorLike<Uint8Array> | TensorLike<Uint8ClampedArray> | Tensor<'uint8'>;
/**
 * A resident input gives resident results; a plain input gives plain results, of the input's dtype
 * (a Uint8ClampedArray's: uint8, a Uint8Array).
 */
export type Output<X> = X extends Tensor<infer D> ? Tensor<D> : X extends TensorLike<Uint8ClampedArray> ? PlainTensor<Uint8Array>
  : X extends TensorLike<infer A extends AnyTypedArray> ? PlainTensor<A> : never;
export type IndicesOutput<X> = X extends Tensor<DType> ? Tensor<'int32'> : PlainTensor<Int32Array>;
/** A resident result tensor (`out`): of the input's dtype. */
export type OutTensor = Tensor<'float32'> | Tensor<'int8'> | Tensor<'uint8'>;
/**
 * Quantization parameters of int8/uint8 windowed averages (avgPool1d/2d/3d): real value =
 * scale * (q - zeroPoint). The result is requantized to outScale/outZeroPoint (default: the
 * input's), rounding as PyTorch's quantized avg_pool2d.
 */
export interface QuantOptions {
  scale?: number | null;
  zeroPoint?: number | null;
  outScale?: number | null;
  outZeroPoint?: number | null;
}

/** Options of every max-style operator that returns indices. */
export interface IndicesOptions {
  /** Also return the index of each maximum. */
  returnIndices?: boolean | null;
  /** With returnIndices: write the indices here (an int32 resident tensor). */
  outIndices?: Tensor<'int32'> | null;
  /**
   * How indices are numbered: 'plane' (PyTorch: flat index within the sample's channel plane),
   * 'onnx' (ONNX MaxPool: flat index into the whole N,C,spatial tensor, see storageOrder) or
   * 'tf' (TensorFlow max_pool_with_argmax: (spatial index) * C + c, see includeBatchInIndex).
   */
  indexFormat?: 'plane' | 'onnx' | 'tf' | null;
  /** indexFormat 'onnx': 0 row-major (default), 1 column-major spatial numbering. */
  storageOrder?: 0 | 1 | null;
  /** indexFormat 'tf': add n * (spatial size) * C, as include_batch_in_index. */
  includeBatchInIndex?: boolean | null;
}
export interface NanOptions {
  /** 'propagate' (PyTorch, default): a NaN wins its window. 'ignore' (TensorFlow): a NaN never wins. */
  nanMode?: 'propagate' | 'ignore' | null;
}
export interface MaxPoolOptions extends Omit<PoolOptions, 'countIncludePad' | 'divisorOverride' | 'returnIndices'>, IndicesOptions, NanOptions {
  /** Write the result here (a resident tensor of the result's shape and layout). */
  out?: OutTensor | null;
}
export interface AvgPoolOptions extends Omit<PoolOptions, 'dilation' | 'returnIndices'>, QuantOptions {
  out?: OutTensor | null;
}
export interface LpPoolOptions extends Pick<PoolOptions, 'kernelSize' | 'stride' | 'ceilMode'> {
  /** p of the power average (default 2). */
  normType?: number | null;
  out?: OutTensor | null;
}
/** A size per spatial dim (or one for all); null keeps that dim's input size. */
export type OutputSize = number | readonly (number | null)[];
export interface AdaptiveMaxPoolOptions extends IndicesOptions, NanOptions {
  outputSize: OutputSize;
  out?: OutTensor | null;
}
export interface AdaptiveAvgPoolOptions {
  outputSize: OutputSize;
  out?: OutTensor | null;
}
export interface MaxUnpoolOptions {
  kernelSize: Size;
  stride?: Size | null;
  padding?: Size | null;
  /** Output spatial sizes (or the full shape's N, C, spatial): each within stride of the default. */
  outputSize?: readonly number[] | null;
  out?: OutTensor | null;
}
export interface OutOptions {
  out?: OutTensor | null;
}
export interface GlobalMaxPoolOptions extends OutOptions, NanOptions {}
export interface GlobalLpPoolOptions extends OutOptions {
  normType?: number | null;
}
type WithIndices<X> = { output: Output<X>; indices: IndicesOutput<X> };

/** The forward input's shape: its full shape (gradOutput's rank and layout) or its spatial sizes. */
type InputShape = { inputShape: readonly number[] };
/** Max backward with indices: the forward options are optional (null: not given) and only check gradOutput's shape. */
export type MaxPoolBackwardIndicesOptions = InputShape & { [K in Exclude<keyof MaxPoolOptions, keyof IndicesOptions | 'nanMode'>]?: MaxPoolOptions[K] | null };
/** Max backward from the forward input: the argmax is recomputed with these forward options. */
export type MaxPoolBackwardInputOptions<X> = { input: X } & Omit<MaxPoolOptions, keyof IndicesOptions>;
export type AvgPoolBackwardOptions = InputShape & AvgPoolOptions;
export type LpPoolBackwardOptions<X> = { input: X } & LpPoolOptions;
export type AdaptiveMaxPoolBackwardIndicesOptions = InputShape & OutOptions;
export type AdaptiveMaxPoolBackwardInputOptions<X> = { input: X } & OutOptions & NanOptions;
export type AdaptiveAvgPoolBackwardOptions = InputShape & OutOptions;
export type IndicesInput = TensorLike<Int32Array> | Tensor<'int32'>;

export type DTypeOfArray<A> = A extends Int32Array ? 'int32' : A extends Int8Array ? 'int8' : A extends Uint8Array | Uint8ClampedArray ? 'uint8' : 'float32';

/** A method's result: as it is (init()'s engine), or a promise of it (simdpool/parallel's: Async true). */
export type Returned<T, Async extends boolean> = Async extends true ? Promise<T> : T;

/**
 * Max pooling and adaptive max pooling: with `returnIndices: true`, the output and its indices;
 * with a `returnIndices` known only at run time, either.
 */
export interface MaxPoolMethod<O, Async extends boolean = false> {
  <X extends Input>(x: X, opts: O & { returnIndices: true }): Returned<WithIndices<X>, Async>;
  <X extends Input>(x: X, opts: O & { returnIndices?: false | null }): Returned<Output<X>, Async>;
  <X extends Input>(x: X, opts: O): Returned<Output<X> | WithIndices<X>, Async>;
}
/** An operator of one tensor and its options. */
export type PoolMethod<O, Async extends boolean = false> = <X extends Input>(x: X, opts: O) => Returned<Output<X>, Async>;
/** An operator of one tensor whose options may be left out (global pooling, layout conversion). */
export type OptionalOptionsMethod<O, Async extends boolean = false> = <X extends Input>(x: X, opts?: O) => Returned<Output<X>, Async>;
/** Values scattered into zeros at their per-plane indices (PyTorch's max_unpool1d/2d/3d). */
export type UnpoolMethod<Async extends boolean = false> =
  <X extends Input>(x: X, indices: IndicesInput, opts: MaxUnpoolOptions) => Returned<Output<X>, Async>;
/** A backward pass without indices: gradOutput and the forward's options. */
export type BackwardMethod<O, Async extends boolean = false> = <X extends Input>(gradOutput: X, opts: O) => Returned<Output<X>, Async>;
/** Max backward: scatter-add of gradOutput at the forward indices, or at the argmax recomputed from `input`. */
export interface MaxBackwardMethod<WithIndicesOptions, FromInputOptions, Async extends boolean = false> {
  <X extends Input>(gradOutput: X, indices: IndicesInput, opts: WithIndicesOptions): Returned<Output<X>, Async>;
  <X extends Input>(gradOutput: X, opts: FromInputOptions): Returned<Output<X>, Async>;
}

/** `${family}1d`, `${family}2d` and `${family}3d` (and the suffix: 'Backward'), each a Method. */
type PerDim<Family extends string, Method, Suffix extends string = ''> = {
  [D in '1d' | '2d' | '3d' as `${Family}${D}${Suffix}`]: Method;
};

/**
 * Every operator's method, typed: one entry per family of the registry (src/ops/registry.ts),
 * which installs the methods themselves. Backward passes give the gradient with respect to the
 * forward input, as torch.autograd does: the forward input's shape, gradOutput's layout, and a
 * resident result for a resident gradOutput. `Async`: the same methods returning promises
 * (simdpool/parallel's engine).
 */
export type EngineOperators<Async extends boolean = false> =
  & PerDim<'maxPool', MaxPoolMethod<MaxPoolOptions, Async>>
  & PerDim<'avgPool', PoolMethod<AvgPoolOptions, Async>>
  & PerDim<'lpPool', PoolMethod<LpPoolOptions, Async>>
  & PerDim<'adaptiveMaxPool', MaxPoolMethod<AdaptiveMaxPoolOptions, Async>>
  & PerDim<'adaptiveAvgPool', PoolMethod<AdaptiveAvgPoolOptions, Async>>
  & PerDim<'globalMaxPool', OptionalOptionsMethod<GlobalMaxPoolOptions, Async>>
  & PerDim<'globalAvgPool', OptionalOptionsMethod<OutOptions, Async>>
  & PerDim<'globalLpPool', OptionalOptionsMethod<GlobalLpPoolOptions, Async>>
  & PerDim<'maxUnpool', UnpoolMethod<Async>>
  & PerDim<'maxPool', MaxBackwardMethod<MaxPoolBackwardIndicesOptions, MaxPoolBackwardInputOptions<Input>, Async>, 'Backward'>
  & PerDim<'avgPool', BackwardMethod<AvgPoolBackwardOptions, Async>, 'Backward'>
  & PerDim<'lpPool', BackwardMethod<LpPoolBackwardOptions<Input>, Async>, 'Backward'>
  & PerDim<'adaptiveMaxPool', MaxBackwardMethod<AdaptiveMaxPoolBackwardIndicesOptions, AdaptiveMaxPoolBackwardInputOptions<Input>, Async>, 'Backward'>
  & PerDim<'adaptiveAvgPool', BackwardMethod<AdaptiveAvgPoolBackwardOptions, Async>, 'Backward'>
  & {
    /** NCHW (or NHWC, copied) to NHWC. */
    toNHWC: OptionalOptionsMethod<OutOptions, Async>;
    /** NHWC (or NCHW, copied) to NCHW. */
    toNCHW: OptionalOptionsMethod<OutOptions, Async>;
  };

export interface Engine extends EngineOperators {}
/**
 * Adaptive pooling: averages divided axis by axis (./ops/window-sizes.ts), with the kernel path
 * where the full engine parts from pathOf's (./ops/paths.ts). Windowed pooling: Lp pooling's
 * settings (./ops/lp.ts), else channels-last calls of few channels as planes
 * (./ops/channel-planes.ts), else the row-fold kernel's (./ops/row-folds.ts), else that path.
 */
const windowSettings: WindowSettings = (op, bag, axes, g) => {
  if (op.kind === 'adaptive') {
    const path = pathSettings(bag, axes, g);
    return op.reduce === 'avg' ? { ...adaptiveSettings(axes), ...path } : path;
  }
  return LP_OPS.settings(op, bag, axes) ?? channelPlaneSettings(bag, axes, g) ?? rowFoldSettings(op, axes, g) ?? pathSettings(bag, axes, g);
};

/** Every operator of the registry, on the kernels of one wasm instance. */
export class Engine extends EngineBase {
  /** @internal Use init() (or initParallel() from simdpool/parallel, which passes hooks). */
  constructor(kernels: Kernels, hooks: EngineHooks = {}) {
    super(kernels, { ...hooks, bytes: BYTE_OPS, interop: INTEROP_OPS, stream: STREAM_OPS, lp: LP_OPS, windowSettings, kernelWithinInput, readCall: lastCallRead, oneCell: oneCellKernel });
  }
}
installOperators(Engine, OPERATORS, {
  pool, adaptive: pool, global: globalPool, layout: convertLayout, unpool: maxUnpool, backward: poolBackward,
});
