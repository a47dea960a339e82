// Tensor arguments and results of an operator call. Plain tensors ({ data, shape, layout })
// are validated, copied into scratch memory and their results copied out; resident tensors
// are used in place. Everything is validated before anything is allocated, and a call frees
// its scratch memory whether it succeeds or throws.
import type { Context } from '../context';
import { describe, orList, withArticle } from '../describe';
import { BEYOND_WASM_MEMORY, MAX_MEMORY_BYTES } from '../memory';
import { ownCopy } from './read-once';
import { LAYOUTS, product, readGeometry, sameShape, shapeWith, type Geometry } from '../shape';
import { ARRAY_OF, Tensor, arraysHolding, bufferOfArray, dtypeOf, elementCount, tensorAddress, type AnyTypedArray, type DType, type InputArray, type Layout, type PlainTensor, type TensorLike } from '../tensor';

export type TensorInput = TensorLike<Float32Array> | Tensor<'float32'>;

export interface TensorArg {
  g: Geometry;
  dtype: DType;
  shape: readonly number[];
  /** Set for resident tensors. */
  tensor?: Tensor<DType>;
  /** Set for plain tensors. */
  data?: AnyTypedArray;
}

/** Bytes per element of each dtype. */
export function bytesPer(dtype: DType): number {
  return ARRAY_OF[dtype].BYTES_PER_ELEMENT;
}

/** The dtype of a pooling input: int8/uint8 for byte tensors (plain or resident), else float32. */
export function inputDType(x: unknown): 'float32' | 'int8' | 'uint8' {
  const dtype = x instanceof Tensor ? x.dtype : dtypeOf((x as { data?: unknown } | null)?.data);
  return dtype === 'int8' || dtype === 'uint8' ? dtype : 'float32';
}

/**
 * Validate `x` (named `name` in messages) as a tensor of `dtype` with `dims` spatial dims;
 * int32 tensors (indices) are plain `{ data: Int32Array, shape, layout }` or resident int32.
 * `takes`: the dtypes the argument may have, as its messages list them (the full engine's
 * pooling takes int8 and uint8 inputs too).
 */
export function readTensorArg(
  ctx: Context, op: string, x: unknown, dims: number, name = 'x', dtype: DType = 'float32', takes: readonly DType[] = [dtype],
): TensorArg {
  if (x instanceof Tensor) {
    if (x.dtype !== dtype) throw new TypeError(`${op}: ${name} must have dtype ${orList(takes)}, got ${x.dtype}`);
    tensorAddress(x, ctx.memory, `${op}: ${name}`); // throws for a disposed or foreign tensor
    const g = readGeometry(op, x.shape, x.layout, dims, name);
    checkExtents(op, name, g, dtype);
    return { g, dtype, shape: x.shape, tensor: x };
  }
  if (typeof x !== 'object' || x === null) throw new TypeError(`${op}: ${name} must be a tensor, got ${describe(x)}`);
  const { data, shape, layout } = x as Partial<TensorLike<AnyTypedArray>>;
  if (dtypeOf(data) !== dtype) throw new TypeError(`${op}: ${name}.data must be ${withArticle(orList(arraysHolding(takes)))}, got ${describe(data)}`);
  const dims0 = readDataShape(op, `${name}.`, data!, shape);
  const g = readGeometry(op, dims0, layout ?? LAYOUTS[dims][0], dims, name);
  checkExtents(op, name, g, dtype);
  return { g, dtype, shape: dims0, data: outsideMemory(ctx, data!) };
}

/**
 * A plain input's data, copied first if it is a view into the engine's own memory (a resident
 * tensor's `.data` passed as plain data): a call may grow the memory before it copies its input
 * in, which would detach such a view.
 */
export function outsideMemory<A extends InputArray>(ctx: Context, data: A): A {
  return bufferOfArray(data) === ctx.memory.memory.buffer ? (new ARRAY_OF[dtypeOf(data)!](data) as A) : data;
}

