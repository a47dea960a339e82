// Shared by the fuzz tests of both engines and the server's load test: plausible option values
// for any operator of the registry, input values and unpooling indices from a seed, the
// reference result of a call (test/reference/poolnd.ts, test/reference/backward.ts) picked by
// the operator's kind and reduction, the pieces of a backward call (forward output, gradient,
// indices), and the comparison of a result with it; for int8/uint8 inputs, the operators that
// take them, plausible quantization parameters, the reference result (test/reference/quant.ts)
// and the exact comparison with it.
import fc from 'fast-check';
import { expect } from 'vitest';
import type { OperatorSpec } from '../../src/ops/registry';
import * as ref from '../reference/poolnd';
import * as bref from '../reference/backward';
import * as q from '../reference/quant';
import { expectCloseFloats, expectSameFloats, expectSameInts } from './engine';

export const sizes = (dims: number, min: number, max: number) =>
  fc.oneof(fc.integer({ min, max }), fc.array(fc.integer({ min, max }), { minLength: dims, maxLength: dims }));
const SIDES: Record<number, string[]> = { 1: ['left', 'right'], 2: ['top', 'bottom', 'left', 'right'], 3: ['front', 'back', 'top', 'bottom', 'left', 'right'] };
const padding = (dims: number) =>
  fc.oneof(sizes(dims, 0, 2), fc.constantFrom('valid', 'same'),
    fc.tuple(...SIDES[dims].map(() => fc.nat(3))).map((v) => Object.fromEntries(SIDES[dims].map((k, i) => [k, v[i]]))));
const outputSize = (dims: number) =>
  fc.oneof(fc.integer({ min: 0, max: 8 }), fc.array(fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constant(null)), { minLength: dims, maxLength: dims }));

/** Plausible values for each option name (valid most of the time; the reference decides). */
export function optionValue(name: string, dims: number): fc.Arbitrary<unknown> {
  switch (name) {
    case 'kernelSize': return sizes(dims, 1, 4);
    case 'stride': return fc.oneof(sizes(dims, 1, 3), fc.constant(null));
    case 'padding': return padding(dims);
    case 'dilation': return sizes(dims, 1, 3);
    case 'ceilMode': case 'returnIndices': case 'countIncludePad': case 'includeBatchInIndex': return fc.boolean();
    case 'divisorOverride': return fc.constantFrom(1, 3, -2, 7);
    case 'normType': return fc.constantFrom(1, 2, 3, 1.5);
    case 'outputSize': return outputSize(dims);
    case 'indexFormat': return fc.constantFrom('plane', 'onnx', 'tf');
    case 'storageOrder': return fc.constantFrom(0, 1);
    case 'nanMode': return fc.constantFrom('propagate', 'ignore');
    default: return fc.constant(undefined); // out, outIndices: chosen by each test
  }
}

/**
 * What the reference computes for `op` on channels-first `x` with option bag `opts` (output
 * tensors ignored; stride null or [] means kernelSize, as in PyTorch), or the Error it throws
 * for options it rejects. Only call it with plausible option values: junk may loop for ever.
 * Backward passes: `x` is the forward input, `grad` gradOutput, `indices` given in the indices form.
 */
export function referenceFor(
  op: OperatorSpec, x: ref.T, opts: Record<string, unknown>, indices?: ref.T<Int32Array>, grad?: ref.T,
): { output: Scaled; indices?: ref.T<Int32Array> } | Error {
  return askedFor(opts, anyReferenceFor(op, x, opts, indices, grad));
}

/**
 * A reference's result as the call returns it: indices only where it asks for them
 * (returnIndices: true), so that a result missing them, or holding them unasked, fails.
 */
function askedFor<R extends { output: unknown; indices?: unknown }>(opts: Record<string, unknown>, want: R | Error): R | Error {
  return want instanceof Error || opts.returnIndices === true ? want : ({ output: want.output } as R);
}

function anyReferenceFor(
  op: OperatorSpec, x: ref.T, opts: Record<string, unknown>, indices?: ref.T<Int32Array>, grad?: ref.T,
): { output: Scaled; indices?: ref.T<Int32Array> } | Error {
  const o = referenceOptions(opts) as never;
  const d = op.dims;
  try {
    switch (op.kind) {
      case 'pool':
        if (op.reduce === 'max') return ref.maxPoolRef(d, x, o);
        if (op.reduce === 'avg') return { output: ref.avgPoolRef(d, x, o) };
        return { output: ref.lpPoolRef(d, x, o) };
      case 'adaptive':
        return op.reduce === 'max' ? ref.adaptiveMaxPoolRef(d, x, o) : { output: ref.adaptiveAvgPoolRef(d, x, o) };
      case 'global':
        if (op.reduce === 'max') return { output: ref.globalMaxPoolRef(d, x, o) };
        if (op.reduce === 'avg') return { output: ref.globalAvgPoolRef(d, x) };
        return { output: ref.globalLpPoolRef(d, x, o) };
      case 'unpool':
        return { output: ref.maxUnpoolRef(d, x, indices!, o) };
      case 'layout':
        return { output: x };
      case 'backward': {
        const g = backwardReferenceFor(op, x, grad!, opts, indices);
        return g instanceof Error ? g : { output: g };
      }
    }
  } catch (e) {
    return e as Error;
  }
}

