// Property tests for the breadth operators: random 1D/2D/3D shapes, options, layouts and values
// (ties, -0/+0, NaN, infinities) against the N-d reference (test/reference/poolnd.ts), with
// plain and resident tensors. Runs are few per property but every kernel path is reached:
// row lanes (strides 1/2/other), channel lanes, plane groups (non-dividing adaptive sizes),
// index remapping (planar and channels-last), NaN modes, unpool scatter (planar and channels).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ref from './reference/poolnd';
import { expectCloseFloats, expectSameFloats, expectSameInts, getEngine } from './support/engine';
import type { Engine } from '../dist/index.js';

const SPECIAL = [0, -0, NaN, NaN, Infinity, -Infinity, 1, -1, 2];
const value = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 3 }) },
  { weight: 3, arbitrary: fc.float({ noNaN: true, noDefaultInfinity: true, min: -100, max: 100 }) },
  { weight: 2, arbitrary: fc.constantFrom(...SPECIAL) },
);

interface Case {
  dims: number;
  last: boolean;
  /** Channels-first data and shape (the reference's form). */
  cf: ref.T;
}

const MAX_SIDE: Record<number, number> = { 1: 23, 2: 11, 3: 6 };

const tensorCase = (dims: number, finite = false) =>
  fc
    .record({
      last: fc.boolean(),
      batched: fc.boolean(),
      n: fc.integer({ min: 0, max: 2 }),
      c: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 4, max: 9 })),
      spatial: fc.array(fc.integer({ min: 1, max: MAX_SIDE[dims] }), { minLength: dims, maxLength: dims }),
    })
    .chain((r) => {
      const n = r.batched ? r.n : 1;
      const size = n * r.c * r.spatial.reduce((a, b) => a * b, 1);
      const v = finite ? fc.float({ noNaN: true, noDefaultInfinity: true, min: -10, max: 10 }) : value;
      return fc.array(v, { minLength: size, maxLength: size }).map((vals): Case => ({
        dims,
        last: r.last,
        cf: { data: Float32Array.from(vals), shape: r.batched ? [n, r.c, ...r.spatial] : [r.c, ...r.spatial] },
      }));
    });

const sizes = (dims: number, min: number, max: number) =>
  fc.oneof(fc.integer({ min, max }), fc.array(fc.integer({ min, max }), { minLength: dims, maxLength: dims }));

const SIDE_NAMES: Record<number, string[]> = { 1: ['left', 'right'], 2: ['top', 'bottom', 'left', 'right'], 3: ['front', 'back', 'top', 'bottom', 'left', 'right'] };

const padding = (dims: number) =>
  fc.oneof(
    fc.constant(undefined),
    sizes(dims, 0, 2),
    fc.constantFrom('valid', 'same'),
    fc.tuple(...SIDE_NAMES[dims].map(() => fc.nat(3))).map((v) => Object.fromEntries(SIDE_NAMES[dims].map((k, i) => [k, v[i]]))),
  );

const windowOptions = (dims: number) =>
  fc.record({ kernelSize: sizes(dims, 1, 4), stride: sizes(dims, 1, 3), ceilMode: fc.boolean(), padding: padding(dims) }, { requiredKeys: ['kernelSize'] });

const indexOptions = fc.oneof(
  fc.constant({}),
  fc.constant({ indexFormat: 'plane' as const }),
  fc.constantFrom(0 as const, 1 as const).map((storageOrder) => ({ indexFormat: 'onnx' as const, storageOrder })),
  fc.boolean().map((includeBatchInIndex) => ({ indexFormat: 'tf' as const, includeBatchInIndex })),
);
const nanMode = fc.constantFrom(undefined, 'propagate' as const, 'ignore' as const);

