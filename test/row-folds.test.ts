// Max pooling over windows 4 to 16 wide at column stride 1 (YOLO's SPPF, 5x5 / stride 1 /
// padding 2; planar also at stride 2) folds each input row's windows once into scratch (assembly/row-folds.ts planar,
// assembly/pixel-folds.ts channels-last; src/ops/row-folds.ts) and every output row folds its
// window rows' folds. Folding each row in
// column order and then the rows in order keeps PyTorch's first maximum in scan order: signed
// zeros tell it apart from any other order. Both NaN rules, padding (rows and columns, 'same',
// explicit sides), ceil mode, row strides and dilations, 1D, 2D and 3D, both layout families
// (channels-last in blocks of sixteen and four channels, the last four overlapping, and pixels of 1-3); simdpool/core runs its general kernels on
// the same cases.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { maxPoolRef, transposeNd, type Layout, type T } from './reference/poolnd';
import { tieProneValue } from './support/values';
import { expectSameFloats, getEngine, target } from './support/engine';

type Pooling = (x: unknown, o: unknown) => { data: Float32Array };

/** The reference's result in `x`'s layout (the reference pools channels-first tensors). */
function reference(d: number, x: T, opts: Parameters<typeof maxPoolRef>[2]): Float32Array {
  const last = x.layout === LAYOUTS[d][1];
  const out = maxPoolRef(d, last ? transposeNd(x, d, false) : x, opts).output;
  return last ? transposeNd(out, d, true).data : out.data;
}

const full = target().bundle !== 'core';
const LAYOUTS: Record<number, [Layout, Layout]> = { 1: ['NCW', 'NWC'], 2: ['NCHW', 'NHWC'], 3: ['NCDHW', 'NDHWC'] };

