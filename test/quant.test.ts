// int8/uint8 pooling: PyTorch golden cases (test/golden/generate_quant.py, torch 1.13's quantized
// CPU kernels) and property tests against the reference (test/reference/quant.ts), in both
// layouts with plain and resident tensors. Runs in Node (SIMD and scalar builds) and in Chromium.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import goldenJson from './golden/quant.json';
import * as q from './reference/quant';
import { LAYOUTS } from './reference/poolnd';
import { getEngine } from './support/engine';
import type { Engine } from '../dist/index.js';

type Bytes = Int8Array | Uint8Array;
type Dtype = 'int8' | 'uint8';
const ARRAY = { int8: Int8Array, uint8: Uint8Array };
const dimsOf = (op: string) => Number(/(\d)d$/.exec(op)![1]);

interface Result {
  output: { data: Bytes; shape: number[] };
  indices?: { data: Int32Array; shape: number[] };
}

/** One engine call on channels-first data in the given layout; results back in channels-first form. */
function call(sp: Engine, op: string, dims: number, data: Bytes, shape: number[], opts: Record<string, unknown>, last: boolean, resident: boolean): Result {
  const x = last ? q.transposeAny(data, shape, dims, true) : { data, shape };
  const layout = LAYOUTS[dims][last ? 1 : 0];
  const input = resident ? sp.fromArray(x.data, x.shape, layout) : { data: x.data, shape: x.shape, layout };
  try {
    const r = (sp as unknown as Record<string, (x: unknown, o?: unknown) => any>)[op](input, opts);
    const output = 'output' in r ? r.output : r;
    const indices = 'indices' in r ? r.indices : undefined;
    expect(output.data.constructor).toBe(data.constructor);
    const back = (t: { data: any; shape: number[] }) => (last ? q.transposeAny(t.data.slice(), t.shape, dims, false) : { data: t.data.slice(), shape: [...t.shape] });
    const result = { output: back(output), indices: indices && back(indices) };
    output.dispose?.();
    indices?.dispose?.();
    return result;
  } finally {
    if (resident) (input as { dispose(): void }).dispose();
  }
}

describe('int8/uint8 golden cases from PyTorch 1.13 quantized kernels', async () => {
  const sp = await getEngine();
  const cases = (goldenJson as { cases: any[] }).cases;
  it('has cases for every operator family and both dtypes', () => {
    const ops = new Set(cases.map((c) => `${c.op}:${c.dtype}`));
    for (const base of ['maxPool', 'avgPool', 'adaptiveMaxPool', 'adaptiveAvgPool', 'globalMaxPool', 'globalAvgPool']) {
      for (const d of [1, 2, 3]) for (const t of ['int8', 'uint8']) expect(ops.has(`${base}${d}d:${t}`), `${base}${d}d ${t}`).toBe(true);
    }
  });
  for (const [i, c] of cases.entries()) {
    for (const last of [false, true]) {
      for (const resident of [false, true]) {
        it(`#${i} ${c.op} ${c.dtype} ${JSON.stringify(c.shape)} ${last ? 'channels-last' : 'channels-first'}${resident ? ' resident' : ''}`, () => {
          const dims = dimsOf(c.op);
          const data = ARRAY[c.dtype as Dtype].from(c.input);
          const r = call(sp, c.op, dims, data, c.shape, c.options, last, resident);
          expect(r.output.shape).toEqual(c.outShape);
          expect(Array.from(r.output.data)).toEqual(c.output);
          if (c.indices) expect(Array.from(r.indices!.data)).toEqual(c.indices);
          // the reference agrees with torch too
          const want = reference(c.op, dims, { data, shape: c.shape }, c.options);
          expect(Array.from(want.output.data)).toEqual(c.output);
          if (c.indices) expect(Array.from(want.indices!.data)).toEqual(c.indices);
        });
      }
    }
  }
});

function reference(op: string, dims: number, x: q.Q, o: any): Result {
  const base = op.replace(/\dd$/, '');
  switch (base) {
    case 'maxPool': return q.qMaxPoolRef(dims, x, o);
    case 'adaptiveMaxPool': return q.qAdaptiveMaxPoolRef(dims, x, o);
    case 'globalMaxPool': return { output: q.qGlobalMaxPoolRef(dims, x) };
    case 'avgPool': return { output: q.qAvgPoolRef(dims, x, o) };
    case 'adaptiveAvgPool': return { output: q.qAdaptiveAvgPoolRef(dims, x, o) };
    case 'globalAvgPool': return { output: q.qGlobalAvgPoolRef(dims, x) };
  }
  throw new Error(op);
}

// ---- properties ---------------------------------------------------------------------------

const MAX_SIDE: Record<number, number> = { 1: 70, 2: 40, 3: 9 };

interface TensorDraw { dtype: Dtype; n: number; c: number; spatial: number[]; seed: number; few: boolean }

/** A drawn tensor's shape (channels-first) and values from its seed: with ties when `few`. */
function withData<R extends TensorDraw>(r: R): R & { shape: number[]; data: Bytes } {
  const shape = [r.n, r.c, ...r.spatial];
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new ARRAY[r.dtype](size);
  let s = r.seed | 0;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1103515245) + 12345) | 0;
    data[i] = r.few ? [-128, 0, 5, 127, 255][(s >>> 16) % 5] : s >>> 16;
  }
  return { ...r, shape, data: data as Bytes };
}

