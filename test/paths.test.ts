// The full engine's kernel paths where they part from pathOf's (src/ops/paths.ts), against the
// reference: planar windows that overlap along rows and columns at column stride 3 or more run as
// plane groups (5 / stride 3, Inception's auxiliary average), and narrow 2D planes (8 to 16
// columns) whose windows lie inside the rows, 2 or 3 wide at stride 1 or 2, run on the row
// kernels (adaptive pooling too, where its windows divide the input), with 16 planes or more. Max pooling (both NaN rules, with and without indices) and
// averages (every divisor option), with padding, ceil mode, dilation, group tails (planes not a
// multiple of 16), 2D and (full builds) 3D; simdpool/core keeps pathOf's kernels for them.
// Channels-last tensors of the same windows keep their channel-lane kernel; channels-last calls of
// 2 to 7 channels are pooled as planes (src/ops/channel-planes.ts), but for max and average pooling
// of 3 to 7 channels over 2 or 3 wide windows at column stride 2, which the channel-lane kernel does
// row by row.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { adaptiveAvgPoolRef, adaptiveMaxPoolRef, avgPoolRef, maxPoolRef, transposeNd, type Layout, type T } from './reference/poolnd';
import { tieProneValue } from './support/values';
import { expectCloseFloats, expectSameFloats, expectSameInts, getEngine, target } from './support/engine';

type Pooling = (x: unknown, o: unknown) => { data: Float32Array; output: { data: Float32Array }; indices: { data: Int32Array } };
type Reference = T | { output: T; indices: T<Int32Array> };

const full = target().bundle !== 'core';
const LAYOUTS: Record<number, [Layout, Layout]> = { 1: ['NCW', 'NWC'], 2: ['NCHW', 'NHWC'], 3: ['NCDHW', 'NDHWC'] };

/**
 * Values of normal magnitude or zero, for adaptive averages: one whose result is subnormal may
 * differ from PyTorch's in its last bits, sign included (ops/window-sizes.ts dividesByAxis), on
 * every kernel path.
 */
const normalValue = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 3 }) },
  { weight: 3, arbitrary: fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e3, max: 1e3 }).map((v) => (Math.abs(v) < 1e-3 ? 0 : v)) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, NaN, Infinity, -Infinity) },
);

/**
 * 2D tensors of rows and columns in the given ranges, with 16 to 37 planes: planar (as channels)
 * or channels-last (as samples of 1 to 4 channels).
 */
function manyPlanes(rows: [number, number], columns: [number, number], value: fc.Arbitrary<number>) {
  return fc.record({
    last: fc.boolean(),
    many: fc.integer({ min: 16, max: 37 }),
    few: fc.integer({ min: 1, max: 4 }),
    h: fc.integer({ min: rows[0], max: rows[1] }),
    w: fc.integer({ min: columns[0], max: columns[1] }),
  }).chain(({ last, many, few, h, w }) => {
    const shape = last ? [many, h, w, few] : [few > 2 ? 2 : 1, many, h, w];
    const size = shape.reduce((a, b) => a * b, 1);
    return fc.array(value, { minLength: size, maxLength: size }).map((v) => ({ data: Float32Array.from(v), shape, layout: last ? 'NHWC' as const : 'NCHW' as const }));
  });
}

/**
 * Checks simdpool's `op` of `arg` (x, or a resident copy of it) with `opts` against `reference` of
 * the batched tensor x: the references pool channels-first tensors, so a channels-last x is
 * transposed for it and its results back. Values bit for bit (or within an ulp, `close`), indices
 * too where opts.returnIndices. Nothing runs where the reference refuses the options (an output
 * smaller than one, padding over half the kernel): simdpool throws there as well.
 */
