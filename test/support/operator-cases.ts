// Shared by the fuzz tests of both engines and the server's load test: plausible option values
// for any operator of the registry, input values and unpooling indices from a seed, the
// reference result of a call (test/reference/poolnd.ts) picked by the operator's kind and
// reduction, and the comparison of a result with it.
import fc from 'fast-check';
import { expect } from 'vitest';
import type { OperatorSpec } from '../../src/ops/registry';
import * as ref from '../reference/poolnd';
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
 */
export function referenceFor(
  op: OperatorSpec, x: ref.T, opts: Record<string, unknown>, indices?: ref.T<Int32Array>,
): { output: ref.T; indices?: ref.T<Int32Array> } | Error {
  const stride = Array.isArray(opts.stride) && opts.stride.length === 0 ? undefined : opts.stride ?? undefined;
  const o = { ...opts, stride, out: undefined, outIndices: undefined } as never;
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
    }
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
  op: OperatorSpec, last: boolean, result: unknown, want: { output: ref.T; indices?: ref.T<Int32Array> }, label: string,
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
  else expectCloseFloats(got.data, want.output.data, label);
  if (r.indices) expectSameInts(back(r.indices).data, want.indices!.data, label);
}

/** Whether an error message names an argument or option of `op`, as the engine's do. */
export function namesArgument(op: OperatorSpec, message: string): boolean {
  return ['x', 'indices', 'options', 'out', 'outIndices', 'output', ...op.options].some((n) => new RegExp(`\\b${n}\\b`).test(message));
}

/** The error `engine` (the single-threaded one) throws for a call of `op`, if any. */
export function engineError(engine: object, op: OperatorSpec, x: unknown, indices: unknown, opts: unknown): Error | undefined {
  const method = (engine as Record<string, (...a: unknown[]) => unknown>)[op.name].bind(engine);
  try {
    if (op.kind === 'unpool') method(x, indices, opts);
    else method(x, opts);
    return undefined;
  } catch (e) {
    return e as Error;
  }
}