/** Random shapes (wide rows reach the 16-lane paths; C >= 16 the channel lanes), values with ties. */
const tensorCase = (dims: number) =>
  fc.record({
    dtype: fc.constantFrom<Dtype>('int8', 'uint8'),
    last: fc.boolean(),
    resident: fc.boolean(),
    n: fc.integer({ min: 0, max: 2 }),
    c: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 15, max: 20 })),
    spatial: fc.array(fc.integer({ min: 1, max: MAX_SIDE[dims] }), { minLength: dims, maxLength: dims }),
    seed: fc.integer(),
    few: fc.boolean(),
  }).map(withData);

const windowOpts = (dims: number) =>
  fc.record({
    k: fc.integer({ min: 1, max: 4 }),
    s: fc.integer({ min: 1, max: 3 }),
    pad: fc.integer({ min: 0, max: 2 }),
    d: fc.integer({ min: 1, max: 2 }),
    ceilMode: fc.boolean(),
  }).map((w) => ({ kernelSize: w.k, stride: w.s, padding: Math.min(w.pad, w.k >> 1), dilation: w.d, ceilMode: w.ceilMode, dims }));

function check(sp: Engine, op: string, dims: number, t: { dtype: Dtype; last: boolean; resident: boolean; shape: number[]; data: Bytes }, opts: Record<string, unknown>) {
  const x = { data: t.data, shape: t.shape };
  let want: Result;
  try {
    want = reference(op, dims, x, opts);
  } catch (e) {
    expect(() => call(sp, op, dims, t.data, t.shape, opts, t.last, t.resident)).toThrow(RangeError);
    return;
  }
  const got = call(sp, op, dims, t.data, t.shape, opts, t.last, t.resident);
  expect(got.output.shape).toEqual(want.output.shape);
  expect(Array.from(got.output.data)).toEqual(Array.from(want.output.data));
  if (want.indices && opts.returnIndices) expect(Array.from(got.indices!.data)).toEqual(Array.from(want.indices.data));
}

describe('int8/uint8 properties against the reference', async () => {
  const sp = await getEngine();
  for (const dims of [1, 2, 3]) {
    it(`maxPool${dims}d (values and indices, every index format)`, () => {
      fc.assert(fc.property(tensorCase(dims), windowOpts(dims), fc.boolean(), fc.constantFrom('plane', 'onnx', 'tf'), (t, w, idx, fmt) => {
        const { dims: _, ...o } = w;
        check(sp, `maxPool${dims}d`, dims, t, idx ? { ...o, returnIndices: true, indexFormat: fmt } : o);
      }), { numRuns: 60 });
    });
    it(`avgPool${dims}d (any scale, zero points, output params, divisors)`, () => {
      fc.assert(fc.property(
        tensorCase(dims), windowOpts(dims), fc.boolean(), fc.option(fc.integer({ min: -9, max: 9 }).filter((v) => v !== 0)),
        fc.double({ min: 0.001, max: 10, noNaN: true }), fc.integer({ min: 0, max: 255 }),
        fc.option(fc.double({ min: 0.001, max: 10, noNaN: true })), fc.option(fc.integer({ min: 0, max: 255 })),
        (t, w, countIncludePad, divisorOverride, scale, zp, outScale, outZp) => {
          const shift = t.dtype === 'int8' ? 128 : 0;
          const o: Record<string, unknown> = {
            kernelSize: w.kernelSize, stride: w.stride, padding: w.padding, ceilMode: w.ceilMode, countIncludePad, scale, zeroPoint: zp - shift,
          };
          if (divisorOverride !== null) o.divisorOverride = divisorOverride;
          if (outScale !== null) o.outScale = outScale;
          if (outZp !== null) o.outZeroPoint = outZp - shift;
          check(sp, `avgPool${dims}d`, dims, t, o);
        }), { numRuns: 60 });
    });
    it(`adaptive and global max/avg ${dims}d`, () => {
      fc.assert(fc.property(tensorCase(dims), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: dims, maxLength: dims }), fc.boolean(), (t, outs, idx) => {
        const outputSize = outs.map((o, i) => Math.min(o, t.shape[2 + i]));
        check(sp, `adaptiveMaxPool${dims}d`, dims, t, idx ? { outputSize, returnIndices: true } : { outputSize });
        check(sp, `adaptiveAvgPool${dims}d`, dims, t, { outputSize });
        check(sp, `globalMaxPool${dims}d`, dims, t, {});
        check(sp, `globalAvgPool${dims}d`, dims, t, {});
      }), { numRuns: 50 });
    });
  }

  // Channels-last pixels of 2 to 4 or 8 channels (RGB, RGBA) with rows of 16 outputs or more (8 for
  // max in 2D and 3D and for averages of 2 to 4 channels) go as planes (src/ops/bytes.ts: transposed
  // to planes and back, assembly/pixels.ts transpose_u8), sixteen pixels a step, with ragged pixel
  // counts; rows of 8 to 75 cells reach both sides of either bound.
  // Channels-first calls of 16 channels or more go as pixels in 2D and 3D over rows of fewer than
  // 16 outputs, or of windows the planar kernels do not take straight from the rows (src/ops/bytes.ts
  // asPixels: transpose_u8 in 16x16 tiles, ragged channel and pixel counts a byte at a time), but
  // for max over regular windows up to 3 wide at stride 2 and large windows; rows of 1 to 32 cells
  // reach both sides of the bounds (1D: planar, the control).
  it('16 to 48 channels channels-first as pixels (2D, 3D): max, averages, adaptive pooling', () => {
    pixelsProperty(sp, fc.constantFrom(16, 17, 31, 32, 33, 48), fc.constantFrom(1, 2, 2, 3), (dims) =>
      fc.array(fc.integer({ min: 1, max: dims === 3 ? 6 : 32 }), { minLength: dims, maxLength: dims }), 100, false);
  });

  it('RGB, RGBA and 2 or 8 channels channels-last as planes (1D to 3D): max, averages, adaptive pooling', () => {
    pixelsProperty(sp, fc.constantFrom(2, 3, 4, 8), fc.constantFrom(1, 2, 2, 3), (dims) =>
      fc.tuple(fc.array(fc.integer({ min: 1, max: dims === 3 ? 4 : 9 }), { minLength: dims - 1, maxLength: dims - 1 }), fc.integer({ min: 8, max: 75 }))
        .map(([lead, w]) => [...lead, w]), 200);
  });
});

