// Ranges of output rows (src/ops/plane-range.ts rowRange) that start after row 0 — end-to-end
// calls streaming a plane larger than a chunk (src/ops/stream.ts), simdpool/parallel splitting a
// call by rows (src/parallel/split.ts) — when the window's column part is 2 wide, stride 2 (the
// twoRowPlanes kernel) and its other dims read one input row (kernel [1, 2], [1, 1, 2]) or two.
// A range's rowStarts start at rowStarts[r0], not 0: a range of one row at r0 = 1 of 1-row
// windows (rowStarts[1..2] = 1, 2) once passed twoRowPlanes' "every row reads two" test, which
// then read the plan's first input rows (before the streamed chunk: wrong values, or a trap).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Engine } from '../dist/node/index.js';
import { initParallel, type ParallelEngine } from '../dist/parallel.js';

let sp: Engine;
let pp: ParallelEngine;
beforeAll(async () => {
  sp = await init();
  pp = await initParallel({ threads: 2, inlineBelow: 0 });
});
afterAll(async () => {
  await pp?.close();
});

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
/** Row h of every plane holds `rowValue(h)` plus a little noise, NaNs sprinkled in when asked. */
function rowsTensor(shape: number[], layout: string, nans: boolean): { data: Float32Array; shape: number[]; layout: string } {
  const w = shape[shape.length - 1], h = shape[shape.length - 2];
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: n }, (_, i) => {
    const row = Math.floor(i / w) % h;
    if (nans && i % 977 === 5) return NaN;
    return (row === 0 ? 100 : row) + ((i * 7919) % 13) / 16;
  });
  return { data, shape, layout };
}

const cases: [string, number[], string, Record<string, unknown>][] = [
  ['maxPool2d', [1, 2, 8, 12000], 'NCHW', { kernelSize: [1, 2], stride: 2 }],
  ['avgPool2d', [1, 2, 8, 12000], 'NCHW', { kernelSize: [1, 2], stride: 2 }],
  ['avgPool2d', [1, 2, 6, 12002], 'NCHW', { kernelSize: [1, 2], stride: [1, 2], countIncludePad: false }],
  ['maxPool2d', [2, 8, 12000, 1], 'NHWC', { kernelSize: [1, 2], stride: 2 }], // (one channel: a planar plan)
  ['maxPool3d', [1, 1, 3, 4, 12000], 'NCDHW', { kernelSize: [1, 1, 2], stride: [1, 2, 2] }],
  ['maxPool2d', [1, 2, 12, 12000], 'NCHW', { kernelSize: 2, stride: 2 }],
  ['avgPool2d', [1, 2, 12, 12002], 'NCHW', { kernelSize: 2, stride: 2 }],
];

describe('ranges of rows after the first, 2-wide stride-2 windows', () => {
  it.each(cases)('%s %j %s %j: streamed plain input = resident input', (op, shape, layout, options) => {
    for (const nans of [false, true]) {
      const x = rowsTensor(shape, layout, nans);
      const call = (input: unknown) => (sp as unknown as Record<string, (x: unknown, o: unknown) => { data: Float32Array; dispose?(): void }>)[op](input, options);
      const t = sp.fromArray(x.data, shape, layout as never);
      const resident = call(t);
      const expected = bits(resident.data);
      resident.dispose!();
      t.dispose();
      expect(bits(call(x).data)).toEqual(expected);
    }
  });

  it('simdpool/parallel: a row split of [1, 2] windows', async () => {
    const shape = [1, 1, 4, 40000];
    const x = rowsTensor(shape, 'NCHW', false);
    for (const op of ['maxPool2d', 'avgPool2d'] as const) {
      const expected = bits(sp[op](x, { kernelSize: [1, 2], stride: 2 }).data);
      expect(bits((await pp[op](x, { kernelSize: [1, 2], stride: 2 })).data)).toEqual(expected);
    }
  });
});
