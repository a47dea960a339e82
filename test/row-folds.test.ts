// Planar max pooling over windows at column stride 1 and 4 to 16 wide (YOLO's SPPF, 5x5 / stride
// 1 / padding 2) folds each input row's windows once into scratch (assembly/row-folds.ts,
// src/ops/row-folds.ts) and every output row folds its window rows' folds. Folding each row in
// column order and then the rows in order keeps PyTorch's first maximum in scan order: signed
// zeros tell it apart from any other order. Both NaN rules, padding (rows and columns, 'same',
// explicit sides), ceil mode, row strides and dilations, 1D, 2D and 3D; simdpool/core runs its
// general kernel on the same cases.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { maxPoolRef, type Layout } from './reference/poolnd';
import { tieProneValue } from './support/values';
import { expectSameFloats, getEngine, target } from './support/engine';

type Pooling = (x: unknown, o: unknown) => { data: Float32Array };

const full = target().bundle !== 'core';
const LAYOUTS: Record<number, Layout> = { 1: 'NCW', 2: 'NCHW', 3: 'NCDHW' };

describe('wide stride-1 planar max pooling (row folds)', () => {
  it('SPPF (5x5 / stride 1 / padding 2): signed zeros, the first largest value in scan order wins', async () => {
    const sp = await getEngine();
    let seed = 5;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (const [h, w] of [[4, 4], [7, 9], [13, 20], [20, 20], [6, 37]]) {
      for (let trial = 0; trial < 10; trial++) {
        const data = Float32Array.from({ length: 2 * h * w }, () => [0, -0, -1][Math.floor(next() * 3)]);
        const x = { data, shape: [1, 2, h, w], layout: 'NCHW' as const };
        for (const opts of [{ kernelSize: 5, stride: 1, padding: 2 }, { kernelSize: [3, 7], stride: 1, padding: [1, 3] }]) {
          const expected = maxPoolRef(2, x, opts).output.data;
          expectSameFloats(sp.maxPool2d(x, opts).data, expected, `${h}x${w}, trial ${trial}, ${JSON.stringify(opts)}`);
        }
      }
    }
  });

  it('equals the reference on random planes (ties, signed zeros, NaN, infinities; every window option)', async () => {
    const sp = await getEngine();
    const dims = full ? fc.constantFrom(1, 2, 3) : fc.constant(2);
    const input = dims.chain((d) =>
      fc.record({
        d: fc.constant(d),
        c: fc.integer({ min: 1, max: 3 }),
        lead: fc.array(fc.integer({ min: 1, max: d === 3 ? 5 : 12 }), { minLength: d - 1, maxLength: d - 1 }),
        w: fc.integer({ min: 4, max: 40 }),
      }),
    ).chain(({ d, c, lead, w }) => {
      const shape = [1, c, ...lead, w];
      const n = shape.reduce((a, b) => a * b, 1);
      return fc.array(tieProneValue, { minLength: n, maxLength: n }).map((v) => ({ d, x: { data: Float32Array.from(v), shape, layout: LAYOUTS[d] } }));
    });
    const window = fc.record({
      kw: fc.integer({ min: 4, max: 16 }),
      kh: fc.integer({ min: 1, max: 5 }),
      rowStride: fc.integer({ min: 1, max: 3 }),
      rowDilation: fc.integer({ min: 1, max: 2 }),
      padding: fc.constantFrom('half', 'same', 'sides', 'none'),
      ceilMode: fc.boolean(),
      ignoreNaN: full ? fc.boolean() : fc.constant(false),
    });
    fc.assert(
      fc.property(input, window, ({ d, x }, { kw, kh, rowStride, rowDilation, padding, ceilMode, ignoreNaN }) => {
        const w = x.shape[x.shape.length - 1];
        const lead = x.shape.slice(2, -1);
        const kernelSize = [...lead.map(() => kh), kw];
        const stride = [...lead.map(() => rowStride), 1];
        const dilation = [...lead.map(() => rowDilation), 1];
        const pad =
          padding === 'half' ? [...lead.map(() => kh >> 1), kw >> 1]
          : padding === 'same' ? 'same'
          : padding === 'sides' ? (d === 1 ? { left: kw - 1, right: 1 } : d === 2 ? { top: 1, bottom: 0, left: 0, right: kw } : 0)
          : 0;
        const opts = { kernelSize, stride, dilation, padding: pad, ceilMode, ...(ignoreNaN ? { nanMode: 'ignore' as const } : {}) };
        let expected: Float32Array;
        try {
          expected = maxPoolRef(d, x, opts).output.data;
        } catch {
          return; // (an output smaller than one, or padding the reference refuses: not these kernels' cases)
        }
        if (padding === 'same' && !full) return; // (simdpool/core has no TF/ONNX padding)
        if (w < 4) return;
        const pool = (sp as unknown as Record<string, Pooling>)[`maxPool${d}d`];
        expectSameFloats(pool.call(sp, x, opts).data, expected, `${JSON.stringify(x.shape)} ${JSON.stringify(opts)}`);
      }),
      { numRuns: 400 },
    );
  });

  it('writes into a resident out tensor, and other planes stay as they were', async () => {
    const sp = await getEngine();
    const shape = [2, 3, 11, 23];
    const data = Float32Array.from({ length: 2 * 3 * 11 * 23 }, (_, i) => Math.sin(i * 0.37) * 5);
    const x = sp.fromArray(data, shape);
    const opts = { kernelSize: 5, stride: 1, padding: 2 };
    const out = sp.tensor([2, 3, 11, 23]);
    const canary = sp.fromArray(Float32Array.of(1, 2, 3, 4), [1, 1, 2, 2]);
    sp.maxPool2d(x, { ...opts, out });
    expectSameFloats(out.data, maxPoolRef(2, { data, shape }, opts).output.data);
    expectSameFloats(canary.data, Float32Array.of(1, 2, 3, 4), 'canary');
    for (const t of [x, out, canary]) t.dispose();
  });
});