describe('int8/uint8 channels-last pixels of 5 to 15 channels, widened to sixteen', async () => {
  const sp = await getEngine();
  // 128 outputs or more and windows of at most 32 cells go through sixteen-byte pixels in scratch
  // (src/ops/bytes.ts, assembly/pixels.ts repitch_u8); the others (and 8 channels) take their own paths
  it('max, averages and adaptive averages against the reference, 1D to 3D', () => {
    const SIDES: Record<number, [number, number]> = { 1: [120, 300], 2: [12, 30], 3: [5, 9] };
    pixelsProperty(sp, fc.integer({ min: 5, max: 15 }), fc.constantFrom(1, 2, 3), (dims) =>
      fc.array(fc.integer({ min: SIDES[dims][0], max: SIDES[dims][1] }), { minLength: dims, maxLength: dims }), 120);
  });
});

/**
 * Channels-last pixels (int8 or uint8, one or two samples, resident or not) of `channels`, their
 * spatial sizes drawn by `spatial`: max, averages (any quantization, either padding count) and
 * adaptive averages against the reference.
 */
function pixelsProperty(
  sp: Engine, channels: fc.Arbitrary<number>, dims: fc.Arbitrary<number>, spatial: (dims: number) => fc.Arbitrary<number[]>, numRuns: number, last = true,
) {
  const pixels = (d: number) => fc.record({
    dtype: fc.constantFrom<Dtype>('int8', 'uint8'),
    last: fc.constant(last),
    resident: fc.boolean(),
    n: fc.integer({ min: 1, max: 2 }),
    c: channels,
    spatial: spatial(d),
    seed: fc.integer(),
    few: fc.boolean(),
  }).map(withData);
  fc.assert(fc.property(dims.chain((d) => fc.tuple(fc.constant(d), pixels(d), windowOpts(d))), fc.boolean(),
    fc.double({ min: 0.001, max: 10, noNaN: true }), fc.integer({ min: 0, max: 255 }), ([d, t, w], countIncludePad, scale, zp) => {
      const { dims: _, ...o } = w;
      const shift = t.dtype === 'int8' ? 128 : 0;
      check(sp, `maxPool${d}d`, d, t, o);
      check(sp, `avgPool${d}d`, d, t, { kernelSize: w.kernelSize, stride: w.stride, padding: w.padding, ceilMode: w.ceilMode, countIncludePad, scale, zeroPoint: zp - shift });
      const outputSize = t.shape.slice(2).map((n) => Math.max(1, n >> 1));
      check(sp, `adaptiveAvgPool${d}d`, d, t, { outputSize });
      check(sp, `adaptiveMaxPool${d}d`, d, t, { outputSize });
    }), { numRuns });
}