/**
 * Options as the references take them: null means not given (as the engine reads every option),
 * stride [] means kernelSize; tensors and shapes dropped.
 */
export function referenceOptions(opts: Record<string, unknown>): Record<string, unknown> {
  const given = Object.fromEntries(Object.entries(opts).map(([name, v]) => [name, v ?? undefined]));
  const stride = Array.isArray(given.stride) && given.stride.length === 0 ? undefined : given.stride;
  return { ...given, stride, out: undefined, outIndices: undefined, input: undefined, inputShape: undefined };
}

// ---------------------------------------------------------------------------------------------
// backward passes: `x` is the forward input (channels-first), gradOutput has the forward
// output's shape. Max passes take the forward's per-plane indices (indices form) or x itself.

/** The output size of the forward pass an adaptive backward case differentiates: 1-4 per axis, from a seed. */
export const adaptiveOutputSize = (dims: number, seed: number): number[] =>
  Array.from({ length: dims }, (_, i) => 1 + ((seed >>> 0 >>> i) % 4));

/**
 * The forward pass that backward operator `op` differentiates, on channels-first `x` (max: with
 * per-plane indices), or undefined when the reference rejects the options.
 */
export function forwardOf(op: OperatorSpec, x: ref.T, opts: Record<string, unknown>, seed: number): { output: ref.T; indices?: ref.T<Int32Array> } | undefined {
  const d = op.dims;
  const o = referenceOptions(opts) as never;
  try {
    if (op.forward === 'adaptive') {
      const outputSize = adaptiveOutputSize(d, seed);
      return op.reduce === 'max' ? ref.adaptiveMaxPoolRef(d, x, { outputSize }) : { output: ref.adaptiveAvgPoolRef(d, x, { outputSize }) };
    }
    if (op.reduce === 'max') return ref.maxPoolRef(d, x, { ...(o as object), indexFormat: 'plane' } as never);
    return { output: (op.reduce === 'avg' ? ref.avgPoolRef : ref.lpPoolRef)(d, x, o) };
  } catch {
    return undefined;
  }
}

/** Gradient values from a seed: multiples of a quarter, so that sums of a few stay exact. */
export const gradValues = (n: number, seed: number): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => ((i * 31 + (seed >>> 0)) % 13) - 6.25);

/**
 * Indices for a max backward pass (per plane, `n` of them, in a plane of `inPlane` inputs): the
 * forward's when `pooled` is given (a window with no input is -1), otherwise from a seed, with
 * duplicates and -1 (no input) and, when `outOfRange`, also indices outside [-1, inPlane).
 */
export function backwardIndices(n: number, inPlane: number, seed: number, pooled?: Int32Array, outOfRange = false): Int32Array {
  if (pooled) return pooled.map((i) => (i >= 0 && i < inPlane ? i : -1));
  const s = seed >>> 0;
  return Int32Array.from({ length: n }, (_, i) => ((i * 13 + s) % (inPlane + (outOfRange ? 3 : 1))) - (outOfRange ? 2 : 1));
}

/** A reference result, and for Lp gradients the magnitude of each cell's terms (expectCloseFloats). */
export type Scaled = ref.T & { scale?: Float32Array };

/**
 * The gradient backward operator `op` computes (channels-first, x's shape) for forward input `x`,
 * gradient `grad` and options `opts` (input and inputShape ignored: `x` is both), with
 * per-plane `indices` for the indices form; or the Error the reference throws (gradOutput not
 * the forward output's shape, an invalid index or option).
 */
