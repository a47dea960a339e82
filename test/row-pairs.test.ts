// 3 / stride 2 planar max pooling (case B's windows) folds each input row once per group of four
// outputs and shares the fold of the row that two output rows read (rows.ts
// rowPairGroupsStride2), and with one padded column masks only the left border group's first
// tap (padOneGroup). Folding each row in column order and then the rows in order keeps
// PyTorch's first maximum in scan order: signed zeros tell it apart from any other order.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { maxPool2dRef } from './reference/pool2d';
import { tieProneValue } from './support/values';
import { expectSameFloats, getEngine } from './support/engine';

const SHAPES = [[9, 9], [10, 16], [11, 17], [12, 22], [13, 28], [20, 33]];
const WINDOWS = [
  { kernelSize: 3, stride: 2 },
  { kernelSize: 3, stride: [4, 2] as [number, number], dilation: [2, 1] as [number, number] },
];

describe('3 / stride 2 planar max pooling in row pairs', () => {
  it('signed zeros: the first largest value in scan order wins', async () => {
    const sp = await getEngine();
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (const [h, w] of SHAPES) {
      for (let trial = 0; trial < 20; trial++) {
        const data = Float32Array.from({ length: 3 * h * w }, () => [0, -0, -1][Math.floor(next() * 3)]);
        const x = { data, shape: [1, 3, h, w], layout: 'NCHW' as const };
        for (const window of WINDOWS) {
          for (const padding of [0, 1]) {
            const opts = { ...window, padding };
            expectSameFloats(sp.maxPool2d(x, opts).data, maxPool2dRef(x, opts).output.data, `${h}x${w}, trial ${trial}, ${JSON.stringify(opts)}`);
          }
        }
      }
    }
  });

  it('equals the reference on random planes (ties, signed zeros, NaN, infinities)', async () => {
    const sp = await getEngine();
    const planes = fc
      .record({ c: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 5, max: 24 }), w: fc.integer({ min: 8, max: 40 }) })
      .chain(({ c, h, w }) => fc.array(tieProneValue, { minLength: c * h * w, maxLength: c * h * w }).map((v) => ({ data: Float32Array.from(v), shape: [1, c, h, w], layout: 'NCHW' as const })));
    const window = fc.record({
      rowStride: fc.constantFrom(2, 4),
      rowDilation: fc.constantFrom(1, 2),
      padding: fc.constantFrom(0, 1, [1, 0] as [number, number], [0, 1] as [number, number]),
    });
    fc.assert(
      fc.property(planes, window, (x, { rowStride, rowDilation, padding }) => {
        const opts = { kernelSize: 3, stride: [rowStride, 2] as [number, number], dilation: [rowDilation, 1] as [number, number], padding };
        expectSameFloats(sp.maxPool2d(x, opts).data, maxPool2dRef(x, opts).output.data, JSON.stringify(opts));
      }),
      { numRuns: 300 },
    );
  });
});
