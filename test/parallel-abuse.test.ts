// simdpool/parallel under abuse: many concurrent callers (Promise.all over 20-60 calls) with
// random operators of the registry (the backward passes in each of their call forms), random shapes (many large enough to go to the workers),
// random options, plain and resident inputs, `out` tensors, and invalid calls mixed in. About one
// in five calls of the operators that pool int8/uint8 tensors passes bytes (with quantization
// parameters for windowed averages); the engine runs those on the calling thread, between the
// float32 calls in flight on the workers. Each call resolves to what the reference
// (test/reference/poolnd.ts; test/reference/quant.ts for bytes, exactly) computes, or rejects
// with the single-threaded engine's TypeError/RangeError, which starts with the operator and
// names the argument; a resident canary keeps its bytes. Then workers are terminated while calls are in flight: only the call that was
// running on the killed worker may fail, with a clear error; every other call resolves correctly
// and the engine keeps serving.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initParallel, type ParallelEngine, type Tensor } from '../dist/parallel.js';
import { OPERATORS, type OperatorSpec } from '../src/ops/registry';
import * as ref from './reference/poolnd';
import { getEngine } from './support/engine';
import type { Engine } from '../dist/index.js';
import {
  acceptsBytes, backwardIndices, byteReferenceFor, callArgs, engineError, expectByteResult, expectReferenceResult, forwardOf,
  gradValues, inCallLayout, namesArgument, optionValue, QUANT_OPTION_VALUES, referenceFor, resultLayout, unpoolIndices, values,
} from './support/operator-cases';

const OPS = Object.values(OPERATORS) as OperatorSpec[];
/** Low, so that calls of a few thousand elements already go to the workers (tests stay fast). */
const INLINE_BELOW = 4000;
const PLAN_CACHE = 64;

const INVALID = ['data-length', 'data-type', 'layout', 'unknown-option', 'disposed', 'out-junk', 'bad-indices'] as const;
type Invalid = (typeof INVALID)[number];
/** What each injected fault's message must name (`x`: the first argument, gradOutput for backward passes). */
const FAULT_MESSAGE: Record<Invalid, (op: string, x: string, bytes: boolean) => RegExp> = {
  'data-length': (op, x) => new RegExp(`^${op}: ${x}\\.data has \\d+ elements but ${x}\\.shape`),
  // (the operators that take int8 and uint8 inputs list them)
  'data-type': (op, x, bytes) => new RegExp(`^${op}: ${x}\\.data must be a Float32Array${bytes ? ', Int8Array, Uint8Array or Uint8ClampedArray' : ''}, got Float64Array`),
  layout: (op, x) => new RegExp(`^${op}: ${x}\\.layout must be`),
  'unknown-option': (op) => new RegExp(`^${op}: unknown option "bogus"`),
  disposed: (op, x) => new RegExp(`^${op}: ${x}: tensor .* was disposed`),
  'out-junk': (op) => new RegExp(`^${op}: out must be a resident tensor`),
  // Unpooling indices point into the output plane, a backward pass's into the input plane.
  'bad-indices': (op) => new RegExp(`^${op}: indices holds -?\\d+ at flat position \\d+, outside the (output|input) plane`),
};

interface Call {
  op: OperatorSpec;
  /** Channels-first copy for the reference (backward passes: the forward input), and whether the call passes it channels-last. */
  cf: ref.T;
  last: boolean;
  opts: Record<string, unknown>;
  /** maxUnpool*: channels-first indices (within the default output size); backward passes' indices form: the forward's. */
  indices?: ref.T<Int32Array>;
  /** Backward passes: gradOutput (channels-first), and the forward input as `inputShape` (spatial or full) or as `input`. */
  backward?: { grad: ref.T; inputShape?: 'spatial' | 'full' };
  input: 'plain' | 'resident' | 'resident-out';
  fault?: Invalid;
  /** int8/uint8 calls: the call passes cf's values (integers in the dtype's range) as this dtype. */
  bytes?: ByteType;
}

type ByteType = 'int8' | 'uint8';
const BYTE_ARRAYS = { int8: Int8Array, uint8: Uint8Array };
const asBytes = <T extends { data: Float32Array }>(t: T, bytes: ByteType) => ({ ...t, data: BYTE_ARRAYS[bytes].from(t.data) });

