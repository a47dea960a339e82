// Golden cases from torch.autograd for the backward passes (test/golden/generate_backward.py):
// the reference (test/reference/backward.ts) in channels-first layout, and the engine in both
// layouts with plain and resident tensors, max pooling in both call forms (indices, and the
// forward input with the argmax recomputed). Max and average gradients (windowed and adaptive)
// bit for bit, Lp gradients within 1e-6 + 1e-5*|expected|.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as ref from './reference/poolnd';
import * as bref from './reference/backward';
import { expectCloseFloats, expectSameFloats, getEngine } from './support/engine';
import type { Engine } from '../dist/index.js';
import { decodeBytes } from './reference/golden-decode';

interface Case {
  name: string;
  op: string;
  shape: number[];
  input: Float32Array;
  options: Record<string, unknown>;
  gradOutput: { shape: number[]; data: Float32Array };
  gradInput: { shape: number[]; data: Float32Array };
  indices?: { shape: number[]; data: Int32Array };
}

const PATH = fileURLToPath(new URL('./golden/backward.json', import.meta.url));
const bytes = (b64: string) => decodeBytes(b64, 'backward golden case');
const raw = JSON.parse(readFileSync(PATH, 'utf8'));
const cases: Case[] = raw.cases.map((c: any) => ({
  ...c,
  input: new Float32Array(bytes(c.input)),
  gradOutput: { shape: c.gradOutput.shape, data: new Float32Array(bytes(c.gradOutput.data)) },
  gradInput: { shape: c.gradInput.shape, data: new Float32Array(bytes(c.gradInput.data)) },
  indices: c.indices && { shape: c.indices.shape, data: new Int32Array(bytes(c.indices.data)) },
}));

const dimsOf = (op: string) => Number(/(\d)d$/.exec(op)![1]);
const isMax = (op: string) => /^(adaptiveM|m)axPool/.test(op);
/** Forward-only options the backward pass does not take. */
const backwardOptions = (c: Case) => {
  const { outputSize: _o, ...rest } = c.options;
  return rest;
};

// Averages spread each gradient in PyTorch's order too: a cell adds its deltas output by output
// (and adaptive ones one window size after another), so their sums round as torch's.
const exact = (op: string) => isMax(op) || /^(adaptiveAvgPool|avgPool)/.test(op);

function compare(c: Case, got: Float32Array, want: Float32Array) {
  if (exact(c.op)) expectSameFloats(got, want, 'gradInput');
  else expectCloseFloats(got, want, 'gradInput');
}

describe('backward reference equals golden torch.autograd cases (channels-first)', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const d = dimsOf(c.op);
    const x = { data: c.input, shape: c.shape };
    const g = { data: c.gradOutput.data, shape: c.gradOutput.shape };
    const o = c.options as any;
    const base = c.op.replace(/\dd$/, '');
    let got: ref.T;
    switch (base) {
      case 'maxPool': got = bref.maxPoolBackwardRef(d, g, x, o); break;
      case 'adaptiveMaxPool': got = bref.adaptiveMaxPoolBackwardRef(d, g, x); break;
      case 'avgPool': got = bref.avgPoolBackwardRef(d, g, c.shape, o); break;
      case 'adaptiveAvgPool': got = bref.adaptiveAvgPoolBackwardRef(d, g, c.shape); break;
      case 'lpPool': got = bref.lpPoolBackwardRef(d, g, x, o); break;
      default: throw new Error(`no reference for ${c.op}`);
    }
    expect(got.shape).toEqual(c.gradInput.shape);
    compare(c, got.data, c.gradInput.data);
    if (c.indices) {
      const viaIndices = bref.scatterRef(d, g, { data: c.indices.data, shape: c.indices.shape }, ref.split(c.shape, d).spatial, true);
      expectSameFloats(viaIndices.data, c.gradInput.data, 'gradInput from indices');
    }
  });
});

/** Engine call in `form`; the result copied out and resident tensors disposed. */
function run(sp: Engine, c: Case, form: 'indices' | 'input' | 'shape', t: Record<string, ref.T<any>>, resident: boolean, fullShape: boolean) {
  const owned: { dispose(): void }[] = [];
  const place = <A extends Float32Array | Int32Array>(v: ref.T<A>) => {
    if (!resident) return v;
    const r = sp.fromArray(v.data, v.shape, v.layout);
    owned.push(r);
    return r;
  };
  try {
    const f = (sp as any)[`${c.op}Backward`] as (...args: unknown[]) => any;
    const d = dimsOf(c.op);
    const inputShape = fullShape ? t.x.shape : ref.split(c.shape, d).spatial;
    const opts = backwardOptions(c);
    const r = form === 'indices'
      ? f.call(sp, place(t.g), place(t.idx), { ...opts, inputShape })
      : form === 'input'
        ? f.call(sp, place(t.g), { ...opts, input: place(t.x) })
        : f.call(sp, place(t.g), { ...opts, inputShape });
    if (resident) owned.push(r);
    return { shape: [...r.shape], data: r.data.slice() as Float32Array, layout: r.layout };
  } finally {
    for (const o of owned) o.dispose();
  }
}

const formsOf = (c: Case): Array<'indices' | 'input' | 'shape'> =>
  isMax(c.op) ? ['indices', 'input'] : c.op.startsWith('lp') ? ['input'] : ['shape'];

describe.each([false, true])('golden torch.autograd backward cases, channels-last %s', (last) => {
  describe.each([false, true])('resident %s', (resident) => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
      const sp = await getEngine();
      const d = dimsOf(c.op);
      const layout = ref.LAYOUTS[d][last ? 1 : 0];
      const cf = <A extends Float32Array | Int32Array>(v: { data: A; shape: number[] }) => ({ ...v, layout: ref.LAYOUTS[d][0] });
      const place = <A extends Float32Array | Int32Array>(v: ref.T<A>) => (last ? ref.transposeNd(v, d, true) : v);
      const t = {
        x: place(cf({ data: c.input, shape: c.shape })),
        g: place(cf(c.gradOutput)),
        ...(c.indices ? { idx: place(cf(c.indices)) } : {}),
      };
      let inUse: number | undefined;
      // Twice: the second round (window plans cached by the first) must leave memory where it was.
      for (let round = 0; round < 2; round++) {
        for (const form of formsOf(c)) {
          for (const fullShape of form === 'input' ? [true] : [false, true]) {
            const got = run(sp, c, form, t, resident, fullShape);
            expect(got.layout).toBe(layout);
            expect(got.shape).toEqual(t.x.shape);
            const back = last ? ref.transposeNd({ data: got.data, shape: got.shape }, d, false) : got;
            compare(c, back.data, c.gradInput.data);
          }
        }
        if (inUse !== undefined) expect(sp.memoryStats().bytesInUse).toBe(inUse);
        inUse = sp.memoryStats().bytesInUse;
      }
    });
  });
});
