// Property tests: random shapes, options, layouts and values (ties, -0/+0, NaN, infinities)
// against the plain-JavaScript reference, through every kernel path (vector interior,
// borders, tails, strides 1/2/other, planar and channel lanes, plain and resident tensors).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { avgPool2dRef, globalAvgPool2dRef, globalMaxPool2dRef, maxPool2dRef, transposeRef } from './reference/pool2d';
import { expectCloseFloats, expectSameFloats, expectSameInts, getEngine } from './support/engine';
import type { Engine, Layout } from '../dist/index.js';

const SPECIAL = [0, -0, NaN, Infinity, -Infinity, 1, -1, 2, 2, 3];

/** Values with many ties (small integers), signed zeros and the IEEE specials. */
const value = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -4, max: 4 }) },
  { weight: 3, arbitrary: fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e3, max: 1e3 }) },
  { weight: 1, arbitrary: fc.constantFrom(...SPECIAL) },
);

interface Case {
  layout: Layout;
  batched: boolean;
  shape: number[];
  data: Float32Array;
}

const tensorCase = fc
  .record({
    layout: fc.constantFrom<Layout>('NCHW', 'NHWC'),
    batched: fc.boolean(),
    n: fc.integer({ min: 0, max: 2 }),
    // (16 planes or more with at most 16 columns run the PlaneGroups path: src/ops/pool.ts pathOf)
    c: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 4, max: 9 }), fc.integer({ min: 16, max: 33 })),
    h: fc.integer({ min: 1, max: 11 }),
    w: fc.integer({ min: 1, max: 19 }),
    special: fc.boolean(),
    seed: fc.integer(),
  })
  .chain((r) => {
    const n = r.batched ? r.n : 1;
    const size = n * r.c * r.h * r.w;
    const values = r.special ? fc.array(value, { minLength: size, maxLength: size }) : fc.array(fc.float({ noNaN: true, min: -100, max: 100 }), { minLength: size, maxLength: size });
    return values.map((vals): Case => {
      const inner = r.layout === 'NCHW' ? [r.c, r.h, r.w] : [r.h, r.w, r.c];
      return { layout: r.layout, batched: r.batched, shape: r.batched ? [n, ...inner] : inner, data: Float32Array.from(vals) };
    });
  });

const size2 = (min: number, max: number) => fc.oneof(fc.integer({ min, max }), fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })));

const windowOptions = fc.record(
  {
    kernelSize: size2(1, 4),
    stride: size2(1, 4),
    ceilMode: fc.boolean(),
    padding: fc.oneof(
      fc.constant(undefined),
      fc.integer({ min: 0, max: 2 }),
      fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
      fc.constantFrom('valid', 'same'),
      fc.record({ top: fc.nat(3), bottom: fc.nat(3), left: fc.nat(3), right: fc.nat(3) }),
    ),
  },
  { requiredKeys: ['kernelSize'] },
);

const maxOptions = fc.tuple(windowOptions, fc.option(size2(1, 3), { nil: undefined })).map(([o, dilation]) => ({ ...o, dilation }));
const avgOptions = fc
  .tuple(windowOptions, fc.option(fc.boolean(), { nil: undefined }), fc.option(fc.constantFrom(1, 3, -2, 7), { nil: undefined }))
  .map(([o, countIncludePad, divisorOverride]) => ({ ...o, countIncludePad, divisorOverride }));

function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Run with a plain tensor, or with a resident one (result copied, tensors disposed). */
function call(sp: Engine, op: 'maxPool2d' | 'avgPool2d' | 'globalMaxPool2d' | 'globalAvgPool2d', x: Case, opts: object | undefined, resident: boolean) {
  const input = resident ? sp.fromArray(x.data, x.shape, x.layout) : { data: x.data, shape: x.shape, layout: x.layout };
  try {
    const r = (sp[op] as (x: unknown, o?: unknown) => any)(input, opts);
    const out = 'output' in r ? r.output : r;
    const copy = { data: out.data.slice() as Float32Array, shape: [...out.shape], layout: out.layout, indices: 'indices' in r ? (r.indices.data.slice() as Int32Array) : undefined };
    if (resident) {
      out.dispose();
      if ('indices' in r) r.indices.dispose();
    }
    return copy;
  } finally {
    if (resident) (input as { dispose(): void }).dispose();
  }
}

/**
 * Global averages. The engine sums a plane in another order than the reference (four SIMD lanes),
 * so float32 rounding differs, and cancellation can make that large next to a mean near zero:
 * on top of expectCloseFloats' tolerance, allow the summation error bound of both orders,
 * (n/4 + n + 2) * 2^-24 * sum|x| / n for a plane of n values. A wrong element or divisor is far
 * outside it.
 */