/** Byte values from a seed, as float32: every value of the dtype, the extremes more often. */
function byteValues(n: number, seed: number, bytes: ByteType): Float32Array {
  const [lo, hi] = bytes === 'int8' ? [-128, 127] : [0, 255];
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const u = s >>> 8;
    return u % 16 === 0 ? lo : u % 16 === 1 ? hi : lo + ((u >>> 4) % (hi - lo + 1));
  });
}

/** Float32 calls, and int8/uint8 calls one time in five for the operators that take them. */
const dtypeOf = (op: OperatorSpec): fc.Arbitrary<ByteType | undefined> =>
  acceptsBytes(op)
    ? fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constant('int8' as const) }, { weight: 1, arbitrary: fc.constant('uint8' as const) })
    : fc.constant(undefined);

const prod = (a: readonly number[]) => a.reduce((x, y) => x * y, 1);

/** Spatial sizes per rank: small ones, and large ones whose calls go to the workers. */
const SPATIAL: Record<number, [number, number]> = { 1: [6, 300], 2: [5, 28], 3: [3, 9] };

/**
 * The options a random call of `op` passes (backward passes: the forward's; input and inputShape
 * are added per call form). Byte calls of windowed averages always pass scale and zeroPoint.
 */
const optionsOf = (op: OperatorSpec, withIndices: boolean, bytes: boolean): fc.Arbitrary<Record<string, unknown>> => {
  if (op.kind === 'unpool') return fc.record({ kernelSize: fc.integer({ min: 1, max: 3 }) });
  // nanMode is only accepted without indices.
  const names = op.options.filter((n) => !['out', 'outIndices', 'input', 'inputShape'].includes(n) && !(withIndices && n === 'nanMode'));
  const quant = (n: string) => (bytes ? QUANT_OPTION_VALUES[n as keyof typeof QUANT_OPTION_VALUES] : undefined);
  return fc.record(Object.fromEntries(names.map((n) => [n, quant(n) ?? optionValue(n, op.dims)])), {
    requiredKeys: names.filter((n) => n === 'kernelSize' || n === 'outputSize' || (bytes && (n === 'scale' || n === 'zeroPoint'))),
  });
};

/** Backward passes: the max ones take the forward's indices or the forward input; Lp the input; averages its shape. */
const backwardForm = (op: OperatorSpec): fc.Arbitrary<'indices' | 'input' | 'inputShape'> =>
  op.reduce === 'max' ? fc.constantFrom('indices', 'input') : fc.constant(op.reduce === 'lp' ? 'input' : 'inputShape');

const callOf = (op: OperatorSpec, allowFaults: boolean): fc.Arbitrary<Call> => {
  const [small, large] = SPATIAL[op.dims];
  const form = op.kind === 'backward' ? backwardForm(op) : fc.constant(undefined);
  return fc.tuple(form, dtypeOf(op)).chain(([f, bytes]) => fc.record({
    opts: optionsOf(op, f === 'indices', bytes !== undefined),
    form: fc.constant(f),
    bytes: fc.constant(bytes),
    last: fc.boolean(),
    batched: fc.boolean(),
    n: fc.integer({ min: 0, max: 3 }),
    c: fc.integer({ min: 1, max: 6 }),
    spatial: fc.oneof(
      fc.array(fc.integer({ min: 1, max: small }), { minLength: op.dims, maxLength: op.dims }),
      fc.array(fc.integer({ min: small, max: large }), { minLength: op.dims, maxLength: op.dims }),
    ),
    seed: fc.integer(),
    fullShape: fc.boolean(),
    input: fc.constantFrom('plain', 'plain', 'resident', 'resident-out'),
    fault: allowFaults ? fc.option(fc.constantFrom(...INVALID), { freq: 4 }) : fc.constant(null),
  })).map((r): Call => {
    const shape = r.batched ? [r.n, r.c, ...r.spatial] : [r.c, ...r.spatial];
    const cf = { data: r.bytes ? byteValues(prod(shape), r.seed, r.bytes) : values(prod(shape), r.seed), shape };
    const call: Call = { op, cf, last: r.last, opts: r.opts, input: r.input as Call['input'], fault: r.fault ?? undefined, bytes: r.bytes };
    if (op.kind === 'unpool') call.indices = unpoolIndices(cf, op.dims, r.opts.kernelSize as number, r.seed);
    if (op.kind === 'backward') {
      // gradOutput has the forward output's shape (x's when the options are invalid: the call fails).
      const forward = forwardOf(op, cf, r.opts, r.seed);
      const gShape = forward?.output.shape ?? shape;
      const grad = { data: gradValues(prod(gShape), r.seed), shape: gShape };
      call.backward = { grad, inputShape: r.form === 'input' ? undefined : r.fullShape ? 'full' : 'spatial' };
      if (r.form === 'indices') {
        const inPlane = prod(r.spatial);
        call.indices = { data: backwardIndices(prod(gShape), inPlane, r.seed, forward?.indices?.data), shape: gShape };
      }
    }
    return call;
  });
};

