// Golden cases from the real TF/ONNX peers (test/golden/generate_interop.mjs): ONNX Runtime's
// MaxPool (Indices, storage_order, explicit asymmetric pads, ceil_mode, dilations, SAME_UPPER,
// VALID), AveragePool (count_include_pad), the global and Lp pools, and TensorFlow.js's maxPool
// (nanMode 'ignore'), avgPool, maxPoolWithArgmax (includeBatchInIndex), pool with dilations and the
// 3D pools, each replayed as the simdpool call that means the same thing, with plain and resident
// tensors. Max values and indices bit for bit; averages and Lp norms within 1e-6 + 1e-5·|x| (the
// peers sum in other orders, tfjs in float64).
import goldenJson from './golden/interop.json';
import { describe, it } from 'vitest';
import { expectCloseFloats, expectSameFloats, expectSameInts, getEngine } from './support/engine';
import type { Engine } from '../dist/index.js';
import { decodeBytes } from './reference/golden-decode';

interface Case {
  name: string;
  peer: string;
  op: string;
  shape: number[];
  layout: string;
  options: Record<string, unknown>;
  exact: boolean;
  input: Float32Array;
  output: { shape: number[]; data: Float32Array };
  indices?: { shape: number[]; data: Int32Array };
}

const raw = goldenJson as any; // (imported as a module: the browser projects run this file too)
const bytes = (b64: string) => decodeBytes(b64, 'interop golden case');
const cases: Case[] = raw.cases.map((c: any) => ({
  ...c,
  input: new Float32Array(bytes(c.input)),
  output: { shape: c.output.shape, data: new Float32Array(bytes(c.output.data)) },
  indices: c.indices && { shape: c.indices.shape, data: new Int32Array(bytes(c.indices.data)) },
}));

function run(sp: Engine, c: Case, resident: boolean) {
  const x = resident ? sp.fromArray(c.input, c.shape, c.layout as any) : { data: c.input, shape: c.shape, layout: c.layout };
  const r = (sp as any)[c.op](x, c.options);
  const output = 'output' in r ? r.output : r;
  const result = {
    shape: [...output.shape] as number[],
    data: output.data.slice() as Float32Array,
    indices: 'indices' in r ? (r.indices.data.slice() as Int32Array) : undefined,
  };
  if (resident) {
    output.dispose();
    if ('indices' in r) r.indices.dispose();
    (x as { dispose(): void }).dispose();
  }
  return result;
}

describe('golden cases from ONNX Runtime and TensorFlow.js', () => {
  it('has cases from both peers', ({ expect }) => {
    expect(cases.some((c) => c.peer === 'onnxruntime-node')).toBe(true);
    expect(cases.some((c) => c.peer === 'tfjs-backend-cpu')).toBe(true);
  });
  for (const c of cases) {
    for (const resident of [false, true]) {
      it(`${c.name}${resident ? ' (resident)' : ''}`, async ({ expect }) => {
        const sp = await getEngine();
        const r = run(sp, c, resident);
        expect(r.shape).toEqual(c.output.shape);
        if (c.exact) expectSameFloats(r.data, c.output.data);
        else expectCloseFloats(r.data, c.output.data);
        if (c.indices) expectSameInts(r.indices!, c.indices.data);
      });
    }
  }
});
