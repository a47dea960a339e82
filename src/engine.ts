// One engine per wasm instance: the operators users call (resident tensors: ./engine-base.ts).
import type { Context, EngineHooks } from './context';
import type { Kernels } from './kernels';
import { BYTE_OPS } from './ops/bytes';
import { INDEX_FORMATS } from './ops/index-formats';
import { LP_OPS } from './ops/lp';
import { STREAM_OPS } from './ops/stream';
import { lastCallSignature } from './ops/last-call';
import { EngineBase, contextOf } from './engine-base';
import { convertLayout } from './ops/layout';
import { globalPool } from './ops/global';
import type { PoolOptions, Size } from './ops/options';
import { maxUnpool } from './ops/unpool';
import { poolBackward } from './ops/backward';
import { pool } from './ops/pool';
import { OPERATORS } from './ops/registry';
import type { DType, Tensor, PlainTensor, TensorLike } from './tensor';

/** Pooling inputs: float32, or int8/uint8 (quantized values; results keep the dtype). */
export type Input =
  | TensorLike<Float32Array> | Tensor<'float32'>
  | TensorLike<Int8Array> | Tensor<'int8'> | TensorLike<Uint8Array> | Tensor<'uint8'>;
/** A resident input gives resident results; a plain input gives plain results, of the input's dtype. */
export type Output<X> = X extends Tensor<infer D> ? Tensor<D> : X extends TensorLike<infer A> ? PlainTensor<A> : never;
export type IndicesOutput<X> = X extends Tensor<DType> ? Tensor<'int32'> : PlainTensor<Int32Array>;
/** A resident result tensor (`out`): of the input's dtype. */
export type OutTensor = Tensor<'float32'> | Tensor<'int8'> | Tensor<'uint8'>;
/**
 * Quantization parameters of int8/uint8 windowed averages (avgPool1d/2d/3d): real value =
 * scale * (q - zeroPoint). The result is requantized to outScale/outZeroPoint (default: the
 * input's), rounding as PyTorch's quantized avg_pool2d.
 */
export interface QuantOptions {
  scale?: number;
  zeroPoint?: number;
  outScale?: number;
  outZeroPoint?: number;
}

/** Options of every max-style operator that returns indices. */
export interface IndicesOptions {
  /** Also return the index of each maximum. */
  returnIndices?: boolean;
  /** With returnIndices: write the indices here (an int32 resident tensor). */
  outIndices?: Tensor<'int32'>;
  /**
   * How indices are numbered: 'plane' (PyTorch: flat index within the sample's channel plane),
   * 'onnx' (ONNX MaxPool: flat index into the whole N,C,spatial tensor, see storageOrder) or
   * 'tf' (TensorFlow max_pool_with_argmax: (spatial index) * C + c, see includeBatchInIndex).
   */
  indexFormat?: 'plane' | 'onnx' | 'tf';
  /** indexFormat 'onnx': 0 row-major (default), 1 column-major spatial numbering. */
  storageOrder?: 0 | 1;
  /** indexFormat 'tf': add n * (spatial size) * C, as include_batch_in_index. */
  includeBatchInIndex?: boolean;
}
export interface NanOptions {
  /** 'propagate' (PyTorch, default): a NaN wins its window. 'ignore' (TensorFlow): a NaN never wins. */
  nanMode?: 'propagate' | 'ignore';
}
export interface MaxPoolOptions extends Omit<PoolOptions, 'countIncludePad' | 'divisorOverride' | 'returnIndices'>, IndicesOptions, NanOptions {
  /** Write the result here (a resident tensor of the result's shape and layout). */
  out?: OutTensor;
}
export interface AvgPoolOptions extends Omit<PoolOptions, 'dilation' | 'returnIndices'>, QuantOptions {
  out?: OutTensor;
}
export interface LpPoolOptions extends Pick<PoolOptions, 'kernelSize' | 'stride' | 'ceilMode'> {
  /** p of the power average (default 2). */
  normType?: number;
  out?: OutTensor;
}
/** A size per spatial dim (or one for all); null keeps that dim's input size. */
export type OutputSize = number | readonly (number | null)[];
export interface AdaptiveMaxPoolOptions extends IndicesOptions, NanOptions {
  outputSize: OutputSize;
  out?: OutTensor;
}
export interface AdaptiveAvgPoolOptions {
  outputSize: OutputSize;
  out?: OutTensor;
}
export interface MaxUnpoolOptions {
  kernelSize: Size;
  stride?: Size | null;
  padding?: Size;
  /** Output spatial sizes (or the full shape's N, C, spatial): each within stride of the default. */
  outputSize?: readonly number[] | null;
  out?: OutTensor;
}
export interface OutOptions {
  out?: OutTensor;
}
export interface GlobalMaxPoolOptions extends OutOptions, NanOptions {}
export interface GlobalLpPoolOptions extends OutOptions {
  normType?: number;
}
type WithIndices<X> = { output: Output<X>; indices: IndicesOutput<X> };