const anyCall = (allowFaults: boolean) => fc.constantFrom(...OPS).chain((op) => callOf(op, allowFaults));

type Reference = ReturnType<typeof referenceFor> | ReturnType<typeof byteReferenceFor>;
/** The reference result of a call, computed once per Call object (the long calls reuse one). */
const references = new WeakMap<Call, Reference>();
function referenceOf(c: Call): Reference {
  if (!references.has(c)) {
    references.set(c, c.bytes ? byteReferenceFor(c.op, asBytes(c.cf, c.bytes), c.opts) : referenceFor(c.op, c.cf, c.opts, c.indices, c.backward?.grad));
  }
  return references.get(c)!;
}

/** A channels-first shape as a call in the channels-last layout (when `last`) has it. */
const callShape = (shape: readonly number[], dims: number, last: boolean): number[] =>
  last ? [...shape.slice(0, -dims - 1), ...shape.slice(-dims), shape[shape.length - dims - 1]] : [...shape];

/**
 * Start one call on `p` (synchronously: the engine copies plain inputs at once) and return a
 * check to run on its settled outcome.
 */
function start(p: ParallelEngine, c: Call): { promise: Promise<unknown>; check: (s: PromiseSettledResult<unknown>, killed?: boolean) => 'ok' | 'killed' } {
  const { op, cf, last } = c;
  const dims = op.dims;
  const owned: Tensor<'float32' | 'int32' | ByteType>[] = [];
  // The first argument: x, or gradOutput for backward passes; byte calls pass cf's values as bytes.
  const xFloat = inCallLayout(c.backward?.grad ?? cf, dims, last);
  const x = c.bytes ? asBytes(xFloat, c.bytes) : xFloat;
  const first = c.backward ? 'gradOutput' : 'x';
  const indicesArg = c.indices ? inCallLayout(c.indices, dims, last) : undefined;
  // Backward passes get the forward input as its shape or itself (the call's layout either way).
  const forwardInput = c.backward ? inCallLayout(cf, dims, last) : undefined;
  const backwardOpts = !c.backward ? {}
    : c.backward.inputShape === 'full' ? { inputShape: forwardInput!.shape }
    : c.backward.inputShape === 'spatial' ? { inputShape: ref.split(cf.shape, dims).spatial }
    : { input: forwardInput };
  // Which calls are valid is the single-threaded engine's verdict (it may be stricter than the
  // reference, e.g. indexFormat without returnIndices); the parallel engine must agree with it
  // message for message. What a valid call returns is the reference's.
  const spError = engineError(sp, op, callArgs(op, x, indicesArg, { ...c.opts, ...backwardOpts }));
  const want = spError ? undefined : referenceOf(c);
  const wantOk = want instanceof Error ? undefined : want;
  // Faults go only into calls that are otherwise valid, so the one expected message is unambiguous.
  const fault = spError || (c.fault === 'bad-indices' && !indicesArg?.data.length) ? undefined : c.fault;
  if (fault === 'bad-indices' && indicesArg) {
    // One index past the plane, or below -1 (checked after the call's other arguments).
    indicesArg.data = indicesArg.data.slice();
    indicesArg.data[indicesArg.data.length >> 1] = indicesArg.data.length % 2 ? -2 : 1 << 30;
  }
  const outLayout = resultLayout(op, last);

  let xArg: unknown = x;
  if (fault === 'data-length') xArg = { ...x, data: new (x.data.constructor as Float32ArrayConstructor)(x.data.length + 1) };
  else if (fault === 'data-type') xArg = { ...x, data: new Float64Array(x.data.length) };
  else if (fault === 'layout') xArg = { ...x, layout: 'XYZ' };
  else if (fault === 'disposed') {
    const t = p.fromArray(x.data, x.shape, x.layout);
    t.dispose();
    xArg = t;
  } else if (c.input !== 'plain') xArg = owned[owned.push(p.fromArray(x.data, x.shape, x.layout)) - 1];
  const opts: Record<string, unknown> = { ...c.opts, ...backwardOpts };
  if (forwardInput && opts.input !== undefined && c.input !== 'plain') opts.input = owned[owned.push(p.fromArray(forwardInput.data, forwardInput.shape, forwardInput.layout)) - 1];
  if (fault === 'unknown-option') opts.bogus = 1;
  if (fault === 'out-junk') opts.out = 42;
  let out: Tensor<'float32' | ByteType> | undefined;
  if (!fault && wantOk && c.input === 'resident-out') {
    const shape = callShape(wantOk.output.shape, dims, op.kind === 'layout' ? op.toChannelsLast === true : last);
    out = p.tensor(shape, { layout: outLayout, dtype: c.bytes ?? 'float32' });
    owned.push(out);
    opts.out = out;
  }
  const promise = p.run(op.name, ...(callArgs(op, xArg, indicesArg, opts) as [unknown, ...unknown[]]));

  const form = !c.backward ? '' : c.indices ? ' (indices form)' : c.backward.inputShape ? ` inputShape ${c.backward.inputShape}` : ' input';
  const label = `${op.name} ${first} ${c.bytes ?? 'float32'} ${JSON.stringify(x.shape)} ${x.layout}${form} ${c.input} ${JSON.stringify(c.opts)}${fault ? ` fault ${fault}` : ''}`;
  const check = (s: PromiseSettledResult<unknown>, killed = false): 'ok' | 'killed' => {
    try {
      if (s.status === 'rejected') {
        const e = s.reason as Error;
        if (killed && /worker thread \d+ exited/.test(e.message)) {
          expect(e.message, label).toMatch(new RegExp(`^simdpool/parallel: worker thread \\d+ exited \\(code \\d+\\) while running ${op.name}; that call failed, and the engine replaced the worker$`));
          return 'killed';
        }
        if (!(e instanceof TypeError || e instanceof RangeError)) expect.fail(`${label}: rejected with ${e?.constructor?.name}: ${e?.message}`);
        if (fault) expect(e.message, label).toMatch(FAULT_MESSAGE[fault](op.name, first, first === 'x' && acceptsBytes(op)));
        else if (!spError) expect.fail(`${label}: rejected a call the single-threaded engine accepts: ${e.message}`);
        else {
          expect(e.constructor, label).toBe(spError.constructor);
          expect(e.message, label).toBe(spError.message);
          expect(e.message, label).toMatch(new RegExp(`^${op.name}: `));
          expect(namesArgument(op, e.message), `${label}: message names no argument: ${e.message}`).toBe(true);
        }
        return 'ok';
      }
      if (fault) expect.fail(`${label}: accepted a call with fault ${fault}`);
      if (spError) expect.fail(`${label}: accepted a call the single-threaded engine rejects (${spError.message})`);
      if (!wantOk) expect.fail(`${label}: accepted a call the reference rejects (${(want as Error).message})`);
      const r = s.value as { output?: Tensor } & Tensor;
      const output = r.output ?? r;
      if (out) expect(output, `${label}: result is the out tensor`).toBe(out);
      if (c.bytes) {
        expectByteResult(op, last, r, wantOk as Exclude<ReturnType<typeof byteReferenceFor>, Error>, label);
        byteResults++;
      } else expectReferenceResult(op, last, r, wantOk as Exclude<ReturnType<typeof referenceFor>, Error>, label);
      if (c.input !== 'plain') for (const t of [output, (r as { indices?: Tensor }).indices]) if (t && !owned.includes(t as never)) t.dispose();
      return 'ok';
    } finally {
      for (const t of owned) if (!t.disposed) t.dispose();
    }
  };
  return { promise, check };
}

