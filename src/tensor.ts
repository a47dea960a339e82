// Resident tensors: data that lives in wasm linear memory, so operators read and write it in
// place. A tensor owns one block of the engine's LinearMemory until dispose().
import { defineHidden } from './define-hidden';
import type { LinearMemory } from './memory';
import { product } from './shape';

export type Layout = 'NCW' | 'NWC' | 'NCHW' | 'NHWC' | 'NCDHW' | 'NDHWC';
/** 'int32' holds indices; 'int8' and 'uint8' hold quantized values (pooling inputs and results). */
export type DType = 'float32' | 'int32' | 'int8' | 'uint8';
export type TypedArrayOf<D extends DType> = D extends 'float32' ? Float32Array : D extends 'int32' ? Int32Array
  : D extends 'int8' ? Int8Array : Uint8Array;
export type AnyTypedArray = Float32Array | Int32Array | Int8Array | Uint8Array;
/** What a plain input's data may be: a result's kinds, or a Uint8ClampedArray (uint8 values). */
export type InputArray = AnyTypedArray | Uint8ClampedArray;

/** The typed-array constructor of each dtype. */
export const ARRAY_OF = { float32: Float32Array, int32: Int32Array, int8: Int8Array, uint8: Uint8Array } as const;

/** %TypedArray%.prototype. */
const TYPED = Object.getPrototypeOf(Int8Array.prototype);
// A typed array's own kind, length and buffer, read with %TypedArray%'s getters: a subclass or a
// Proxy cannot report other values than those TypedArray.prototype.set will copy.
const [kindOf, lengthOf, bufferOf, byteOffsetOf] = [Symbol.toStringTag, 'length', 'buffer', 'byteOffset'].map(
  (name) => Object.getOwnPropertyDescriptor(TYPED, name)!.get!,
) as [(this: unknown) => string, (this: unknown) => number, (this: unknown) => ArrayBufferLike, (this: unknown) => number];

/** The dtype of a typed array simdpool accepts (subclasses included, Proxies not), or undefined. */
export function dtypeOf(data: unknown): DType | undefined {
  return DTYPE_OF_KIND[kindOf.call(data)];
}
// (A Uint8ClampedArray, ImageData's pixels, holds uint8 values: read as uint8, results are Uint8Arrays.)
const DTYPE_OF_KIND: Readonly<Record<string, DType>> = { Float32Array: 'float32', Int32Array: 'int32', Int8Array: 'int8', Uint8Array: 'uint8', Uint8ClampedArray: 'uint8' };
/** The typed arrays simdpool accepts, for messages. */
export const ARRAY_KINDS = Object.keys(DTYPE_OF_KIND).join(', ');
/** The typed arrays that hold `dtypes` (uint8: Uint8Array and Uint8ClampedArray), for messages. */
export const arraysHolding = (dtypes: readonly DType[]) => Object.keys(DTYPE_OF_KIND).filter((kind) => dtypes.includes(DTYPE_OF_KIND[kind]));

/** A typed array's element count (0 once its buffer is detached). */
export function elementCount(data: InputArray): number {
  return lengthOf.call(data);
}

/** A typed array's buffer. */
export function bufferOfArray(data: InputArray): ArrayBufferLike {
  return bufferOf.call(data);
}

/**
 * Elements [from, from + count) of a Float32Array or Int32Array as a plain `Ctor` view of its own
 * buffer (no subclass's species or getters; a RangeError if they are no longer all there).
 */
export function elementsOf<A extends Float32Array | Int32Array>(
  Ctor: new (buffer: ArrayBufferLike, byteOffset: number, length: number) => A, data: A, from: number, count: number,
): A {
  return new Ctor(bufferOf.call(data), byteOffsetOf.call(data) + from * 4, count);
}

/** A tensor passed by value: simdpool copies it in and returns plain results. */
export interface TensorLike<A extends InputArray = Float32Array> {
  data: A;
  shape: readonly number[];
  layout?: Layout;
}

/** A plain result: a fresh typed array owned by the caller. */
export interface PlainTensor<A extends AnyTypedArray = Float32Array> {
  data: A;
  shape: number[];
  layout: Layout;
}

const disposeSymbol: symbol =
  (Symbol as unknown as { dispose?: symbol }).dispose ?? Symbol.for('Symbol.dispose');

