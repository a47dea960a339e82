// Output checks against the reference output of the same run (simdpool's).
// max / global max: bit-exact (NaN == NaN, -0 == +0 accepted).
// avg: |a - b| <= 1e-5 * max(|a|, |b|) + 1e-6  (relative 1e-5; the small absolute
//      floor keeps averages that cancel to ~0 from failing on float rounding).
export const AVG_REL = 1e-5;
export const AVG_ABS = 1e-6;

export function compare(out, ref, op) {
  if (!out) return { status: 'n/a' };
  if (out.length !== ref.length) {
    return { status: 'MISMATCH', detail: `length ${out.length} != ${ref.length}`, mismatches: Math.max(out.length, ref.length) };
  }
  const exact = op === 'max' || op === 'gmax';
  let mismatches = 0;
  let first = -1;
  let maxAbs = 0;
  let maxRel = 0;
  for (let i = 0; i < ref.length; i++) {
    const a = out[i];
    const b = ref[i];
    if (a !== a || b !== b) {
      if ((a !== a) !== (b !== b)) {
        mismatches++;
        if (first < 0) first = i;
      }
      continue;
    }
    const d = Math.abs(a - b);
    if (d > maxAbs) maxAbs = d;
    const scale = Math.max(Math.abs(a), Math.abs(b));
    if (scale > 0 && d / scale > maxRel) maxRel = d / scale;
    const bad = exact ? a !== b : d > AVG_REL * scale + AVG_ABS;
    if (bad) {
      mismatches++;
      if (first < 0) first = i;
    }
  }
  const res = { status: mismatches ? 'MISMATCH' : 'ok', mismatches, maxAbs, maxRel };
  if (first >= 0) res.detail = `${mismatches}/${ref.length} differ, first at ${first}: ${out[first]} vs ${ref[first]}`;
  return res;
}