/** A shape (`what` in messages: "shape", "x.shape"): an array of at most 64 non-negative integers, copied. */
export function readShape(op: string, what: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) throw notSizes(op, what, shape);
  // Each size read once: the copy is what is checked and what is used (ownCopy copies up to 64).
  const dims = ownCopy(shape) as unknown[];
  if (dims === shape) throw new RangeError(`${op}: ${what} has ${shape.length} dims (at most 64)`);
  for (const n of dims) {
    if (typeof n !== 'number') throw notSizes(op, what, shape);
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new RangeError(`${op}: ${what} must hold non-negative integers, got ${describe(shape)}`);
    }
  }
  return dims as number[];
}

function notSizes(op: string, what: string, shape: unknown): TypeError {
  return new TypeError(`${op}: ${what} must be an array of sizes, got ${describe(shape)}`);
}

/**
 * The shape of `data` (`prefix` names both in messages: "x." for x.data and x.shape), read as
 * readShape reads it; a RangeError unless `data` has as many elements as it needs.
 */
export function readDataShape(op: string, prefix: string, data: InputArray, shape: unknown): number[] {
  const dims = readShape(op, `${prefix}shape`, shape);
  const size = product(dims);
  const length = elementCount(data);
  if (size !== length) {
    throw new RangeError(`${op}: ${prefix}data has ${length} elements but ${prefix}shape ${describe(dims)} needs ${size}`);
  }
  return dims;
}

function checkExtents(op: string, name: string, g: Geometry, dtype: DType): void {
  if (g.channels < 1 || g.spatial.some((n) => n < 1)) {
    throw new RangeError(
      `${op}: ${name} must have non-zero channel and spatial sizes (only the batch may be 0), got shape ` +
        describe(shapeWith(g, g.spatial)),
    );
  }
  const elements = g.batch * g.channels * product(g.spatial);
  // (in the tensor's own element size: a 1.2 GB uint8 tensor fits)
  if (elements * bytesPer(dtype) > MAX_MEMORY_BYTES) {
    throw new RangeError(`${op}: ${name} has ${elements} elements, ${BEYOND_WASM_MEMORY}`);
  }
}

/** One operator call's memory: scratch blocks to free and plain results to copy out. */
export class CallMemory {
  readonly #ctx: Context;
  readonly #op: string;
  readonly #scratch: number[] = [];
  readonly #copies: Array<{ ptr: number; result: PlainTensor<AnyTypedArray>; Ctor: typeof Float32Array }> = [];
  /** New resident results: handed to the caller on success, freed if the call fails. */
  readonly #fresh: Tensor<DType>[] = [];
  #finished = false;

  /** `op`, the operator, prefixes its errors (e.g. "maxUnpool2d: out needs ... bytes"). */
  constructor(ctx: Context, op: string) {
    this.#ctx = ctx;
    this.#op = op;
  }

