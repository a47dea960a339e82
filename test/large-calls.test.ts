// Calls whose input passes 8 MiB (resident: plain inputs this large are streamed through wasm
// memory in smaller calls, src/ops/stream.ts) read their input rows one row a pass where the
// kernels for calls that fit in the caches read several a group at a time (rows.ts
// pastCaches): unpadded 2x2 / stride 2 max and averages (flatPlane) and 3 / stride 2 max in
// row pairs (streamedPairStride2). The same folds in the same order, so the same bits, and a NaN
// in any tap still wins its window.
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

type Op = 'maxPool2d' | 'avgPool2d';
// More than 2^21 floats; odd widths leave a column unread (2x2) or take a ragged last group.
const CASES: Array<[string, number[], Op[], Record<string, unknown>]> = [
  ['2x2', [1, 130, 128, 128], ['maxPool2d', 'avgPool2d'], { kernelSize: 2 }],
  ['2x2, odd width', [1, 128, 130, 129], ['maxPool2d', 'avgPool2d'], { kernelSize: 2 }],
  ['3 / stride 2 / padding 1', [2, 84, 112, 112], ['maxPool2d'], { kernelSize: 3, stride: 2, padding: 1 }],
  ['3 / stride 2, ceil mode, odd sizes', [1, 130, 129, 127], ['maxPool2d'], { kernelSize: 3, stride: 2, ceilMode: true }],
];

describe('planar pooling of inputs over 8 MiB (one input row a pass)', () => {
  it.each(CASES)('%s: %j equals the same planes pooled in calls that fit in the caches, and the reference', async (_name, shape, ops, opts) => {
    const sp = await getEngine();
    const [n, c, h, w] = shape;
    const planes = n * c, plane = h * w;
    expect(planes * plane).toBeGreaterThan(2 ** 21);
    const data = values(planes * plane, c + w);
    // A NaN in its own plane at each of a window's rows (0 to 7: every row of a 3-row pair's
    // five) and at even and odd columns, the border columns and the last column too (a row's
    // last tap, which the last group's watch adds on its own).
    const nanPlanes = [3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27];
    nanPlanes.forEach((p, i) => (data[p * plane + (i % 8) * w + (i < 8 ? (5 * i) % 13 : w - 1 - (w & 1))] = NaN));
    const x = { data, shape, layout: 'NCHW' as const };
    const resident = sp.fromArray(data, shape, 'NCHW');
    for (const op of ops) {
      const result = sp[op](resident, opts);
      const whole = result.data.slice();
      result.dispose();
      // 16 planes a call: at most 1 MiB, the loops for inputs in cache
      const outPlane = whole.length / planes;
      for (let p0 = 0; p0 < planes; p0 += 16) {
        const k = Math.min(16, planes - p0);
        const part = sp[op]({ data: data.subarray(p0 * plane, (p0 + k) * plane), shape: [1, k, h, w] }, opts).data;
        expectSameFloats(whole.subarray(p0 * outPlane, (p0 + k) * outPlane), part, `${op} planes ${p0}-${p0 + k - 1}`);
      }
      if (op === 'maxPool2d') {
        expectSameFloats(whole, maxPool2dRef(x, opts).output.data, 'max against the reference');
        for (const p of nanPlanes) expect(whole.subarray(p * outPlane, (p + 1) * outPlane).some(Number.isNaN), `plane ${p}'s NaN`).toBe(true);
      }
    }
    resident.dispose();
  });
});