describe('int8/uint8 toNHWC / toNCHW', async () => {
  const sp = await getEngine();
  // Every path of transpose_u8: pixels of 2 to 4 or 8 channels split into planes and merged back,
  // 16x16 tiles with ragged edges (16 channels or more over 16 pixels or more), a byte at a time
  // (1, 5 to 15 channels; short planes); plain (Uint8ClampedArray too: canvas pixels), resident,
  // into a resident out; the same layout copied; and back again.
  it('against the reference, both ways, plain, resident and into out', () => {
    const draw = fc.record({
      dtype: fc.constantFrom<Dtype>('int8', 'uint8'),
      last: fc.boolean(),
      resident: fc.boolean(),
      into: fc.boolean(),
      clamped: fc.boolean(),
      batched: fc.boolean(),
      n: fc.integer({ min: 0, max: 3 }),
      c: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant(8), fc.integer({ min: 5, max: 15 }), fc.integer({ min: 16, max: 40 })),
      spatial: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 2, maxLength: 2 }),
      seed: fc.integer(),
      few: fc.constant(false),
    }).map((r) => withData({ ...r, n: r.batched ? r.n : 1 }));
    fc.assert(fc.property(draw, fc.constantFrom('toNHWC', 'toNCHW'), (t, op) => {
      // The drawn bytes channels-first (one sample when unbatched) and, by the reference, channels-last.
      const first = { data: t.data, shape: t.batched ? t.shape : t.shape.slice(1) };
      const last = q.transposeAny(first.data, first.shape, 2, true);
      const [from, to, toLast] = op === 'toNHWC' ? [t.last ? last : first, last, true] : [t.last ? last : first, first, false];
      const layout = t.last ? 'NHWC' : 'NCHW';
      const toLayout = toLast ? 'NHWC' : 'NCHW';
      const input = t.resident
        ? sp.fromArray(from.data, from.shape, layout)
        : { data: t.clamped && t.dtype === 'uint8' ? Uint8ClampedArray.from(from.data) : from.data, shape: from.shape, layout };
      const out = t.into ? sp.tensor(to.shape, { layout: toLayout, dtype: t.dtype }) : undefined;
      const engine = sp as unknown as Record<string, (x: unknown, o?: unknown) => any>;
      try {
        const y = engine[op](input, out ? { out } : undefined);
        if (out) expect(y).toBe(out);
        expect(y.data.constructor).toBe(ARRAY[t.dtype]);
        expect(y.shape).toEqual(to.shape);
        expect(y.layout).toBe(toLayout);
        expect([...y.data]).toEqual([...to.data]);
        const back = engine[toLast ? 'toNCHW' : 'toNHWC'](y);
        expect([...back.data]).toEqual([...(toLast ? first : last).data]);
        back.dispose?.();
      } finally {
        out?.dispose();
        if (t.resident) (input as { dispose(): void }).dispose();
      }
    }), { numRuns: 150 });
  });
});

describe('Uint8ClampedArray inputs (ImageData pixels)', async () => {
  const sp = await getEngine();
  // read as uint8: the same results as the same bytes in a Uint8Array, as Uint8Arrays; fromArray
  // makes a uint8 tensor of them
  it('pool as the same bytes in a Uint8Array, plain and resident, every layout', () => {
    const clamped = (dims: number) => fc.record({
      dtype: fc.constant<Dtype>('uint8'), last: fc.boolean(), resident: fc.constant(false), n: fc.integer({ min: 1, max: 2 }),
      c: fc.integer({ min: 1, max: 5 }), spatial: fc.array(fc.integer({ min: 1, max: 20 }), { minLength: dims, maxLength: dims }), seed: fc.integer(), few: fc.boolean(),
    }).map(withData);
    fc.assert(fc.property(fc.constantFrom(1, 2, 3).chain((d) => fc.tuple(fc.constant(d), clamped(d), windowOpts(d))), ([d, t, w]) => {
      const { dims: _, ...o } = w;
      const layout = LAYOUTS[d][+t.last];
      const shape = t.last ? [t.shape[0], ...t.shape.slice(2), t.shape[1]] : t.shape; // (the same bytes, read channels-last)
      const pixels = Uint8ClampedArray.from(t.data as Uint8Array);
      const calls: Array<[string, Record<string, unknown>]> = [
        [`maxPool${d}d`, o],
        [`avgPool${d}d`, { kernelSize: w.kernelSize, stride: w.stride, padding: w.padding, ceilMode: w.ceilMode, scale: 0.5, zeroPoint: 7 }],
        [`adaptiveAvgPool${d}d`, { outputSize: t.shape.slice(2).map((n) => Math.max(1, n >> 1)) }],
      ];
      for (const [op, opts] of calls) {
        // the result's bytes, or the error's message
        const run = (x: unknown): unknown => {
          try {
            const y = (sp as unknown as Record<string, (x: unknown, o: unknown) => { data: Uint8Array; dispose?: () => void }>)[op](x, opts);
            const bytes = y.data instanceof Uint8Array ? [...y.data] : `a ${y.data.constructor.name}`;
            y.dispose?.();
            return bytes;
          } catch (e) {
            return (e as Error).message;
          }
        };
        const want = run({ data: t.data, shape, layout });
        expect(run({ data: pixels, shape, layout })).toEqual(want);
        const x = sp.fromArray(pixels, shape, layout);
        try {
          expect(x.dtype).toBe('uint8');
          expect(run(x)).toEqual(want);
        } finally {
          x.dispose();
        }
      }
    }), { numRuns: 80 });
  });
});

