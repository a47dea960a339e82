// 2x2 stride-2 planar averages whose windows all share one divisor, a power of two, multiply by
// its reciprocal instead of dividing (rows.ts reciprocalOfAll: flatPlane's walk, and rowGroups for
// output rows that are not whole groups of four, the width 10 below): x * 2^-k and x / 2^k
// round the same real number, so the bits must be the reference's (PyTorch's sum, then divide),
// subnormal results, signed zeros, NaN and infinities included. Other divisors (ceil mode's short
// last windows, a divisorOverride that is no power of two, or negative) keep the division.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { avgPool2dRef } from './reference/pool2d';
import { tieProneValue } from './support/values';
import { expectSameFloats, getEngine } from './support/engine';

/** Output widths of whole groups of four (the walk), a ragged one, and odd input widths. */
const WIDTHS = [8, 9, 16, 17, 24, 10, 56];

const value = fc.oneof(
  { weight: 3, arbitrary: tieProneValue },
  // (sums that stay subnormal after the divide: rounding there is where a multiply could differ)
  { weight: 2, arbitrary: fc.float({ noNaN: true, min: Math.fround(-1e-37), max: Math.fround(1e-37) }) },
  { weight: 1, arbitrary: fc.constantFrom(3.4e38, -3.4e38, 1.4e-45, -1.4e-45, 2.9e-39) },
);

const input = fc
  .record({ c: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 2, max: 7 }), w: fc.constantFrom(...WIDTHS) })
  .chain(({ c, h, w }) =>
    fc.array(value, { minLength: c * h * w, maxLength: c * h * w }).map((v) => ({ data: Float32Array.from(v), shape: [1, c, h, w], layout: 'NCHW' as const })),
  );

const options = fc.constantFrom(
  {},
  { ceilMode: true },
  { divisorOverride: 1 },
  { divisorOverride: 2 },
  { divisorOverride: 8 },
  { divisorOverride: 1024 },
  { divisorOverride: 3 },
  { divisorOverride: 6 },
  { divisorOverride: -4 },
);

describe('2x2 stride-2 averages by a reciprocal', () => {
  it('equal the reference bit for bit, whichever the divisor', async () => {
    const sp = await getEngine();
    fc.assert(
      fc.property(input, options, (x, divisor) => {
        const opts = { kernelSize: 2, stride: 2, ...divisor };
        expectSameFloats(sp.avgPool2d(x, opts).data, avgPool2dRef(x, opts).data, JSON.stringify([x.shape, divisor]));
      }),
      { numRuns: 400 },
    );
  });

  it('equal the reference on many planes (the streamed and resident walks)', async () => {
    const sp = await getEngine();
    const data = Float32Array.from({ length: 40 * 16 * 24 }, (_, i) => (i % 7 === 0 ? 1e-38 * ((i % 5) - 2) : Math.sin(i) * 3));
    const x = { data, shape: [1, 40, 16, 24], layout: 'NCHW' as const };
    // (and a plain plane of 4 MiB, which streams in ranges of rows, each range's divisors checked)
    const big = { data: Float32Array.from({ length: 1024 * 1024 }, (_, i) => (i % 11 === 0 ? 3e-39 : Math.cos(i))), shape: [1, 1, 1024, 1024], layout: 'NCHW' as const };
    expectSameFloats(sp.avgPool2d(big, { kernelSize: 2, stride: 2 }).data, avgPool2dRef(big, { kernelSize: 2, stride: 2 }).data, 'streamed rows');
    for (const divisor of [{}, { divisorOverride: 16 }, { divisorOverride: 5 }]) {
      const opts = { kernelSize: 2, stride: 2, ...divisor };
      const expected = avgPool2dRef(x, opts).data;
      expectSameFloats(sp.avgPool2d(x, opts).data, expected, JSON.stringify(divisor));
      const t = sp.fromArray(data, x.shape, 'NCHW');
      expectSameFloats(sp.avgPool2d(t, opts).data, expected, `resident ${JSON.stringify(divisor)}`);
      t.dispose();
    }
  });
});