/** Wait until every worker (replacements included) has started: killing a starting one is a start failure. */
async function workersReady(p: ParallelEngine): Promise<void> {
  while (p.stats().readyWorkers < p.threads) await new Promise((r) => setTimeout(r, 5));
}

let sp: Engine;
let pp: ParallelEngine;
/** Byte calls that returned a result checked against the reference (most random options are invalid for some). */
let byteResults = 0;
let canary: Tensor<'float32'>;
const CANARY = Float32Array.from({ length: 2 * 3 * 5 }, (_, i) => (i % 7 === 0 ? NaN : i * 1.25 - 9));

beforeAll(async () => {
  sp = await getEngine();
  pp = await initParallel({ threads: 2, inlineBelow: INLINE_BELOW });
  canary = pp.fromArray(CANARY, [2, 3, 5], 'NCW');
});
afterAll(async () => {
  canary?.dispose();
  await pp?.close();
});

function expectCanaryIntact(): void {
  expect(canary.disposed).toBe(false);
  const got = new Uint8Array(canary.data.buffer, canary.data.byteOffset, canary.data.byteLength);
  const want = new Uint8Array(CANARY.buffer);
  for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) expect.fail(`canary byte ${i} changed`);
}

describe('initParallel: options', () => {
  /** What initParallel(options) rejects with (an engine it starts after all is closed). */
  const rejection = (options: unknown) =>
    initParallel(options as never).then(async (p) => {
      await p.close();
      return undefined;
    }, (e: unknown) => e);

  it('rejects an unknown option (a typo) with a TypeError listing the accepted ones, as operators do', async () => {
    const typo = await rejection({ threads: 1, maxpending: 4 });
    expect(typo).toBeInstanceOf(TypeError);
    expect((typo as Error).message).toBe('initParallel: unknown option "maxpending" (accepted: threads, inlineBelow, maxPending, maxMemoryBytes)');
    const notABag = await rejection(2);
    expect(notABag).toBeInstanceOf(TypeError);
    expect((notABag as Error).message).toBe('initParallel: options must be an object, got 2');
  });

  it('rejects an option a prototype supplies (a class\'s getter) rather than ignoring it', async () => {
    const inherited = await rejection(Object.create({ threads: 1 }));
    expect(inherited).toBeInstanceOf(TypeError);
    expect((inherited as Error).message).toMatch(/^initParallel: option "threads" is inherited/);
  });
});

