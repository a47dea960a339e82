// Shared by the fuzz tests of both engines: plausible option values for any operator of the
// registry, and the reference result of a call (test/reference/poolnd.ts) picked by the
// operator's kind and reduction.
import fc from 'fast-check';
import type { OperatorSpec } from '../../src/ops/registry';
import * as ref from '../reference/poolnd';

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
