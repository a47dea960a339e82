// Input values for property tests of max pooling's order rules: small integers (ties), floats,
// and the special values (signed zeros, NaN, infinities) that tell fold orders apart.
import fc from 'fast-check';

export const tieProneValue = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 3 }) },
  { weight: 3, arbitrary: fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e3, max: 1e3 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, NaN, Infinity, -Infinity) },
);
