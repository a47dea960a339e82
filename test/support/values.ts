// Input values for property tests of max pooling's order rules: small integers (ties), floats,
// and the special values (signed zeros, NaN, infinities) that tell fold orders apart.
import fc from 'fast-check';

export const tieProneValue = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 3 }) },
  { weight: 3, arbitrary: fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e3, max: 1e3 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, NaN, Infinity, -Infinity) },
);

/**
 * A deterministic input of `shape` (for comparing engines, not for property runs): values of two
 * decimals in [-10, 10), a share `nanShare` of NaN and 3% of -0, from `seed`.
 */
export function seededInput(shape: number[], layout: string, seed = 1, nanShare = 0.05) {
  let s = seed;
  const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const u = s / 2 ** 32;
    return u < nanShare ? NaN : u < nanShare + 0.03 ? -0 : Math.round((u - 0.5) * 2000) / 100;
  });
  return { data, shape, layout };
}