/** The forward input's shape: its full shape (gradOutput's rank and layout) or its spatial sizes. */
type InputShape = { inputShape: readonly number[] };
/** Max backward with indices: the forward options are optional and only check gradOutput's shape. */
export type MaxPoolBackwardIndicesOptions = InputShape & Partial<Omit<MaxPoolOptions, keyof IndicesOptions | 'nanMode'>>;
/** Max backward from the forward input: the argmax is recomputed with these forward options. */
export type MaxPoolBackwardInputOptions<X> = { input: X } & Omit<MaxPoolOptions, keyof IndicesOptions>;
export type AvgPoolBackwardOptions = InputShape & AvgPoolOptions;
export type LpPoolBackwardOptions<X> = { input: X } & LpPoolOptions;
export type AdaptiveMaxPoolBackwardIndicesOptions = InputShape & OutOptions;
export type AdaptiveMaxPoolBackwardInputOptions<X> = { input: X } & OutOptions & NanOptions;
export type AdaptiveAvgPoolBackwardOptions = InputShape & OutOptions;
export type IndicesInput = TensorLike<Int32Array> | Tensor<'int32'>;

export type DTypeOfArray<A> = A extends Int32Array ? 'int32' : A extends Int8Array ? 'int8' : A extends Uint8Array ? 'uint8' : 'float32';

export class Engine extends EngineBase {
  readonly #ctx: Context = contextOf(this);

  /** @internal Use init() (or initParallel() from simdpool/parallel, which passes hooks). */
  constructor(kernels: Kernels, hooks: EngineHooks = {}) {
    super(kernels, { ...hooks, bytes: BYTE_OPS, indexFormats: INDEX_FORMATS, stream: STREAM_OPS, lp: LP_OPS, signature: lastCallSignature });
  }