export function backwardReferenceFor(
  op: OperatorSpec, x: ref.T, grad: ref.T, opts: Record<string, unknown>, indices?: ref.T<Int32Array>,
): Scaled | Error {
  const d = op.dims;
  const o = referenceOptions(opts) as never;
  try {
    // gradOutput has the forward output's shape: the references check its spatial sizes against
    // their windows, except the scatter of the indices form (whose window options only check it).
    const [g, i] = [ref.split(grad.shape, d), ref.split(x.shape, d)];
    if (g.batched !== i.batched || g.N !== i.N || g.C !== i.C) return new RangeError('gradOutput batch or channels');
    if (indices && op.forward !== 'adaptive' && opts.kernelSize !== undefined) {
      const forward = ref.maxPoolRef(d, x, o).output;
      if (forward.shape.join() !== grad.shape.join()) return new RangeError('gradOutput shape');
    }
    if (indices) return bref.scatterRef(d, grad, indices, i.spatial, true);
    if (op.forward === 'adaptive') {
      return op.reduce === 'max' ? bref.adaptiveMaxPoolBackwardRef(d, grad, x, { nanMode: opts.nanMode as never }) : bref.adaptiveAvgPoolBackwardRef(d, grad, x.shape);
    }
    if (op.reduce === 'max') return bref.maxPoolBackwardRef(d, grad, x, o);
    if (op.reduce === 'avg') return bref.avgPoolBackwardRef(d, grad, x.shape, o);
    return { ...bref.lpPoolBackwardRef(d, grad, x, o), scale: bref.lpPoolBackwardRef(d, grad, x, o, true).data };
  } catch (e) {
    return e as Error;
  }
}

const prod = (a: readonly number[]) => a.reduce((x, y) => x * y, 1);

/** Values from a seed: small integers and halves (exact averages), with NaN, ±0 and ±Infinity. */
export function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const u = (s >>> 8) / 2 ** 24;
    return u < 0.02 ? NaN : u < 0.03 ? -0 : u < 0.035 ? Infinity : u < 0.04 ? -Infinity : Math.floor((u - 0.5) * 18) / 2;
  });
}

/** maxUnpool indices for x (channels-first) with kernelSize k: within the default output plane (in * k per axis). */
export function unpoolIndices(x: ref.T, dims: number, k: number, seed: number): ref.T<Int32Array> {
  const plane = prod(x.shape.slice(-dims)) * k ** dims;
  let s = seed >>> 0;
  return { data: Int32Array.from(x.data, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) % plane), shape: [...x.shape] };
}

/** A channels-first tensor as a call passes it: channels-last when `last`, with its layout named. */
export const inCallLayout = <A extends Float32Array | Int32Array>(t: ref.T<A>, dims: number, last: boolean): ref.T<A> =>
  last ? ref.transposeNd(t, dims, true) : { ...t, layout: ref.LAYOUTS[dims][0] };

/** The layout of `op`'s result for an input that is channels-last or not. */
export const resultLayout = (op: OperatorSpec, last: boolean): ref.Layout =>
  ref.LAYOUTS[op.dims][op.kind === 'layout' ? +(op.toChannelsLast === true) : +last];

/**
 * A result (in the call's layout, `{ output, indices }` or one tensor) equals the reference's:
 * bit for bit for max, unpooling and layout conversions, within tolerance for averages and Lp.
 */
export function expectReferenceResult(
  op: OperatorSpec, last: boolean, result: unknown, want: { output: Scaled; indices?: ref.T<Int32Array> }, label: string,
): void {
  type Got<A extends Float32Array | Int32Array> = { data: A; shape: readonly number[]; layout: string };
  const r = result as { output?: Got<Float32Array>; indices?: Got<Int32Array> } & Got<Float32Array>;
  const dims = op.dims;
  const back = <A extends Float32Array | Int32Array>(t: Got<A>) => {
    expect(t.layout, `${label}: layout`).toBe(resultLayout(op, last));
    const copy = { data: t.data.slice() as A, shape: [...t.shape] };
    return t.layout === ref.LAYOUTS[dims][1] ? ref.transposeNd(copy, dims, false) : copy;
  };
  const got = back(r.output ?? r);
  expect(got.shape, `${label}: shape`).toEqual(want.output.shape);
  if (op.reduce === 'max' || op.kind === 'unpool' || op.kind === 'layout') expectSameFloats(got.data, want.output.data, label);
  else expectCloseFloats(got.data, want.output.data, label, want.output.scale);
  // (indices returned exactly when the reference has them: a result that drops them fails)
  expect(r.indices !== undefined, `${label}: indices returned`).toBe(want.indices !== undefined);
  if (want.indices) expectSameInts(back(r.indices!).data, want.indices.data, label);
}

/** Whether an error message names an argument or option of `op`, as the engine's do. */
export function namesArgument(op: OperatorSpec, message: string): boolean {
  return ['x', 'gradOutput', 'indices', 'options', 'out', 'outIndices', 'output', ...op.options].some((n) => new RegExp(`\\b${n}\\b`).test(message));
}

/**
 * The positional arguments of a call of `op`: (x, indices, options) for unpooling and the
 * backward passes' indices form, (x, options) otherwise (x is gradOutput for backward passes).
 */