describe('int8/uint8 3D means of more than 2^24 cells', async () => {
  const sp = await getEngine();
  // PyTorch sums its quantized mean in int64 (for contiguous tensors: its channels-last 3D path
  // dequantizes and means in float, and simdpool follows the contiguous kernel in every layout):
  // 2^24 and more codes near the ends of the range
  // would wrap an i32 sum. Each channel alternates the two largest (uint8) or smallest (int8)
  // codes, so its mean is exactly 254.5 or -127.5, which float32 holds and rounds half to even.
  const spatial = [17, 1024, 1024];
  const cells = spatial[0] * spatial[1] * spatial[2];
  for (const dtype of ['uint8', 'int8'] as const) {
    const [top, want] = dtype === 'uint8' ? [255, 254] : [-127, -128];
    for (const layout of ['NCDHW', 'NDHWC'] as const) {
      it(`globalAvgPool3d and adaptiveAvgPool3d to 1x1x1, ${dtype} ${layout}`, () => {
        const C = layout === 'NCDHW' ? 1 : 2;
        const data = new ARRAY[dtype](cells * C);
        for (let i = 0; i < data.length; i++) data[i] = top - ((Math.floor(i / C) + i % C) & 1); // pixel i / C, channel i % C
        const shape = layout === 'NCDHW' ? [1, C, ...spatial] : [1, ...spatial, C];
        for (const r of [sp.globalAvgPool3d({ data, shape, layout }), sp.adaptiveAvgPool3d({ data, shape, layout }, { outputSize: 1 })]) {
          expect(Array.from(r.data as Bytes)).toEqual(new Array(C).fill(want));
        }
      });
    }
    // Channels-last sums sixteen channels at a time in strips of 65 536 pixels (assembly/bytes.ts
    // pixelSums); 80 000 pixels of 18 channels cross a strip in the vector loop and its tail.
    // The first 40 000 pixels hold one code per channel, the rest another, so every strip's sum counts.
    it(`globalAvgPool3d ${dtype} NDHWC, 18 channels over more than one strip`, () => {
      const C = 18, pixels = 2 * 200 * 200;
      const inward = dtype === 'uint8' ? -1 : 1; // (from the end of the range, toward its middle)
      const first = (c: number) => top + inward * (c % 3), second = top + inward * 5;
      const data = new ARRAY[dtype](pixels * C);
      for (let i = 0; i < data.length; i++) data[i] = Math.floor(i / C) < 40000 ? first(i % C) : second;
      const r = sp.globalAvgPool3d({ data, shape: [1, 2, 200, 200, C], layout: 'NDHWC' });
      // (the two codes' mean, halves to even, as nearbyint rounds)
      const mean = (c: number) => { const m = (first(c) + second) / 2, f = Math.floor(m); return m - f !== 0.5 ? Math.round(m) : f % 2 === 0 ? f : f + 1; };
      expect(Array.from(r.data as Bytes)).toEqual(Array.from({ length: C }, (_, c) => mean(c)));
    });
  }
});

/**
 * `size` pseudo-random codes from `seed` (an LCG: the same codes on every run of a property's
 * seed), or with `few` only -128, 0, 5, 127 and 255 (each wrapped into the dtype), for ties.
 */
function codes(dtype: Dtype, size: number, seed: number, few: boolean): Bytes {
  const data = new ARRAY[dtype](size);
  let s = seed | 0;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1103515245) + 12345) | 0;
    data[i] = few ? [-128, 0, 5, 127, 255][(s >>> 16) % 5] : s >>> 16;
  }
  return data;
}