function expectLikeReference(
  sp: unknown, op: string, x: T, opts: Record<string, unknown>, reference: (t: T) => Reference, what: string,
  { arg = x as unknown, close = false } = {},
): void {
  const d = x.shape.length - 2;
  const last = x.layout === LAYOUTS[d][1];
  let ref: Reference;
  try {
    ref = reference(last ? transposeNd(x, d, false) : x);
  } catch {
    return;
  }
  const back = <A extends Float32Array | Int32Array>(y: T<A>) => (last ? transposeNd(y, d, true) : y).data;
  const [output, indices] = 'output' in ref ? [ref.output, ref.indices] : [ref, undefined];
  const got = (sp as Record<string, Pooling>)[op].call(sp, arg, opts);
  if (opts.returnIndices) {
    expectSameFloats(got.output.data, back(output), what);
    expectSameInts(got.indices.data, back(indices!), what);
  } else {
    (close ? expectCloseFloats : expectSameFloats)(got.data, back(output), what);
  }
}

/**
 * Channels-last tensors of `channels` channels, 1 to `samples` samples and spatial sizes from
 * `least` to `most(d)`, in 1D, 2D and (full builds) 3D, of tie-prone values.
 */
function channelsLast(channels: fc.Arbitrary<number>, samples: number, least: number, most: (d: number) => number) {
  const dims = full ? fc.constantFrom(1, 2, 2, 3) : fc.constantFrom(1, 2);
  return dims.chain((d) =>
    fc.record({
      d: fc.constant(d),
      n: fc.integer({ min: 1, max: samples }),
      c: channels,
      spatial: fc.array(fc.integer({ min: least, max: most(d) }), { minLength: d, maxLength: d }),
    }),
  ).chain(({ d, n, c, spatial }) => {
    const shape = [n, ...spatial, c];
    const size = shape.reduce((a, b) => a * b, 1);
    return fc.array(tieProneValue, { minLength: size, maxLength: size }).map((v) => ({ d, x: { data: Float32Array.from(v), shape, layout: LAYOUTS[d][1] } }));
  });
}

/** The draws expectMaxOrAverageLikeReference reads besides the window. */
interface PoolingDraw {
  op: string;
  ignoreNaN: boolean;
  countIncludePad: boolean;
  divisorOverride?: number;
  resident: boolean;
}

/**
 * Max (o.op 'max', with `maxOptions` and o's NaN rule) or average pooling (o's divisor options) of
 * x over the `window` options, given plain or resident (o.resident), against the reference.
 */
function expectMaxOrAverageLikeReference(
  sp: Awaited<ReturnType<typeof getEngine>>, d: number, x: T,
  window: Record<string, unknown>, o: PoolingDraw, maxOptions: Record<string, unknown> = {},
) {
  const what = `${JSON.stringify(x.shape)} ${x.layout} ${JSON.stringify(window)} ${JSON.stringify(o)}`;
  const arg = o.resident ? sp.fromArray(x.data, x.shape, x.layout) : x;
  try {
    if (o.op === 'avg') {
      const opts = { ...window, countIncludePad: o.countIncludePad, divisorOverride: o.divisorOverride };
      expectLikeReference(sp, `avgPool${d}d`, x, opts, (t) => avgPoolRef(d, t, opts), what, { arg });
      return;
    }
    const opts = { ...window, ...maxOptions, ...(o.ignoreNaN ? { nanMode: 'ignore' as const } : {}) };
    expectLikeReference(sp, `maxPool${d}d`, x, opts, (t) => maxPoolRef(d, t, opts), what, { arg });
  } finally {
    if (o.resident) (arg as { dispose(): void }).dispose();
  }
}

