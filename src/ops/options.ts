// Reading and validating user option bags. Every bad option is a TypeError (wrong type or
// unknown name) or a RangeError (wrong value) that names the option and the value.
import { describe } from '../describe';
import { PADDING_SIDES, type PaddingSpec, type WindowSpec } from '../shape';
import type { Divisor } from './plan';
import { optionsCopy } from './read-once';
import type { OperatorSpec } from './registry';

export type Size = number | readonly number[];

/** One value per spatial axis. */
export const filled = <T>(dims: number, value: T): T[] => new Array(dims).fill(value);
export type Padding = Size | 'valid' | 'same' | Readonly<Record<string, number>>;

/** Options of the windowed pooling operators (PyTorch's names; null, as undefined, is not given). */
export interface PoolOptions {
  kernelSize: Size;
  stride?: Size | null;
  padding?: Padding | null;
  dilation?: Size | null;
  ceilMode?: boolean | null;
  returnIndices?: boolean | null;
  countIncludePad?: boolean | null;
  divisorOverride?: number | null;
}

/**
 * Options are read as the bag's own properties (and a padding object's sides as its own): a name
 * its prototype supplies (an enumerable one, or a class's getter of an accepted name) is a
 * TypeError rather than a silent default. The padding object is looked at without running a
 * getter (the call reads it once, later).
 */
export function rejectInherited(op: Pick<OperatorSpec, 'name' | 'options'> & { dims?: number }, opts: unknown): void {
  if (typeof opts !== 'object' || opts === null) return;
  rejectInheritedNames(op.name, opts, op.options, '');
  const padding = op.dims && Object.getOwnPropertyDescriptor(opts, 'padding')?.value;
  // (sides objects only: an array of sizes is read by index, as kernelSize's is; checking it cost
  // 2.5x a resident 28x28 call, every call)
  if (typeof padding === 'object' && padding !== null && !Array.isArray(padding)) {
    rejectInheritedNames(op.name, padding, PADDING_SIDES[op.dims!], 'padding.');
  }
}

/** (`names` flattened only past the plain-object test: a sides object's were flattened every call, 1.5x a small call.) */
function rejectInheritedNames(op: string, o: object, names: readonly (string | readonly string[])[], prefix: string): void {
  if (Object.getPrototypeOf(o) === Object.prototype) return;
  let all = names.flat() as string[];
  for (const name in o) all = [...all, name]; // (inherited enumerable names too: an unknown one)
  for (const name of all) {
    if (!Object.hasOwn(o, name) && name in o) throw new TypeError(`${op}: option "${prefix}${name}" is inherited, not own`);
  }
}

/**
 * The option bag, copied (optionsCopy: its own enumerable properties, each read once); TypeError
 * for anything but an object or for an unknown name; an option given as null is taken as absent.
 * `required` names the option that makes a bag mandatory (absent: no bag is an empty one). `op`
 * is an operator, or any function with an option bag (init, initParallel, tensor): its name for
 * messages and the names it accepts.
 * `copy` reads the bag: optionsCopy copies the arrays and objects among its values too, ownCopy
 * takes them as given (init()'s wasm source: a Module, a URL or a Response is used as it is).
 */
export function readOptionBag(
  op: Pick<OperatorSpec, 'name' | 'options'>, opts: unknown, required?: string, copy: (opts: object) => unknown = optionsCopy,
): Record<string, unknown> {
  if (opts === undefined || opts === null) {
    if (required) throw new TypeError(`${op.name}: options are required (at least ${required}), got ${describe(opts)}`);
    return {};
  }
  if (typeof opts !== 'object' || Array.isArray(opts)) {
    throw new TypeError(`${op.name}: options must be an object, got ${describe(opts)}`);
  }
  rejectInherited(op, opts);
  const bag = copy(opts) as Record<string, unknown>;
  for (const key of Object.keys(bag)) {
    if (!op.options.includes(key)) {
      throw new TypeError(`${op.name}: unknown option ${describe(key)} (accepted: ${op.options.join(', ')})`);
    }
    // null is "not given", as undefined (JSON has no undefined): every option's default, or
    // "required" for the required ones. One rule for all, so no reader has to know it.
    if (bag[key] === null) bag[key] = undefined;
  }
  return bag;
}

/**
 * A number option: a TypeError if `value` is not a number, a RangeError if `valid` rejects it.
 * `rule` is what the message says the option must be ("padding.top must be a non-negative integer").
 */
export function readNumber(op: string, rule: string, value: unknown, valid: (n: number) => boolean): number {
  if (typeof value !== 'number' || !valid(value)) {
    const E = typeof value === 'number' ? RangeError : TypeError;
    throw new E(`${op}: ${rule}, got ${describe(value)}`);
  }
  return value;
}

export function readBool(op: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`${op}: ${name} must be a boolean, got ${describe(value)}`);
  return value;
}

/** A size option: one integer for every dim, or one per dim; each at least `min`. */
export function readSizes(op: string, name: string, value: unknown, dims: number, min: number): number[] {
  const invalid = (E: ErrorConstructor) =>
    new E(`${op}: ${name} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer or an array of ${dims}, got ${describe(value)}`);
  let list: unknown[];
  if (typeof value === 'number') list = filled(dims, value);
  else if (Array.isArray(value)) {
    if (value.length !== dims && !(value.length === 1 && dims > 1)) throw invalid(RangeError);
    list = value.length === dims ? value : filled(dims, value[0]);
  } else {
    throw invalid(TypeError);
  }
  for (const v of list) {
    if (typeof v !== 'number') throw invalid(TypeError);
    if (!Number.isSafeInteger(v) || v < min) throw invalid(RangeError);
    if (v > MAX_SIZE) throw new RangeError(`${op}: ${name} must be at most ${MAX_SIZE}, got ${describe(value)}`);
  }
  return list as number[];
}

