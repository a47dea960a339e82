// Property tests for the backward passes: random 1D/2D/3D shapes, window options, layouts and
// values (ties, -0/+0, NaN, infinities) against the reference written from the definitions
// (test/reference/backward.ts), with plain and resident tensors. Max gradients bit for bit
// (indices form and recomputed-argmax form), sums within 1e-6 + 1e-5*|expected|. Shapes reach
// the planar kernels' stride-1 gather and kernel-2/stride-2 interiors, the generic scatter
// (dilation, other strides, adaptive windows) and the channel-lane kernel (up to 19 channels).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ref from './reference/poolnd';
import * as bref from './reference/backward';
import { expectCloseFloats, expectSameFloats, getEngine } from './support/engine';
import type { Engine } from '../dist/index.js';

const RUNS = 60;
const SPECIAL = [0, -0, NaN, Infinity, -Infinity, 1, -1, 2];
const value = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 3 }) },
  { weight: 4, arbitrary: fc.float({ noNaN: true, noDefaultInfinity: true, min: -100, max: 100 }) },
  { weight: 1, arbitrary: fc.constantFrom(...SPECIAL) },
);
const finite = fc.float({ noNaN: true, noDefaultInfinity: true, min: -10, max: 10 });
const MAX_SIDE: Record<number, number> = { 1: 40, 2: 21, 3: 7 };

interface Shape { last: boolean; resident: boolean; cf: number[] }

const shapeCase = (dims: number) =>
  fc.record({
    last: fc.boolean(),
    resident: fc.boolean(),
    batched: fc.boolean(),
    n: fc.integer({ min: 0, max: 2 }),
    c: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 4, max: 19 })),
    spatial: fc.array(fc.integer({ min: 1, max: MAX_SIDE[dims] }), { minLength: dims, maxLength: dims }),
  }).map((r): Shape => ({
    last: r.last,
    resident: r.resident,
    cf: r.batched ? [r.n, r.c, ...r.spatial] : [r.c, ...r.spatial],
  }));

const sizes = (dims: number, min: number, max: number) =>
  fc.oneof(fc.integer({ min, max }), fc.array(fc.integer({ min, max }), { minLength: dims, maxLength: dims }));

const windowOpts = (dims: number, max: boolean) =>
  fc.record({
    kernelSize: sizes(dims, 1, 4),
    stride: fc.oneof(fc.constant(undefined), sizes(dims, 1, 3)),
    padding: fc.oneof(fc.constant(undefined), sizes(dims, 0, 2)),
    ceilMode: fc.boolean(),
    ...(max ? { dilation: fc.oneof(fc.constant(undefined), sizes(dims, 1, 3)) } : {
      countIncludePad: fc.boolean(),
      divisorOverride: fc.constantFrom(undefined, undefined, 3, -2),
    }),
  }, { requiredKeys: ['kernelSize'] });

const data = (n: number, v: fc.Arbitrary<number>) => fc.array(v, { minLength: n, maxLength: n }).map((a) => Float32Array.from(a));
const prod = (a: readonly number[]) => a.reduce((x, y) => x * y, 1);

/** Padding at most half the kernel (PyTorch's rule): clamp so that most draws are valid. */
function clampPadding(dims: number, o: Record<string, any>) {
  if (o.padding === undefined) return o;
  const k = Array.isArray(o.kernelSize) ? o.kernelSize : new Array(dims).fill(o.kernelSize);
  const p = Array.isArray(o.padding) ? o.padding : new Array(dims).fill(o.padding);
  return { ...o, padding: p.map((v: number, i: number) => Math.min(v, Math.floor(k[i] / 2))) };
}

const clean = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** Channels-first tensor in the call's layout, placed resident when asked. */
function placer(sp: Engine, dims: number, s: Shape, owned: { dispose(): void }[]) {
  return <A extends Float32Array | Int32Array>(t: ref.T<A>) => {
    const v = s.last ? ref.transposeNd(t, dims, true) : { ...t, layout: ref.LAYOUTS[dims][0] };
    if (!s.resident) return v;
    const r = sp.fromArray(v.data, v.shape, v.layout);
    owned.push(r);
    return r;
  };
}

