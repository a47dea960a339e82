// One NaN at every input position, for the planar kernels' specialised windows (2/2, 3/2, 3/1,
// over 1 to 4 input rows, with and without padding) and row widths that give whole, ragged and single interior runs.
// Their interior runs watch for NaN with a sum of each group's taps that the next group does
// not load again, plus the rest of the last group's: a tap left out of that watch shows here
// as a NaN that max drops. Random property tests rarely place a lone NaN on such a tap.
import { describe, expect, it } from 'vitest';
import { maxPool2dRef } from './reference/pool2d';
import { expectSameFloats, getEngine } from './support/engine';

const WINDOWS = [
  { kernelSize: 2, stride: 2 },
  { kernelSize: 3, stride: 2 },
  { kernelSize: 3, stride: 1 },
  // windows of 1 and 4 rows: interior runs and masked border groups that loop over input rows
  { kernelSize: [2, 3] as [number, number], stride: 1 },
  { kernelSize: [4, 2] as [number, number], stride: [1, 2] as [number, number] },
];
const WIDTHS = [9, 13, 16, 17, 19, 22, 28, 33];
const HEIGHT = 5;

describe('a lone NaN anywhere reaches the max pooling output', () => {
  for (const window of WINDOWS) {
    for (const padding of [0, 1]) {
      it(`kernel ${window.kernelSize}, stride ${window.stride}, padding ${padding}`, async () => {
        const sp = await getEngine();
        let placements = 0;
        let reaching = 0;
        for (const w of WIDTHS) {
          const values = Float32Array.from({ length: HEIGHT * w }, (_, i) => Math.sin(i * 1.7));
          for (let at = 0; at < values.length; at++) {
            const data = values.slice();
            data[at] = NaN;
            const x = { data, shape: [1, HEIGHT, w], layout: 'NCHW' as const };
            const opts = { ...window, padding };
            const want = maxPool2dRef(x, opts).output.data;
            expectSameFloats(sp.maxPool2d(x, opts).data, want, `width ${w}, NaN at ${at}`);
            placements++;
            if (want.some(Number.isNaN)) reaching++;
          }
        }
        // all but the odd last row or column of a 2/2 window lie in some window
        expect(reaching).toBeGreaterThan(placements * 0.7);
      });
    }
  }
});
