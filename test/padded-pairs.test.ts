// 3x3 stride-1 planar pooling with one padded column each side (case E's windows, Inception's
// max pooling) runs two output rows a pass with no masked border groups: the first and last
// group of each row shuffle the neutral value in for column -1 or column W (rows.ts
// paddedPairBorders). The borders must sum and fold exactly as PyTorch, and a NaN in a border
// column must still reach max pooling's NaN watch: values here put signed zeros, NaN and
// infinities anywhere, the borders included.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { avgPool2dRef, maxPool2dRef } from './reference/pool2d';
import { tieProneValue } from './support/values';
import { expectSameFloats, getEngine } from './support/engine';

/** Widths from the narrowest that takes the pairs (8) through ragged runs to E's 28. */
const WIDTHS = [8, 9, 10, 11, 12, 13, 16, 17, 28];

const plane = (c: number, h: number, w: number) =>
  fc.array(tieProneValue, { minLength: c * h * w, maxLength: c * h * w }).map((v) => ({ data: Float32Array.from(v), shape: [1, c, h, w], layout: 'NCHW' as const }));

const planes = fc
  .record({ c: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 3, max: 9 }), w: fc.constantFrom(...WIDTHS) })
  .chain(({ c, h, w }) => plane(c, h, w));

describe('3x3 stride-1 pooling with one padded column, in row pairs', () => {
  it('max: signed zeros, NaN and infinities in border columns', async () => {
    const sp = await getEngine();
    const opts = { kernelSize: 3, stride: 1, padding: 1 };
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (const w of WIDTHS) {
      for (let trial = 0; trial < 24; trial++) {
        const h = 4 + (trial % 5);
        const data = Float32Array.from({ length: 2 * h * w }, () => [0, -0, -1][Math.floor(next() * 3)]);
        // one special value in column 0 or W-1 of one row: the border groups' own taps
        const special = [NaN, Infinity, -Infinity, 2][trial % 4];
        data[Math.floor(next() * 2 * h) * w + (Math.floor(trial / 4) % 2 ? w - 1 : 0)] = special;
        const x = { data, shape: [1, 2, h, w], layout: 'NCHW' as const };
        expectSameFloats(sp.maxPool2d(x, opts).data, maxPool2dRef(x, opts).output.data, `${h}x${w}, trial ${trial}`);
      }
    }
  });

  it('max equals the reference on random planes', async () => {
    const sp = await getEngine();
    fc.assert(
      fc.property(planes, (x) => {
        const opts = { kernelSize: 3, stride: 1, padding: 1 };
        expectSameFloats(sp.maxPool2d(x, opts).data, maxPool2dRef(x, opts).output.data, JSON.stringify(x.shape));
      }),
      { numRuns: 200 },
    );
  });

  it("max with nanMode 'ignore' equals the reference on planes without NaN", async () => {
    const sp = await getEngine();
    const noNaN = planes.map((x) => ({ ...x, data: x.data.map((v) => (Number.isNaN(v) ? -0 : v)) }));
    fc.assert(
      fc.property(noNaN, (x) => {
        const opts = { kernelSize: 3, stride: 1, padding: 1 };
        expectSameFloats(sp.maxPool2d(x, { ...opts, nanMode: 'ignore' }).data, maxPool2dRef(x, opts).output.data, JSON.stringify(x.shape));
      }),
      { numRuns: 100 },
    );
  });

  it('averages sum in PyTorch order, bit for bit, with every divisor rule', async () => {
    const sp = await getEngine();
    const divisors = fc.constantFrom({ countIncludePad: false }, { countIncludePad: true }, { divisorOverride: 5 });
    fc.assert(
      fc.property(planes, divisors, (x, divisor) => {
        const opts = { kernelSize: 3, stride: 1, padding: 1, ...divisor };
        expectSameFloats(sp.avgPool2d(x, opts).data, avgPool2dRef(x, opts).data, JSON.stringify([x.shape, divisor]));
      }),
      { numRuns: 200 },
    );
  });
});
