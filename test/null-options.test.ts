// One rule for null option values, for every option of every operator (and init's and tensor's):
// null means "not given", as undefined does, so a call with `name: null` does exactly what the
// call without `name` does: the default, or the same error for an option that is required.
// (JSON, e.g. the example server's request bodies, has null but no undefined.)
import { describe, expect, it } from 'vitest';
import { CORE_OPERATORS, init as initCore } from '../dist/core.js';
import { OPERATORS, init, type Engine } from '../dist/index.js';

type Spec = (typeof OPERATORS)[keyof typeof OPERATORS];
type Call = (...args: unknown[]) => unknown;

const SHAPES: Record<number, number[]> = { 1: [1, 2, 6], 2: [1, 2, 4, 6], 3: [1, 2, 4, 2, 6] };
const QUANT = ['scale', 'zeroPoint', 'outScale', 'outZeroPoint'];
const INDEX_OPTIONS = ['outIndices', 'indexFormat', 'storageOrder', 'includeBatchInIndex'];

function input(dims: number, bytes = false) {
  const shape = SHAPES[dims];
  const n = shape.reduce((a, b) => a * b, 1);
  const data = (bytes ? Uint8Array : Float32Array).from({ length: n }, (_, i) => (i * 7) % 11);
  return { data, shape };
}

/** Options `name` is not required in (so that leaving it out is a valid call). */
const required = (op: Spec, name: string) =>
  ['kernelSize', 'input', 'inputShape', 'scale', 'zeroPoint'].includes(name) || (op.kind === 'adaptive' && name === 'outputSize');

/**
 * A valid call of `op` for testing option `name` (with the options `name` needs to apply: indices
 * for the index formats, a uint8 input for quantization), its options given with `name` set to
 * `value`, or without `name` for `absent`.
 */
function callWith(sp: Engine, op: Spec, name: string, value: unknown): unknown {
  const run = (sp as unknown as Record<string, Call>)[op.name].bind(sp);
  const pooled = op.kind === 'pool' || (op.kind === 'backward' && op.forward === 'pool');
  const o: Record<string, unknown> = pooled || op.kind === 'unpool' ? { kernelSize: 2 } : {};
  if (op.kind === 'adaptive') o.outputSize = 2;
  if (INDEX_OPTIONS.includes(name)) o.returnIndices = true;
  if (name === 'storageOrder') o.indexFormat = 'onnx';
  if (name === 'includeBatchInIndex') o.indexFormat = 'tf';
  const bytes = QUANT.includes(name);
  if (bytes) Object.assign(o, { scale: 0.5, zeroPoint: 3 });
  const d = op.dims;
  const x = input(d, bytes);
  const args: unknown[] = [x];
  if (op.kind === 'unpool') {
    const r = sp[`maxPool${d}d` as 'maxPool2d'](x, { kernelSize: 2, returnIndices: true });
    args.splice(0, 1, r.output, r.indices);
  } else if (op.kind === 'backward') {
    const family = op.forward === 'adaptive' ? `adaptive${op.reduce![0].toUpperCase()}${op.reduce!.slice(1)}` : op.reduce;
    const forward = (sp as unknown as Record<string, Call>)[`${family}Pool${d}d`].bind(sp);
    const fwd = op.forward === 'adaptive' ? { outputSize: 2 } : { kernelSize: 2 };
    if (op.reduce === 'max' && name === 'inputShape') {
      // the indices form: (gradOutput, indices, { inputShape })
      const r = forward(x, { ...fwd, returnIndices: true }) as { output: unknown; indices: unknown };
      args.splice(0, 1, r.output, r.indices);
      o.inputShape = x.shape;
    } else {
      args.splice(0, 1, forward(x, fwd));
      if (op.reduce === 'avg') o.inputShape = x.shape;
      else o.input = x;
    }
  }
  if (value === absent) delete o[name];
  else o[name] = value;
  return run(...args, o);
}
const absent = Symbol('absent');

/** What a call gives: its result's values, shapes and layouts, or its error's class and message. */
function outcome(f: () => unknown): string {
  try {
    return JSON.stringify(f(), (_k, v) => (ArrayBuffer.isView(v) ? [v.constructor.name, ...(v as Float32Array)] : v));
  } catch (e) {
    return `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
}

function expectNullIsAbsent(sp: Engine, operators: Record<string, Spec>): number {
  let checked = 0;
  for (const op of Object.values(operators)) {
    for (const name of op.options) {
      const without = outcome(() => callWith(sp, op, name, absent));
      // (the call without the option is valid unless the option is required: the comparison means something)
      expect(without.startsWith('{'), `${op.name} without ${name}: ${without}`).toBe(!required(op, name));
      expect(outcome(() => callWith(sp, op, name, null)), `${op.name} with ${name}: null`).toBe(without);
      checked++;
    }
  }
  return checked;
}

describe('null option values', () => {
  it('are taken as absent for every option of every operator', async () => {
    const sp = await init();
    // (every operator has at least `out`)
    expect(expectNullIsAbsent(sp, OPERATORS)).toBeGreaterThan(Object.keys(OPERATORS).length);
  });

  it('are taken as absent by simdpool/core too', async () => {
    const sp = (await initCore()) as unknown as Engine;
    expect(expectNullIsAbsent(sp, CORE_OPERATORS as unknown as Record<string, Spec>)).toBeGreaterThan(0);
  });

  // (callWith gives the index options returnIndices: true; without it, a given one is a TypeError)
  it('are taken as absent for the index options without returnIndices', async () => {
    for (const [sp, operators] of [[await init(), OPERATORS], [await initCore(), CORE_OPERATORS]] as const) {
      for (const op of Object.values(operators as Record<string, Spec>)) {
        const run = (sp as unknown as Record<string, Call>)[op.name].bind(sp);
        const o = op.kind === 'adaptive' ? { outputSize: 2 } : { kernelSize: 2 };
        for (const name of INDEX_OPTIONS.filter((n) => op.options.includes(n))) {
          const x = input(op.dims);
          expect(outcome(() => run(x, { ...o, [name]: null })), `${op.name} with ${name}: null`).toBe(outcome(() => run(x, o)));
        }
      }
    }
  });

  it("are taken as absent by init's and tensor()'s options", async () => {
    const sp = await init({ wasm: null, simd: null } as never);
    const t = sp.tensor([1, 2, 3, 4], { layout: null, dtype: null } as never);
    expect([t.shape, t.layout, t.dtype]).toEqual([[1, 2, 3, 4], 'NCHW', 'float32']);
    t.dispose();
  });

  it("are taken as absent for fromArray's layout", async () => {
    const sp = await init();
    for (const [shape, layout] of [[[2, 3], 'NCW'], [[1, 2, 3], 'NCHW'], [[2, 1, 1, 3, 1], 'NCDHW']] as const) {
      const t = sp.fromArray(new Float32Array(6).fill(1), shape, null);
      expect([t.shape, t.layout, [...t.data]]).toEqual([shape, layout, [1, 1, 1, 1, 1, 1]]);
      t.dispose();
    }
  });
});
