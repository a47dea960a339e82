// Reading a caller's objects once. Validation checks a copy of what it reads, and the call then
// uses that same copy: a getter, a Proxy or a caller changing its object mid-call cannot make the
// values checked (or the call's cached signature, ./signature.ts) differ from the values used.

/**
 * A caller's value as a call reads it, each part once: an array element by element, a plain
 * object (any object with `anyClass`: an option bag) by its own enumerable properties, what
 * `{ ...value }` takes; `depth` levels of arrays and plain objects inside copied the same way;
 * anything else (a tensor, a typed array) as it is. Arrays longer than any shape or size list
 * are left as they are: validation rejects them by their length.
 */
export function ownCopy(value: unknown, depth = 0, anyClass = false): unknown {
  if (typeof value !== 'object' || value === null) return value;
  let copy: Record<string, unknown>;
  if (Array.isArray(value)) {
    if (value.length > 64) return value;
    copy = new Array(value.length) as never;
  } else {
    const proto = Object.getPrototypeOf(value);
    if (!anyClass && proto !== Object.prototype && proto !== null) return value;
    copy = {};
  }
  for (const key of Object.keys(value)) copy[key] = depth > 0 ? ownCopy((value as Record<string, unknown>)[key], depth - 1) : (value as Record<string, unknown>)[key];
  return copy;
}

/** An option bag as a call reads it: its own enumerable properties, their arrays and plain objects copied. */
export function optionsCopy(opts: unknown): unknown {
  return Array.isArray(opts) ? opts : ownCopy(opts, 1, true);
}
