// Under abuse: random valid AND invalid arguments at every operator of the registry. Each call
// either returns exactly what the reference (test/reference/poolnd.ts) computes, or throws a
// TypeError/RangeError whose message starts with the operator and names the argument — never
// another error class or a wasm trap. After every call a resident canary tensor still holds its
// bytes, and a failed call leaves bytesInUse where it was.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATORS, type OperatorSpec } from '../src/ops/registry';
import * as ref from './reference/poolnd';
import * as q from './reference/quant';
import { expectCloseFloats, expectSameFloats, expectSameInts, getApi, getEngine } from './support/engine';
import {
  acceptsBytes, backwardIndices, backwardReferenceFor, byteReferenceFor, expectByteResult, forwardOf, gradValues, optionValue,
  QUANT_OPTION_VALUES, referenceFor, resultLayout, type Scaled,
} from './support/operator-cases';
import type { Engine, Tensor } from '../dist/index.js';

const OPS = Object.values(OPERATORS) as OperatorSpec[];
const RUNS = Number(process.env.FUZZ_RUNS ?? 800);

let sp: Engine;
let foreign: Engine;
let canary: Tensor<'float32'>;
const CANARY = Float32Array.from({ length: 2 * 3 * 5 }, (_, i) => (i % 7 === 0 ? NaN : i * 1.25 - 9));
const canaryBytes = () => new Uint8Array(CANARY.buffer).slice();

beforeAll(async () => {
  sp = await getEngine();
  foreign = await (await getApi()).init();
  canary = sp.fromArray(CANARY, [2, 3, 5], 'NCW');
});
afterAll(() => canary.dispose());

function expectCanaryIntact(what: string): void {
  expect(canary.disposed, `${what}: canary disposed`).toBe(false);
  const got = new Uint8Array(canary.data.buffer, canary.data.byteOffset, canary.data.byteLength);
  const want = canaryBytes();
  for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) expect.fail(`${what}: canary byte ${i} changed`);
}

// ---------------------------------------------------------------------------------------------
// arguments

const JUNK: unknown[] = [NaN, -1, 0, 1.5, -0.5, 2 ** 31, 2 ** 53, Infinity, -Infinity, '2', '', null, true, false, [], [1, 2, 3, 4],
  [NaN], [2, -1, 2], [1.5, 1, 1], { top: -1 }, { top: 1.5 }, { front: 1, top: 1 }, 'same', 'valid', 'ignore', 'onnx', 'tf', 'plane', 1e9, 3, 2,
  { valueOf: () => 2 }, Symbol('s'), () => 2, new Float32Array(2)];

const value = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 3 }) },
  { weight: 2, arbitrary: fc.constantFrom(0, -0, NaN, Infinity, -Infinity) },
);

interface XCase {
  /** Channels-first copy for the reference; undefined for invalid x. */
  cf?: ref.T;
  last: boolean;
  /** What to pass, built by make() at call time (resident tensors are created then). */
  kind: 'plain' | 'resident' | 'junk';
  arg: unknown;
}

const prod = (a: readonly number[]) => a.reduce((x, y) => x * y, 1);

const validX = (dims: number) =>
  fc.record({
    last: fc.boolean(),
    batched: fc.boolean(),
    n: fc.integer({ min: 0, max: 2 }),
    c: fc.integer({ min: 1, max: 3 }),
    spatial: fc.array(fc.integer({ min: 1, max: dims === 3 ? 4 : 6 }), { minLength: dims, maxLength: dims }),
    layoutGiven: fc.boolean(),
    resident: fc.boolean(),
  }).chain((r) => {
    const n = r.batched ? r.n : 1;
    const shape = r.batched ? [n, r.c, ...r.spatial] : [r.c, ...r.spatial];
    return fc.array(value, { minLength: prod(shape), maxLength: prod(shape) }).map((vals): XCase => {
      const cf: ref.T = { data: Float32Array.from(vals), shape };
      const t = r.last ? ref.transposeNd(cf, dims, true) : { ...cf, layout: ref.LAYOUTS[dims][0] };
      const arg = r.layoutGiven || r.last ? t : { data: t.data, shape: t.shape };
      return { cf, last: r.last, kind: r.resident ? 'resident' : 'plain', arg };
    });
  });

const badShape = fc.oneof(
  fc.array(fc.oneof(fc.integer({ min: -3, max: 5 }), fc.constantFrom(NaN, 1.5, 2 ** 20, 2 ** 33, -0, Infinity, '2' as never)), { maxLength: 6 }),
  fc.constantFrom('1,1,2', null, undefined, 7, { length: 3 }),
);