describe('int8/uint8 max pooling, each path of assembly/byte-max.ts', async () => {
  const sp = await getEngine();
  const SIDES: Record<number, string[]> = { 1: ['left', 'right'], 2: ['top', 'bottom', 'left', 'right'], 3: ['front', 'back', 'top', 'bottom', 'left', 'right'] };
  /** Leading axes (1 to 3 rows high, or more) with their windows: rows of 0 to 4+ input rows each. */
  const leading = (dims: number) => fc.array(fc.record({
    size: fc.integer({ min: 1, max: 7 }), k: fc.integer({ min: 1, max: 4 }), s: fc.integer({ min: 1, max: 3 }), d: fc.integer({ min: 1, max: 2 }),
  }), { minLength: dims - 1, maxLength: dims - 1 });
  /** Padding: symmetric (at most half the kernel) or per side, up to two cells past the symmetric limit. */
  const padding = (dims: number, k: number[]) => fc.oneof(
    fc.array(fc.boolean(), { minLength: dims, maxLength: dims }).map((on) => on.map((p, i) => (p ? k[i] >> 1 : 0))),
    fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 2 * dims, maxLength: 2 * dims }).map((p) => Object.fromEntries(SIDES[dims].map((side, i) => [side, p[i]]))),
  );
  const run = (dims: number, dtype: Dtype, last: boolean, resident: boolean, shape: number[], few: boolean, seed: number, opts: Record<string, unknown>) => {
    check(sp, `maxPool${dims}d`, dims, { dtype, last, resident, shape, data: codes(dtype, shape.reduce((a, b) => a * b, 1), seed, few) }, opts);
  };

  it('planar windows 2 or 3 columns wide at stride 1 or 2: rows of 1 to 49 outputs, borders, 1 to 5+ window rows, row pairs', () => {
    const caseOf = fc.record({
      dims: fc.integer({ min: 1, max: 3 }), dtype: fc.constantFrom<Dtype>('int8', 'uint8'), resident: fc.boolean(),
      n: fc.integer({ min: 1, max: 2 }), c: fc.integer({ min: 1, max: 3 }),
      // output widths around the sixteen-column groups, and narrower rows (one group a row); the
      // input one cell narrower to two wider
      outW: fc.oneof(fc.integer({ min: 1, max: 15 }), fc.constantFrom(16, 17, 31, 32, 33, 47, 48, 49)), extra: fc.integer({ min: -1, max: 2 }),
      kw: fc.constantFrom(2, 3), sw: fc.constantFrom(1, 2), ceilMode: fc.boolean(), seed: fc.integer(), few: fc.boolean(),
    }).chain((r) => fc.tuple(fc.constant(r), leading(r.dims)))
      .chain(([r, lead]) => fc.tuple(fc.constant(r), fc.constant(lead), padding(r.dims, [...lead.map((a) => a.k), r.kw])));
    fc.assert(fc.property(caseOf, ([r, lead, pad]) => {
      // (unpadded, the input width that gives outW columns, give or take extra)
      const shape = [r.n, r.c, ...lead.map((a) => a.size), r.sw === 2 ? 2 * r.outW + r.extra : r.outW + r.kw - 1 + r.extra];
      const opts = {
        kernelSize: [...lead.map((a) => a.k), r.kw], stride: [...lead.map((a) => a.s), r.sw], dilation: [...lead.map((a) => a.d), 1], padding: pad, ceilMode: r.ceilMode,
      };
      run(r.dims, r.dtype, false, r.resident, shape, r.few, r.seed, opts);
    }), {
      numRuns: 400,
      // (found by a fresh run: stride 1, two columns of right padding, windows of four rows folded
      // into the output; the first group's output 15 read a byte past the row, and the overlapping
      // last group folded that in again)
      examples: [[[
        { dims: 3, dtype: 'int8', resident: true, n: 2, c: 2, outW: 15, extra: -1, kw: 3, sw: 1, ceilMode: true, seed: -800620564, few: false },
        [{ size: 6, k: 2, s: 2, d: 1 }, { size: 6, k: 4, s: 1, d: 1 }],
        { front: 0, back: 0, top: 0, bottom: 0, left: 1, right: 2 },
      ]]],
    });
  });

  it('adaptive windows (irregular: their bound is wider than most of them) never take the fixed windows of the direct kernels', () => {
    // (found by a fresh run: 17 -> 16 columns, windows of 2 and a bound of 3, went through the
    // stride-1 kernel as 3-wide windows)
    for (const dtype of ['int8', 'uint8'] as const) {
      for (let out = 7; out <= 20; out++) {
        for (let size = out + 1; size <= 2 * out + 2; size++) {
          const shape = [1, 3, 2, size];
          check(sp, 'adaptiveMaxPool2d', 2, { dtype, last: false, resident: false, shape, data: codes(dtype, 6 * size, size * 31 + out, false) }, { outputSize: [1, out] });
        }
      }
    }
  });

  it('planar 2x2 stride 2 without padding: row pairs through whole planes, odd heights, one-row planes, narrow rows', () => {
    fc.assert(fc.property(
      fc.constantFrom<Dtype>('int8', 'uint8'), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 9 }),
      fc.oneof(fc.integer({ min: 1, max: 15 }), fc.constantFrom(16, 17, 28, 31, 32, 33, 64)), fc.integer({ min: 0, max: 1 }), fc.boolean(), fc.integer(), fc.boolean(),
      fc.boolean(),
      (dtype, n, c, h, outW, odd, ceilMode, seed, few, resident) => {
        run(2, dtype, false, resident, [n, c, h, 2 * outW + odd], few, seed, { kernelSize: 2, stride: 2, ceilMode });
      }), { numRuns: 250 });
  });

  it('channels-last windows 1 to 3 columns wide: 16 to 49 channels, any stride and dilation, borders, 1 to 5+ window rows', () => {
    const caseOf = fc.record({
      dims: fc.integer({ min: 1, max: 3 }), dtype: fc.constantFrom<Dtype>('int8', 'uint8'), resident: fc.boolean(),
      n: fc.integer({ min: 1, max: 2 }), c: fc.constantFrom(16, 17, 31, 32, 33, 48, 49), w: fc.integer({ min: 1, max: 12 }),
      kw: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 3 }), dw: fc.integer({ min: 1, max: 2 }),
      ceilMode: fc.boolean(), seed: fc.integer(), few: fc.boolean(),
    }).chain((r) => fc.tuple(fc.constant(r), leading(r.dims)))
      .chain(([r, lead]) => fc.tuple(fc.constant(r), fc.constant(lead), padding(r.dims, [...lead.map((a) => a.k), r.kw])));
    fc.assert(fc.property(caseOf, ([r, lead, pad]) => {
      const shape = [r.n, r.c, ...lead.map((a) => a.size), r.w];
      const opts = {
        kernelSize: [...lead.map((a) => a.k), r.kw], stride: [...lead.map((a) => a.s), r.sw], dilation: [...lead.map((a) => a.d), r.dw], padding: pad, ceilMode: r.ceilMode,
      };
      run(r.dims, r.dtype, true, r.resident, shape, r.few, r.seed, opts);
    }), { numRuns: 400 });
  });
});

