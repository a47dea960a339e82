// What every engine has, whatever its operators (Engine: all of them; simdpool/core's engine:
// a sub-list): the kernels' context, which build runs, and resident tensor creation.
import type { Context, EngineHooks } from './context';
import { defineHidden } from './define-hidden';
import { describe } from './describe';
import { LinearMemory, type MemoryStats } from './memory';
import { BoundedMap } from './bounded-map';
import { PLAN_FIELDS, PlanCache } from './ops/plan';
import { bytesPer, outsideMemory, readDataShape, readShape } from './ops/tensors';
import { readOptionBag } from './ops/options';
import { LAYOUTS, product } from './shape';
import { ARRAY_KINDS, ARRAY_OF, Tensor, dtypeOf, type DType, type InputArray, type Layout, type TypedArrayOf } from './tensor';
import type { DTypeOfArray } from './engine';
import type { Kernels } from './kernels';
import type { OperatorSpec } from './ops/registry';

const ALL_LAYOUTS: readonly Layout[] = Object.values(LAYOUTS).flat();
/** tensor()'s options, checked as an operator's are (ops/options.ts readOptionBag). */
const TENSOR_OPTIONS = { name: 'tensor', options: ['layout', 'dtype'] };
const DEFAULT_LAYOUT_BY_RANK: Record<number, Layout> = { 2: 'NCW', 3: 'NCHW', 4: 'NCHW', 5: 'NCDHW' };

/** Each engine's context, out of users' sight (its operators reach it here). */
const contexts = new WeakMap<EngineBase, Context>();

/** How each kind of operator runs: the engine's context, the operator, then the method's arguments. */
export type OperatorRunners = Partial<Record<OperatorSpec['kind'], (ctx: Context, op: OperatorSpec, a: never, b: never, c: never) => unknown>>;

/**
 * The context of `engine`, the `this` of the method named `name`. A method called without its
 * engine (`const { maxPool2d } = sp; maxPool2d(x)`) is a TypeError that says so: they are the
 * engine's methods, as in a class, not free functions as TensorFlow.js's are.
 */
function contextOf(engine: EngineBase | undefined, name: string): Context {
  const ctx = contexts.get(engine!);
  if (ctx) return ctx;
  throw new TypeError(`${name}: call it as sp.${name}(...)`);
}

/**
 * One method per operator on `engine.prototype`, named as the operator, that runs it with its
 * kind's runner (Engine: every kind; simdpool/core's engine: a sub-list). A method passes on
 * three arguments at most, the most any operator takes (tensor, indices, options).
 */
export function installOperators(engine: { prototype: EngineBase }, operators: Record<string, OperatorSpec>, runners: OperatorRunners): void {
  for (const op of Object.values(operators)) {
    const run = runners[op.kind] as (ctx: Context, op: OperatorSpec, a: unknown, b: unknown, c: unknown) => unknown;
    const method = function (this: EngineBase, a: unknown, b: unknown, c: unknown) {
      return run(contextOf(this, op.name), op, a, b, c);
    };
    defineHidden(method, 'name', op.name);
    Object.defineProperty(engine.prototype, op.name, { value: method, writable: true, configurable: true });
  }
}

export class EngineBase {
  /** True when the SIMD build of the kernels runs, false for the scalar fallback. */
  readonly simd: boolean;

  /** @internal Use init() (or initParallel() from simdpool/parallel, which passes hooks). */
  constructor(kernels: Kernels, hooks: EngineHooks = {}) {
    if (kernels.planBytes?.() !== PLAN_FIELDS.length * 4) {
      throw new TypeError('init: wasm is not a simdpool build of this version');
    }
    this.simd = kernels.simd() !== 0;
    const memory = hooks.memory ?? new LinearMemory(kernels.memory, kernels.heapBase());
    // The hooks (the full engine's operations, simdpool/parallel's defer) as given; absent ones stay absent.
    contexts.set(this, { ...hooks, kernels, memory, plans: new PlanCache(memory), resolved: new BoundedMap(256) });
  }

  /** A zero-filled tensor in wasm memory. */
  tensor<D extends DType = 'float32'>(shape: readonly number[], opts: { layout?: Layout | null; dtype?: D | null } = {}): Tensor<D> {
    const { memory } = contextOf(this, 'tensor');
    const dims = readShape('tensor', 'shape', shape);
    const o = readOptionBag(TENSOR_OPTIONS, opts) as { layout?: unknown; dtype?: unknown };
    const layout = readLayout('tensor', o.layout, dims.length);
    const dtype = (o.dtype ?? 'float32') as D;
    if (typeof dtype !== 'string' || !Object.hasOwn(ARRAY_OF, dtype)) {
      throw new TypeError(`tensor: dtype must be 'float32', 'int32', 'int8' or 'uint8', got ${describe(dtype)}`);
    }
    const size = product(dims);
    const ptr = memory.alloc(size * bytesPer(dtype), `tensor of shape ${describe(dims)}`);
    const t = new Tensor(memory, ptr, dims, layout, dtype);
    t.data.fill(0);
    return t;
  }

  /**
   * A tensor in wasm memory holding a copy of `data` (Float32Array; Int8Array, Uint8Array or
   * Uint8ClampedArray for quantized values, the last a uint8 tensor; Int32Array for indices). A
   * null `layout` is the default, as a null option is.
   */
  fromArray<A extends InputArray>(
    data: A, shape: readonly number[], layout?: Layout | null,
  ): Tensor<DTypeOfArray<A>> {
    const ctx = contextOf(this, 'fromArray');
    const dtype = dtypeOf(data);
    if (dtype === undefined) {
      throw new TypeError(`fromArray: data must be one of ${ARRAY_KINDS}, got ${describe(data)}`);
    }
    const dims = readDataShape('fromArray', '', data, shape);
    // (Copied out first if it is a view into this memory, which making the tensor may grow.)
    const source = outsideMemory(ctx, data);
    if (layout != null) readLayout('fromArray', layout, dims.length);
    const t = this.tensor(dims, { layout: layout as Layout, dtype }); // (a null layout: absent, as tensor() reads options)
    (t.data as TypedArrayOf<DType>).set(source);
    return t as never;
  }

  /** Allocator statistics: bytes and blocks in use, size of linear memory. */
  memoryStats(): MemoryStats {
    return contextOf(this, 'memoryStats').memory.stats();
  }
}

/** `layout` checked against the tensor's rank; undefined: the default for that rank. */
function readLayout(op: string, layout: unknown, rank: number): Layout {
  if (layout === undefined) return DEFAULT_LAYOUT_BY_RANK[rank] ?? 'NCHW';
  if (!ALL_LAYOUTS.includes(layout as Layout)) {
    throw new RangeError(`${op}: layout must be one of ${ALL_LAYOUTS.join(', ')}, got ${describe(layout)}`);
  }
  // A layout names the spatial dims: a batched or unbatched tensor of them has that rank + 2 or + 1.
  const spatial = (layout as string).length - 2;
  if (rank !== spatial + 1 && rank !== spatial + 2) {
    throw new RangeError(`${op}: layout ${describe(layout)} needs a shape of rank ${spatial + 1} or ${spatial + 2}, got rank ${rank}`);
  }
  return layout as Layout;
}
