// Every golden case computed by real PyTorch (test/golden/generate.py), run through the
// engine in both layouts, with plain and resident tensors. Runs in Node and in Chromium (the
// JSON is imported as a module, so no file system is needed).
import { describe, expect, it } from 'vitest';
import goldenJson from './golden/pool2d.json';
import { decodeGoldenFile, type GoldenCase, type RawGoldenFile } from './reference/golden-decode';
import { transposeRef } from './reference/pool2d';
import { expectCloseFloats, expectSameFloats, expectSameInts, getEngine } from './support/engine';
import type { Engine, Layout } from '../dist/index.js';

const cases = decodeGoldenFile(goldenJson as RawGoldenFile).cases;

/** The case's call; maxPool2d with indices unless `values` (its values-only kernels differ: row folds, pmax runs). */
function run(sp: Engine, c: GoldenCase, x: { data: Float32Array; shape: number[]; layout: Layout }, resident: boolean, values = false) {
  const opts = c.op === 'maxPool2d' && !values ? { ...c.options, returnIndices: true } : c.options;
  const input = resident ? sp.fromArray(x.data, x.shape, x.layout) : x;
  try {
    const result = (sp as unknown as Record<string, (x: unknown, o?: unknown) => unknown>)[c.op](input, opts) as
      | { data: Float32Array; shape: number[]; layout: Layout; dispose?: () => void }
      | { output: { data: Float32Array; shape: number[]; dispose?: () => void }; indices: { data: Int32Array; shape: number[]; dispose?: () => void } };
    const output = 'output' in result ? result.output : result;
    const indices = 'indices' in result ? result.indices : undefined;
    const copy = { output: { shape: [...output.shape], data: output.data.slice() }, indices: indices && { shape: [...indices.shape], data: indices.data.slice() } };
    output.dispose?.();
    indices?.dispose?.();
    return copy;
  } finally {
    if (resident) (input as { dispose(): void }).dispose();
  }
}

function toNHWCShape(shape: number[]): number[] {
  return shape.length === 4 ? [shape[0], shape[2], shape[3], shape[1]] : [shape[1], shape[2], shape[0]];
}

describe.each(['NCHW', 'NHWC'] as const)('golden PyTorch cases, %s', (layout) => {
  describe.each([false, true])('resident %s', (resident) => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const sp = await getEngine();
      const before = sp.memoryStats().bytesInUse;
      const nchw = { data: c.input, shape: c.shape, layout: 'NCHW' as Layout };
      if (c.error) {
        // Inputs of error cases may have empty dims, which the reference transpose rejects.
        const x = layout === 'NCHW' ? nchw : { data: c.input, shape: toNHWCShape(c.shape), layout: 'NHWC' as Layout };
        const ErrorClass = c.error === 'RangeError' ? RangeError : TypeError;
        expect(() => run(sp, c, x, resident)).toThrow(ErrorClass);
        expect(sp.memoryStats().bytesInUse).toBe(before);
        return;
      }
      const x = layout === 'NCHW' ? nchw : { ...transposeRef(nchw, 'NHWC'), layout: 'NHWC' as Layout };
      const got = run(sp, c, x, resident);
      const want = layout === 'NCHW'
        ? c.output!
        : transposeRef({ data: c.output!.data, shape: c.output!.shape, layout: 'NCHW' }, 'NHWC');
      expect(got.output.shape).toEqual(want.shape);
      // Bit for bit but for global averages (torch's mean sums in another order: README, Semantics).
      if (c.op !== 'globalAvgPool2d') expectSameFloats(got.output.data, want.data, 'output');
      else expectCloseFloats(got.output.data, want.data, 'output');
      if (c.op === 'maxPool2d' && c.indices) {
        const wantIdx = layout === 'NCHW'
          ? c.indices.data
          : transposeRef({ data: c.indices.data, shape: c.indices.shape, layout: 'NCHW' }, 'NHWC').data;
        expectSameInts(got.indices!.data, wantIdx as Int32Array);
        expectSameFloats(run(sp, c, x, resident, true).output.data, want.data, 'output without indices');
      }
    });
  });
});