function readBack(dims: number, s: Shape, r: any, owned: { dispose(): void }[]): ref.T {
  if (s.resident) owned.push(r);
  const copy = { data: r.data.slice() as Float32Array, shape: [...r.shape] };
  return s.last ? ref.transposeNd(copy, dims, false) : copy;
}

/** The forward output's channels-first shape for these options, or undefined if the reference rejects them. */
function forwardShape(dims: number, cf: number[], o: Record<string, unknown>, max: boolean): number[] | undefined {
  try {
    const x = { data: new Float32Array(prod(cf)), shape: cf };
    return (max ? ref.maxPoolRef(dims, x, o as never).output : ref.avgPoolRef(dims, x, o as never)).shape;
  } catch {
    return undefined;
  }
}

describe.each([1, 2, 3])('%id backward passes match the reference', (dims) => {
  it('max pooling: indices form and recomputed argmax, bit for bit (explicit padding as wide as a window too)', async () => {
    const sp = await getEngine();
    // PyTorch's padding (at most half the kernel), or explicit per-side padding up to 5, where a
    // window can lie wholly in padding and must send nothing.
    const sides = [['left', 'right'], ['top', 'bottom', 'left', 'right'], ['front', 'back', 'top', 'bottom', 'left', 'right']][dims - 1];
    const explicit = fc.record({
      kernelSize: sizes(dims, 1, 3), stride: sizes(dims, 1, 4), dilation: sizes(dims, 1, 3),
      padding: fc.tuple(...sides.map(() => fc.integer({ min: 0, max: 5 }))).map((p) => Object.fromEntries(sides.map((side, i) => [side, p[i]]))),
    });
    const opts = fc.oneof(windowOpts(dims, true).map((o) => clean(clampPadding(dims, o))), explicit);
    await fc.assert(fc.asyncProperty(
      shapeCase(dims), opts, fc.integer({ min: 0, max: 1e6 }),
      async (s, o, seed) => {
        const outShape = forwardShape(dims, s.cf, o, true);
        fc.pre(outShape !== undefined);
        const x = { data: fc.sample(data(prod(s.cf), value), { seed, numRuns: 1 })[0], shape: s.cf };
        const g = { data: fc.sample(data(prod(outShape!), finite), { seed: seed + 1, numRuns: 1 })[0], shape: outShape! };
        const owned: { dispose(): void }[] = [];
        const place = placer(sp, dims, s, owned);
        try {
          const want = bref.maxPoolBackwardRef(dims, g, x, o as never);
          const got = readBack(dims, s, sp[`maxPool${dims}dBackward` as 'maxPool2dBackward'](place(g), { ...o, input: place(x) } as never), owned);
          expect(got.shape).toEqual(s.cf);
          expectSameFloats(got.data, want.data, 'from input');
          // The indices form, with the forward's own indices: a window without an in-bounds tap
          // reports PyTorch's start index (outside the plane, which the indices form rejects, or
          // a cell in it), and sends nothing: mark those -1.
          const spatial = ref.split(s.cf, dims).spatial;
          const w = ref.poolWindows(dims, spatial, o as never);
          const empty = [...ref.coords(w.out)].map((oc) => w.taps(oc).length === 0);
          const idx = ref.maxPoolRef(dims, x, o as never).indices;
          idx.data = idx.data.map((i, at) => (empty[at % empty.length] ? -1 : i));
          const viaIdx = readBack(dims, s, sp[`maxPool${dims}dBackward` as 'maxPool2dBackward'](place(g), place(idx) as never, { inputShape: spatial }), owned);
          expectSameFloats(viaIdx.data, want.data, 'from indices');
        } finally {
          for (const t of owned) t.dispose();
        }
      },
    ), { numRuns: 2 * RUNS });
  });

  it('max pooling with arbitrary indices (duplicates, -1) accumulates in scan order; others are a RangeError', async () => {
    const sp = await getEngine();
    await fc.assert(fc.asyncProperty(
      shapeCase(dims), fc.array(fc.integer({ min: 1, max: 5 }), { minLength: dims, maxLength: dims }), fc.integer({ min: 0, max: 1e6 }), fc.boolean(),
      async (s, outSpatial, seed, bad) => {
        const sp0 = ref.split(s.cf, dims);
        const inN = prod(sp0.spatial);
        const gShape = sp0.batched ? [sp0.N, sp0.C, ...outSpatial] : [sp0.C, ...outSpatial];
        const n = prod(gShape);
        const g = { data: fc.sample(data(n, finite), { seed, numRuns: 1 })[0], shape: gShape };
        const ints = Int32Array.from({ length: n }, (_, i) => ((i * 7 + seed) % (inN + 1)) - 1);
        if (bad && n > 0) ints[seed % n] = seed % 2 ? inN : -2;
        const idx = { data: ints, shape: gShape };
        const owned: { dispose(): void }[] = [];
        const place = placer(sp, dims, s, owned);
        try {
          const gArg = place(g);
          const idxArg = place(idx);
          const call = () => sp[`maxPool${dims}dBackward` as 'maxPool2dBackward'](gArg, idxArg as never, { inputShape: sp0.spatial });
          if (bad && n > 0) {
            const before = sp.memoryStats().bytesInUse;
            expect(call).toThrow(RangeError);
            expect(call).toThrow(/indices holds/);
            expect(sp.memoryStats().bytesInUse).toBe(before);
            return;
          }
          const want = bref.scatterRef(dims, g, idx, sp0.spatial, true);
          expectSameFloats(readBack(dims, s, call(), owned).data, want.data);
        } finally {
          for (const t of owned) t.dispose();
        }
      },
    ), { numRuns: RUNS });
  });

  it('average pooling', async () => {
    const sp = await getEngine();
    await fc.assert(fc.asyncProperty(
      shapeCase(dims), windowOpts(dims, false), fc.integer({ min: 0, max: 1e6 }),
      async (s, o0, seed) => {
        const o = clean(clampPadding(dims, o0));
        const outShape = forwardShape(dims, s.cf, o, false);
        fc.pre(outShape !== undefined);
        const g = { data: fc.sample(data(prod(outShape!), value), { seed, numRuns: 1 })[0], shape: outShape! };
        const owned: { dispose(): void }[] = [];
        try {
          const want = bref.avgPoolBackwardRef(dims, g, s.cf, o as never);
          const got = readBack(dims, s, sp[`avgPool${dims}dBackward` as 'avgPool2dBackward'](placer(sp, dims, s, owned)(g), { ...o, inputShape: ref.split(s.cf, dims).spatial } as never), owned);
          expect(got.shape).toEqual(s.cf);
          expectCloseFloats(got.data, want.data);
        } finally {
          for (const t of owned) t.dispose();
        }
      },
    ), { numRuns: RUNS });
  });

  it('adaptive average and max pooling', async () => {
    const sp = await getEngine();
    await fc.assert(fc.asyncProperty(
      shapeCase(dims), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: dims, maxLength: dims }), fc.integer({ min: 0, max: 1e6 }),
      async (s, outSpatial, seed) => {
        const sp0 = ref.split(s.cf, dims);
        const gShape = sp0.batched ? [sp0.N, sp0.C, ...outSpatial] : [sp0.C, ...outSpatial];
        const x = { data: fc.sample(data(prod(s.cf), value), { seed, numRuns: 1 })[0], shape: s.cf };
        const g = { data: fc.sample(data(prod(gShape), finite), { seed: seed + 1, numRuns: 1 })[0], shape: gShape };
        const owned: { dispose(): void }[] = [];
        const place = placer(sp, dims, s, owned);
        try {
          const avg = readBack(dims, s, sp[`adaptiveAvgPool${dims}dBackward` as 'adaptiveAvgPool2dBackward'](place(g), { inputShape: sp0.spatial }), owned);
          expectCloseFloats(avg.data, bref.adaptiveAvgPoolBackwardRef(dims, g, s.cf).data, 'avg');
          const max = readBack(dims, s, sp[`adaptiveMaxPool${dims}dBackward` as 'adaptiveMaxPool2dBackward'](place(g), { input: place(x) }), owned);
          expectSameFloats(max.data, bref.adaptiveMaxPoolBackwardRef(dims, g, x).data, 'max');
        } finally {
          for (const t of owned) t.dispose();
        }
      },
    ), { numRuns: RUNS });
  });

  it('Lp pooling', async () => {
    const sp = await getEngine();
    await fc.assert(fc.asyncProperty(
      shapeCase(dims), sizes(dims, 1, 3), fc.oneof(fc.constant(undefined), sizes(dims, 1, 3)), fc.boolean(),
      fc.constantFrom(1, 2, 3, 1.5), fc.integer({ min: 0, max: 1e6 }),
      async (s, kernelSize, stride, ceilMode, normType, seed) => {
        const o = clean({ kernelSize, stride, ceilMode, normType });
        const outShape = forwardShape(dims, s.cf, o, false);
        fc.pre(outShape !== undefined);
        // Positive and zero inputs (negative ones make non-integer powers NaN, tested by the golden cases).
        const pos = fc.oneof(fc.constant(0), fc.float({ noNaN: true, noDefaultInfinity: true, min: Math.fround(0.25), max: 4 }));
        const x = { data: fc.sample(data(prod(s.cf), pos), { seed, numRuns: 1 })[0], shape: s.cf };
        const g = { data: fc.sample(data(prod(outShape!), finite), { seed: seed + 1, numRuns: 1 })[0], shape: outShape! };
        const owned: { dispose(): void }[] = [];
        const place = placer(sp, dims, s, owned);
        try {
          const want = bref.lpPoolBackwardRef(dims, g, x, o as never);
          const scale = bref.lpPoolBackwardRef(dims, g, x, o as never, true).data;
          const got = readBack(dims, s, sp[`lpPool${dims}dBackward` as 'lpPool2dBackward'](place(g), { ...o, input: place(x) } as never), owned);
          // Overlapping windows' terms may cancel: within 1e-5 of the terms' magnitude.
          expectCloseFloats(got.data, want.data, 'gradInput', scale);
        } finally {
          for (const t of owned) t.dispose();
        }
      },
    ), { numRuns: RUNS });
  });
});