function expectMeansClose(actual: Float32Array, expected: Float32Array, x: Case): void {
  const [n, c, h, w] = x.layout === 'NCHW'
    ? (x.batched ? x.shape : [1, ...x.shape])
    : (x.batched ? [x.shape[0], x.shape[3], x.shape[1], x.shape[2]] : [1, x.shape[2], x.shape[0], x.shape[1]]);
  expect(actual.length, 'avg: length').toBe(n * c);
  const len = h * w;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const i = b * c + ch;
      const a = actual[i], e = expected[i];
      if (!Number.isFinite(e)) {
        expectCloseFloats(actual.subarray(i, i + 1), expected.subarray(i, i + 1), `avg[${i}]`);
        continue;
      }
      let sumAbs = 0;
      for (let k = 0; k < len; k++) {
        const at = x.layout === 'NCHW' ? (b * c + ch) * len + k : (b * len + k) * c + ch;
        sumAbs += Math.abs(x.data[at]);
      }
      const tol = 1e-6 + 1e-5 * Math.abs(e) + ((len / 4 + len + 2) * 2 ** -24 * sumAbs) / len;
      if (!(Math.abs(a - e) <= tol)) expect.fail(`avg[${i}]: got ${a}, expected ${e} (tolerance ${tol})`);
    }
  }
}

function refOrError<T>(f: () => T): { value?: T; error?: Error } {
  try {
    return { value: f() };
  } catch (error) {
    return { error: error as Error };
  }
}

describe('engine equals the reference on random inputs', () => {
  it('maxPool2d (values and indices)', async () => {
    const sp = await getEngine();
    fc.assert(
      fc.property(tensorCase, maxOptions, fc.boolean(), fc.boolean(), (x, o, resident, returnIndices) => {
        const opts = clean({ ...o, returnIndices });
        const ref = refOrError(() => maxPool2dRef(x, opts));
        if (ref.error) {
          expect(() => call(sp, 'maxPool2d', x, opts, resident)).toThrow(ref.error.constructor as ErrorConstructor);
          return;
        }
        const got = call(sp, 'maxPool2d', x, opts, resident);
        expect(got.shape).toEqual(ref.value!.output.shape);
        expect(got.layout).toBe(x.layout);
        expectSameFloats(got.data, ref.value!.output.data, 'output');
        if (returnIndices) expectSameInts(got.indices!, ref.value!.indices.data);
      }),
      { numRuns: 400 },
    );
  });

  it('avgPool2d', async () => {
    const sp = await getEngine();
    fc.assert(
      fc.property(tensorCase, avgOptions, fc.boolean(), (x, o, resident) => {
        const opts = clean(o);
        const ref = refOrError(() => avgPool2dRef(x, opts));
        if (ref.error) {
          expect(() => call(sp, 'avgPool2d', x, opts, resident)).toThrow(ref.error.constructor as ErrorConstructor);
          return;
        }
        const got = call(sp, 'avgPool2d', x, opts, resident);
        expect(got.shape).toEqual(ref.value!.shape);
        expectCloseFloats(got.data, ref.value!.data, 'output');
        for (const v of got.data) expect(Object.is(v, -0), 'averages are never -0').toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('global pooling', async () => {
    const sp = await getEngine();
    fc.assert(
      fc.property(tensorCase, fc.boolean(), (x, resident) => {
        const max = call(sp, 'globalMaxPool2d', x, undefined, resident);
        const ref = globalMaxPool2dRef(x);
        expect(max.shape).toEqual(ref.output.shape);
        expectSameFloats(max.data, ref.output.data, 'max');
        const avg = call(sp, 'globalAvgPool2d', x, undefined, resident);
        expectMeansClose(avg.data, globalAvgPool2dRef(x).data, x);
      }),
      { numRuns: 200 },
    );
  });

  it('toNHWC / toNCHW', async () => {
    const sp = await getEngine();
    fc.assert(
      fc.property(tensorCase, (x) => {
        if (x.data.length === 0) return;
        const target: Layout = x.layout === 'NCHW' ? 'NHWC' : 'NCHW';
        const got = target === 'NHWC' ? sp.toNHWC(x) : sp.toNCHW(x);
        const want = transposeRef(x, target);
        expect(got.shape).toEqual(want.shape);
        expect(got.layout).toBe(target);
        expectSameFloats(got.data, want.data);
        const back = target === 'NHWC' ? sp.toNCHW(got) : sp.toNHWC(got);
        expectSameFloats(back.data, x.data);
      }),
      { numRuns: 200 },
    );
  });

  it('toNHWC / toNCHW of matrices whose rows lie a multiple of 512 floats apart (the transposes take them eight at a time)', async () => {
    const sp = await getEngine();
    fc.assert(
      fc.property(
        fc.record({ n: fc.integer({ min: 1, max: 2 }), rows: fc.integer({ min: 1, max: 27 }), k: fc.integer({ min: 1, max: 2 }), toLast: fc.boolean(), seed: fc.integer({ min: 0, max: 1000 }) }),
        ({ n, rows, k, toLast, seed }) => {
          // toNHWC: rows = channels, columns = the 16 x 32k pixels; toNCHW: rows = the pixels, columns = 512k channels
          const shape = toLast ? [n, rows, 16, 32 * k] : [n, 1, rows, 512 * k];
          const size = shape.reduce((a, b) => a * b, 1);
          const x = { data: Float32Array.from({ length: size }, (_, i) => (i * 7 + seed) % 1009), shape, layout: (toLast ? 'NCHW' : 'NHWC') as Layout };
          const target: Layout = toLast ? 'NHWC' : 'NCHW';
          const got = toLast ? sp.toNHWC(x) : sp.toNCHW(x);
          expectSameFloats(got.data, transposeRef(x, target).data);
        },
      ),
      { numRuns: 60 },
    );
  });
});