describe('parallel engine: run() by name', () => {
  it("takes operator names only, not Object.prototype's, and keeps serving", async () => {
    const x = { data: Float32Array.from({ length: 16 }, (_, i) => i), shape: [1, 1, 4, 4] };
    for (const name of ['toString', 'valueOf', 'constructor', '__defineGetter__', 'hasOwnProperty', 'nope']) {
      await expect(pp.run(name, x, { kernelSize: 2 })).rejects.toThrow(/no operator/);
    }
    const got = (await pp.run('maxPool2d', x, { kernelSize: 2 })) as { data: Float32Array };
    expect(Array.from(got.data)).toEqual([5, 7, 13, 15]);
    expect(Array.from(((await pp.maxPool2d(x, { kernelSize: 2 })) as { data: Float32Array }).data)).toEqual([5, 7, 13, 15]);
    expectCanaryIntact();
  });
});

describe('parallel engine: concurrent random callers', () => {
  it('each of 20-60 concurrent calls gets its own correct result or a clear TypeError/RangeError', async () => {
    const baseline = pp.memoryStats().blocks;
    const before = pp.stats();
    const byteResultsBefore = byteResults;
    await fc.assert(
      fc.asyncProperty(fc.array(anyCall(true), { minLength: 20, maxLength: 60 }), async (calls) => {
        const started = calls.map((c) => start(pp, c));
        const settled = await Promise.allSettled(started.map((s) => s.promise));
        settled.forEach((s, i) => started[i].check(s));
        expectCanaryIntact();
        expect(pp.stats().pending).toBe(0);
        // Every call's scratch, results and pins are gone: only cached window plans remain.
        expect(pp.memoryStats().blocks).toBeLessThanOrEqual(baseline + PLAN_CACHE);
      }),
      { numRuns: 40, endOnFailure: true },
    );
    const after = pp.stats();
    // Both paths were exercised: calls ran on the calling thread and on the workers.
    expect(after.inlineCalls).toBeGreaterThan(before.inlineCalls);
    expect(after.workerCalls).toBeGreaterThan(before.workerCalls);
    // Byte calls were among them, and not all rejected (about 130 byte calls, three in four with
    // an injected fault: 14-30 results in the runs measured).
    expect(byteResults - byteResultsBefore, 'byte calls that returned a result').toBeGreaterThan(5);
  });
});