describe('Lp gradients whose overlapping windows cancel', () => {
  // (found by a bug hunt: parallel-abuse and fuzz compared Lp gradients within 1e-5 of the result,
  // and this row's cell 6 got -0.0505940 for torch's -0.0505956, its two windows' terms +15.59 and
  // -15.64 computed a few float32 ulps apart; the reference's scale is the terms' magnitude)
  it('are within 1e-5 of the magnitude of their terms, not of their sum', async () => {
    const sp = await getEngine();
    const x = { data: Float32Array.from([-2.5, -3.5, 1.5, -3.5, 1, 3, -3, 1, 2.5, 2.5, 2.5, 3, 0.5, -3]), shape: [1, 1, 14] };
    const g = { data: Float32Array.from([5.75, -2.25, 2.75, -5.25, -0.25, 4.75]), shape: [1, 1, 6] };
    const o = { normType: 3, kernelSize: 4, stride: 2, ceilMode: true };
    const got = sp.lpPool1dBackward(g, { ...o, input: x });
    const want = bref.lpPoolBackwardRef(1, g, x, o as never);
    const scale = bref.lpPoolBackwardRef(1, g, x, o as never, true).data;
    // the cancellation is real: some cell's terms are over a hundred times its value
    expect(want.data.some((e, i) => scale[i] > 100 * Math.abs(e))).toBe(true);
    expectCloseFloats(got.data, want.data, 'gradInput', scale);
  });
});