  /** The address of an input's data, copying a plain tensor into scratch memory. */
  input(arg: TensorArg): number {
    if (arg.tensor) return tensorAddress(arg.tensor, this.#ctx.memory);
    const data = arg.data!;
    const Ctor = ARRAY_OF[arg.dtype] as typeof Float32Array;
    // As validated: a view over a resizable buffer could have shrunk since (an option's getter).
    const count = product(arg.shape);
    if (elementCount(data) !== count) {
      throw new RangeError(`${this.#op}: an input's data changed size during the call`);
    }
    const ptr = this.block(count * Ctor.BYTES_PER_ELEMENT, 'x');
    this.#ctx.memory.view(Ctor).set(data as Float32Array, ptr / Ctor.BYTES_PER_ELEMENT);
    return ptr;
  }

  /** A scratch block of `bytes` (`what`, in allocation errors), freed by release(). */
  block(bytes: number, what: string): number {
    const ptr = this.#ctx.memory.alloc(bytes, `${this.#op}: ${what}`);
    this.#scratch.push(ptr);
    return ptr;
  }

  /**
   * Where a result goes: `out` when given (checked against shape, layout and dtype), a new
   * resident tensor when the input was resident, otherwise scratch copied out by finish().
   */
  output<D extends DType>(
    name: string, dtype: D, shape: readonly number[], layout: Layout,
    resident: boolean, out: unknown, inputs: readonly TensorArg[],
  ): { ptr: number; result: Tensor<D> | PlainTensor<AnyTypedArray> } {
    const op = this.#op;
    const size = product(shape);
    if (out !== undefined && out !== null) {
      if (!(out instanceof Tensor)) {
        throw new TypeError(`${op}: ${name} must be a resident tensor of this engine (sp.tensor), got ${describe(out)}`);
      }
      if (out.dtype !== dtype) throw new TypeError(`${op}: ${name} must have dtype ${dtype}, got ${out.dtype}`);
      const ptr = tensorAddress(out, this.#ctx.memory, `${op}: ${name}`);
      if (out.layout !== layout || !sameShape(out.shape, shape)) {
        throw new RangeError(
          `${op}: ${name} must have shape ${describe(shape)} and layout '${layout}', ` +
            `got ${describe(out.shape)} '${out.layout}'`,
        );
      }
      if (inputs.some((a) => a.tensor === (out as unknown))) throw new RangeError(`${op}: ${name} must not be an input tensor`);
      return { ptr, result: out as Tensor<D> };
    }
    const bytes = size * bytesPer(dtype);
    // (an allocation error names what the call makes, not the option it was not given)
    const what = name === 'out' ? 'the result' : 'the index result';
    if (resident) {
      const ptr = this.#ctx.memory.alloc(bytes, `${op}: ${what}`);
      const tensor = new Tensor(this.#ctx.memory, ptr, shape, layout, dtype);
      this.#fresh.push(tensor);
      return { ptr, result: tensor };
    }
    const ptr = this.block(bytes, what);
    // (data set by finish(): a placeholder empty array cost 0.25 us a call)
    const result = { data: undefined, shape: [...shape], layout } as unknown as PlainTensor<AnyTypedArray>;
    this.#copies.push({ ptr, result, Ctor: ARRAY_OF[dtype] as typeof Float32Array });
    return { ptr, result };
  }

  /** Copy plain results out of wasm memory; the call has succeeded. */
  finish(): void {
    if (!this.#ctx.defer?.(() => this.#finishNow(), 'finish')) this.#finishNow();
  }

  #finishNow(): void {
    this.#finished = true;
    for (const { ptr, result, Ctor } of this.#copies) {
      const size = product(result.shape);
      const view = this.#ctx.memory.view(Ctor);
      const start = ptr / view.BYTES_PER_ELEMENT;
      result.data = view.slice(start, start + size);
    }
  }

  /** Free scratch memory (and new resident results of a failed call), and trim the plan cache; call in `finally`. */
  release(): void {
    if (!this.#ctx.defer?.(() => this.#releaseNow(), 'release')) this.#releaseNow();
  }

  #releaseNow(): void {
    // (emptied as it is read: a second release frees nothing; splice(0) costs a small call less
    // than setting the length)
    for (const ptr of this.#scratch.splice(0)) this.#ctx.memory.free(ptr);
    if (!this.#finished) for (const t of this.#fresh) t.dispose();
    this.#ctx.plans.trim();
  }
}

/**
 * Throw a RangeError before any work when a call's results, scratch and plan (`bytes` in all)
 * cannot fit in wasm memory: kernels index with 32-bit offsets, and building a plan for such a
 * call would exhaust the JavaScript heap first.
 */
export function checkFits(op: string, outShape: readonly number[], bytes: number): void {
  if (bytes > MAX_MEMORY_BYTES) {
    throw new RangeError(
      `${op}: the output (shape ${describe(outShape)}) needs about ${bytes} bytes of wasm memory with its ` +
        `scratch and window plan, ${BEYOND_WASM_MEMORY}`,
    );
  }
}