  maxPool1d<X extends Input>(x: X, opts: MaxPoolOptions & { returnIndices: true }): WithIndices<X>;
  maxPool1d<X extends Input>(x: X, opts: MaxPoolOptions): Output<X>;
  maxPool1d(x: Input, opts: MaxPoolOptions): unknown {
    return pool(this.#ctx, OPERATORS.maxPool1d, x, opts);
  }

  avgPool1d<X extends Input>(x: X, opts: AvgPoolOptions): Output<X> {
    return pool(this.#ctx, OPERATORS.avgPool1d, x, opts) as Output<X>;
  }

  lpPool1d<X extends Input>(x: X, opts: LpPoolOptions): Output<X> {
    return pool(this.#ctx, OPERATORS.lpPool1d, x, opts) as Output<X>;
  }

  adaptiveMaxPool1d<X extends Input>(x: X, opts: AdaptiveMaxPoolOptions & { returnIndices: true }): WithIndices<X>;
  adaptiveMaxPool1d<X extends Input>(x: X, opts: AdaptiveMaxPoolOptions): Output<X>;
  adaptiveMaxPool1d(x: Input, opts: AdaptiveMaxPoolOptions): unknown {
    return pool(this.#ctx, OPERATORS.adaptiveMaxPool1d, x, opts);
  }

  adaptiveAvgPool1d<X extends Input>(x: X, opts: AdaptiveAvgPoolOptions): Output<X> {
    return pool(this.#ctx, OPERATORS.adaptiveAvgPool1d, x, opts) as Output<X>;
  }

  globalMaxPool1d<X extends Input>(x: X, opts?: GlobalMaxPoolOptions): Output<X> {
    return globalPool(this.#ctx, OPERATORS.globalMaxPool1d, x, opts) as Output<X>;
  }

  globalAvgPool1d<X extends Input>(x: X, opts?: OutOptions): Output<X> {
    return globalPool(this.#ctx, OPERATORS.globalAvgPool1d, x, opts) as Output<X>;
  }

  globalLpPool1d<X extends Input>(x: X, opts?: GlobalLpPoolOptions): Output<X> {
    return globalPool(this.#ctx, OPERATORS.globalLpPool1d, x, opts) as Output<X>;
  }

  /** Values scattered into zeros at their per-plane indices (PyTorch's max_unpool1d). */
  maxUnpool1d<X extends Input>(x: X, indices: IndicesInput, opts: MaxUnpoolOptions): Output<X> {
    return maxUnpool(this.#ctx, OPERATORS.maxUnpool1d, x, indices, opts) as Output<X>;
  }

  maxPool2d<X extends Input>(x: X, opts: MaxPoolOptions & { returnIndices: true }): WithIndices<X>;
  maxPool2d<X extends Input>(x: X, opts: MaxPoolOptions): Output<X>;
  maxPool2d(x: Input, opts: MaxPoolOptions): unknown {
    return pool(this.#ctx, OPERATORS.maxPool2d, x, opts);
  }

  avgPool2d<X extends Input>(x: X, opts: AvgPoolOptions): Output<X> {
    return pool(this.#ctx, OPERATORS.avgPool2d, x, opts) as Output<X>;
  }

  lpPool2d<X extends Input>(x: X, opts: LpPoolOptions): Output<X> {
    return pool(this.#ctx, OPERATORS.lpPool2d, x, opts) as Output<X>;
  }

  adaptiveMaxPool2d<X extends Input>(x: X, opts: AdaptiveMaxPoolOptions & { returnIndices: true }): WithIndices<X>;
  adaptiveMaxPool2d<X extends Input>(x: X, opts: AdaptiveMaxPoolOptions): Output<X>;
  adaptiveMaxPool2d(x: Input, opts: AdaptiveMaxPoolOptions): unknown {
    return pool(this.#ctx, OPERATORS.adaptiveMaxPool2d, x, opts);
  }

  adaptiveAvgPool2d<X extends Input>(x: X, opts: AdaptiveAvgPoolOptions): Output<X> {
    return pool(this.#ctx, OPERATORS.adaptiveAvgPool2d, x, opts) as Output<X>;
  }

  globalMaxPool2d<X extends Input>(x: X, opts?: GlobalMaxPoolOptions): Output<X> {
    return globalPool(this.#ctx, OPERATORS.globalMaxPool2d, x, opts) as Output<X>;
  }

  globalAvgPool2d<X extends Input>(x: X, opts?: OutOptions): Output<X> {
    return globalPool(this.#ctx, OPERATORS.globalAvgPool2d, x, opts) as Output<X>;
  }

  globalLpPool2d<X extends Input>(x: X, opts?: GlobalLpPoolOptions): Output<X> {
    return globalPool(this.#ctx, OPERATORS.globalLpPool2d, x, opts) as Output<X>;
  }

  /** Values scattered into zeros at their per-plane indices (PyTorch's max_unpool2d). */
  maxUnpool2d<X extends Input>(x: X, indices: IndicesInput, opts: MaxUnpoolOptions): Output<X> {
    return maxUnpool(this.#ctx, OPERATORS.maxUnpool2d, x, indices, opts) as Output<X>;
  }

  maxPool3d<X extends Input>(x: X, opts: MaxPoolOptions & { returnIndices: true }): WithIndices<X>;
  maxPool3d<X extends Input>(x: X, opts: MaxPoolOptions): Output<X>;
  maxPool3d(x: Input, opts: MaxPoolOptions): unknown {
    return pool(this.#ctx, OPERATORS.maxPool3d, x, opts);
  }

  avgPool3d<X extends Input>(x: X, opts: AvgPoolOptions): Output<X> {
    return pool(this.#ctx, OPERATORS.avgPool3d, x, opts) as Output<X>;
  }

  lpPool3d<X extends Input>(x: X, opts: LpPoolOptions): Output<X> {
    return pool(this.#ctx, OPERATORS.lpPool3d, x, opts) as Output<X>;
  }

  adaptiveMaxPool3d<X extends Input>(x: X, opts: AdaptiveMaxPoolOptions & { returnIndices: true }): WithIndices<X>;
  adaptiveMaxPool3d<X extends Input>(x: X, opts: AdaptiveMaxPoolOptions): Output<X>;
  adaptiveMaxPool3d(x: Input, opts: AdaptiveMaxPoolOptions): unknown {
    return pool(this.#ctx, OPERATORS.adaptiveMaxPool3d, x, opts);
  }

  adaptiveAvgPool3d<X extends Input>(x: X, opts: AdaptiveAvgPoolOptions): Output<X> {
    return pool(this.#ctx, OPERATORS.adaptiveAvgPool3d, x, opts) as Output<X>;
  }

  globalMaxPool3d<X extends Input>(x: X, opts?: GlobalMaxPoolOptions): Output<X> {
    return globalPool(this.#ctx, OPERATORS.globalMaxPool3d, x, opts) as Output<X>;
  }

  globalAvgPool3d<X extends Input>(x: X, opts?: OutOptions): Output<X> {
    return globalPool(this.#ctx, OPERATORS.globalAvgPool3d, x, opts) as Output<X>;
  }

  globalLpPool3d<X extends Input>(x: X, opts?: GlobalLpPoolOptions): Output<X> {
    return globalPool(this.#ctx, OPERATORS.globalLpPool3d, x, opts) as Output<X>;
  }

  /** Values scattered into zeros at their per-plane indices (PyTorch's max_unpool3d). */
  maxUnpool3d<X extends Input>(x: X, indices: IndicesInput, opts: MaxUnpoolOptions): Output<X> {
    return maxUnpool(this.#ctx, OPERATORS.maxUnpool3d, x, indices, opts) as Output<X>;
  }

  // Backward passes (src/ops/backward.ts): the gradient with respect to the forward input, as
  // torch.autograd gives it. The result has the forward input's shape and gradOutput's layout;
  // a resident gradOutput gives a resident result.

  /** Scatter-add of gradOutput at the forward indices, or at the argmax recomputed from `input`. */
  maxPool1dBackward<X extends Input>(gradOutput: X, indices: IndicesInput, opts: MaxPoolBackwardIndicesOptions): Output<X>;
  maxPool1dBackward<X extends Input>(gradOutput: X, opts: MaxPoolBackwardInputOptions<Input>): Output<X>;
  maxPool1dBackward(gradOutput: Input, second: unknown, third?: unknown): unknown {
    return poolBackward(this.#ctx, OPERATORS.maxPool1dBackward, gradOutput, second, third);
  }

  avgPool1dBackward<X extends Input>(gradOutput: X, opts: AvgPoolBackwardOptions): Output<X> {
    return poolBackward(this.#ctx, OPERATORS.avgPool1dBackward, gradOutput, opts, undefined) as Output<X>;
  }

  lpPool1dBackward<X extends Input>(gradOutput: X, opts: LpPoolBackwardOptions<Input>): Output<X> {
    return poolBackward(this.#ctx, OPERATORS.lpPool1dBackward, gradOutput, opts, undefined) as Output<X>;
  }

  adaptiveMaxPool1dBackward<X extends Input>(gradOutput: X, indices: IndicesInput, opts: AdaptiveMaxPoolBackwardIndicesOptions): Output<X>;
  adaptiveMaxPool1dBackward<X extends Input>(gradOutput: X, opts: AdaptiveMaxPoolBackwardInputOptions<Input>): Output<X>;
  adaptiveMaxPool1dBackward(gradOutput: Input, second: unknown, third?: unknown): unknown {
    return poolBackward(this.#ctx, OPERATORS.adaptiveMaxPool1dBackward, gradOutput, second, third);
  }

  adaptiveAvgPool1dBackward<X extends Input>(gradOutput: X, opts: AdaptiveAvgPoolBackwardOptions): Output<X> {
    return poolBackward(this.#ctx, OPERATORS.adaptiveAvgPool1dBackward, gradOutput, opts, undefined) as Output<X>;
  }

  /** Scatter-add of gradOutput at the forward indices, or at the argmax recomputed from `input`. */
  maxPool2dBackward<X extends Input>(gradOutput: X, indices: IndicesInput, opts: MaxPoolBackwardIndicesOptions): Output<X>;
  maxPool2dBackward<X extends Input>(gradOutput: X, opts: MaxPoolBackwardInputOptions<Input>): Output<X>;
  maxPool2dBackward(gradOutput: Input, second: unknown, third?: unknown): unknown {
    return poolBackward(this.#ctx, OPERATORS.maxPool2dBackward, gradOutput, second, third);
  }

  avgPool2dBackward<X extends Input>(gradOutput: X, opts: AvgPoolBackwardOptions): Output<X> {
    return poolBackward(this.#ctx, OPERATORS.avgPool2dBackward, gradOutput, opts, undefined) as Output<X>;
  }

  lpPool2dBackward<X extends Input>(gradOutput: X, opts: LpPoolBackwardOptions<Input>): Output<X> {
    return poolBackward(this.#ctx, OPERATORS.lpPool2dBackward, gradOutput, opts, undefined) as Output<X>;
  }

  adaptiveMaxPool2dBackward<X extends Input>(gradOutput: X, indices: IndicesInput, opts: AdaptiveMaxPoolBackwardIndicesOptions): Output<X>;
  adaptiveMaxPool2dBackward<X extends Input>(gradOutput: X, opts: AdaptiveMaxPoolBackwardInputOptions<Input>): Output<X>;
  adaptiveMaxPool2dBackward(gradOutput: Input, second: unknown, third?: unknown): unknown {
    return poolBackward(this.#ctx, OPERATORS.adaptiveMaxPool2dBackward, gradOutput, second, third);
  }

  adaptiveAvgPool2dBackward<X extends Input>(gradOutput: X, opts: AdaptiveAvgPoolBackwardOptions): Output<X> {
    return poolBackward(this.#ctx, OPERATORS.adaptiveAvgPool2dBackward, gradOutput, opts, undefined) as Output<X>;
  }

  /** Scatter-add of gradOutput at the forward indices, or at the argmax recomputed from `input`. */
  maxPool3dBackward<X extends Input>(gradOutput: X, indices: IndicesInput, opts: MaxPoolBackwardIndicesOptions): Output<X>;
  maxPool3dBackward<X extends Input>(gradOutput: X, opts: MaxPoolBackwardInputOptions<Input>): Output<X>;
  maxPool3dBackward(gradOutput: Input, second: unknown, third?: unknown): unknown {
    return poolBackward(this.#ctx, OPERATORS.maxPool3dBackward, gradOutput, second, third);
  }

  avgPool3dBackward<X extends Input>(gradOutput: X, opts: AvgPoolBackwardOptions): Output<X> {
    return poolBackward(this.#ctx, OPERATORS.avgPool3dBackward, gradOutput, opts, undefined) as Output<X>;
  }

  lpPool3dBackward<X extends Input>(gradOutput: X, opts: LpPoolBackwardOptions<Input>): Output<X> {
    return poolBackward(this.#ctx, OPERATORS.lpPool3dBackward, gradOutput, opts, undefined) as Output<X>;
  }

  adaptiveMaxPool3dBackward<X extends Input>(gradOutput: X, indices: IndicesInput, opts: AdaptiveMaxPoolBackwardIndicesOptions): Output<X>;
  adaptiveMaxPool3dBackward<X extends Input>(gradOutput: X, opts: AdaptiveMaxPoolBackwardInputOptions<Input>): Output<X>;
  adaptiveMaxPool3dBackward(gradOutput: Input, second: unknown, third?: unknown): unknown {
    return poolBackward(this.#ctx, OPERATORS.adaptiveMaxPool3dBackward, gradOutput, second, third);
  }

  adaptiveAvgPool3dBackward<X extends Input>(gradOutput: X, opts: AdaptiveAvgPoolBackwardOptions): Output<X> {
    return poolBackward(this.#ctx, OPERATORS.adaptiveAvgPool3dBackward, gradOutput, opts, undefined) as Output<X>;
  }

  /** NCHW (or NHWC, copied) to NHWC. */
  toNHWC<X extends Input>(x: X, opts?: OutOptions): Output<X> {
    return convertLayout(this.#ctx, OPERATORS.toNHWC, x, opts) as Output<X>;
  }

  /** NHWC (or NCHW, copied) to NCHW. */
  toNCHW<X extends Input>(x: X, opts?: OutOptions): Output<X> {
    return convertLayout(this.#ctx, OPERATORS.toNCHW, x, opts) as Output<X>;
  }
}
