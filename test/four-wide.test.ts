// Planar windows four wide at stride four (assembly/four-wide.ts: kernel 4 / stride 4, and
// adaptive pooling whose sizes divide into windows of 4, such as 28 -> 7) against real PyTorch
// (test/golden/generate_four_wide.py), bit for bit, in both layouts, plain and resident. Its max
// folds each row's taps pairwise rather than in scan order and watches for NaN with a sum, so the
// inputs hold planes of signed-zero ties, lone and several NaNs and infinities beside random
// ones; the golden tests call max pooling with indices only, which four-wide.ts does not serve.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LAYOUTS, transposeNd, type T } from './reference/poolnd';
import { loadGoldenCases, type GoldenCase as Case } from './reference/golden';
import { expectSameFloats, expectSameInts, getEngine } from './support/engine';
import type { Engine } from '../dist/index.js';

// (The format of pool2d.json, 1D/3D and adaptive operators included: decoded by the same loader.)
const cases = loadGoldenCases(fileURLToPath(new URL('./golden/four-wide.json', import.meta.url)));

/** The engine's result in channels-first layout: output, and indices when asked for. */
function run(sp: Engine, c: Case, last: boolean, resident: boolean, withIndices: boolean) {
  const d = c.shape.length - 2;
  const cf: T = { data: c.input, shape: c.shape, layout: LAYOUTS[d][0] };
  const x = last ? transposeNd(cf, d, true) : cf;
  const input = resident ? sp.fromArray(x.data, x.shape, x.layout) : x;
  const back = <A extends Float32Array | Int32Array>(t: T<A>) => (last ? transposeNd(t, d, false) : t).data;
  try {
    const r = (sp as any)[c.op](input, withIndices ? { ...c.options, returnIndices: true } : c.options);
    const output = withIndices ? r.output : r;
    const result = {
      output: back({ data: output.data.slice(), shape: [...output.shape], layout: output.layout }),
      indices: withIndices ? back({ data: r.indices.data.slice(), shape: [...r.indices.shape], layout: output.layout }) : undefined,
    };
    if (resident) for (const t of withIndices ? [r.output, r.indices] : [r]) t.dispose();
    return result;
  } finally {
    if (resident) (input as { dispose(): void }).dispose();
  }
}

describe.each([false, true])('windows four wide at stride four against PyTorch, channels-last %s', (last) => {
  describe.each([false, true])('resident %s', (resident) => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
      const sp = await getEngine();
      const got = run(sp, c, last, resident, false);
      expectSameFloats(got.output as Float32Array, c.output!.data, 'output');
      if (c.indices) {
        const withIndices = run(sp, c, last, resident, true);
        expectSameFloats(withIndices.output as Float32Array, c.output!.data, 'output with indices');
        expectSameInts(withIndices.indices as Int32Array, c.indices.data);
      }
    });
  });
});

it('the cases hold NaN, infinities and signed zeros in their inputs and in the max outputs', () => {
  const max = cases.filter((c) => c.indices);
  const has = (a: Float32Array, f: (v: number) => boolean) => a.some(f);
  for (const c of max) {
    expect(has(c.output!.data, Number.isNaN), c.name).toBe(true);
    expect(has(c.output!.data, (v) => Object.is(v, -0)), c.name).toBe(true);
    expect(has(c.input, (v) => v === -Infinity), c.name).toBe(true);
  }
});