/** The largest kernel, stride, dilation or padding per axis: PyTorch takes them as int32. */
export const MAX_SIZE = 2 ** 31 - 1;

function readPadding(op: string, value: unknown, dims: number): PaddingSpec {
  if (value === undefined) return { kind: 'symmetric', pad: filled(dims, 0) };
  if (value === 'same') return { kind: 'same' };
  if (value === 'valid') return { kind: 'explicit', before: filled(dims, 0), after: filled(dims, 0) };
  if (typeof value === 'string') {
    throw new RangeError(`${op}: padding must be a size, 'valid', 'same' or an object of sides, got ${describe(value)}`);
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const sides = PADDING_SIDES[dims];
    const names = sides.flat();
    const bag = value as Record<string, unknown>;
    for (const key of Object.keys(bag)) {
      if (!names.includes(key)) {
        throw new TypeError(`${op}: padding side ${describe(key)} is not one of ${names.join(', ')}`);
      }
    }
    const side = (name: string) =>
      readNumber(op, `padding.${name} must be a non-negative integer up to ${MAX_SIZE}`, bag[name] ?? 0, (n) => Number.isSafeInteger(n) && n >= 0 && n <= MAX_SIZE);
    return { kind: 'explicit', before: sides.map(([b]) => side(b)), after: sides.map(([, a]) => side(a)) };
  }
  return { kind: 'symmetric', pad: readSizes(op, 'padding', value, dims, 0) };
}

/** kernelSize, stride, dilation, padding and ceilMode of a windowed operator. */
export function readWindowSpec(op: OperatorSpec, bag: Record<string, unknown>): WindowSpec {
  const dims = op.dims;
  if (bag.kernelSize === undefined) throw new TypeError(`${op.name}: kernelSize is required`);
  const kernel = readSizes(op.name, 'kernelSize', bag.kernelSize, dims, 1);
  const stride =
    bag.stride === undefined || (Array.isArray(bag.stride) && bag.stride.length === 0)
      ? kernel
      : readSizes(op.name, 'stride', bag.stride, dims, 1);
  const dilation = bag.dilation === undefined ? filled(dims, 1) : readSizes(op.name, 'dilation', bag.dilation, dims, 1);
  return {
    kernel,
    stride,
    dilation,
    padding: readPadding(op.name, bag.padding, dims),
    ceilMode: readBool(op.name, 'ceilMode', bag.ceilMode, false),
  };
}

/**
 * An average's divisor options. divisorOverride: a non-zero integer (negative allowed, as
 * PyTorch), or absent. countIncludePad: 'same' padding does not count padded cells unless asked
 * to (TensorFlow's average; ONNX's count_include_pad=1 with SAME_UPPER counts them); other padding
 * counts them (PyTorch's default).
 */
export function readAvgDivisor(op: string, bag: Record<string, unknown>, samePadding: boolean): Divisor {
  const value = bag.divisorOverride;
  return {
    override: value === undefined
      ? undefined
      : readNumber(op, 'divisorOverride must be a non-zero integer', value, (n) => Number.isSafeInteger(n) && n !== 0),
    countPadding: readBool(op, 'countIncludePad', bag.countIncludePad, !samePadding),
  };
}

export type NanMode = 'propagate' | 'ignore';

/** nanMode: 'propagate' (PyTorch: a NaN wins its window) or 'ignore' (TensorFlow: a NaN never wins). */
export function readNanMode(op: string, value: unknown): NanMode {
  if (value === undefined) return 'propagate';
  if (value !== 'propagate' && value !== 'ignore') {
    const E = typeof value === 'string' ? RangeError : TypeError;
    throw new E(`${op}: nanMode must be 'propagate' or 'ignore', got ${describe(value)}`);
  }
  return value;
}

/** How returned indices are numbered. */
export type IndexFormat =
  | { kind: 'plane' }
  | { kind: 'onnx'; storageOrder: 0 | 1 }
  | { kind: 'tf'; includeBatchInIndex: boolean };

/** normType of Lp pooling: a positive finite number (default 2). */
export function readNormType(op: string, value: unknown): number {
  if (value === undefined) return 2;
  // Both p and 1/p are used as float32 (as torch does): each must stay finite and non-zero there
  // (p = 1e39 rounds to Infinity, p = 1e-40 has 1/p = Infinity: NaN where torch's pow gives 1).
  const usable = (n: number) => Math.fround(n) > 0 && Math.fround(n) < Infinity;
  return readNumber(op, 'normType must be a positive number (finite and non-zero as float32, as is 1/normType)', value,
    (n) => usable(n) && usable(1 / Math.fround(n)));
}

/**
 * Adaptive pooling's outputSize: one non-negative integer for every dim, or one per dim where
 * null keeps that dim's input size (as PyTorch).
 */
export function readOutputSize(op: string, value: unknown, spatial: readonly number[]): number[] {
  const dims = spatial.length;
  const invalid = (E: ErrorConstructor) =>
    new E(`${op}: outputSize must be a non-negative integer or an array of ${dims} (null keeps the input size), got ${describe(value)}`);
  if (value === undefined) throw new TypeError(`${op}: outputSize is required`);
  let list: unknown[];
  if (typeof value === 'number') list = filled(dims, value);
  else if (Array.isArray(value)) {
    if (value.length !== dims) throw invalid(RangeError);
    list = value;
  } else {
    throw invalid(TypeError);
  }
  return list.map((v, i) => {
    if (v === null) return spatial[i];
    if (typeof v !== 'number') throw invalid(TypeError);
    if (!Number.isSafeInteger(v) || v < 0) throw invalid(RangeError);
    return v;
  });
}
