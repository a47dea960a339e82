// Row-carrying kernels against the plain-JavaScript references.
// Channels-last max pooling of windows 2 or 3 wide at column stride 1 or 2 runs row by row
// (assembly/channels.ts maxRowInterior): each pass over a window's input rows folds into the
// output row, and a pass may also seed the next output row with its rows' maxima when that row's
// window starts on them. Which rows are seeded depends on the window's height, the row stride
// and the padding together, and the fixed-window tests draw few of those. Here they are drawn
// freely (row strides 1-5, heights from one under the stride to three over, every padding side
// 0-3, eight or more channels and fewer), against the plain-JavaScript reference. A row skipped
// or folded twice shows; one skipped went unnoticed for windows as high as their row stride plus
// two (4 / stride 2). The same draws in NCHW go through the planar row kernels, whose output rows
// share input rows in pairs (assembly/rows.ts rowPlanes) by the same kind of test.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { avgPool2dRef, maxPool2dRef } from './reference/pool2d';
import { avgPoolRef, maxPoolRef, type T } from './reference/poolnd';
import { inCallLayout } from './support/operator-cases';
import { expectCloseFloats, expectSameFloats, getEngine } from './support/engine';

const value = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -4, max: 4 }) },
  { weight: 3, arbitrary: fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e3, max: 1e3 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, NaN, Infinity, -Infinity) },
);

const windowCase = fc
  .record({
    // window heights near the row stride (from one row under it to three over): the heights where
    // consecutive windows share rows, and by how many
    sh: fc.integer({ min: 1, max: 5 }),
    over: fc.integer({ min: -1, max: 3 }),
    kw: fc.constantFrom(2, 3),
    sw: fc.constantFrom(1, 2),
    top: fc.nat(3),
    bottom: fc.nat(3),
    left: fc.nat(1),
    right: fc.nat(1),
    h: fc.integer({ min: 1, max: 14 }),
    w: fc.integer({ min: 4, max: 12 }),
    c: fc.oneof(fc.integer({ min: 8, max: 20 }), fc.integer({ min: 3, max: 7 })),
    ignoreNaN: fc.boolean(),
    planar: fc.boolean(),
  })
  .map(({ over, ...r }) => ({ ...r, kh: Math.max(1, r.sh + over) }))
  // PyTorch's padding limit (at most half the window), and a window that fits the padded input
  .filter((r) => 2 * Math.max(r.top, r.bottom) <= r.kh && 2 * Math.max(r.left, r.right) <= r.kw && r.h + r.top + r.bottom >= r.kh)
  .chain((r) => fc.array(value, { minLength: r.h * r.w * r.c, maxLength: r.h * r.w * r.c }).map((values) => ({ ...r, values })));

