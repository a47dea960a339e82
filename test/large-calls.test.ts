// Calls whose input passes 8 MiB (resident: plain inputs this large are streamed through wasm
// memory in smaller calls, src/ops/stream.ts) run unpadded 2x2 / stride-2 planar pooling row by row, one
// input row a pass (rows.ts flatPlane, `streaming`): the same folds in the same order as the
// calls that fit in the caches, so the same bits, and a NaN in any tap still wins its window.
import { describe, expect, it } from 'vitest';
import { maxPool2dRef } from './reference/pool2d';
import { expectSameFloats, getEngine } from './support/engine';

/** Values with ties of signed zeros and equal values, from a seed. */
function values(n: number, seed: number): Float32Array {
  const pick = [-1, -0, 0, 0.5, 2, -3, 7.25, 0];
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 20) % 3 === 0 ? pick[(s >>> 8) & 7] : ((s >>> 8) & 0xffff) / 4096 - 8;
  });
}

// Planes of 128 rows of 128 or 129 columns (odd: the last column unread), more than 2^21 floats.
const SHAPES = [[1, 130, 128, 128], [1, 128, 130, 129]];

describe('unpadded 2x2 / stride 2 planar pooling of inputs over 8 MiB (two passes a row)', () => {
  it.each(SHAPES)('max and average of %i x %i x %i x %i equal the same planes pooled in calls that fit in the caches', async (...shape) => {
    const sp = await getEngine();
    const [, c, h, w] = shape;
    expect(c * h * w).toBeGreaterThan(2 ** 21);
    const data = values(c * h * w, c + w);
    // A NaN in each tap of a window in its own plane: the first row's even (the fold's first
    // operand) and odd columns, the second row's even and odd.
    const plane = h * w;
    data[3 * plane + 0 * w + 4] = NaN;
    data[5 * plane + 0 * w + 7] = NaN;
    data[7 * plane + 1 * w + 10] = NaN;
    data[9 * plane + 3 * w + 13] = NaN;
    const x = { data, shape, layout: 'NCHW' as const };
    // (resident: a plain input this large is streamed through wasm memory in smaller calls)
    const resident = sp.fromArray(data, shape, 'NCHW');
    for (const op of ['maxPool2d', 'avgPool2d'] as const) {
      const result = sp[op](resident, { kernelSize: 2 });
      const whole = result.data.slice();
      result.dispose();
      // 16 planes a call: 1 MiB, the in-cache loop
      const outPlane = (h >> 1) * (w >> 1);
      for (let p0 = 0; p0 < c; p0 += 16) {
        const n = Math.min(16, c - p0);
        const part = sp[op]({ data: data.subarray(p0 * plane, (p0 + n) * plane), shape: [1, n, h, w] }, { kernelSize: 2 }).data;
        expectSameFloats(whole.subarray(p0 * outPlane, (p0 + n) * outPlane), part, `${op} planes ${p0}-${p0 + n - 1}`);
      }
      if (op === 'maxPool2d') {
        expectSameFloats(whole, maxPool2dRef(x, { kernelSize: 2 }).output.data, 'max against the reference');
        for (const p of [3, 5, 7, 9]) expect(whole.subarray(p * outPlane, (p + 1) * outPlane).some(Number.isNaN), `plane ${p}'s NaN`).toBe(true);
      }
    }
    resident.dispose();
  });
});
