// 3D windows 2x2x2 at stride 2 over planes at least 8 wide: every output row folds four input
// rows (two rows of two depth slices), which the full build's row loop takes in one pass
// (assembly/rows.ts rowGroups with FourRows), in scan order (depth, row, column) for -0/+0 ties
// and averages, with one NaN watch over all four rows. Against the reference: max pooling (both
// NaN rules), averages, several planes and samples, plain and resident inputs; ceil mode adds
// ragged last windows (which take the general loop) around the same rows. simdpool/core has no 3D.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { avgPoolRef, maxPoolRef, type T } from './reference/poolnd';
import { tieProneValue } from './support/values';
import { expectSameFloats, getEngine, target } from './support/engine';

type Engine3d = Record<'maxPool3d' | 'avgPool3d', (x: unknown, o: unknown) => { data: Float32Array }> & {
  fromArray(data: Float32Array, shape: number[], layout: string): { dispose(): void };
};

const input = fc.record({
  n: fc.integer({ min: 1, max: 2 }),
  c: fc.integer({ min: 1, max: 3 }),
  d: fc.integer({ min: 2, max: 5 }),
  h: fc.integer({ min: 2, max: 7 }),
  w: fc.integer({ min: 8, max: 21 }),
}).chain(({ n, c, d, h, w }) => {
  const shape = [n, c, d, h, w];
  const size = shape.reduce((a, b) => a * b, 1);
  return fc.array(tieProneValue, { minLength: size, maxLength: size }).map((v) => ({ data: Float32Array.from(v), shape, layout: 'NCDHW' }));
});

describe.skipIf(target().bundle === 'core')('2x2x2 / stride 2 pooling over four input rows', () => {
  it('max pooling (both NaN rules) and averages equal the reference', async () => {
    const sp = (await getEngine()) as unknown as Engine3d;
    let nanReached = 0;
    fc.assert(
      fc.property(input, fc.boolean(), fc.boolean(), (x, ceilMode, resident) => {
        const opts = { kernelSize: 2, stride: 2, ceilMode };
        const arg = resident ? sp.fromArray(x.data, x.shape, x.layout) : x;
        try {
          const want = maxPoolRef(3, x as T, opts).output.data;
          expectSameFloats(sp.maxPool3d(arg, opts).data, want, `max ${x.shape} ceil ${ceilMode}`);
          if (want.some(Number.isNaN)) nanReached++;
          const ignore = { ...opts, nanMode: 'ignore' as const };
          expectSameFloats(sp.maxPool3d(arg, ignore).data, maxPoolRef(3, x as T, ignore).output.data, `ignore ${x.shape}`);
          expectSameFloats(sp.avgPool3d(arg, opts).data, avgPoolRef(3, x as T, opts).data, `avg ${x.shape} ceil ${ceilMode}`);
        } finally {
          if (resident) (arg as { dispose(): void }).dispose();
        }
      }),
      { numRuns: 120 },
    );
    expect(nanReached).toBeGreaterThan(20);
  });

  it('signed zeros: the first largest value in scan order wins', async () => {
    const sp = (await getEngine()) as unknown as Engine3d;
    let seed = 5;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let trial = 0; trial < 40; trial++) {
      const shape = [1, 2, 4, 6, 8 + (trial % 9)];
      const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => [0, -0, -1][Math.floor(next() * 3)]);
      const x = { data, shape, layout: 'NCDHW' };
      expectSameFloats(sp.maxPool3d(x, { kernelSize: 2, stride: 2 }).data, maxPoolRef(3, x as T, { kernelSize: 2, stride: 2 }).output.data, `trial ${trial}`);
    }
  });
});