const invalidX = (dims: number) =>
  fc.oneof(
    fc.constantFrom<unknown>(42, null, undefined, 'x', [1, 2, 3], new Float32Array(4)).map((arg): XCase => ({ last: false, kind: 'junk', arg })),
    // wrong typed arrays and shapes
    fc.record({
      data: fc.constantFrom<unknown>(new Float64Array(8), new Int32Array(8), new Uint8Array(32), [1, 2, 3, 4, 5, 6, 7, 8], new Float32Array(8), new Float32Array(0), new Float32Array(7), undefined),
      shape: fc.oneof(badShape, fc.constant([1, 2, 4]), fc.constant([1, 1, 2, 2, 2]), fc.constant([2, 2, 2]), fc.constant([1, 2, 2, 2])),
      layout: fc.constantFrom<unknown>(undefined, 'NCHW', 'NWC', 'NDHWC', 'XYZ', 3, 'undefined'),
    }).map((arg): XCase => ({ last: false, kind: 'junk', arg })),
    // special resident tensors: disposed, foreign, int32, the canary
    fc.constantFrom('disposed', 'foreign', 'int32', 'canary', 'zero-spatial', 'huge-shape').map((k): XCase => ({ last: false, kind: 'junk', arg: `#${k}` })),
  );

const xCase = (dims: number) => fc.oneof({ weight: 3, arbitrary: validX(dims) }, { weight: 2, arbitrary: invalidX(dims) });

const OUTS = ['none', 'none', 'none', 'right', 'right', 'wrong-shape', 'int32', 'disposed', 'foreign', 'plain', 'input', 'canary', 'junk'] as const;
type OutKind = (typeof OUTS)[number];

interface Case {
  x: XCase;
  opts: { o: unknown; sane: boolean };
  out: OutKind;
  outIndices: OutKind;
  /** maxUnpool: how indices are made. */
  indices: 'pooled' | 'random' | 'wrong-dtype' | 'wrong-shape' | 'wrong-layout' | 'junk' | 'resident';
  seed: number;
}

function caseOf(op: OperatorSpec): fc.Arbitrary<Case> {
  const names = op.options.filter((n) => n !== 'out' && n !== 'outIndices');
  const valid = fc.record(Object.fromEntries(names.map((n) => [n, optionValue(n, op.dims)])), {
    requiredKeys: names.filter((n) => n === 'kernelSize' || n === 'outputSize'),
  });
  const mutated = fc.tuple(valid, fc.constantFrom(...names, 'kernel_size', 'out', 'outIndices', 'dilation', 'countIncludePad', 'padding'), fc.constantFrom(...JUNK))
    .map(([o, name, v]) => ({ ...o, [name]: v }));
  // sane: built only from plausible values, so the reference can run before the engine has
  // validated them (with junk values it may loop for ever).
  const opts = fc.oneof(
    { weight: 6, arbitrary: valid.map((o) => ({ o, sane: true })) },
    { weight: 3, arbitrary: mutated.map((o) => ({ o, sane: false })) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null, 3, 'k', [2], {}).map((o) => ({ o, sane: false })) },
  );
  return fc.record({
    x: xCase(op.dims),
    opts,
    out: fc.constantFrom(...OUTS),
    outIndices: fc.constantFrom(...OUTS),
    indices: fc.constantFrom('pooled', 'pooled', 'random', 'random', 'wrong-dtype', 'wrong-shape', 'wrong-layout', 'junk', 'resident'),
    seed: fc.integer({ min: 0, max: 1000 }),
  });
}

// ---------------------------------------------------------------------------------------------
// one call

