// Bad input to the breadth operators: TypeError for a wrong type or unknown name, RangeError for
// a wrong value, each naming the argument and the value; no memory kept; the engine stays usable;
// a failed unpooling never writes into the caller's `out`.
import { describe, expect, it } from 'vitest';
import { getEngine } from './support/engine';

const x1 = { data: Float32Array.from([1, 5, 2, 4, 3, 0]), shape: [1, 1, 6] };
const x2 = { data: new Float32Array(2 * 3 * 4).map((_, i) => i), shape: [1, 2, 3, 4] };

describe('breadth operators reject bad input clearly', () => {
  const cases: Array<[string, (sp: any) => unknown, ErrorConstructor, RegExp]> = [
    ['nanMode value', (sp) => sp.maxPool1d(x1, { kernelSize: 2, nanMode: 'skip' }), RangeError, /nanMode.*"skip"/],
    ['nanMode type', (sp) => sp.globalMaxPool3d({ data: new Float32Array(8), shape: [1, 1, 2, 2, 2] }, { nanMode: 1 }), TypeError, /nanMode.*1/],
    ['indexFormat value', (sp) => sp.maxPool2d(x2, { kernelSize: 2, returnIndices: true, indexFormat: 'caffe' }), RangeError, /indexFormat.*"caffe"/],
    ['indexFormat without returnIndices', (sp) => sp.maxPool2d(x2, { kernelSize: 2, indexFormat: 'onnx' }), TypeError, /indexFormat.*returnIndices/],
    ['storageOrder value', (sp) => sp.maxPool2d(x2, { kernelSize: 2, returnIndices: true, indexFormat: 'onnx', storageOrder: 2 }), RangeError, /storageOrder.*2/],
    ['storageOrder with tf', (sp) => sp.maxPool2d(x2, { kernelSize: 2, returnIndices: true, indexFormat: 'tf', storageOrder: 1 }), TypeError, /storageOrder.*'onnx'/],
    ['includeBatchInIndex type', (sp) => sp.maxPool2d(x2, { kernelSize: 2, returnIndices: true, indexFormat: 'tf', includeBatchInIndex: 1 }), TypeError, /includeBatchInIndex.*1/],
    ['outputSize missing', (sp) => sp.adaptiveAvgPool2d(x2, {}), TypeError, /outputSize is required/],
    ['outputSize negative', (sp) => sp.adaptiveMaxPool2d(x2, { outputSize: [2, -1] }), RangeError, /outputSize.*-1/],
    ['outputSize wrong length', (sp) => sp.adaptiveAvgPool1d(x1, { outputSize: [2, 2] }), RangeError, /outputSize.*\[2, 2\]/],
    ['outputSize type', (sp) => sp.adaptiveAvgPool1d(x1, { outputSize: '2' }), TypeError, /outputSize.*"2"/],
    ['normType zero', (sp) => sp.lpPool1d(x1, { kernelSize: 2, normType: 0 }), RangeError, /normType.*0/],
    // (finite in float64 but not as the float32 p or 1/p the kernels use: NaN where torch gives 1)
    ['normType whose float32 is Infinity', (sp) => sp.lpPool1d(x1, { kernelSize: 2, normType: 1e39 }), RangeError, /^lpPool1d: normType must be a positive number \(finite and non-zero as float32, as is 1\/normType\), got 1e\+39$/],
    ['normType whose reciprocal is Infinity in float32', (sp) => sp.globalLpPool1d(x1, { normType: 1e-40 }), RangeError, /normType .*, got 1e-40$/],
    ['normType of the smallest double', (sp) => sp.lpPool1d(x1, { kernelSize: 2, normType: 5e-324 }), RangeError, /normType .*, got 5e-324$/],
    ['normType type', (sp) => sp.globalLpPool2d(x2, { normType: '2' }), TypeError, /normType.*"2"/],
    ['lpPool padding is not an option', (sp) => sp.lpPool2d(x2, { kernelSize: 2, padding: 1 }), TypeError, /unknown option "padding"/],
    ["avgPool3d's kernel beyond the unpadded input (PyTorch's avg_pool3d)", (sp) => sp.avgPool3d({ data: new Float32Array(3), shape: [1, 1, 1, 1, 3] }, { kernelSize: [2, 1, 1], padding: [1, 0, 0] }), RangeError, /input size \(1x1x3\) is smaller than kernelSize \(2x1x1\)/],
    ["avgPool3dBackward's kernel beyond the unpadded input (PyTorch's avg_pool3d_backward)", (sp) => sp.avgPool3dBackward({ data: new Float32Array(8), shape: [1, 1, 2, 2, 2] }, { inputShape: [2, 2, 2], kernelSize: 3, stride: 1, padding: 1 }), RangeError, /input size \(2x2x2\) is smaller than kernelSize \(3x3x3\)/],
    ["lpPool3d's kernel beyond the input (torch >= 2.2's lp_pool3d pools through avg_pool3d)", (sp) => sp.lpPool3d({ data: new Float32Array(32), shape: [1, 1, 4, 2, 4] }, { normType: 2, kernelSize: [5, 1, 2], ceilMode: true }), RangeError, /^lpPool3d: input size \(4x2x4\) is smaller than kernelSize \(5x1x2\)/],
    // Gradients are float32: quantization options are not options of the backward passes.
    ["a backward pass's whole inputShape of other channels than gradOutput's", (sp) => sp.avgPool2dBackward({ data: new Float32Array(18), shape: [1, 2, 3, 3] }, { inputShape: [1, 3, 6, 6], kernelSize: 2 }), RangeError, /inputShape \[1, 3, 6, 6\] must have gradOutput's batch and channels \(\[1, 2, 6, 6\]\)/],
    ['options of the input form followed by a third argument (read as the indices form)', (sp) => sp.maxPool2dBackward({ data: new Float32Array(4), shape: [1, 1, 2, 2] }, { input: { data: new Float32Array(16), shape: [1, 1, 4, 4] }, kernelSize: 2 } as never, null), TypeError, /^maxPool2dBackward: indices must be a tensor, got an object \(options with input come second, alone\)$/],
    ['quantization options on an average backward pass', (sp) => sp.avgPool2dBackward({ data: new Float32Array(4), shape: [1, 1, 2, 2] }, { inputShape: [4, 4], kernelSize: 2, scale: 2 }), TypeError, /unknown option "scale"/],
    ['1d layout for a 3d op', (sp) => sp.maxPool3d({ ...x1, layout: 'NCW' }, { kernelSize: 1 }), RangeError, /layout.*'NCDHW' or 'NDHWC'.*"NCW"/],
    ['unpool indices dtype', (sp) => sp.maxUnpool1d(x1, { data: new Float32Array(6), shape: [1, 1, 6] }, { kernelSize: 2 }), TypeError, /indices.data must be an Int32Array/],
    ['unpool indices shape', (sp) => sp.maxUnpool1d(x1, { data: new Int32Array(3), shape: [1, 1, 3] }, { kernelSize: 2 }), RangeError, /indices must have the shape/],
    ['unpool index out of range', (sp) => sp.maxUnpool1d(x1, { data: Int32Array.from([0, 1, 2, 3, 4, 12]), shape: [1, 1, 6] }, { kernelSize: 2 }), RangeError, /indices holds 12 at flat position 5/],
    ['unpool outputSize out of range', (sp) => sp.maxUnpool1d(x1, { data: new Int32Array(6), shape: [1, 1, 6] }, { kernelSize: 2, outputSize: [14] }), RangeError, /outputSize \[14\].*between 10 and 14/],
    ['unpool outputSize type', (sp) => sp.maxUnpool1d(x1, { data: new Int32Array(6), shape: [1, 1, 6] }, { kernelSize: 2, outputSize: 12 }), TypeError, /outputSize.*12/],
    ['unpool whole outputSize with other channels', (sp) => sp.maxUnpool1d(x1, { data: new Int32Array(6), shape: [1, 1, 6] }, { kernelSize: 2, outputSize: [1, 3, 12] }), RangeError, /^maxUnpool1d: outputSize \[1, 3, 12\] must have x's 1 channels after the batch/],
    ['unpool whole outputSize with a NaN size', (sp) => sp.maxUnpool1d(x1, { data: new Int32Array(6), shape: [1, 1, 6] }, { kernelSize: 2, outputSize: [1, 1, NaN] }), RangeError, /^maxUnpool1d: outputSize \[1, 1, NaN\]: dim 0 must be between 10 and 14/],
  ];
  it.each(cases)('%s', async (_name, f, E, message) => {
    const sp = await getEngine();
    const before = sp.memoryStats().bytesInUse;
    expect(() => f(sp)).toThrow(E);
    expect(() => f(sp)).toThrow(message);
    expect(sp.memoryStats().bytesInUse).toBe(before);
    // still usable
    expect(Array.from(sp.maxPool1d(x1, { kernelSize: 2 }).data)).toEqual([5, 4, 3]);
  });

  it("accepts a backward pass's whole inputShape with batch 0, as the forward pass and PyTorch do", async () => {
    const sp = await getEngine();
    const dy = { data: new Float32Array(0), shape: [0, 3, 2, 2] };
    expect(sp.avgPool2dBackward(dy, { inputShape: [0, 3, 4, 4], kernelSize: 2 }).shape).toEqual([0, 3, 4, 4]);
    const idx = { data: new Int32Array(0), shape: [0, 3, 2, 2] };
    expect(sp.maxPool2dBackward(dy, idx, { inputShape: [0, 3, 4, 4] }).shape).toEqual([0, 3, 4, 4]);
    expect(() => sp.avgPool2dBackward(dy, { inputShape: [0, 3, 0, 4], kernelSize: 2 })).toThrow(/inputShape must hold positive integers/);
  });

  it('a bad index leaves a resident `out` untouched', async () => {
    const sp = await getEngine();
    const out = sp.tensor([1, 1, 12], { layout: 'NCW' });
    out.data.fill(7);
    const idx = Int32Array.from([0, 3, 5, 7, 9, -1]);
    expect(() => sp.maxUnpool1d(x1, { data: idx, shape: [1, 1, 6] }, { kernelSize: 2, out })).toThrow(/indices holds -1 at flat position 5/);
    expect(Array.from(out.data)).toEqual(new Array(12).fill(7));
    idx[5] = 11;
    sp.maxUnpool1d(x1, { data: idx, shape: [1, 1, 6] }, { kernelSize: 2, out });
    expect(Array.from(out.data)).toEqual([1, 0, 0, 5, 0, 2, 0, 4, 0, 3, 0, 0]);
    out.dispose();
  });
});
