// How the torch differential campaign (torch-differential.mjs) compares simdpool's values with
// torch's: bit for bit, and, where they differ, whether every difference is within one ulp (or a
// few units of 2^-149 on subnormal results), which a known departure may excuse.

/** Equal floats (any NaN equals any NaN; the sign of zero counts), or within `tol` (Lp pooling). */
export function sameBits(a, b, tol) {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (tol) return a === b || Math.abs(a - b) <= 1e-6 + 1e-5 * Math.abs(b);
  return a === b && (a !== 0 || Object.is(a, b));
}

const SUBNORMAL = 2 ** -126, ULP0 = 2 ** -149;
const F32 = new Float32Array(1), I32 = new Int32Array(F32.buffer);
/** A float32's place in the order of all float32 values (-0 and +0 both 0): adjacent floats differ by 1. */
export function floatOrder(x) {
  F32[0] = x;
  return I32[0] < 0 ? -0x80000000 - I32[0] : I32[0];
}
/**
 * null when `got` equals torch's `want` value for value; else a line naming the first difference,
 * starting "subnormal " or "ulp " when every difference is that small.
 */
export function compare(got, want, tol, what) {
  if (got.length !== want.length) return `${what}: ${got.length} values, torch ${want.length}`;
  let first = -1, count = 0, subnormalUlps = 0, oneUlp = 0;
  for (let i = 0; i < want.length; i++)
    if (!sameBits(got[i], want[i], tol)) {
      count++;
      if (first < 0) first = i;
      const subnormal = Math.abs(want[i]) < SUBNORMAL && Math.abs(got[i] - want[i]) <= 4 * ULP0;
      if (subnormal) subnormalUlps++;
      if (subnormal || (Number.isFinite(got[i]) && Number.isFinite(want[i]) && Math.abs(floatOrder(got[i]) - floatOrder(want[i])) <= 1)) oneUlp++;
    }
  if (!count) return null;
  const show = (v) => (Object.is(v, -0) ? '-0' : String(v));
  // subnormal results a few units of 2^-149 (or a zero's sign) off torch's, or every differing
  // result within one ulp of torch's: marked for knownDeparture
  const mark = subnormalUlps === count ? 'subnormal ' : oneUlp === count ? 'ulp ' : '';
  return `${mark}${what}: ${count}/${want.length} differ, first at ${first}: got ${show(got[first])}, torch ${show(want[first])}`;
}