function runCase(op: OperatorSpec, c: Case): void {
  if (op.kind === 'backward') return runBackwardCase(op, c);
  const owned: Tensor<'float32' | 'int32'>[] = [];
  const own = <T extends Tensor<'float32' | 'int32'>>(t: T) => (owned.push(t), t);
  const dims = op.dims;
  const outLayout = (last: boolean) => (op.kind === 'layout' ? ref.LAYOUTS[dims][op.toChannelsLast ? 1 : 0] : ref.LAYOUTS[dims][last ? 1 : 0]);
  const toCallLayout = <A extends Float32Array | Int32Array>(t: ref.T<A>, last: boolean) => (last ? ref.transposeNd(t, dims, true) : { ...t, layout: ref.LAYOUTS[dims][0] });

  const { x, cf, valid, last } = makeX(c.x, dims, own);

  // the reference result decides the right shapes for `out`
  const optional = op.kind === 'global' || op.kind === 'layout';
  const bag = typeof c.opts.o === 'object' && c.opts.o !== null && !Array.isArray(c.opts.o)
    ? { ...(c.opts.o as Record<string, unknown>) }
    : optional && (c.opts.o === undefined || c.opts.o === null) ? {} : undefined;
  let indicesArg: unknown;
  let indicesCf: ref.T<Int32Array> | undefined;
  if (op.kind === 'unpool') {
    const shape = cf?.shape ?? [1, 2, ...new Array(dims).fill(3)];
    const n = prod(shape);
    let data: Int32Array;
    if (c.indices === 'pooled' && cf && bag) {
      // Indices as maxPool would give them (valid whenever the window parameters are).
      const k = Array.isArray(bag.kernelSize) ? bag.kernelSize : new Array(dims).fill(bag.kernelSize);
      const outSpatial = shape.slice(-dims).map((_, i) => (typeof k[i] === 'number' ? k[i] : 1) * 2);
      const plane = prod(outSpatial);
      data = Int32Array.from({ length: n }, (_, i) => ((i * 7919 + c.seed) % Math.max(1, plane)) | 0);
    } else {
      data = Int32Array.from({ length: n }, (_, i) => ((i * 13 + c.seed) % 40) - 2);
    }
    indicesCf = { data, shape };
    indicesArg = indicesArgument(c.indices, toCallLayout(indicesCf, last), ref.LAYOUTS[dims][last ? 0 : 1], c.seed, own);
  }
  // The reference loops over every tap and output: with huge sizes it is skipped and a success is
  // only checked for its shape's rank and layout.
  const huge = isHuge(bag);
  const reference = () => (valid && cf && bag !== undefined && !huge ? referenceFor(op, cf, bag, indicesCf) : undefined);
  let want = c.opts.sane ? reference() : undefined;
  const wantOk = want && !(want instanceof Error) ? want : undefined;
  const outShape = wantOk ? toCallLayout(wantOk.output, op.kind === 'layout' ? op.toChannelsLast === true : last).shape : [1, 1, ...new Array(dims).fill(1)];
  const makeOut = (k: OutKind, dtype: 'float32' | 'int32'): unknown => {
    if (!outShape.every((n) => Number.isSafeInteger(n) && n >= 0)) return undefined;
    const layout = outLayout(last);
    switch (k) {
      case 'none': return undefined;
      case 'right': return own(sp.tensor(outShape, { layout, dtype }));
      case 'wrong-shape': return own(sp.tensor([...outShape.slice(0, -1), outShape[outShape.length - 1] + 1], { layout, dtype }));
      case 'int32': return own(sp.tensor(outShape, { layout, dtype: dtype === 'int32' ? 'float32' : 'int32' }));
      case 'disposed': { const t = sp.tensor(outShape, { layout, dtype }); t.dispose(); return t; }
      case 'foreign': return foreign.tensor(outShape, { layout, dtype });
      case 'plain': return { data: dtype === 'int32' ? new Int32Array(prod(outShape)) : new Float32Array(prod(outShape)), shape: outShape, layout };
      case 'input': return x;
      case 'canary': return dims === 1 ? undefined : canary;
      case 'junk': return 'out';
    }
  };
  let opts: unknown = c.opts.o;
  if (bag && (Object.keys(bag).length > 0 || c.opts.o)) {
    if (c.out !== 'none' && op.options.includes('out')) bag.out = makeOut(c.out, 'float32');
    if (c.outIndices !== 'none' && op.options.includes('outIndices')) bag.outIndices = makeOut(c.outIndices, 'int32');
    opts = bag;
  }

  const before = sp.memoryStats().bytesInUse;
  const label = `${op.name}(${describeArg(x)}, ${describeArg(opts)})`;
  let result: unknown;
  let error: unknown;
  try {
    result = op.kind === 'unpool' ? (sp as any)[op.name](x, indicesArg, opts) : (sp as any)[op.name](x, opts);
  } catch (e) {
    error = e;
  }
  try {
    expectCanaryIntact(label);
    if (error !== undefined) {
      expectCleanRejection(op, error, before, label, ['x', 'gradOutput', 'indices', 'options', 'out', 'outIndices', 'output']);
      return;
    }
    // Success: the reference must agree.
    if (!valid || !cf) expect.fail(`${label}: accepted an invalid x`);
    const r = result as any;
    const output = 'output' in r ? r.output : r;
    if (!c.opts.sane) want = reference(); // the engine accepted the options: they are valid
    if (huge && want === undefined) {
      expect(output.shape.length, label).toBe(cf.shape.length);
      expect(output.layout, label).toBe(outLayout(last));
      for (const t of [output, r.indices]) if (t && typeof t.dispose === 'function' && !owned.includes(t)) t.dispose();
      return;
    }
    if (want === undefined || want instanceof Error) expect.fail(`${label}: accepted a call the reference rejects (${want?.message})`);
    const back = <A extends Float32Array | Int32Array>(t: { data: A; shape: readonly number[]; layout: string }) => {
      expect(t.layout, label).toBe(outLayout(last));
      const copy = { data: t.data.slice() as A, shape: [...t.shape] };
      return t.layout === ref.LAYOUTS[dims][1] ? ref.transposeNd(copy, dims, false) : copy;
    };
    const got = back(output);
    expect(got.shape, label).toEqual(want.output.shape);
    if (op.reduce === 'max' || op.kind === 'unpool' || op.kind === 'layout') expectSameFloats(got.data, want.output.data, label);
    else expectCloseFloats(got.data, want.output.data, label);
    expect('indices' in r, `${label}: indices returned`).toBe(want.indices !== undefined);
    if (want.indices) expectSameInts(back(r.indices).data as Int32Array, want.indices.data, label);
    for (const t of [output, r.indices]) if (t && typeof t.dispose === 'function' && !owned.includes(t)) t.dispose();
  } finally {
    for (const t of owned) if (!t.disposed) t.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// backward passes: x is the forward input; gradOutput has the forward output's shape (from the
// reference), or x's when the options are invalid. Max passes take indices (c.indices) or, one
// call in three, the forward input.

/**
 * `inputShape` as a channels-first shape with x's batch and channels (spatial sizes alone, or a
 * whole shape in the call's layout); undefined unless it is an array of numbers of either length.
 */
function channelsFirstShape(inputShape: unknown, cf: ref.T, dims: number, last: boolean): number[] | undefined {
  if (!Array.isArray(inputShape) || !inputShape.every((n) => typeof n === 'number')) return undefined;
  const lead = cf.shape.slice(0, cf.shape.length - dims);
  if (inputShape.length === dims) return [...lead, ...inputShape];
  if (inputShape.length !== cf.shape.length) return undefined;
  if (!last) return [...inputShape];
  // channels-last [N, ...spatial, C] (or [...spatial, C]) to [N, C, ...spatial] ([C, ...spatial])
  const batch = inputShape.slice(0, inputShape.length - dims - 1);
  return [...batch, inputShape[inputShape.length - 1], ...inputShape.slice(batch.length, inputShape.length - 1)];
}

function runBackwardCase(op: OperatorSpec, c: Case): void {
  const owned: Tensor<'float32' | 'int32'>[] = [];
  const own = <T extends Tensor<'float32' | 'int32'>>(t: T) => (owned.push(t), t);
  const dims = op.dims;
  const { x, cf, valid, last } = makeX(c.x, dims, own);
  const layout = ref.LAYOUTS[dims][last ? 1 : 0];
  const toCallLayout = <A extends Float32Array | Int32Array>(t: ref.T<A>) => (last ? ref.transposeNd(t, dims, true) : { ...t, layout });
  const bag = typeof c.opts.o === 'object' && c.opts.o !== null && !Array.isArray(c.opts.o) ? { ...(c.opts.o as Record<string, unknown>) } : undefined;
  const huge = isHuge(bag);
  const withIndices = op.reduce === 'max' && c.seed % 3 !== 0;
  const needsInput = op.reduce === 'lp' || (op.reduce === 'max' && !withIndices);
  const spatial = cf ? ref.split(cf.shape, dims).spatial : new Array(dims).fill(3);

  // The forward output (shape and per-plane indices) by the reference, when it can tell.
  const forward = valid && cf && bag && c.opts.sane && !huge ? forwardOf(op, cf, bag, c.seed) : undefined;
  let gShape = forward?.output.shape ?? cf?.shape ?? [1, 2, ...spatial];
  let gCf: ref.T = { data: gradValues(prod(gShape), c.seed), shape: gShape };
  let gradOutput: unknown = c.x.kind === 'resident' ? own(sp.fromArray(toCallLayout(gCf).data, toCallLayout(gCf).shape, layout)) : toCallLayout(gCf);
  const input: unknown = x;
  // A junk x stands for gradOutput (then also the forward input's shape) or for the forward input.
  if (c.x.kind === 'junk' && (!needsInput || c.seed % 2 === 0)) {
    gradOutput = x;
    if (cf) ({ shape: gShape } = gCf = cf);
  }

  let indicesArg: unknown;
  let indicesCf: ref.T<Int32Array> | undefined;
  if (withIndices) {
    const n = prod(gShape);
    const inN = prod(spatial);
    // One call in four also holds an index outside [-1, inN).
    const pooled = c.indices === 'pooled' ? forward?.indices?.data : undefined;
    const data = backwardIndices(n, inN, c.seed, pooled, c.seed % 4 === 0);
    indicesCf = { data, shape: gShape };
    indicesArg = indicesArgument(c.indices, toCallLayout(indicesCf), ref.LAYOUTS[dims][last ? 0 : 1], c.seed, own);
  }
  const inCallShape = cf ? toCallLayout(cf).shape : [1, 2, ...spatial];
  // A case's own inputShape (not the one set below from x) names the forward input's shape,
  // channels-first for the references (their x stands for the shape only where inputShape is taken).
  const ownInputShape = cf && bag && !needsInput ? channelsFirstShape(bag.inputShape, cf, dims, last) : undefined;
  let opts: unknown = c.opts.o;
  if (bag) {
    if (needsInput && bag.input === undefined) bag.input = input;
    if (!needsInput && op.options.includes('inputShape') && bag.inputShape === undefined) bag.inputShape = c.seed % 2 ? spatial : inCallShape;
    if (c.out !== 'none') {
      const o = c.out;
      bag.out = o === 'right' ? own(sp.tensor(inCallShape, { layout }))
        : o === 'wrong-shape' ? own(sp.tensor([...inCallShape.slice(0, -1), inCallShape[inCallShape.length - 1] + 1], { layout }))
        : o === 'int32' ? own(sp.tensor(inCallShape, { layout, dtype: 'int32' }))
        : o === 'disposed' ? (() => { const t = sp.tensor(inCallShape, { layout }); t.dispose(); return t; })()
        : o === 'foreign' ? foreign.tensor(inCallShape, { layout })
        : o === 'plain' ? { data: new Float32Array(prod(inCallShape)), shape: inCallShape, layout }
        : o === 'input' ? gradOutput
        // (the canary as a right-shaped out would be written, legitimately)
        : o === 'canary' ? (dims === 1 && inCallShape.join() !== canary.shape.join() ? canary : undefined)
        : o === 'outIndices' ? undefined : 'out';
    }
    opts = bag;
  }

  const reference = (): Scaled | Error | undefined =>
    (!valid || !cf || !bag || huge ? undefined
      : backwardReferenceFor(op, ownInputShape ? { ...cf, shape: ownInputShape } : cf, gCf, bag, withIndices ? indicesCf : undefined));

  const before = sp.memoryStats().bytesInUse;
  const label = `${op.name}(${describeArg(gradOutput)}, ${withIndices ? `${describeArg(indicesArg)}, ` : ''}${describeArg(opts)})`;
  let result: any;
  let error: unknown;
  try {
    result = withIndices ? (sp as any)[op.name](gradOutput, indicesArg, opts) : (sp as any)[op.name](gradOutput, opts);
  } catch (e) {
    error = e;
  }
  try {
    expectCanaryIntact(label);
    if (error !== undefined) {
      expectCleanRejection(op, error, before, label, ['gradOutput', 'indices', 'options', 'out', 'output']);
      return;
    }
    if (!valid || !cf) expect.fail(`${label}: accepted an invalid x`);
    expect(result.layout, label).toBe(layout);
    const want = reference();
    if (huge && want === undefined) {
      expect(result.shape, label).toEqual(inCallShape);
    } else {
      if (want === undefined || want instanceof Error) expect.fail(`${label}: accepted a call the reference rejects (${want?.message})`);
      const copy = { data: result.data.slice() as Float32Array, shape: [...result.shape] };
      const got = last ? ref.transposeNd(copy, dims, false) : copy;
      expect(got.shape, label).toEqual(want.shape);
      if (op.reduce === 'max') expectSameFloats(got.data, want.data, label);
      else expectCloseFloats(got.data, want.data, label, want.scale);
    }
    if (typeof result.dispose === 'function' && !owned.includes(result)) result.dispose();
  } finally {
    for (const t of owned) if (!t.disposed) t.dispose();
  }
}

/** The indices argument of a case: `t` (in the call's layout) as it is, resident, or spoilt. */
function indicesArgument(
  kind: string, t: ref.T<Int32Array>, otherLayout: ref.Layout, seed: number, own: <T extends Tensor<'float32' | 'int32'>>(t: T) => T,
): unknown {
  const n = t.data.length;
  switch (kind) {
    case 'wrong-dtype': return { data: new Float32Array(n), shape: t.shape, layout: t.layout };
    case 'wrong-shape': return { data: new Int32Array(n + 1), shape: [...t.shape.slice(0, -1), t.shape[t.shape.length - 1] + 1], layout: t.layout };
    case 'wrong-layout': return { data: t.data, shape: t.shape, layout: otherLayout };
    case 'junk': return seed % 2 ? null : canary;
    case 'resident': return own(sp.fromArray(t.data, t.shape, t.layout));
    default: return t;
  }
}

/**
 * A failed call failed cleanly: a TypeError/RangeError starting with the operator's name and
 * naming one of `args` or an option, and no memory kept.
 */
function expectCleanRejection(op: OperatorSpec, error: unknown, before: number, label: string, args: readonly string[]): void {
  if (!(error instanceof TypeError || error instanceof RangeError)) {
    expect.fail(`${label}: threw ${(error as Error)?.constructor?.name}: ${(error as Error)?.message}`);
  }
  const message = error.message;
  expect(message, label).toMatch(new RegExp(`^${op.name}: `));
  const names = [...args, ...op.options, 'kernel_size', 'option'];
  expect(names.some((n) => new RegExp(`\\b${n}\\b`).test(message)), `${label}: message names no argument: ${message}`).toBe(true);
  expect(sp.memoryStats().bytesInUse, `${label}: bytesInUse after the failed call`).toBe(before);
}

/** Options with sizes too large for the reference's loops (their calls are checked for shape only). */
function isHuge(bag: Record<string, unknown> | undefined): boolean {
  return bag !== undefined && JSON.stringify(Object.values(bag).filter((v) => typeof v !== 'function' && !ArrayBuffer.isView(v) && !(v && typeof v === 'object' && 'dtype' in v)), (_k, v) => v).match(/\d{4,}|e\+/) !== null
    || Object.values(bag ?? {}).some((v) => typeof v === 'number' && !Number.isFinite(v) || (Array.isArray(v) && v.some((e) => typeof e === 'number' && Math.abs(e) > 999)));
}

/** The x argument of a case (resident tensors created now), and its channels-first copy when valid. */
function makeX(c: XCase, dims: number, own: <T extends Tensor<'float32' | 'int32'>>(t: T) => T) {
  let x: unknown = c.arg;
  if (typeof x === 'string' && x.startsWith('#')) {
    const k = x.slice(1);
    const shape = [1, 2, ...new Array(dims).fill(3)];
    if (k === 'disposed') { x = sp.tensor(shape); (x as Tensor).dispose(); }
    else if (k === 'foreign') x = foreign.tensor(shape);
    else if (k === 'int32') x = own(sp.tensor(shape, { dtype: 'int32' }));
    else if (k === 'canary') x = canary;
    else if (k === 'zero-spatial') x = own(sp.tensor([1, 2, ...new Array(dims).fill(0)]));
    else x = { data: new Float32Array(4), shape: [1 << 16, 1 << 16, ...new Array(dims).fill(1)] };
  } else if (c.kind === 'resident') {
    const t = x as ref.T;
    x = own(sp.fromArray(t.data, t.shape, t.layout));
  }
  // A random junk x may happen to be valid: judge it independently of the engine.
  const judged = c.kind === 'junk' && x !== canary ? judge(dims, x) : undefined;
  const cf: ref.T | undefined = x === canary ? (dims === 1 ? { data: CANARY, shape: [2, 3, 5] } : undefined) : (judged?.cf ?? c.cf);
  return { x, cf, valid: cf !== undefined, last: judged?.last ?? c.last };
}

/** A plain x that is valid for a `dims`-d operator, as the reference's channels-first tensor. */
function judge(dims: number, x: unknown): { cf: ref.T; last: boolean } | undefined {
  if (typeof x !== 'object' || x === null || 'dtype' in x) return undefined;
  const { data, shape, layout } = x as { data: unknown; shape: unknown; layout: unknown };
  if (!(data instanceof Float32Array) || !Array.isArray(shape)) return undefined;
  if (!shape.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)) return undefined;
  if (prod(shape) !== data.length || (shape.length !== dims + 1 && shape.length !== dims + 2)) return undefined;
  if (layout !== undefined && !ref.LAYOUTS[dims].includes(layout as ref.Layout)) return undefined;
  const last = layout === ref.LAYOUTS[dims][1];
  if ((shape.length === dims + 2 ? shape.slice(1) : shape).some((n) => n === 0)) return undefined;
  const t = { data, shape: [...shape] };
  return { cf: last ? ref.transposeNd(t, dims, false) : t, last };
}

function describeArg(v: unknown): string {
  if (v === canary) return 'canary';
  if (v && typeof v === 'object' && 'dtype' in v) return `Tensor(${(v as Tensor).shape})`;
  try {
    return JSON.stringify(v, (_k, val) => (ArrayBuffer.isView(val) ? `${val.constructor.name}(${(val as Float32Array).length})` : typeof val === 'number' && !Number.isFinite(val) ? String(val) : val)) ?? String(v);
  } catch {
    return String(v);
  }
}

describe('every operator under random valid and invalid arguments', () => {
  it.each(OPS.map((op) => [op.name, op] as const))('%s', (_name, op) => {
    fc.assert(fc.property(caseOf(op), (c) => runCase(op, c)), { numRuns: RUNS, endOnFailure: true });
    expectCanaryIntact(op.name);
  });
});

describe('the call-signature cache never skips validation', () => {
  it('a shape with a string size is a TypeError even after the same numeric shape was cached', () => {
    const x = { data: Float32Array.from([1, 5, 2, 4]), shape: [1, 1, 4] };
    expect(Array.from(sp.maxPool1d(x, { kernelSize: 2 }).data)).toEqual([5, 4]);
    expect(() => sp.maxPool1d({ ...x, shape: [1, 1, '4'] as never }, { kernelSize: 2 })).toThrow(TypeError);
    expect(() => sp.maxPool1d({ ...x, layout: 'undefined' as never }, { kernelSize: 2 })).toThrow(/x\.layout must be 'NCW' or 'NWC', got "undefined"/);
  });

  // The full engine reuses the last call's signature (ops/last-call.ts) when the shapes and option values
  // compare equal: objects changed in place between calls must still be read afresh.
  it('options, arrays, padding objects and shapes changed in place are seen on the next call', () => {
    const x = { data: Float32Array.from([1, 5, 2, 4, 3, 0, 6, 7, 9, 8, 1, 2, 3, 4, 5, 6]), shape: [1, 1, 4, 4] };
    const opts: Record<string, unknown> = { kernelSize: [2, 2] };
    expect(sp.maxPool2d(x, opts).shape).toEqual([1, 1, 2, 2]);
    (opts.kernelSize as number[])[1] = 1;
    expect(sp.maxPool2d(x, opts).shape).toEqual([1, 1, 2, 4]);
    opts.kernelSize = 4;
    expect(Array.from(sp.maxPool2d(x, opts).data)).toEqual([9]);
    opts.stride = 1;
    opts.kernelSize = 3;
    expect(sp.maxPool2d(x, opts).shape).toEqual([1, 1, 2, 2]);
    opts.padding = { top: 1, bottom: 1, left: 1, right: 1 };
    expect(sp.maxPool2d(x, opts).shape).toEqual([1, 1, 4, 4]);
    (opts.padding as Record<string, number>).left = 0;
    expect(sp.maxPool2d(x, opts).shape).toEqual([1, 1, 4, 3]);
    delete opts.padding;
    expect(sp.maxPool2d(x, opts).shape).toEqual([1, 1, 2, 2]);
    opts.kernelSize = 2;
    expect(sp.maxPool2d(x, opts).shape).toEqual([1, 1, 3, 3]);
    x.shape[2] = 2;
    x.shape[3] = 8;
    expect(Array.from(sp.maxPool2d(x, opts).data)).toEqual([9, 8, 4, 4, 4, 6, 7]);
  });

  it('a value that compares unequal to itself, or of another type, takes the validating path', () => {
    const x = { data: Float32Array.from([1, 5, 2, 4]), shape: [1, 1, 4] };
    const opts: Record<string, unknown> = { kernelSize: 2 };
    expect(Array.from(sp.maxPool1d(x, opts).data)).toEqual([5, 4]);
    opts.kernelSize = '2';
    expect(() => sp.maxPool1d(x, opts)).toThrow(TypeError);
    opts.kernelSize = NaN;
    expect(() => sp.maxPool1d(x, opts)).toThrow(/kernelSize/);
    opts.kernelSize = 2;
    expect(Array.from(sp.maxPool1d(x, opts).data)).toEqual([5, 4]);
    const resident = sp.fromArray(x.data, x.shape, 'NCW');
    try {
      const r = sp.maxPool1d(resident, opts) as unknown as { data: Float32Array; dispose(): void };
      expect(typeof r.dispose).toBe('function');
      expect(Array.from(r.data)).toEqual([5, 4]);
      r.dispose();
    } finally {
      resident.dispose();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// int8/uint8 inputs: every pooling operator with random byte tensors (plain or resident, both
// layouts), plausible or junk options including the quantization parameters, and outputs of
// the right or a wrong dtype. Each call matches test/reference/quant.ts or throws a named
// TypeError/RangeError, leaving no memory behind and the canary intact.

const BYTE_OPS = OPS.filter(acceptsBytes);
const mostly = (good: fc.Arbitrary<unknown>) => fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: fc.constantFrom(...JUNK) });
const QUANT_VALUES: Record<string, fc.Arbitrary<unknown>> = {
  scale: mostly(QUANT_OPTION_VALUES.scale),
  zeroPoint: mostly(QUANT_OPTION_VALUES.zeroPoint),
  outScale: mostly(QUANT_OPTION_VALUES.outScale),
  outZeroPoint: QUANT_OPTION_VALUES.outZeroPoint,
};

describe('int8/uint8 inputs under random valid and invalid arguments', () => {
  it.each(BYTE_OPS.map((op) => [op.name, op] as const))('%s', (_name, op) => {
    let succeeded = 0;
    // Index numbering options only with returnIndices (else a TypeError every time): one in two.
    const withIndices = (o: Record<string, unknown>) => o.returnIndices === true;
    const names = op.options.filter((n) => n !== 'out' && n !== 'outIndices');
    const opts = fc.record(Object.fromEntries(names.map((n) => [n, QUANT_VALUES[n] ?? optionValue(n, op.dims)])), {
      requiredKeys: names.filter((n) => n === 'kernelSize' || n === 'outputSize'),
    });
    const input = fc.record({
      dtype: fc.constantFrom('int8', 'uint8'),
      last: fc.boolean(),
      resident: fc.boolean(),
      n: fc.integer({ min: 0, max: 2 }),
      c: fc.integer({ min: 1, max: 3 }),
      spatial: fc.array(fc.integer({ min: 1, max: op.dims === 3 ? 4 : 6 }), { minLength: op.dims, maxLength: op.dims }),
      values: fc.array(fc.integer({ min: -128, max: 255 }), { minLength: 400, maxLength: 400 }),
      out: fc.constantFrom('none', 'none', 'right', 'float32', 'other-bytes'),
      outIndices: fc.boolean(),
    });
    fc.assert(fc.property(input, opts, fc.boolean(), (t, o0, keep) => {
      const o = keep || withIndices(o0) ? o0 : Object.fromEntries(Object.entries(o0).filter(([k]) => !['indexFormat', 'storageOrder', 'includeBatchInIndex'].includes(k)));
      const dims = op.dims;
      const Ctor = t.dtype === 'int8' ? Int8Array : Uint8Array;
      const shape = [t.n, t.c, ...t.spatial];
      const cf = { data: Ctor.from(t.values.slice(0, prod(shape))), shape };
      const x = t.last ? q.transposeAny(cf.data, shape, dims, true) : cf;
      const layout = ref.LAYOUTS[dims][t.last ? 1 : 0];
      const owned: { dispose(): void; disposed: boolean }[] = [];
      const arg = t.resident ? sp.fromArray(x.data, x.shape, layout) : { data: x.data, shape: x.shape, layout };
      if (t.resident) owned.push(arg as never);
      const bag: Record<string, unknown> = { ...o };
      const want = byteReferenceFor(op, cf, bag);
      if (t.out !== 'none' && !(want instanceof Error)) {
        const outLayout = resultLayout(op, t.last);
        const outShape = outLayout === ref.LAYOUTS[dims][1] ? q.transposeAny(want.output.data, want.output.shape, dims, true).shape : want.output.shape;
        const dtype = t.out === 'right' ? t.dtype : t.out === 'float32' ? 'float32' : t.dtype === 'int8' ? 'uint8' : 'int8';
        const out = sp.tensor(outShape, { layout: outLayout, dtype: dtype as 'int8' });
        owned.push(out);
        bag.out = out;
      }
      // A preallocated index tensor, where the call returns indices: the result must hold it.
      if (t.outIndices && !(want instanceof Error) && want.indices) {
        const outLayout = resultLayout(op, t.last);
        const idxShape = outLayout === ref.LAYOUTS[dims][1] ? q.transposeAny(want.indices.data, want.indices.shape, dims, true).shape : want.indices.shape;
        const outIndices = sp.tensor(idxShape, { layout: outLayout, dtype: 'int32' });
        owned.push(outIndices);
        bag.outIndices = outIndices;
      }
      const before = sp.memoryStats().bytesInUse;
      const label = `${op.name}(${t.dtype} ${JSON.stringify(x.shape)} ${layout}, ${describeArg(o)}, out ${t.out}${bag.outIndices ? ', outIndices' : ''})`;
      try {
        let result: any;
        try {
          result = (sp as any)[op.name](arg, bag);
        } catch (error) {
          expectCanaryIntact(label);
          if (!(error instanceof TypeError || error instanceof RangeError)) expect.fail(`${label}: threw ${(error as Error)?.constructor?.name}: ${(error as Error)?.message}`);
          expect((error as Error).message, label).toMatch(new RegExp(`^${op.name}: `));
          expect(sp.memoryStats().bytesInUse, `${label}: bytesInUse after the failed call`).toBe(before);
          return;
        }
        expectCanaryIntact(label);
        succeeded++;
        if (want instanceof Error) expect.fail(`${label}: accepted a call the reference rejects (${want.message})`);
        expect(t.out === 'none' || t.out === 'right', `${label}: accepted an out tensor of another dtype`).toBe(true);
        expectByteResult(op, t.last, result, want, label);
        if (bag.outIndices) expect(result.indices, `${label}: the outIndices given`).toBe(bag.outIndices);
        const output = 'output' in result ? result.output : result;
        for (const r of [output, result.indices]) if (r && typeof r.dispose === 'function' && !owned.includes(r)) r.dispose();
      } finally {
        for (const r of owned) if (!r.disposed) r.dispose();
      }
      // (Random options make a valid call about one time in ten, fewer in 3D: 400 runs keep the
      // number of results far above the floor below, which shows the test is not all errors.)
    }), { numRuns: 400, endOnFailure: true });
    expect(succeeded, 'calls that returned a result').toBeGreaterThan(10);
  });
});