describe('parallel engine: a worker killed under load', () => {
  it('fails only the call that was running on it; every other call resolves correctly; the engine keeps serving', async () => {
    const p = await initParallel({ threads: 2, inlineBelow: 0 });
    try {
      // One longer call per batch (a few ms per worker), so that kills often land while a call
      // is running; the random calls around it are queued before and after it.
      const long: Call = {
        op: OPERATORS.maxPool2d as OperatorSpec, cf: { data: values(2 * 16 * 40 * 40, 7), shape: [2, 16, 40, 40] },
        last: false, opts: { kernelSize: 5, stride: 1, padding: 2 }, input: 'plain',
      };
      let kills = 0;
      let killedCalls = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(anyCall(false), { minLength: 20, maxLength: 40 }),
          fc.nat(40),
          fc.integer({ min: 0, max: 1 }),
          fc.integer({ min: 0, max: 4 }),
          async (calls, at, which, delay) => {
            await workersReady(p);
            calls.splice(Math.min(at, calls.length), 0, long);
            const started = calls.map((c) => start(p, c));
            const settled = Promise.allSettled(started.map((s) => s.promise));
            await new Promise((r) => setTimeout(r, delay));
            await p.workers[which].terminate();
            kills++;
            const outcomes = (await settled).map((s, i) => started[i].check(s, true));
            const failed = outcomes.filter((o) => o === 'killed').length;
            // A worker runs one item at a time: at most the one call it was running fails.
            expect(failed).toBeLessThanOrEqual(1);
            killedCalls += failed;
            expect(p.stats().workersReplaced).toBe(kills);
            expect(p.stats().pending).toBe(0);
            // The replaced worker serves again: a call split over both workers succeeds.
            const again = start(p, long);
            again.check(await Promise.allSettled([again.promise]).then((s) => s[0]));
          },
        ),
        { numRuns: 8, endOnFailure: true },
      );
      // The failures, when any, came with the clear message checked above.
      expect(killedCalls).toBeLessThanOrEqual(kills);
      expect(p.memoryStats().blocks).toBeLessThanOrEqual(PLAN_CACHE);
    } finally {
      await p.close();
    }
  });

  it('an item sent to a worker that is terminated before it begins runs on another worker', async () => {
    const p = await initParallel({ threads: 2, inlineBelow: 0 });
    try {
      // 64 planes split into two items, one per worker; the workers are held before they begin
      // an item, so worker 0 is terminated having been sent its item but not having begun it,
      // whatever the thread timing. Its item must run on another worker, and the call succeed
      // (before the pool requeued such items, the call failed as if the item had run). Being
      // deterministic, a few rounds suffice (each waits for a replacement worker to start).
      const ROUNDS = 3;
      for (let round = 0; round < ROUNDS; round++) {
        await workersReady(p);
        const c: Call = { op: OPERATORS.avgPool2d as OperatorSpec, cf: { data: values(4 * 16 * 32 * 32, round), shape: [4, 16, 32, 32] }, last: false, opts: { kernelSize: 3, stride: 2 }, input: 'plain' };
        const requeued = p.stats().itemsRequeued;
        p.holdWorkers('begin');
        const s = start(p, c);
        expect(p.stats().busyWorkers).toBe(2);
        await p.workers[0].terminate();
        p.holdWorkers(false);
        expect(s.check((await Promise.allSettled([s.promise]))[0], true), 'a requeued item never ran on the dead worker: its call succeeds').toBe('ok');
        expect(p.stats().itemsRequeued).toBe(requeued + 1);
      }
      expect(p.stats().workersReplaced).toBe(ROUNDS);
    } finally {
      await p.close();
    }
  });
});