describe('int8/uint8 averages, each path of assembly/byte-avg.ts', async () => {
  const sp = await getEngine();
  /** Leading axes with their windows (1 to 3 rows, or more for the separable passes). */
  const leading = (dims: number) => fc.array(fc.record({
    size: fc.integer({ min: 1, max: 7 }), k: fc.integer({ min: 1, max: 4 }), s: fc.integer({ min: 1, max: 3 }), pad: fc.boolean(),
  }), { minLength: dims - 1, maxLength: dims - 1 });
  /**
   * Quantization: zero points at the ends of the range or anywhere, output parameters or not,
   * scales up to 10 / 0.001 (whose sums could pass 2^22 after scaling: the clamped passes).
   */
  const quant = fc.record({
    scale: fc.oneof(fc.constant(0.05), fc.double({ min: 0.001, max: 10, noNaN: true })),
    zp: fc.oneof(fc.constantFrom(0, 255), fc.integer({ min: 0, max: 255 })),
    outScale: fc.option(fc.oneof(fc.constant(0.001), fc.double({ min: 0.001, max: 10, noNaN: true }))),
    outZp: fc.option(fc.oneof(fc.constantFrom(0, 255), fc.integer({ min: 0, max: 255 }))),
    countIncludePad: fc.boolean(), divisorOverride: fc.option(fc.integer({ min: -9, max: 9 }).filter((v) => v !== 0)),
  });
  const run = (dims: number, dtype: Dtype, last: boolean, resident: boolean, shape: number[], few: boolean, seed: number, window: Record<string, unknown>, qp: any) => {
    const shift = dtype === 'int8' ? 128 : 0;
    const o: Record<string, unknown> = { ...window, countIncludePad: qp.countIncludePad, scale: qp.scale, zeroPoint: qp.zp - shift };
    if (qp.divisorOverride !== null) o.divisorOverride = qp.divisorOverride;
    if (qp.outScale !== null) o.outScale = qp.outScale;
    if (qp.outZp !== null) o.outZeroPoint = qp.outZp - shift;
    check(sp, `avgPool${dims}d`, dims, { dtype, last, resident, shape, data: codes(dtype, shape.reduce((a, b) => a * b, 1), seed, few) }, o);
  };
  const windowOf = (lead: { k: number; s: number; pad: boolean }[], kw: number, sw: number, padW: boolean, ceilMode: boolean) => ({
    kernelSize: [...lead.map((a) => a.k), kw], stride: [...lead.map((a) => a.s), sw],
    padding: [...lead.map((a) => (a.pad ? a.k >> 1 : 0)), padW ? kw >> 1 : 0], ceilMode,
  });

  it('planar windows 2 or 3 columns wide at stride 1 or 2: rows of 1 to 49 outputs, borders, 1 to 3+ window rows', () => {
    const caseOf = fc.record({
      dims: fc.integer({ min: 1, max: 3 }), dtype: fc.constantFrom<Dtype>('int8', 'uint8'), resident: fc.boolean(),
      n: fc.integer({ min: 1, max: 2 }), c: fc.integer({ min: 1, max: 3 }),
      // output widths around the sixteen-column groups, and narrower rows (one group a row); the
      // input one cell narrower to two wider
      outW: fc.oneof(fc.integer({ min: 1, max: 15 }), fc.constantFrom(16, 17, 28, 31, 32, 33, 47, 48, 49)), extra: fc.integer({ min: -1, max: 2 }),
      kw: fc.constantFrom(2, 3), sw: fc.constantFrom(1, 2), padW: fc.boolean(), ceilMode: fc.boolean(), seed: fc.integer(), few: fc.boolean(),
    }).chain((r) => fc.tuple(fc.constant(r), leading(r.dims), quant));
    fc.assert(fc.property(caseOf, ([r, lead, qp]) => {
      const shape = [r.n, r.c, ...lead.map((a) => a.size), r.sw * r.outW + r.extra];
      run(r.dims, r.dtype, false, r.resident, shape, r.few, r.seed, windowOf(lead, r.kw, r.sw, r.padW, r.ceilMode), qp);
    }), { numRuns: 500 });
  });

  it('channels-last windows 1 to 3 columns wide: 16 to 49 channels, any stride, borders, 1 to 3+ window rows', () => {
    const caseOf = fc.record({
      dims: fc.integer({ min: 1, max: 3 }), dtype: fc.constantFrom<Dtype>('int8', 'uint8'), resident: fc.boolean(),
      n: fc.integer({ min: 1, max: 2 }), c: fc.constantFrom(16, 17, 31, 32, 33, 48, 49), w: fc.integer({ min: 1, max: 12 }),
      kw: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 3 }),
      padW: fc.boolean(), ceilMode: fc.boolean(), seed: fc.integer(), few: fc.boolean(),
    }).chain((r) => fc.tuple(fc.constant(r), leading(r.dims), quant));
    fc.assert(fc.property(caseOf, ([r, lead, qp]) => {
      const shape = [r.n, r.c, ...lead.map((a) => a.size), r.w];
      run(r.dims, r.dtype, true, r.resident, shape, r.few, r.seed, windowOf(lead, r.kw, r.sw, r.padW, r.ceilMode), qp);
    }), { numRuns: 500 });
  });

  it('scale ratios whose sums pass 2^22 once scaled take the clamped passes (lowest codes, highest zero point)', () => {
    // f32(sum - offset) * 10 / 0.001 reaches -2.3e7: unclamped, the rounding by 1.5 * 2^23 would wrap to the highest code.
    for (const dtype of ['int8', 'uint8'] as const) {
      const [lowest, highest] = dtype === 'int8' ? [-128, 127] : [0, 255];
      for (const last of [false, true]) {
        for (const stride of [1, 2]) {
          const shape = [1, last ? 16 : 1, 6, 40];
          const data = new ARRAY[dtype](shape.reduce((a, b) => a * b, 1)).fill(lowest);
          const opts = { kernelSize: 3, stride, padding: 1, scale: 10, outScale: 0.001, zeroPoint: highest, divisorOverride: 1 };
          check(sp, 'avgPool2d', 2, { dtype, last, resident: false, shape, data }, opts);
        }
      }
    }
  });

  it('adaptive averages on the same paths: planar 2x2 / 2-wide windows, channels-last windows of 1 to 3 cells a side', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 3 }), fc.constantFrom<Dtype>('int8', 'uint8'), fc.boolean(), fc.integer({ min: 1, max: 7 }),
      fc.constantFrom(15, 16, 17, 33), fc.integer(), fc.boolean(),
      (dims, dtype, last, side, outW, seed, few) => {
        // planar: the last axis halved (2-wide windows at stride 2); channels-last: any sizes with windows of at most 3
        const c = last ? 17 : 2;
        const spatial = [...Array(dims - 1).fill(side), last ? outW + (seed & 7) : 2 * outW];
        const outputSize = [...Array(dims - 1).fill(Math.max(1, side >> 1)), outW];
        const shape = [1, c, ...spatial];
        check(sp, `adaptiveAvgPool${dims}d`, dims, { dtype, last, resident: false, shape, data: codes(dtype, shape.reduce((a, b) => a * b, 1), seed, few) }, { outputSize });
      }), { numRuns: 200 });
  });
});

