// Reading a caller's objects once. Validation checks a copy of what it reads, and the call then
// uses that same copy, as does the call's cached signature (./signature.ts): a getter, a Proxy or
// a caller changing its object mid-call cannot make the values checked differ from the values
// used. Tensors and typed arrays are taken as they are (their contents are the data).
import { defineHidden } from '../define-hidden';
import { Tensor } from '../tensor';

/**
 * A caller's value as a call reads it, each part once: an array element by element, any other
 * object but a tensor or a typed array by its own enumerable properties (what `{ ...value }`
 * takes); `depth` levels of the values inside copied the same way. Arrays longer than any shape
 * or size list are left as they are: readShape rejects them, and sizes are rejected by length.
 */
export function ownCopy(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || value instanceof Tensor || ArrayBuffer.isView(value)) return value;
  // (A loop over an array's indices: a Proxy's iterator could report a new length at every step.)
  if (Array.isArray(value)) {
    const n = value.length;
    if (n > 64) return value;
    const copy = new Array<unknown>(n);
    for (let i = 0; i < n; i++) copy[i] = depth > 0 ? ownCopy(value[i], depth - 1) : value[i];
    return copy;
  }
  // A spread defines each property: an own "__proto__" (JSON.parse makes them) stays a property
  // (an unknown option), where assigning it would set the copy's prototype (read as options).
  const copy: Record<string, unknown> = { ...value };
  // A tensor of another copy of the library (simdpool/core's given to simdpool, say) holds its
  // data in a getter, which a spread skips: read it too, once, non-enumerable as the getter is
  // (messages describe the copy, and signatures list its own keys, as before).
  if (!('data' in copy) && 'data' in value) defineHidden(copy, 'data', (value as { data: unknown }).data);
  // (Its own keys only: for-in would also visit enumerable keys inherited from Object.prototype.)
  if (depth > 0) for (const key of Object.keys(copy)) copy[key] = ownCopy(copy[key], depth - 1);
  return copy;
}

/** An option bag as a call reads it: its own enumerable properties, their arrays and objects copied. */
export function optionsCopy(opts: unknown): unknown {
  return Array.isArray(opts) ? opts : ownCopy(opts, 1);
}