describe("the full engine's kernel paths", () => {
  it('Inception-v3 auxiliary average (5 / stride 3 on 17x17) and its max twin equal the reference', async () => {
    const sp = await getEngine();
    const shape = [1, 40, 17, 17];
    const data = Float32Array.from({ length: 40 * 17 * 17 }, (_, i) => Math.sin(i * 0.61) * 3);
    const x = { data, shape, layout: 'NCHW' as const };
    for (const opts of [{ kernelSize: 5, stride: 3 }, { kernelSize: 5, stride: 3, padding: 2, countIncludePad: true }, { kernelSize: 7, stride: 4, ceilMode: true }]) {
      expectSameFloats(sp.avgPool2d(x, opts).data, avgPoolRef(2, x, opts).data, `avg ${JSON.stringify(opts)}`);
      const { countIncludePad: _, ...maxOpts } = opts as typeof opts & { countIncludePad?: boolean };
      expectSameFloats(sp.maxPool2d(x, maxOpts).data, maxPoolRef(2, x, maxOpts).output.data, `max ${JSON.stringify(maxOpts)}`);
    }
  });

  it('windows that overlap at column stride 3 or more equal the reference (ties, signed zeros, NaN, infinities; every window option)', async () => {
    const sp = await getEngine();
    const dims = full ? fc.constantFrom(2, 2, 3) : fc.constant(2);
    const input = dims.chain((d) =>
      fc.record({
        d: fc.constant(d),
        // planar: 16 planes or more as channels; channels-last: as samples of few channels
        last: fc.boolean(),
        many: fc.integer({ min: 16, max: 37 }),
        few: fc.integer({ min: 1, max: 4 }),
        lead: fc.array(fc.integer({ min: 1, max: d === 3 ? 4 : 19 }), { minLength: d - 1, maxLength: d - 1 }),
        w: fc.integer({ min: 5, max: 31 }),
      }),
    ).chain(({ d, last, many, few, lead, w }) => {
      const shape = last ? [many, ...lead, w, few] : [few > 2 ? 2 : 1, many, ...lead, w];
      const size = shape.reduce((a, b) => a * b, 1);
      return fc.array(tieProneValue, { minLength: size, maxLength: size }).map((v) => ({ d, x: { data: Float32Array.from(v), shape, layout: LAYOUTS[d][last ? 1 : 0] } }));
    });
    const window = fc.record({
      colStride: fc.integer({ min: 3, max: 5 }),
      colExtra: fc.integer({ min: 1, max: 4 }), // kernel = stride + extra: windows overlap
      rowStride: fc.integer({ min: 1, max: 3 }),
      rowExtra: fc.integer({ min: 0, max: 3 }),
      dilation: fc.constantFrom(1, 1, 2),
      padding: fc.constantFrom('half', 'none', 'same', 'sides'),
      ceilMode: fc.boolean(),
      op: fc.constantFrom('max', 'max', 'avg'),
      ignoreNaN: full ? fc.boolean() : fc.constant(false),
      returnIndices: fc.boolean(),
      countIncludePad: fc.boolean(),
      divisorOverride: fc.option(fc.constantFrom(1, 7), { nil: undefined }),
    });
    fc.assert(
      fc.property(input, window, ({ d, x }, o) => {
        const last = x.layout === LAYOUTS[d][1];
        const lead = last ? x.shape.slice(1, -2) : x.shape.slice(2, -1);
        const kw = o.colStride + o.colExtra;
        const kh = o.rowStride + o.rowExtra;
        const kernelSize = [...lead.map(() => kh), kw];
        const stride = [...lead.map(() => o.rowStride), o.colStride];
        const dilation = [...lead.map(() => 1), o.dilation];
        if (o.padding === 'same' && !full) return; // (simdpool/core has no TF/ONNX padding)
        const padding =
          o.padding === 'half' ? kernelSize.map((k) => k >> 1)
          : o.padding === 'same' ? 'same'
          : o.padding === 'sides' && d === 2 ? { top: 1, bottom: 0, left: 0, right: 2 }
          : 0;
        const window = { kernelSize, stride, padding, ceilMode: o.ceilMode };
        const what = `${JSON.stringify(x.shape)} ${JSON.stringify(o)}`;
        if (o.op === 'avg') {
          const opts = { ...window, countIncludePad: o.countIncludePad, divisorOverride: o.divisorOverride };
          expectLikeReference(sp, `avgPool${d}d`, x, opts, (t) => avgPoolRef(d, t, opts), what);
          return;
        }
        const opts = { ...window, dilation, returnIndices: o.returnIndices, ...(o.ignoreNaN ? { nanMode: 'ignore' as const } : {}) };
        expectLikeReference(sp, `maxPool${d}d`, x, opts, (t) => maxPoolRef(d, t, opts), what);
      }),
      { numRuns: 250 },
    );
  });

  it('narrow planes (8 to 16 columns) equal the reference (ties, signed zeros, NaN, infinities; every window option)', async () => {
    const sp = await getEngine();
    const input = manyPlanes([2, 17], [6, 17], tieProneValue);
    const window = fc.record({
      kernelSize: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }))),
      stride: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }))),
      padding: fc.constantFrom(0, 0, 1, 'same'),
      ceilMode: fc.boolean(),
      dilation: fc.constantFrom(1, 1, 2),
      op: fc.constantFrom('max', 'max', 'avg'),
      ignoreNaN: full ? fc.boolean() : fc.constant(false),
      returnIndices: fc.boolean(),
      countIncludePad: fc.boolean(),
    });
    fc.assert(
      fc.property(input, window, (x, o) => {
        if (o.padding === 'same' && !full) return; // (simdpool/core has no TF/ONNX padding)
        const what = `${JSON.stringify(x.shape)} ${x.layout} ${JSON.stringify(o)}`;
        const base = { kernelSize: o.kernelSize, stride: o.stride, padding: o.padding, ceilMode: o.ceilMode };
        if (o.op === 'avg') {
          const opts = { ...base, countIncludePad: o.countIncludePad };
          expectLikeReference(sp, 'avgPool2d', x, opts, (t) => avgPoolRef(2, t, opts), what);
          return;
        }
        const opts = { ...base, dilation: o.dilation, returnIndices: o.returnIndices, ...(o.ignoreNaN ? { nanMode: 'ignore' as const } : {}) };
        expectLikeReference(sp, 'maxPool2d', x, opts, (t) => maxPoolRef(2, t, opts), what);
      }),
      { numRuns: 300 },
    );
  });

  it('adaptive pooling on narrow planes equals the reference (dividing and irregular windows)', async () => {
    const sp = await getEngine();
    const input = manyPlanes([4, 16], [8, 16], normalValue);
    // output sizes: half or a quarter of the input (windows 2 or 4 wide), or any size
    const sizes = fc.tuple(fc.constantFrom('half', 'quarter', 'any'), fc.integer({ min: 1, max: 16 }), fc.constantFrom('max', 'max', 'avg'), fc.boolean());
    fc.assert(
      fc.property(input, sizes, (x, [kind, any, op, returnIndices]) => {
        const spatial = x.layout === 'NHWC' ? x.shape.slice(1, 3) : x.shape.slice(2);
        const outputSize = spatial.map((n) => Math.max(1, kind === 'half' ? Math.floor(n / 2) : kind === 'quarter' ? Math.floor(n / 4) : Math.min(any, n)));
        const what = `${JSON.stringify(x.shape)} ${x.layout} ${op} ${JSON.stringify(outputSize)} ${returnIndices}`;
        if (op === 'avg') {
          // (simdpool/core divides by the cell count, within an ulp of PyTorch's axis by axis: ops/window-sizes.ts)
          expectLikeReference(sp, 'adaptiveAvgPool2d', x, { outputSize }, (t) => adaptiveAvgPoolRef(2, t, { outputSize }), what, { close: !full });
          return;
        }
        expectLikeReference(sp, 'adaptiveMaxPool2d', x, { outputSize, returnIndices }, (t) => adaptiveMaxPoolRef(2, t, { outputSize }), what);
      }),
      { numRuns: 200 },
    );
  });

  it('fewer than four output columns (4 planes or more, any rank) equal the reference', async () => {
    const sp = await getEngine();
    const dims = full ? fc.constantFrom(1, 2, 2, 3) : fc.constantFrom(1, 2);
    const input = dims.chain((d) =>
      fc.record({
        d: fc.constant(d),
        planes: fc.integer({ min: 1, max: 20 }),
        lead: fc.array(fc.integer({ min: 1, max: d === 3 ? 5 : 12 }), { minLength: d - 1, maxLength: d - 1 }),
        w: fc.integer({ min: 5, max: 40 }),
      }),
    ).chain(({ d, planes, lead, w }) => {
      const shape = [1, planes, ...lead, w];
      const size = shape.reduce((a, b) => a * b, 1);
      return fc.array(normalValue, { minLength: size, maxLength: size }).map((v) => ({ d, x: { data: Float32Array.from(v), shape, layout: LAYOUTS[d][0] } }));
    });
    // a column window of a third of the row or more, so that at most three outputs fit
    const window = fc.record({ share: fc.integer({ min: 3, max: 6 }), ceilMode: fc.boolean(), op: fc.constantFrom('max', 'avg', 'adaptiveMax', 'adaptiveAvg'), returnIndices: fc.boolean() });
    fc.assert(
      fc.property(input, window, ({ d, x }, o) => {
        const spatial = x.shape.slice(2);
        const w = spatial[spatial.length - 1];
        const kw = Math.max(1, Math.ceil(w / o.share) + 1);
        const what = `${JSON.stringify(x.shape)} ${JSON.stringify(o)}`;
        if (o.op === 'adaptiveMax' || o.op === 'adaptiveAvg') {
          const outputSize = spatial.map((n, i) => (i === spatial.length - 1 ? Math.min(3, n) : Math.min(2, n)));
          if (o.op === 'adaptiveAvg') {
            expectLikeReference(sp, `adaptiveAvgPool${d}d`, x, { outputSize }, (t) => adaptiveAvgPoolRef(d, t, { outputSize }), what, { close: !full });
            return;
          }
          expectLikeReference(sp, `adaptiveMaxPool${d}d`, x, { outputSize, returnIndices: true }, (t) => adaptiveMaxPoolRef(d, t, { outputSize }), what);
          return;
        }
        const kernelSize = [...spatial.slice(0, -1).map(() => 2), kw];
        const opts = { kernelSize, stride: kernelSize, ceilMode: o.ceilMode };
        if (o.op === 'avg') {
          expectLikeReference(sp, `avgPool${d}d`, x, opts, (t) => avgPoolRef(d, t, opts), what);
          return;
        }
        const maxOpts = { ...opts, returnIndices: o.returnIndices };
        expectLikeReference(sp, `maxPool${d}d`, x, maxOpts, (t) => maxPoolRef(d, t, maxOpts), what);
      }),
      { numRuns: 250 },
    );
  });

  it('channels-last calls of 2 to 7 channels (pooled as planes) equal the reference, in 1D, 2D and 3D', async () => {
    const sp = await getEngine();
    const input = channelsLast(fc.integer({ min: 1, max: 9 }), 3, 1, (d) => (d === 3 ? 7 : 15));
    const window = fc.record({
      kernel: fc.integer({ min: 1, max: 4 }),
      stride: fc.integer({ min: 1, max: 3 }),
      padding: fc.constantFrom(0, 0, 1, 'same'),
      ceilMode: fc.boolean(),
      dilation: fc.constantFrom(1, 1, 2),
      op: fc.constantFrom('max', 'max', 'avg'),
      ignoreNaN: full ? fc.boolean() : fc.constant(false),
      countIncludePad: fc.boolean(),
      divisorOverride: fc.option(fc.constantFrom(2, 7), { nil: undefined }),
      resident: fc.boolean(),
    });
    fc.assert(
      fc.property(input, window, ({ d, x }, o) => {
        if (o.padding === 'same' && !full) return; // (simdpool/core has no TF/ONNX padding)
        if (o.padding === 1 && o.kernel < 2) return; // (padding at most half the kernel)
        const base = { kernelSize: o.kernel, stride: o.stride, padding: o.padding, ceilMode: o.ceilMode };
        expectMaxOrAverageLikeReference(sp, d, x, base, o, { dilation: o.dilation });
      }),
      { numRuns: 300 },
    );
  });

  it('channels-last max and average pooling row by row (2 or 3 wide at column stride 2, 3 channels or more) equal the reference, in 1D, 2D and 3D', async () => {
    // (assembly/channels.ts maxRowInterior and avgRowInterior: blocks of four channels, the last
    // overlapping, or three lanes of four; averages with channels under 48 that 16 does not divide)
    const sp = await getEngine();
    const input = channelsLast(fc.oneof(fc.integer({ min: 3, max: 7 }), fc.integer({ min: 8, max: 47 })), 2, 2, (d) => (d === 3 ? 7 : 17));
    const window = fc.record({
      op: fc.constantFrom('max', 'avg'),
      kernel: fc.constantFrom(2, 3),
      rowStride: fc.integer({ min: 1, max: 3 }),
      padding: fc.constantFrom(0, 1, 'same'),
      ceilMode: fc.boolean(),
      ignoreNaN: full ? fc.boolean() : fc.constant(false),
      countIncludePad: fc.boolean(),
      divisorOverride: fc.option(fc.constantFrom(3, -5), { nil: undefined }),
      resident: fc.boolean(),
    });
    fc.assert(
      fc.property(input, window, ({ d, x }, o) => {
        if (o.padding === 'same' && !full) return; // (simdpool/core has no TF/ONNX padding)
        // column stride 2; the other axes' strides vary
        const stride = Array.from({ length: d }, (_, i) => (i === d - 1 ? 2 : o.rowStride));
        expectMaxOrAverageLikeReference(sp, d, x, { kernelSize: o.kernel, stride, padding: o.padding, ceilMode: o.ceilMode }, o);
      }),
      { numRuns: 300 },
    );
  });

  it('channels-last calls of few channels stream end to end in chunks of samples, and write into out', async () => {
    const sp = await getEngine();
    // 4 samples of 120x120x3 (173 KB each): a plain call over the streaming threshold (512 KiB),
    // streamed a sample at a time (chunks of 128 KiB, a sample larger than one is one chunk)
    const shape = [4, 120, 120, 3];
    const data = Float32Array.from({ length: 4 * 120 * 120 * 3 }, (_, i) => Math.sin(i * 0.61) * 4);
    data[777] = NaN;
    const x = { data, shape, layout: 'NHWC' as const };
    for (const opts of [{ kernelSize: 3, stride: 2, padding: 1 }, { kernelSize: 2, stride: 2, ceilMode: true }]) {
      const reference = (t: T) => maxPoolRef(2, t, opts);
      expectLikeReference(sp, 'maxPool2d', x, opts, reference, `plain ${JSON.stringify(opts)}`);
      const resident = sp.fromArray(data, shape, 'NHWC');
      const out = sp.maxPool2d(resident, opts);
      expectLikeReference(sp, 'maxPool2d', x, { ...opts, out }, reference, `resident into out ${JSON.stringify(opts)}`, { arg: resident });
      resident.dispose();
      out.dispose();
    }
  });

  it('channels-last calls of few channels keep their planar plan across calls, and stay right once the plan cache has freed it', async () => {
    const sp = await getEngine();
    // Each call signature keeps its planar plan (pool.ts derivedPlanOf); the plan cache
    // holds 64 plans, so 80 calls of other shapes free it, and plans written since may take its memory.
    const shape = [2, 23, 31, 2];
    const data = Float32Array.from({ length: 2 * 23 * 31 * 2 }, (_, i) => Math.cos(i * 0.37) * 3);
    const x = { data, shape, layout: 'NHWC' as const };
    const opts = { kernelSize: 3, stride: 1, padding: 1 };
    const resident = sp.fromArray(data, shape, 'NHWC');
    const out = sp.maxPool2d(resident, opts);
    // uint8 pixels of 3 and 6 channels, pooled as planes or widened (src/ops/bytes.ts), the same way
    // (full builds: simdpool/core has no int8/uint8 pooling)
    const bytes = (full ? [3, 6] : []).map((c) => {
      const values = Uint8Array.from({ length: 2 * 23 * 40 * c }, (_, i) => (i * 37) % 251);
      return { x: sp.fromArray(values, [2, 23, 40, c], 'NHWC'), want: sp.maxPool2d({ data: Float32Array.from(values), shape: [2, 23, 40, c], layout: 'NHWC' }, opts).data };
    });
    try {
      for (let round = 0; round < 3; round++) {
        expectLikeReference(sp, 'maxPool2d', x, { ...opts, out }, (t) => maxPoolRef(2, t, opts), `round ${round}`, { arg: resident });
        for (const { x: b, want } of bytes) {
          const y = sp.maxPool2d(b, opts);
          expectSameFloats(Float32Array.from(y.data), want, `uint8 ${b.shape} round ${round}`);
          y.dispose();
        }
        for (let i = 0; i < 80; i++) sp.maxPool2d({ data: new Float32Array(4 * (8 + i)), shape: [1, 4, 8 + i] }, { kernelSize: 2 });
      }
    } finally {
      resident.dispose();
      out.dispose();
      for (const { x: b } of bytes) b.dispose();
    }
  });
});