describe('wide stride-1 max pooling (row folds)', () => {
  it('SPPF (5x5 / stride 1 / padding 2): signed zeros, the first largest value in scan order wins', async () => {
    const sp = await getEngine();
    let seed = 5;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (const [h, w] of [[4, 4], [7, 9], [13, 20], [20, 20], [6, 37]]) {
      for (let trial = 0; trial < 10; trial++) {
        const data = Float32Array.from({ length: 2 * h * w }, () => [0, -0, -1][Math.floor(next() * 3)]);
        const x = { data, shape: [1, 2, h, w], layout: 'NCHW' as const };
        for (const opts of [{ kernelSize: 5, stride: 1, padding: 2 }, { kernelSize: [3, 7], stride: 1, padding: [1, 3] }, { kernelSize: 5, stride: 2, padding: 2 }]) {
          const expected = maxPoolRef(2, x, opts).output.data;
          expectSameFloats(sp.maxPool2d(x, opts).data, expected, `${h}x${w}, trial ${trial}, ${JSON.stringify(opts)}`);
        }
      }
    }
  });

  it('equals the reference on random planes (ties, signed zeros, NaN, infinities; every window option)', async () => {
    const sp = await getEngine();
    const dims = full ? fc.constantFrom(1, 2, 3) : fc.constant(2);
    // channels-last: up to 20 channels (blocks of sixteen and four, the last four overlapping, and 1-3)
    const input = dims.chain((d) =>
      fc.record({
        d: fc.constant(d),
        last: fc.boolean(),
        c: fc.integer({ min: 1, max: 20 }),
        lead: fc.array(fc.integer({ min: 1, max: d === 3 ? 5 : 12 }), { minLength: d - 1, maxLength: d - 1 }),
        w: fc.integer({ min: 4, max: 40 }),
      }),
    ).chain(({ d, last, c, lead, w }) => {
      const channels = last ? c : 1 + (c % 3);
      const shape = last ? [1, ...lead, w, channels] : [1, channels, ...lead, w];
      const n = shape.reduce((a, b) => a * b, 1);
      return fc.array(tieProneValue, { minLength: n, maxLength: n }).map((v) => ({ d, x: { data: Float32Array.from(v), shape, layout: LAYOUTS[d][last ? 1 : 0] } }));
    });
    const window = fc.record({
      kw: fc.integer({ min: 4, max: 16 }),
      colStride: fc.constantFrom(1, 1, 2),
      kh: fc.integer({ min: 1, max: 5 }),
      rowStride: fc.integer({ min: 1, max: 3 }),
      rowDilation: fc.integer({ min: 1, max: 2 }),
      padding: fc.constantFrom('half', 'same', 'sides', 'none'),
      ceilMode: fc.boolean(),
      ignoreNaN: full ? fc.boolean() : fc.constant(false),
    });
    fc.assert(
      fc.property(input, window, ({ d, x }, { kw, colStride, kh, rowStride, rowDilation, padding, ceilMode, ignoreNaN }) => {
        const channelsLast = x.layout === LAYOUTS[d][1];
        const spatial = channelsLast ? x.shape.slice(1, -1) : x.shape.slice(2);
        const w = spatial[spatial.length - 1];
        const lead = spatial.slice(0, -1);
        const kernelSize = [...lead.map(() => kh), kw];
        const stride = [...lead.map(() => rowStride), colStride];
        const dilation = [...lead.map(() => rowDilation), 1];
        const pad =
          padding === 'half' ? [...lead.map(() => kh >> 1), kw >> 1]
          : padding === 'same' ? 'same'
          : padding === 'sides' ? (d === 1 ? { left: kw - 1, right: 1 } : d === 2 ? { top: 1, bottom: 0, left: 0, right: kw } : 0)
          : 0;
        const opts = { kernelSize, stride, dilation, padding: pad, ceilMode, ...(ignoreNaN ? { nanMode: 'ignore' as const } : {}) };
        let expected: Float32Array;
        try {
          expected = reference(d, x, opts);
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

  it('channels-last SPPF: signed zeros, the first largest value in scan order wins', async () => {
    const sp = await getEngine();
    let seed = 9;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (const [h, w, c] of [[4, 4, 16], [7, 9, 20], [13, 20, 3], [20, 20, 33]]) {
      for (let trial = 0; trial < 6; trial++) {
        const data = Float32Array.from({ length: h * w * c }, () => [0, -0, -1][Math.floor(next() * 3)]);
        const x = { data, shape: [1, h, w, c], layout: 'NHWC' as const };
        const opts = { kernelSize: 5, stride: 1, padding: 2 };
        expectSameFloats(sp.maxPool2d(x, opts).data, reference(2, x, opts), `${h}x${w}x${c}, trial ${trial}`);
      }
    }
  });

  it('a NaN under explicit padding far wider than the window: the exact redo reads only inside memory', async () => {
    // A plane that meets a NaN is redone exactly, by groups of four lanes that load every lane's
    // taps; explicit sides have no half-window limit, so those taps can lie 100 000 floats before
    // the plane, past the start of wasm memory (a trap, once), or after it. Groups out of reach go
    // column by column.
    const sp = await getEngine();
    for (const [left, right] of [[100000, 0], [0, 100000], [300000, 300000]]) {
      for (const [kw, stride] of [[5, 1], [16, 1], [7, 2]]) {
        for (const layout of ['NCHW', 'NHWC'] as const) {
          const data = Float32Array.from({ length: 8 }, (_, i) => (i === 3 ? NaN : i - 4));
          const x = { data, shape: layout === 'NCHW' ? [1, 1, 1, 8] : [1, 1, 8, 1], layout };
          const opts = { kernelSize: [1, kw], stride: [1, stride], padding: { top: 0, bottom: 0, left, right } };
          // (the reference's generators take minutes over 600 000 windows: the definition, for one row)
          const outW = Math.floor((8 + left + right - kw) / stride) + 1;
          const want = Float32Array.from({ length: outW }, (_, o) => {
            let best = -Infinity; // (a window wholly in padding: -Infinity, as the reference)
            for (let c = Math.max(0, o * stride - left); c < Math.min(8, o * stride - left + kw); c++) {
              if (data[c] > best || Number.isNaN(data[c])) best = data[c];
            }
            return best;
          });
          expectSameFloats(sp.maxPool2d(x, opts).data, want, JSON.stringify({ ...opts, layout }));
        }
      }
    }
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
