// One engine per wasm instance: the operators users call, and resident tensor creation.
import type { Context, EngineHooks } from './context';
import { describe } from './describe';
import { LinearMemory, type MemoryStats } from './memory';
import { BoundedMap } from './bounded-map';
import { convertLayout } from './ops/layout';
import { globalPool } from './ops/global';
import type { PoolOptions } from './ops/options';
import { PLAN_FIELDS, PlanCache } from './ops/plan';
import { pool } from './ops/pool';
import { OPERATORS } from './ops/registry';
import { readShape } from './ops/tensors';
import { LAYOUTS } from './shape';
import { Tensor, type DType, type Layout, type PlainTensor, type TensorLike, type TypedArrayOf } from './tensor';
import type { Kernels } from './kernels';

export type Input = TensorLike<Float32Array> | Tensor<'float32'>;
/** A resident input gives resident results; a plain input gives plain results. */
export type Output<X> = X extends Tensor<'float32'> ? Tensor<'float32'> : PlainTensor<Float32Array>;
export type IndicesOutput<X> = X extends Tensor<'float32'> ? Tensor<'int32'> : PlainTensor<Int32Array>;

export interface MaxPoolOptions extends Omit<PoolOptions, 'countIncludePad' | 'divisorOverride'> {
  /** Write the result here (a resident tensor of the result's shape and layout). */
  out?: Tensor<'float32'>;
  /** With returnIndices: write the indices here (an int32 resident tensor). */
  outIndices?: Tensor<'int32'>;
}
export interface AvgPoolOptions extends Omit<PoolOptions, 'dilation' | 'returnIndices'> {
  out?: Tensor<'float32'>;
}
export interface OutOptions {
  out?: Tensor<'float32'>;
}

const ALL_LAYOUTS: readonly Layout[] = Object.values(LAYOUTS).flat();
const DEFAULT_LAYOUT_BY_RANK: Record<number, Layout> = { 2: 'NCW', 3: 'NCHW', 4: 'NCHW', 5: 'NCDHW' };

export class Engine {
  readonly #ctx: Context;
  /** True when the SIMD build of the kernels runs, false for the scalar fallback. */
  readonly simd: boolean;

  /** @internal Use init() (or initParallel() from simdpool/parallel, which passes hooks). */
  constructor(kernels: Kernels, hooks: EngineHooks = {}) {
    if (kernels.planBytes() !== PLAN_FIELDS.length * 4) {
      throw new Error(`simdpool: kernel plan layout (${kernels.planBytes()} bytes) does not match PLAN_FIELDS`);
    }
    this.simd = kernels.simd() !== 0;
    const memory = hooks.memory ?? new LinearMemory(kernels.memory, kernels.heapBase());
    this.#ctx = { kernels, memory, plans: new PlanCache(memory), resolved: new BoundedMap(256), defer: hooks.defer };
  }

  maxPool2d<X extends Input>(x: X, opts: MaxPoolOptions & { returnIndices: true }): { output: Output<X>; indices: IndicesOutput<X> };
  maxPool2d<X extends Input>(x: X, opts: MaxPoolOptions): Output<X>;
  maxPool2d(x: Input, opts: MaxPoolOptions): unknown {
    return pool(this.#ctx, OPERATORS.maxPool2d, x, opts);
  }

  avgPool2d<X extends Input>(x: X, opts: AvgPoolOptions): Output<X> {
    return pool(this.#ctx, OPERATORS.avgPool2d, x, opts) as Output<X>;
  }

  globalMaxPool2d<X extends Input>(x: X, opts?: OutOptions): Output<X> {
    return globalPool(this.#ctx, OPERATORS.globalMaxPool2d, x, opts) as Output<X>;
  }

  globalAvgPool2d<X extends Input>(x: X, opts?: OutOptions): Output<X> {
    return globalPool(this.#ctx, OPERATORS.globalAvgPool2d, x, opts) as Output<X>;
  }

  /** NCHW (or NHWC, copied) to NHWC. */
  toNHWC<X extends Input>(x: X, opts?: OutOptions): Output<X> {
    return convertLayout(this.#ctx, OPERATORS.toNHWC, x, opts) as Output<X>;
  }

  /** NHWC (or NCHW, copied) to NCHW. */
  toNCHW<X extends Input>(x: X, opts?: OutOptions): Output<X> {
    return convertLayout(this.#ctx, OPERATORS.toNCHW, x, opts) as Output<X>;
  }

  /** A zero-filled tensor in wasm memory. */
  tensor<D extends DType = 'float32'>(shape: readonly number[], opts: { layout?: Layout; dtype?: D } = {}): Tensor<D> {
    const dims = readShape('tensor', 'shape', shape);
    const layout = this.#readLayout('tensor', opts.layout, dims.length);
    const dtype = (opts.dtype ?? 'float32') as D;
    if (dtype !== 'float32' && dtype !== 'int32') {
      throw new TypeError(`tensor: dtype must be 'float32' or 'int32', got ${describe(dtype)}`);
    }
    const size = dims.reduce((a, b) => a * b, 1);
    const ptr = this.#ctx.memory.alloc(size * 4, `tensor of shape ${describe(dims)}`);
    const t = new Tensor(this.#ctx.memory, ptr, dims, layout, dtype);
    t.data.fill(0);
    return t;
  }

  /** A tensor in wasm memory holding a copy of `data` (Float32Array, or Int32Array for indices). */
  fromArray<A extends Float32Array | Int32Array>(
    data: A, shape: readonly number[], layout?: Layout,
  ): Tensor<A extends Int32Array ? 'int32' : 'float32'> {
    if (!(data instanceof Float32Array) && !(data instanceof Int32Array)) {
      throw new TypeError(`fromArray: data must be a Float32Array or Int32Array, got ${describe(data)}`);
    }
    const dims = readShape('fromArray', 'shape', shape);
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== data.length) {
      throw new RangeError(`fromArray: data has ${data.length} elements but shape ${describe(dims)} needs ${size}`);
    }
    const dtype = data instanceof Int32Array ? 'int32' : 'float32';
    const t = this.tensor(dims, { layout, dtype });
    (t.data as TypedArrayOf<DType>).set(data);
    return t as never;
  }

  /** Allocator statistics: bytes and blocks in use, size of linear memory. */
  memoryStats(): MemoryStats {
    return this.#ctx.memory.stats();
  }

  #readLayout(op: string, layout: unknown, rank: number): Layout {
    if (layout === undefined) return DEFAULT_LAYOUT_BY_RANK[rank] ?? 'NCHW';
    if (!ALL_LAYOUTS.includes(layout as Layout)) {
      throw new RangeError(`${op}: layout must be one of ${ALL_LAYOUTS.join(', ')}, got ${describe(layout)}`);
    }
    return layout as Layout;
  }
}