describe('int8/uint8 planar rows at strides 3 to 9: window maxima and sums at every column, every stride-th picked (assembly/bytes.ts)', async () => {
  const sp = await getEngine();
  /**
   * A planar row: stride 3 to 9 (9 is past the picks and goes one column at a time), windows 1
   * to 9 wide, dilation 1 to 3, outputs around twice the stride and around the groups of 8 and
   * 16, the input up to a stride wider than they need; a leading axis of 1 to 3 window rows, or
   * (tall) of enough rows for windows of more than 128 cells, whose sums go in i32 lanes.
   */
  const rowCase = fc.record({
    dims: fc.integer({ min: 1, max: 2 }), dtype: fc.constantFrom<Dtype>('int8', 'uint8'), resident: fc.boolean(),
    n: fc.integer({ min: 1, max: 2 }), c: fc.integer({ min: 1, max: 3 }),
    sw: fc.oneof(fc.constant(3), fc.integer({ min: 3, max: 9 })), kw: fc.integer({ min: 1, max: 9 }), dw: fc.integer({ min: 1, max: 3 }),
    outW: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.constantFrom(7, 8, 9, 15, 16, 17, 23, 24, 25, 31, 32, 33, 47, 48, 49)),
    extra: fc.integer({ min: 0, max: 8 }), tall: fc.boolean(), h: fc.integer({ min: 1, max: 5 }), kh: fc.integer({ min: 1, max: 3 }),
    padW: fc.boolean(), ceilMode: fc.boolean(), seed: fc.integer(), few: fc.boolean(),
  });
  type RowCase = typeof rowCase extends fc.Arbitrary<infer T> ? T : never;
  /** The shape and window of a case: the input just wide enough for outW windows, plus extra columns. */
  const layout = (r: RowCase) => {
    const kw = r.tall && r.dims === 2 ? Math.max(r.kw, 5) : r.kw;
    const kh = r.tall ? Math.ceil(129 / kw) + r.h - 1 : r.kh, h = r.tall ? kh + r.h : r.h + r.kh - 1;
    const reach = (kw - 1) * r.dw + 1;
    const w = (r.outW - 1) * r.sw + reach + Math.min(r.extra, r.sw - 1);
    const lead = r.dims === 2 ? [h] : [];
    return {
      shape: [r.n, r.c, ...lead, w], kw,
      window: {
        kernelSize: [...(r.dims === 2 ? [kh] : []), kw], stride: [...(r.dims === 2 ? [1] : []), r.sw],
        dilation: [...(r.dims === 2 ? [1] : []), r.dw], padding: [...(r.dims === 2 ? [0] : []), r.padW ? kw >> 1 : 0], ceilMode: r.ceilMode,
      },
    };
  };
  const data = (r: RowCase, shape: number[]) => codes(r.dtype, shape.reduce((a, b) => a * b, 1), r.seed, r.few);

  it('max: values against the reference', () => {
    fc.assert(fc.property(rowCase, (r) => {
      const { shape, window } = layout(r);
      check(sp, `maxPool${r.dims}d`, r.dims, { dtype: r.dtype, last: false, resident: r.resident, shape, data: data(r, shape) }, window);
    }), { numRuns: 400 });
  });

  it('averages (i16 and i32 sums, any divisor): values against the reference', () => {
    const quant = fc.record({
      scale: fc.double({ min: 0.001, max: 10, noNaN: true }), zp: fc.integer({ min: 0, max: 255 }),
      countIncludePad: fc.boolean(), divisorOverride: fc.option(fc.integer({ min: -9, max: 9 }).filter((v) => v !== 0)),
    });
    fc.assert(fc.property(rowCase, quant, (r, qp) => {
      const { shape, window, kw } = layout(r);
      // (PyTorch's averages take no dilation)
      const opts: Record<string, unknown> = { ...window, countIncludePad: qp.countIncludePad, scale: qp.scale, zeroPoint: qp.zp - (r.dtype === 'int8' ? 128 : 0) };
      delete opts.dilation;
      if (qp.divisorOverride !== null) opts.divisorOverride = qp.divisorOverride;
      const avgShape = [...shape.slice(0, -1), (r.outW - 1) * r.sw + kw + Math.min(r.extra, r.sw - 1)];
      check(sp, `avgPool${r.dims}d`, r.dims, { dtype: r.dtype, last: false, resident: r.resident, shape: avgShape, data: data(r, avgShape) }, opts);
    }), { numRuns: 400 });
  });
});
