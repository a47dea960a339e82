// Golden cases from real PyTorch for the 1D/3D, adaptive, Lp, global and unpooling operators
// (test/golden/generate_breadth.py): the engine in both layouts with plain and resident tensors,
// and the N-d reference (test/reference/poolnd.ts) in channels-first layout.
import goldenJson from './golden/breadth.json';
import { describe, expect, it } from 'vitest';
import * as ref from './reference/poolnd';
import { expectCloseFloats, expectSameFloats, expectSameInts, getEngine } from './support/engine';
import type { Engine } from '../dist/index.js';
import { decodeBytes } from './reference/golden-decode';

interface Case {
  name: string;
  op: string;
  shape: number[];
  input: Float32Array;
  indicesInput?: Int32Array;
  options: Record<string, unknown>;
  output?: { shape: number[]; data: Float32Array };
  indices?: { shape: number[]; data: Int32Array };
  error?: string;
}

const bytes = (b64: string) => decodeBytes(b64, 'breadth golden case');
const raw = goldenJson as any; // (imported as a module: the browser projects run this file too)
const cases: Case[] = raw.cases.map((c: any) => ({
  ...c,
  input: new Float32Array(bytes(c.input)),
  indicesInput: c.indicesInput && new Int32Array(bytes(c.indicesInput)),
  output: c.output && { shape: c.output.shape, data: new Float32Array(bytes(c.output.data)) },
  indices: c.indices && { shape: c.indices.shape, data: new Int32Array(bytes(c.indices.data)) },
}));

const dimsOf = (op: string) => Number(/(\d)d$/.exec(op)![1]);
const returnsIndices = (c: Case) => c.indices !== undefined && !c.op.startsWith('global');
// Bit for bit: windowed averages too (summed in torch's scan order, divided once, as torch does),
// and adaptive averages (divided by the window's size along each axis in turn, as torch does).
const exact = (op: string) => /max|Max|Unpool|adaptiveAvg|^avgPool/.test(op);

/**
 * Engine call; results copied out and resident tensors disposed. With indices where the case has
 * them, unless `values` (the values-only kernels differ: pmax runs, row folds, four-row passes).
 */
function run(sp: Engine, c: Case, x: ref.T, idx: ref.T<Int32Array> | undefined, resident: boolean, values = false) {
  // (values only: without the index format options, which need indices)
  const { indexFormat, storageOrder, includeBatchInIndex, ...valueOptions } = c.options as Record<string, unknown>;
  const opts = !returnsIndices(c) ? c.options : values ? valueOptions : { ...c.options, returnIndices: true };
  const owned: { dispose(): void }[] = [];
  const place = <A extends Float32Array | Int32Array>(t: ref.T<A>) => {
    if (!resident) return t;
    const r = sp.fromArray(t.data, t.shape, t.layout);
    owned.push(r);
    return r;
  };
  try {
    const f = (sp as any)[c.op] as (...args: unknown[]) => any;
    const r = c.op.startsWith('maxUnpool') ? f.call(sp, place(x), place(idx!), opts) : f.call(sp, place(x), opts);
    const output = 'output' in r ? r.output : r;
    const indices = 'indices' in r ? r.indices : undefined;
    if (resident) owned.push(output, ...(indices ? [indices] : []));
    return {
      output: { shape: [...output.shape], data: output.data.slice() as Float32Array, layout: output.layout },
      indices: indices && { shape: [...indices.shape], data: indices.data.slice() as Int32Array },
    };
  } finally {
    for (const t of owned) t.dispose();
  }
}

