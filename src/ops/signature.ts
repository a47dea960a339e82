// A call's signature: the operator, the input's shape, layout and kind, and every option
// value except the output tensors, as one string. Calls with the same signature validate
// and resolve to the same plan, so operators cache what they resolved under it. Anything
// unusual (a value that is not a number, boolean, string or array of numbers, say) has no
// signature and takes the full validation path, which explains what is wrong.
//
// The signature is built from a copy of what the call reads (readCall, ./read-once.ts), and
// validation reads that same copy: each value is read from the caller's objects once, so the
// cached plan is the one its key describes.
import { Tensor } from '../tensor';
import { optionsCopy, ownCopy } from './read-once';

/** Options that are output tensors: not part of a signature. */
export const OUTPUTS = new Set(['out', 'outIndices']);

/** What a call reads of its input's description and its options, each value read once. */
export interface CallRead {
  /** The call's signature, or undefined for anything unusual. */
  key: string | undefined;
  resident: boolean;
  /** A plain input's `shape` (an array is copied) and `layout`; a resident input's own. */
  shape: unknown;
  layout: unknown;
  /** The options as optionsCopy reads them (own enumerable properties, their arrays copied). */
  opts: unknown;
  /**
   * The output tensors (`out`, `outIndices`), from the copy. The operator takes them out of the
   * read; a read kept for later calls (ops/last-call.ts) is given each later call's own.
   */
  outputs?: { out?: unknown; outIndices?: unknown };
}

/** The copy of a call that validation and the signature both read. */
export function readCall(op: string, x: unknown, opts: unknown): CallRead {
  const resident = x instanceof Tensor;
  const from = (resident || (typeof x === 'object' && x !== null) ? x : {}) as { shape?: unknown; layout?: unknown };
  const copy = optionsCopy(opts);
  const bag = (typeof copy === 'object' && copy !== null ? copy : {}) as Record<string, unknown>;
  const read: CallRead = {
    key: undefined, resident, shape: resident ? from.shape : ownCopy(from.shape), layout: from.layout, opts: copy,
    outputs: { out: bag.out, outIndices: bag.outIndices },
  };
  read.key = signatureOf(op, read);
  return read;
}

function signatureOf(op: string, { resident, shape, layout, opts }: CallRead): string | undefined {
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) return undefined;
  if (!Array.isArray(shape) || (layout !== undefined && typeof layout !== 'string')) return undefined;
  // Only numeric shapes: ['4'] joins like [4] but must take the validating path (a TypeError).
  if (!numbers(shape)) return undefined;
  let key = `${op}|${resident ? 'R' : 'P'}|${layout === undefined ? '' : `s${layout}`}|${shape.join(',')}`;
  // Option names, strings and padding sides are held as they are: any but plain words (\w) could
  // spell another call's signature (nanMode 'ignore|stride=n1' that of nanMode 'ignore' and
  // stride 1) and take its validated plan, so such calls take the validating path. (A layout
  // cannot: what follows it is a shape, digits, where options follow '|' with a letter.)
  for (const name in opts) {
    // (a copy of own properties: nothing inherited to skip)
    if (OUTPUTS.has(name)) continue;
    const part = valueSignature((opts as Record<string, unknown>)[name]);
    if (part === undefined || /\W/.test(name)) return undefined;
    key += `|${name}=${part}`;
  }
  return key;
}

/**
 * An array of at most 64 numbers (longer ones, left uncopied by ownCopy, are rejected by their
 * length: every() would visit each index of a sparse one of length 2**32 - 1, and a Proxy's).
 */
const numbers = (v: unknown[]) => v.length < 65 && v.every((n) => typeof n === 'number');

function valueSignature(v: unknown): string | undefined {
  switch (typeof v) {
    case 'number':
      return `n${v}`;
    case 'boolean':
      return `b${v}`;
    case 'string':
      return /\W/.test(v) ? undefined : `s${v}`;
    case 'undefined':
      return 'u';
    case 'object': {
      if (v === null) return 'z';
      if (Array.isArray(v)) return numbers(v) ? `[${v.join(',')}]` : undefined;
      if (v instanceof Tensor || ArrayBuffer.isView(v)) return undefined;
      let s = '{';
      for (const side of Object.keys(v)) {
        const n = (v as Record<string, unknown>)[side];
        if (typeof n !== 'number' || /\W/.test(side)) return undefined;
        s += `${side}:${n},`;
      }
      return `${s}}`;
    }
    default:
      return undefined;
  }
}