/** What the finalizer holds for a tensor (never the tensor itself): its block, ptr -1 once disposed. */
interface Held { memory: LinearMemory; ptr: number }

/**
 * Tensors garbage-collected without dispose() give their block back here. dispose() sets the
 * held ptr to -1, which frees nothing, rather than unregistering (a token's register and
 * unregister cost 0.2-0.3 us more, a tenth of a small call): by the time the callback runs, a
 * disposed tensor's block may belong to another tensor.
 */
const finalizer: { register(t: object, held: Held): void } | undefined =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<Held>(({ memory, ptr }) => memory.freeFinalized(ptr))
    : undefined;

/**
 * `view` (a tensor's `.data`) and its subarrays, at any depth, keep `owner` alive: their own
 * non-enumerable `subarray` holds it (invisible, unlike a property holding the tensor), so
 * `t.data` or `t.data.subarray(1)` held alone never sees the block finalized and reused.
 */
const own = (view: AnyTypedArray, owner: object): AnyTypedArray =>
  defineHidden(view, 'subarray', (...a: [number?, number?]) => own(TYPED.subarray.apply(view, a), owner));

/**
 * The byte address of a live tensor of this memory; TypeError (naming `what`) if disposed or
 * foreign. (Set by Tensor's static block, which alone may read its private fields.)
 */
export let tensorAddress: (t: Tensor<DType>, memory: LinearMemory, what?: string) => number;

export class Tensor<D extends DType = 'float32'> {
  readonly shape: readonly number[];
  readonly layout: Layout;
  readonly dtype: D;
  /** Number of elements. */
  readonly size: number;
  #memory: LinearMemory;
  #ptr: number;
  #view: TypedArrayOf<D> | null = null;
  #disposed = false;
  #held: Held;

  /** @internal Engines create tensors (sp.tensor, sp.fromArray); user code does not. */
  constructor(memory: LinearMemory, ptr: number, shape: readonly number[], layout: Layout, dtype: D) {
    this.#memory = memory;
    this.#ptr = ptr;
    this.shape = Object.freeze([...shape]);
    this.layout = layout;
    this.dtype = dtype;
    this.size = product(shape);
    this.#held = { memory, ptr };
    finalizer?.register(this, this.#held);
    // Calls trust these fields (a tensor told it is larger than its block was read and written past it).
    Object.freeze(this);
  }

  /** A view of the tensor's memory; always attached, even after wasm memory has grown. */
  get data(): TypedArrayOf<D> {
    this.#assertLive('data');
    const buffer = this.#memory.memory.buffer;
    if (this.#view === null || this.#view.buffer !== buffer) {
      // The view keeps its tensor alive: code that holds only `.data` (const y = sp.maxPool2d(t, o).data)
      // or a subarray of it must not see the block freed by the finalizer and handed to another tensor.
      this.#view = own(new ARRAY_OF[this.dtype](buffer, this.#ptr, this.size), this) as TypedArrayOf<D>;
    }
    return this.#view;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** Free the tensor's memory. Any later use is an error. */
  dispose(): void {
    this.#assertLive('dispose');
    this.#disposed = true;
    this.#view = null;
    this.#held.ptr = -1;
    this.#memory.free(this.#ptr);
  }

  [disposeSymbol](): void {
    if (!this.#disposed) this.dispose();
  }

  /** A plain copy that outlives the tensor. */
  toArray(): TypedArrayOf<D> {
    return this.data.slice() as TypedArrayOf<D>;
  }

  #assertLive(what: string): void {
    if (this.#disposed) throw new TypeError(`tensor [${this.shape.join(', ')}] was disposed; cannot use ${what}`);
  }

  static {
    tensorAddress = (t, memory, what = '') => {
      const prefix = what ? `${what}: ` : '';
      // (a Proxy of a tensor, or an object made from its prototype, passes instanceof)
      if (!(#memory in t)) throw new TypeError(`${prefix}must be a tensor made by simdpool, got a look-alike`);
      if (t.#memory !== memory) throw new TypeError(`${prefix}tensor belongs to another simdpool engine`);
      if (t.#disposed) throw new TypeError(`${prefix}tensor [${t.shape.join(', ')}] was disposed`);
      return t.#ptr;
    };
  }
}