export const callArgs = (op: OperatorSpec, x: unknown, indices: unknown, opts: unknown): unknown[] =>
  op.kind === 'unpool' || (op.kind === 'backward' && indices !== undefined) ? [x, indices, opts] : [x, opts];

/** The error `engine` (the single-threaded one) throws for a call of `op` with `args` (callArgs), if any. */
export function engineError(engine: object, op: OperatorSpec, args: unknown[]): Error | undefined {
  const method = (engine as Record<string, (...a: unknown[]) => unknown>)[op.name].bind(engine);
  try {
    method(...args);
    return undefined;
  } catch (e) {
    return e as Error;
  }
}

// ---------------------------------------------------------------------------------------------
// int8/uint8 inputs: every max and average operator (windowed, adaptive, global) pools them;
// windowed averages need the input's quantization parameters. Layout conversions move them.

/** Whether `op` takes int8/uint8 tensors. */
export const acceptsBytes = (op: OperatorSpec): boolean =>
  (op.kind === 'pool' || op.kind === 'adaptive' || op.kind === 'global' || op.kind === 'layout') && op.reduce !== 'lp';

/** Plausible quantization parameters (some outside a dtype's range, or a tiny outScale that saturates: the engine decides). */
export const QUANT_OPTION_VALUES: Record<'scale' | 'zeroPoint' | 'outScale' | 'outZeroPoint', fc.Arbitrary<unknown>> = {
  scale: fc.constantFrom(0.1, 1, 0.037, 3),
  zeroPoint: fc.integer({ min: -128, max: 255 }),
  outScale: fc.constantFrom(undefined, undefined, 0.2, 0.05, 1e-30),
  outZeroPoint: fc.oneof(fc.constant(undefined), fc.integer({ min: -130, max: 260 })),
};

/**
 * What test/reference/quant.ts computes for byte operator `op` on channels-first `x` with option
 * bag `opts` (output tensors ignored, stride null or [] means kernelSize), or the Error it throws
 * (also for an operator that takes no bytes).
 */
export function byteReferenceFor(op: OperatorSpec, x: q.Q, opts: Record<string, unknown>): { output: q.Q; indices?: ref.T<Int32Array> } | Error {
  if (!acceptsBytes(op)) return new TypeError(`${op.name} takes no int8/uint8 tensors`);
  const d = op.dims;
  const o = referenceOptions(opts) as never;
  try {
    // (a layout conversion's result, back in channels-first form, is x)
    if (op.kind === 'layout') return { output: { data: x.data.slice(), shape: [...x.shape] } };
    if (op.kind === 'pool') return askedFor(opts, op.reduce === 'max' ? q.qMaxPoolRef(d, x, o) : { output: q.qAvgPoolRef(d, x, o) });
    if (op.kind === 'adaptive') return askedFor(opts, op.reduce === 'max' ? q.qAdaptiveMaxPoolRef(d, x, o) : { output: q.qAdaptiveAvgPoolRef(d, x, o) });
    return { output: op.reduce === 'max' ? q.qGlobalMaxPoolRef(d, x) : q.qGlobalAvgPoolRef(d, x) };
  } catch (e) {
    return e as Error;
  }
}

/**
 * A byte result (in the call's layout, `{ output, indices }` or one tensor) equals the
 * reference's exactly: dtype, layout, shape, values and indices.
 */
export function expectByteResult(
  op: OperatorSpec, last: boolean, result: unknown, want: { output: q.Q; indices?: ref.T<Int32Array> }, label: string,
): void {
  type Got<A extends q.ByteArray | Int32Array> = { data: A; shape: readonly number[]; layout: string };
  const r = result as { output?: Got<q.ByteArray>; indices?: Got<Int32Array> } & Got<q.ByteArray>;
  const back = <A extends q.ByteArray | Int32Array>(t: Got<A>) => {
    expect(t.layout, `${label}: layout`).toBe(resultLayout(op, last));
    return t.layout === ref.LAYOUTS[op.dims][1] ? q.transposeAny(t.data.slice() as A, t.shape, op.dims, false) : { data: t.data.slice() as A, shape: [...t.shape] };
  };
  const output = r.output ?? r;
  expect(output.data.constructor, `${label}: dtype`).toBe(want.output.data.constructor);
  const got = back(output);
  expect(got.shape, `${label}: shape`).toEqual(want.output.shape);
  expect(Array.from(got.data), label).toEqual(Array.from(want.output.data));
  expect(r.indices !== undefined, `${label}: indices returned`).toBe(want.indices !== undefined);
  if (want.indices) expectSameInts(back(r.indices!).data, want.indices.data, label);
}
