// A call's signature: the operator, the input's shape, layout and kind, and every option
// value except the output tensors, as one string. Calls with the same signature validate
// and resolve to the same plan, so operators cache what they resolved under it. Anything
// unusual (a value that is not a number, boolean, string or array of numbers, say) has no
// signature and takes the full validation path, which explains what is wrong.
import { Tensor } from '../tensor';

/** Options that are output tensors: not part of a signature. */
export const OUTPUTS = new Set(['out', 'outIndices']);

export function callSignature(op: string, x: unknown, opts: unknown): string | undefined {
  if (typeof x !== 'object' || x === null || typeof opts !== 'object' || opts === null) return undefined;
  const resident = x instanceof Tensor;
  const { shape, layout } = x as { shape?: unknown; layout?: unknown };
  if (!Array.isArray(shape) || (layout !== undefined && typeof layout !== 'string')) return undefined;
  // Only numeric shapes: ['4'] joins like [4] but must take the validating path (a TypeError).
  if (!shape.every((n) => typeof n === 'number')) return undefined;
  let key = `${op}|${resident ? 'R' : 'P'}|${layout === undefined ? '' : `s${layout}`}|${shape.join(',')}`;
  for (const name in opts) {
    if (OUTPUTS.has(name)) continue;
    const part = valueSignature((opts as Record<string, unknown>)[name]);
    if (part === undefined) return undefined;
    key += `|${name}=${part}`;
  }
  return key;
}

function valueSignature(v: unknown): string | undefined {
  switch (typeof v) {
    case 'number':
      return `n${v}`;
    case 'boolean':
      return `b${v}`;
    case 'string':
      return `s${v}`;
    case 'undefined':
      return 'u';
    case 'object': {
      if (v === null) return 'z';
      if (Array.isArray(v)) return v.every((e) => typeof e === 'number') ? `[${v.join(',')}]` : undefined;
      let s = '{';
      for (const side in v) {
        const n = (v as Record<string, unknown>)[side];
        if (typeof n !== 'number') return undefined;
        s += `${side}:${n},`;
      }
      return `${s}}`;
    }
    default:
      return undefined;
  }
}