describe('row-wise max pooling (channels-last passes, planar row pairs): any window height, row stride and padding', () => {
  it('equals the reference (both NaN rules)', async () => {
    const sp = await getEngine();
    fc.assert(
      fc.property(windowCase, (r) => {
        // nanMode 'ignore' skips NaNs, which the reference (PyTorch's rule) does not: NaN-free data there
        const data = Float32Array.from(r.values, (v) => (r.ignoreNaN && Number.isNaN(v) ? 0.5 : v));
        const x = r.planar ? { data, shape: [1, r.c, r.h, r.w], layout: 'NCHW' as const } : { data, shape: [1, r.h, r.w, r.c], layout: 'NHWC' as const };
        const window = { kernelSize: [r.kh, r.kw] as [number, number], stride: [r.sh, r.sw] as [number, number] };
        const padding = { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
        const want = maxPool2dRef(x, { ...window, padding }).output.data;
        const got = sp.maxPool2d(x, { ...window, padding, ...(r.ignoreNaN ? { nanMode: 'ignore' as const } : {}) }).data;
        expectSameFloats(got, want, JSON.stringify({ ...window, padding, h: r.h, w: r.w, c: r.c, ignoreNaN: r.ignoreNaN, layout: x.layout }));
      }),
      { numRuns: 800 },
    );
  });

  it('equals the reference over every row stride 1-4 and height around it, in both layouts (max and average)', async () => {
    // The draws above meet a given height, stride and top padding only now and then; this walks them.
    const sp = await getEngine();
    for (const planar of [false, true]) {
      for (let sh = 1; sh <= 4; sh++) {
        for (let kh = Math.max(1, sh - 1); kh <= sh + 3; kh++) {
          for (let top = 0; 2 * top <= kh && top <= 3; top++) {
            // (3 wide at stride 3 or 4: the planar one-block-a-row loop, rows.ts interiorRun)
            for (const [kw, sw] of [[3, 1], [2, 1], [3, 2], [2, 2], [3, 3], [3, 4]]) {
              for (const c of [8, 5]) {
                for (let h = Math.max(1, kh - 2 * top); h <= kh + 6; h++) {
                  // (wide enough for a run of four interior outputs)
                  const w = kw + 4 * sw + 1;
                  const data = Float32Array.from({ length: h * w * c }, (_, i) => Math.sin(i * 2.3 + kh) * 10);
                  const x = planar ? { data, shape: [1, c, h, w], layout: 'NCHW' as const } : { data, shape: [1, h, w, c], layout: 'NHWC' as const };
                  const opts = { kernelSize: [kh, kw] as [number, number], stride: [sh, sw] as [number, number], padding: { top, bottom: top, left: 1, right: 0 } };
                  const what = JSON.stringify({ ...opts, h, c, layout: x.layout });
                  expectSameFloats(sp.maxPool2d(x, opts).data, maxPool2dRef(x, opts).output.data, what);
                  // averages' row passes too (channels.ts avgRowInterior; planar row pairs)
                  const avg = { ...opts, countIncludePad: h % 2 === 0 };
                  expectCloseFloats(sp.avgPool2d(x, avg).data, avgPool2dRef(x, avg).data, `avg ${what}`);
                }
              }
            }
          }
        }
      }
    }
  });

  it('3D: rows of depth slices one after another (not evenly spaced), in both layouts', async () => {
    // The kernels flatten depth and height into one list of rows per output row, so a window's
    // rows jump from one depth slice to the next: a test of "the next window's second row is our
    // last" says nothing about its first there (channels.ts maxRowInterior seeded the next row
    // with two rows, one of them outside its window, for 2x2x3 windows at stride 1 over a height
    // of 2 with 'same' padding). Float32 max and average, int8 max.
    const sp = await getEngine();
    for (const last of [true, false]) {
      for (const [kd, sd] of [[1, 1], [2, 1], [3, 1], [2, 2]]) {
        for (const [kh, sh] of [[1, 1], [2, 1], [3, 1], [2, 2], [3, 2], [4, 2]]) {
          for (const [kw, sw] of [[3, 1], [3, 2], [2, 2]]) {
            // (explicit sides within PyTorch's limit, half the window: no window wholly in padding)
            const sides = { front: 0, back: kd >= 2 ? 1 : 0, top: 0, bottom: kh >= 2 ? 1 : 0, left: 1, right: 0 };
            for (const padding of ['same', 'valid', sides] as const) {
              for (const h of [1, 2, 3, 5]) {
                const shape = [1, 9, 4, h, kw + 4 * sw + 1];
                // (+ 0: no -0, which int8 cannot hold)
                const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.round(Math.sin(i * 2.3 + kh) * 100) + 0);
                const first = { data, shape };
                const x = inCallLayout(first, 3, last);
                const opts = { kernelSize: [kd, kh, kw], stride: [sd, sh, sw], padding };
                let want: T;
                try {
                  want = maxPoolRef(3, first, opts).output;
                } catch {
                  continue; // (an output of no windows along some axis: torch raises, and so does simdpool)
                }
                const wantLast = (t: T) => inCallLayout(t, 3, last).data;
                const what = JSON.stringify({ ...opts, h, layout: x.layout });
                expectSameFloats(sp.maxPool3d(x as never, opts).data, wantLast(want), what);
                const bytes = { ...x, data: Int8Array.from(x.data) };
                expectSameFloats(Float32Array.from(sp.maxPool3d(bytes as never, opts).data as Int8Array), wantLast(want), `int8 ${what}`);
                expectCloseFloats(sp.avgPool3d(x as never, opts).data, wantLast(avgPoolRef(3, first, opts)), `avg ${what}`);
              }
            }
          }
        }
      }
    }
  });
});