function reference(c: Case, x: ref.T, idx?: ref.T<Int32Array>) {
  const d = dimsOf(c.op);
  const o = c.options as any;
  const base = c.op.replace(/\dd$/, '');
  switch (base) {
    case 'maxPool': return ref.maxPoolRef(d, x, o);
    case 'adaptiveMaxPool': return ref.adaptiveMaxPoolRef(d, x, o);
    case 'avgPool': return { output: ref.avgPoolRef(d, x, o) };
    case 'adaptiveAvgPool': return { output: ref.adaptiveAvgPoolRef(d, x, o) };
    case 'lpPool': return { output: ref.lpPoolRef(d, x, o) };
    case 'globalMaxPool': return { output: ref.globalMaxPoolRef(d, x, o) };
    case 'globalAvgPool': return { output: ref.globalAvgPoolRef(d, x) };
    case 'globalLpPool': return { output: ref.globalLpPoolRef(d, x, o) };
    case 'maxUnpool': return { output: ref.maxUnpoolRef(d, x, idx!, o) };
  }
  throw new Error(`no reference for ${c.op}`);
}

/** A case with unpooling's whole-shape outputSize in channels-last order (torch's is channels-first). */
function inLastLayout(c: Case, d: number): Case {
  const size = c.options.outputSize as number[] | undefined;
  if (!c.op.startsWith('maxUnpool') || !Array.isArray(size) || size.length !== d + 2) return c;
  const [n, ch, ...spatial] = size;
  return { ...c, options: { ...c.options, outputSize: [n, ...spatial, ch] } };
}

function compare(c: Case, got: { output: ref.T; indices?: ref.T<Int32Array> }, want: { output: ref.T; indices?: ref.T<Int32Array> }) {
  expect(got.output.shape).toEqual(want.output.shape);
  if (exact(c.op)) expectSameFloats(got.output.data, want.output.data, 'output');
  else expectCloseFloats(got.output.data, want.output.data, 'output');
  if (returnsIndices(c)) expectSameInts(got.indices!.data, want.indices!.data);
}

describe('reference equals golden PyTorch cases (channels-first)', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const x = { data: c.input, shape: c.shape };
    const idx = c.indicesInput && { data: c.indicesInput, shape: c.shape };
    if (c.error) {
      expect(() => reference(c, x, idx)).toThrow(RangeError);
      return;
    }
    compare(c, reference(c, x, idx) as any, { output: c.output!, indices: c.indices });
  });
});

describe.each([false, true])('golden PyTorch breadth cases, channels-last %s', (last) => {
  describe.each([false, true])('resident %s', (resident) => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
      const sp = await getEngine();
      const before = sp.memoryStats().bytesInUse;
      const d = dimsOf(c.op);
      const layout = ref.LAYOUTS[d][last ? 1 : 0];
      const cf = { data: c.input, shape: c.shape, layout: ref.LAYOUTS[d][0] };
      const cfIdx = c.indicesInput && { data: c.indicesInput, shape: c.shape, layout: ref.LAYOUTS[d][0] };
      const canTranspose = !c.shape.slice(c.shape.length - d - 1).includes(0);
      if (last && !canTranspose) return; // error cases with an empty dim: covered channels-first
      const x = last ? ref.transposeNd(cf, d, true) : cf;
      const idx = cfIdx && (last ? ref.transposeNd(cfIdx, d, true) : cfIdx);
      if (c.error) {
        expect(() => run(sp, c, x, idx, resident)).toThrow(RangeError);
        expect(sp.memoryStats().bytesInUse).toBe(before);
        return;
      }
      const got = run(sp, last ? inLastLayout(c, d) : c, x, idx, resident);
      expect(got.output.layout).toBe(layout);
      const back = <A extends Float32Array | Int32Array>(t: ref.T<A>) => (last ? ref.transposeNd(t, d, false) : t);
      compare(c, { output: back(got.output), indices: got.indices && back(got.indices) }, { output: c.output!, indices: c.indices });
      if (returnsIndices(c) && c.op.startsWith('max')) {
        const valuesOnly = run(sp, last ? inLastLayout(c, d) : c, x, idx, resident, true);
        expectSameFloats(back(valuesOnly.output).data, c.output!.data, 'output without indices');
      }
    });
  });
});