function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The engine on x (in x's layout), results returned channels-first. */
function call(sp: Engine, op: string, x: Case, args: unknown[], resident: boolean) {
  const layoutX = x.last ? ref.transposeNd(x.cf, x.dims, true) : { ...x.cf, layout: ref.LAYOUTS[x.dims][0] };
  const owned: { dispose(): void }[] = [];
  const place = (t: ref.T<Float32Array | Int32Array>) => {
    if (!resident) return t;
    const r = sp.fromArray(t.data, t.shape, t.layout);
    owned.push(r);
    return r;
  };
  const extra = args.map((a) => (a && typeof a === 'object' && 'data' in a ? place(x.last ? ref.transposeNd(a as ref.T<Int32Array>, x.dims, true) : { ...(a as ref.T<Int32Array>), layout: ref.LAYOUTS[x.dims][0] }) : a));
  try {
    const r = (sp as any)[op](place(layoutX), ...extra);
    const out = 'output' in r ? r.output : r;
    if (resident) owned.push(out, ...('indices' in r ? [r.indices] : []));
    expect(out.layout).toBe(ref.LAYOUTS[x.dims][x.last ? 1 : 0]);
    const back = <A extends Float32Array | Int32Array>(t: ref.T<A>) => (x.last ? ref.transposeNd({ data: t.data.slice() as A, shape: [...t.shape] }, x.dims, false) : { data: t.data.slice() as A, shape: [...t.shape] });
    return { output: back(out), indices: 'indices' in r ? back(r.indices as ref.T<Int32Array>) : undefined };
  } finally {
    for (const t of owned) t.dispose();
  }
}

function refOrError<T>(f: () => T): { value?: T; error?: Error } {
  try {
    return { value: f() };
  } catch (error) {
    return { error: error as Error };
  }
}

const RUNS = 60;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** Float32 values as ordered integers: adjacent floats differ by 1. */
const ordinal = (v: number) => {
  f32[0] = v;
  return u32[0] & 0x80000000 ? -(u32[0] & 0x7fffffff) : u32[0];
};

describe('nanMode ignore on every specialised kernel path', () => {
  it('maxPool1d/2d/3d with NaN-rich inputs, kernels 2/3/4, strides 1/2/3, 1-3 kernel rows, both layouts', async () => {
    const sp = await getEngine();
    let seed = 7;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (const dims of [1, 2, 3]) {
      for (const [k, s] of [[2, 2], [3, 2], [3, 1], [2, 1], [4, 3]]) {
        for (const rows of dims === 1 ? [1] : [1, 2, 3]) {
          const kernel = [...new Array(dims - 1).fill(rows), k];
          const stride = [...new Array(dims - 1).fill(1), s];
          const spatial = [...new Array(dims - 1).fill(rows + 1), 37];
          const shape = [2, 5, ...spatial];
          const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => {
            const u = rnd();
            return u < 0.15 ? NaN : u < 0.2 ? -0 : Math.round((u - 0.5) * 8);
          });
          for (const last of [false, true]) {
            const x: Case = { dims, last, cf: { data, shape } };
            for (const returnIndices of [false, true]) {
              const opts = { kernelSize: kernel, stride, padding: 'same' as const, nanMode: 'ignore' as const, returnIndices };
              const want = ref.maxPoolRef(dims, x.cf, opts);
              const got = call(sp, `maxPool${dims}d`, x, [opts], false);
              expectSameFloats(got.output.data, want.output.data, `${dims}d k${k} s${s} rows ${rows}`);
              if (returnIndices) expectSameInts(got.indices!.data, want.indices.data);
            }
          }
        }
      }
    }
  });
});

describe('the vector powf', () => {
  it('lpPool1d with kernelSize 1 is (x ** p) ** (1/p) within 1 ulp, IEEE special cases exact', async () => {
    const sp = await getEngine();
    const base = fc.oneof(
      fc.float({ noNaN: true }),
      fc.float({ min: Math.fround(-1e-37), max: Math.fround(1e-37) }),
      fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1, -1, -2, 2, 3.4e38, -3.4e38, 1.4e-45),
    );
    fc.assert(
      fc.property(fc.array(base, { minLength: 1, maxLength: 40 }), fc.constantFrom(1.5, 2.5, 4, 5, 0.25, 7, 10, 0.7, 1.25), (vals, p) => {
        const x = { data: Float32Array.from(vals), shape: [1, vals.length] };
        const got = sp.lpPool1d(x, { kernelSize: 1, normType: p }).data;
        const want = ref.lpPoolRef(1, x, { kernelSize: 1, normType: p }).data;
        for (let i = 0; i < want.length; i++) {
          const [g, w] = [got[i], want[i]];
          if (Number.isNaN(w) || !Number.isFinite(w) || w === 0) {
            expect(Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)), `x=${vals[i]} p=${p}: got ${g}, want ${w}`).toBe(true);
          } else {
            expect(Math.abs(ordinal(g) - ordinal(w)), `x=${vals[i]} p=${p}: got ${g}, want ${w}`).toBeLessThanOrEqual(1);
          }
        }
      }),
      { numRuns: RUNS * 2 },
    );
  });
});

describe.each([1, 2, 3])('%id operators equal the reference', (dims) => {
  it(`maxPool${dims}d (values, indices in every format, both NaN modes)`, async () => {
    const sp = await getEngine();
    const dilation = fc.option(sizes(dims, 1, 3), { nil: undefined });
    fc.assert(
      fc.property(tensorCase(dims), windowOptions(dims), dilation, fc.boolean(), indexOptions, nanMode, fc.boolean(), (x, w, d, returnIndices, fmt, nm, resident) => {
        const opts = clean({ ...w, dilation: d, nanMode: nm, ...(returnIndices ? { returnIndices, ...fmt } : {}) });
        const want = refOrError(() => ref.maxPoolRef(dims, x.cf, opts as any));
        if (want.error) {
          expect(() => call(sp, `maxPool${dims}d`, x, [opts], resident)).toThrow(RangeError);
          return;
        }
        const got = call(sp, `maxPool${dims}d`, x, [opts], resident);
        expect(got.output.shape).toEqual(want.value!.output.shape);
        expectSameFloats(got.output.data, want.value!.output.data);
        if (returnIndices) expectSameInts(got.indices!.data, want.value!.indices.data);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it(`avgPool${dims}d`, async () => {
    const sp = await getEngine();
    const avg = fc.record({ countIncludePad: fc.option(fc.boolean(), { nil: undefined }), divisorOverride: fc.option(fc.constantFrom(1, 3, -2), { nil: undefined }) });
    fc.assert(
      fc.property(tensorCase(dims), windowOptions(dims), avg, fc.boolean(), (x, w, a, resident) => {
        const opts = clean({ ...w, ...a });
        const want = refOrError(() => ref.avgPoolRef(dims, x.cf, opts as any));
        if (want.error) {
          expect(() => call(sp, `avgPool${dims}d`, x, [opts], resident)).toThrow(RangeError);
          return;
        }
        const got = call(sp, `avgPool${dims}d`, x, [opts], resident);
        expect(got.output.shape).toEqual(want.value!.shape);
        expectCloseFloats(got.output.data, want.value!.data);
      }),
      { numRuns: RUNS },
    );
  });

  it(`lpPool${dims}d`, async () => {
    const sp = await getEngine();
    const lp = fc.record({ kernelSize: sizes(dims, 1, 3), stride: fc.option(sizes(dims, 1, 3), { nil: undefined }), ceilMode: fc.boolean(), normType: fc.constantFrom(1, 2, 3, 1.5, 0.5) });
    fc.assert(
      fc.property(tensorCase(dims, true), lp, fc.boolean(), (x, o, resident) => {
        const opts = clean(o);
        const want = refOrError(() => ref.lpPoolRef(dims, x.cf, opts));
        if (want.error) {
          expect(() => call(sp, `lpPool${dims}d`, x, [opts], resident)).toThrow(RangeError);
          return;
        }
        const got = call(sp, `lpPool${dims}d`, x, [opts], resident);
        expect(got.output.shape).toEqual(want.value!.shape);
        expectCloseFloats(got.output.data, want.value!.data);
      }),
      { numRuns: RUNS },
    );
  });

  it(`adaptiveMaxPool${dims}d and adaptiveAvgPool${dims}d (non-dividing, larger, null, 0)`, async () => {
    const sp = await getEngine();
    const outputSize = fc.oneof(
      fc.integer({ min: 0, max: 9 }),
      fc.array(fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 12 }) }, { weight: 1, arbitrary: fc.constant(null) }), { minLength: dims, maxLength: dims }),
    );
    fc.assert(
      fc.property(tensorCase(dims), outputSize, fc.boolean(), indexOptions, nanMode, fc.boolean(), (x, size, returnIndices, fmt, nm, resident) => {
        const mopts = clean({ outputSize: size, nanMode: nm, ...(returnIndices ? { returnIndices, ...fmt } : {}) });
        const want = ref.adaptiveMaxPoolRef(dims, x.cf, mopts as any);
        const got = call(sp, `adaptiveMaxPool${dims}d`, x, [mopts], resident);
        expect(got.output.shape).toEqual(want.output.shape);
        expectSameFloats(got.output.data, want.output.data);
        if (returnIndices) expectSameInts(got.indices!.data, want.indices.data);
        // Averages divided axis by axis as torch (and the reference) does: the same bits, but for
        // subnormal results (docs/api-breadth.md), taken as 0 here.
        const avg = call(sp, `adaptiveAvgPool${dims}d`, x, [{ outputSize: size }], resident);
        const normal = (a: Float32Array) => a.map((v) => (Math.abs(v) < 2 ** -126 ? 0 : v));
        expectSameFloats(normal(avg.output.data), normal(ref.adaptiveAvgPoolRef(dims, x.cf, { outputSize: size }).data));
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it(`globalMaxPool${dims}d, globalAvgPool${dims}d, globalLpPool${dims}d`, async () => {
    const sp = await getEngine();
    fc.assert(
      fc.property(tensorCase(dims), nanMode, fc.constantFrom(1, 2, 3), fc.boolean(), (x, nm, p, resident) => {
        const max = call(sp, `globalMaxPool${dims}d`, x, [clean({ nanMode: nm })], resident);
        expectSameFloats(max.output.data, ref.globalMaxPoolRef(dims, x.cf, { nanMode: nm }).data, 'max');
        const avg = call(sp, `globalAvgPool${dims}d`, x, [undefined], resident);
        expectCloseFloats(avg.output.data, ref.globalAvgPoolRef(dims, x.cf).data, 'avg');
        const lp = call(sp, `globalLpPool${dims}d`, x, [{ normType: p }], resident);
        expectCloseFloats(lp.output.data, ref.globalLpPoolRef(dims, x.cf, { normType: p }).data, 'lp');
      }),
      { numRuns: RUNS },
    );
  });

  it(`maxUnpool${dims}d (indices from maxPool, random valid and invalid indices)`, async () => {
    const sp = await getEngine();
    const unpool = fc.record({ kernelSize: sizes(dims, 1, 3), stride: fc.option(sizes(dims, 1, 3), { nil: undefined }), padding: fc.constantFrom(undefined, 0, 1) });
    fc.assert(
      fc.property(tensorCase(dims), unpool, fc.boolean(), fc.integer({ min: -1, max: 40 }), fc.boolean(), fc.boolean(), (x, o, pooledIndices, seed, resident, wholeShape) => {
        let opts = clean(o);
        let engineOpts = opts;
        let idxData: Int32Array;
        if (pooledIndices) {
          const pooled = refOrError(() => ref.maxPoolRef(dims, x.cf, { ...opts, padding: 0 }));
          if (pooled.error) return;
          if (wholeShape) {
            // torch's output_size=x.size(): the pooled input's whole shape, in x's layout for the engine.
            const [n, c, ...spatial] = x.cf.shape;
            opts = { ...opts, outputSize: [...x.cf.shape] };
            engineOpts = { ...opts, outputSize: x.last ? [n, ...spatial, c] : [...x.cf.shape] };
          }
          x = { ...x, cf: pooled.value!.output };
          idxData = pooled.value!.indices.data;
        } else {
          // Arbitrary indices (duplicates, out of range, negative).
          idxData = Int32Array.from(x.cf.data, (_, i) => ((i * 7 + seed) % 41) - (seed < 0 ? 1 : 0));
        }
        const indices = { data: idxData, shape: x.cf.shape };
        const want = refOrError(() => ref.maxUnpoolRef(dims, x.cf, indices, opts as any));
        if (want.error) {
          expect(() => call(sp, `maxUnpool${dims}d`, x, [indices, engineOpts], resident)).toThrow(RangeError);
          return;
        }
        const got = call(sp, `maxUnpool${dims}d`, x, [indices, engineOpts], resident);
        expect(got.output.shape).toEqual(want.value!.shape);
        expectSameFloats(got.output.data, want.value!.data);
      }),
      { numRuns: RUNS },
    );
  });
});
