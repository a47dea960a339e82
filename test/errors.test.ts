// Bad input: every invalid call throws a TypeError or RangeError that names the argument and
// the value, allocates nothing that outlives the call, and leaves the engine fully usable.
import { describe, expect, it } from 'vitest';
import { getEngine, expectSameFloats } from './support/engine';
import { maxPool2dRef } from './reference/pool2d';
import type { Engine } from '../dist/index.js';

const x = { data: Float32Array.from({ length: 2 * 3 * 6 * 7 }, (_, i) => Math.sin(i)), shape: [2, 3, 6, 7] };

type Bad = [label: string, call: (sp: Engine) => unknown, error: ErrorConstructor, message: RegExp];

const cases: Bad[] = [
  ['x not an object', (sp) => sp.maxPool2d(42 as never, { kernelSize: 2 }), TypeError, /x must be a tensor, got 42/],
  ['data not a Float32Array', (sp) => sp.maxPool2d({ data: [1, 2, 3, 4] as never, shape: [1, 1, 2, 2] }, { kernelSize: 2 }), TypeError, /x\.data must be a Float32Array, Int8Array, Uint8Array or Uint8ClampedArray, got \[1, 2, 3, 4\]/],
  ['data a Float64Array', (sp) => sp.avgPool2d({ data: new Float64Array(4) as never, shape: [1, 1, 2, 2] }, { kernelSize: 2 }), TypeError, /x\.data must be a Float32Array, Int8Array, Uint8Array or Uint8ClampedArray, got Float64Array\(4\)/],
  // (Lp pooling and unpooling take float32 only, and say so)
  ['Lp data a Float64Array', (sp) => sp.lpPool2d({ data: new Float64Array(4) as never, shape: [1, 1, 2, 2] }, { normType: 2, kernelSize: 2 }), TypeError, /^lpPool2d: x\.data must be a Float32Array, got Float64Array\(4\)$/],
  ['unpool values a Float64Array', (sp) => sp.maxUnpool2d({ data: new Float64Array(4) as never, shape: [1, 1, 2, 2] }, { data: new Int32Array(4), shape: [1, 1, 2, 2] }, { kernelSize: 2 }), TypeError, /^maxUnpool2d: x\.data must be a Float32Array, got Float64Array\(4\)$/],
  ['shape not an array', (sp) => sp.maxPool2d({ data: new Float32Array(4), shape: '1,1,2,2' as never }, { kernelSize: 2 }), TypeError, /x\.shape must be an array of sizes, got "1,1,2,2"/],
  ['length mismatch', (sp) => sp.maxPool2d({ data: new Float32Array(5), shape: [1, 1, 2, 2] }, { kernelSize: 2 }), RangeError, /x\.data has 5 elements but x\.shape \[1, 1, 2, 2\] needs 4/],
  ['rank 2', (sp) => sp.maxPool2d({ data: new Float32Array(4), shape: [2, 2] }, { kernelSize: 2 }), RangeError, /x\.shape must have rank 4 \(batched\) or 3 \(unbatched\), got \[2, 2\]/],
  ['rank 5', (sp) => sp.avgPool2d({ data: new Float32Array(4), shape: [1, 1, 1, 2, 2] }, { kernelSize: 2 }), RangeError, /rank 4 .* got \[1, 1, 1, 2, 2\]/],
  ['negative size', (sp) => sp.maxPool2d({ data: new Float32Array(0), shape: [1, -1, 2, 2] }, { kernelSize: 2 }), RangeError, /x\.shape must hold non-negative integers, got \[1, -1, 2, 2\]/],
  ['fractional size', (sp) => sp.maxPool2d({ data: new Float32Array(4), shape: [1, 1, 2, 2.5] }, { kernelSize: 2 }), RangeError, /x\.shape .* got \[1, 1, 2, 2\.5\]/],
  ['zero width', (sp) => sp.maxPool2d({ data: new Float32Array(0), shape: [1, 1, 2, 0] }, { kernelSize: 1 }), RangeError, /non-zero channel and spatial sizes .* \[1, 1, 2, 0\]/],
  ['unknown layout', (sp) => sp.maxPool2d({ ...x, layout: 'NCWH' as never }, { kernelSize: 2 }), RangeError, /x\.layout must be 'NCHW' or 'NHWC', got "NCWH"/],
  ['options missing', (sp) => sp.maxPool2d(x, undefined as never), TypeError, /options are required/],
  ['options not an object', (sp) => sp.maxPool2d(x, 3 as never), TypeError, /options must be an object, got 3/],
  ['unknown option', (sp) => sp.maxPool2d(x, { kernelSize: 2, kernel_size: 2 } as never), TypeError, /unknown option "kernel_size"/],
  ['dilation on avg', (sp) => sp.avgPool2d(x, { kernelSize: 2, dilation: 2 } as never), TypeError, /unknown option "dilation"/],
  ['countIncludePad on max', (sp) => sp.maxPool2d(x, { kernelSize: 2, countIncludePad: true } as never), TypeError, /unknown option "countIncludePad"/],
  ['kernelSize missing', (sp) => sp.maxPool2d(x, {} as never), TypeError, /kernelSize is required/],
  ['kernelSize 0', (sp) => sp.maxPool2d(x, { kernelSize: 0 }), RangeError, /kernelSize must be a positive integer or an array of 2, got 0/],
  ['kernelSize fractional', (sp) => sp.maxPool2d(x, { kernelSize: 1.5 }), RangeError, /kernelSize .* got 1\.5/],
  ['kernelSize NaN', (sp) => sp.maxPool2d(x, { kernelSize: NaN }), RangeError, /kernelSize .* got NaN/],
  ['kernelSize string', (sp) => sp.maxPool2d(x, { kernelSize: '2' as never }), TypeError, /kernelSize .* got "2"/],
  ['kernelSize 3 entries', (sp) => sp.maxPool2d(x, { kernelSize: [2, 2, 2] }), RangeError, /kernelSize .* got \[2, 2, 2\]/],
  ['stride negative', (sp) => sp.maxPool2d(x, { kernelSize: 2, stride: -1 }), RangeError, /stride must be a positive integer .* got -1/],
  ['dilation 0', (sp) => sp.maxPool2d(x, { kernelSize: 2, dilation: [1, 0] }), RangeError, /dilation .* got \[1, 0\]/],
  // Windows whose taps reach past 2^31 cells (the plans' int32 offsets would wrap: a wasm trap, or wrong values)
  ['windows past 2^31 cells (padding sides)', (sp) => sp.maxPool1d({ data: new Float32Array(8), shape: [1, 1, 8] }, { kernelSize: 1, stride: 2 ** 29, padding: { right: 2 ** 31 - 2 } }), RangeError, /windows reach cell 2147483648, past 2\^31 - 64$/],
  // (below 2^31 but past the limit: the message states the limit itself)
  ['windows just under 2^31 cells', (sp) => sp.maxPool2d({ data: new Float32Array(4), shape: [1, 1, 2, 2] }, { kernelSize: 2 ** 31 - 1, padding: { top: 2 ** 31 - 1, bottom: 2 ** 31 - 1, left: 0, right: 0 }, stride: 1 }), RangeError, /windows reach cell 214748\d+, past 2\^31 - 64$/],
  ['windows past 2^31 cells (same)', (sp) => sp.maxPool1d({ data: new Float32Array(8), shape: [1, 1, 8] }, { kernelSize: 3, dilation: 2 ** 31 - 1, padding: 'same' }), RangeError, /windows reach cell 2147483654, past 2\^31/],
  ['padding negative', (sp) => sp.maxPool2d(x, { kernelSize: 3, padding: -1 }), RangeError, /padding must be a non-negative integer .* got -1/],
  ['padding over half kernel', (sp) => sp.maxPool2d(x, { kernelSize: 3, padding: 2 }), RangeError, /padding should be at most half of kernelSize, got padding 2 for kernelSize 3/],
  ['padding unknown string', (sp) => sp.maxPool2d(x, { kernelSize: 3, padding: 'full' as never }), RangeError, /padding .* got "full"/],
  ['padding unknown side', (sp) => sp.maxPool2d(x, { kernelSize: 3, padding: { top: 1, front: 1 } as never }), TypeError, /padding side "front"/],
  ['padding side negative', (sp) => sp.maxPool2d(x, { kernelSize: 3, padding: { top: -1 } }), RangeError, /padding\.top must be a non-negative integer.*, got -1/],
  ['output too small', (sp) => sp.maxPool2d(x, { kernelSize: 8 }), RangeError, /output size is too small: input size \(6x7\) gives output size \(0x0\)/],
  ['ceilMode not boolean', (sp) => sp.maxPool2d(x, { kernelSize: 2, ceilMode: 1 as never }), TypeError, /ceilMode must be a boolean, got 1/],
  ['returnIndices not boolean', (sp) => sp.maxPool2d(x, { kernelSize: 2, returnIndices: 'yes' as never }), TypeError, /returnIndices must be a boolean, got "yes"/],
  ['divisorOverride 0', (sp) => sp.avgPool2d(x, { kernelSize: 2, divisorOverride: 0 }), RangeError, /divisorOverride must be a non-zero integer, got 0/],
  ['divisorOverride fractional', (sp) => sp.avgPool2d(x, { kernelSize: 2, divisorOverride: 0.5 }), RangeError, /divisorOverride .* got 0\.5/],
  ['shape beyond wasm memory', (sp) => sp.maxPool2d({ data: new Float32Array(4), shape: [65536, 65536, 1, 1] }, { kernelSize: 1 }), RangeError, /x\.data has 4 elements but x\.shape \[65536, 65536, 1, 1\] needs 4294967296/],
  ['resident tensor beyond wasm memory', (sp) => sp.tensor([1 << 16, 1 << 15, 1, 1]), RangeError, /needs 8589934592 bytes, more than wasm memory can hold/],
  ['out of the wrong shape', (sp) => sp.maxPool2d(x, { kernelSize: 2, out: sp.tensor([2, 3, 3, 4]) }), RangeError, /out must have shape \[2, 3, 3, 3\] and layout 'NCHW', got \[2, 3, 3, 4\] 'NCHW'/],
  // (the sizes it has agree with the first three needed: only the rank tells them apart)
  ['out of a lower rank', (sp) => sp.maxPool2d(x, { kernelSize: 2, out: sp.tensor([2, 3, 3], { layout: 'NCHW' }) }), RangeError, /out must have shape \[2, 3, 3, 3\] and layout 'NCHW', got \[2, 3, 3\] 'NCHW'/],
  ['out not resident', (sp) => sp.maxPool2d(x, { kernelSize: 2, out: { data: new Float32Array(54), shape: [2, 3, 3, 3] } as never }), TypeError, /out must be a resident tensor/],
  ['out of the wrong dtype', (sp) => sp.maxPool2d(x, { kernelSize: 2, out: sp.tensor([2, 3, 3, 3], { dtype: 'int32' }) as never }), TypeError, /out must have dtype float32, got int32/],
  ['outIndices without returnIndices', (sp) => sp.maxPool2d(x, { kernelSize: 2, outIndices: sp.tensor([2, 3, 3, 3], { dtype: 'int32' }) }), TypeError, /outIndices is only accepted with returnIndices/],
  ['int32 tensor as input', (sp) => sp.maxPool2d(sp.fromArray(new Int32Array(4), [1, 1, 2, 2]) as never, { kernelSize: 2 }), TypeError, /x must have dtype float32, int8 or uint8, got int32/],
  ['disposed tensor', (sp) => { const t = sp.fromArray(x.data, x.shape); t.dispose(); return sp.maxPool2d(t, { kernelSize: 2 }); }, TypeError, /was disposed/],
  ['global op with options', (sp) => sp.globalMaxPool2d(x, { kernelSize: 2 } as never), TypeError, /unknown option "kernelSize"/],
  ['toNHWC of rank 2', (sp) => sp.toNHWC({ data: new Float32Array(4), shape: [2, 2] }), RangeError, /toNHWC: x\.shape must have rank 4/],
  ['fromArray of a plain array', (sp) => sp.fromArray([1, 2] as never, [2]), TypeError, /fromArray: data must be one of Float32Array, Int32Array, Int8Array, Uint8Array, Uint8ClampedArray, got \[1, 2\]/],
  // Messages name a wrong argument's class (in the minified Node entry too: names are kept).
  ['fromArray of a tensor', (sp) => sp.fromArray(sp.fromArray(new Float32Array(2), [2]) as never, [2]), TypeError, /fromArray: data must be .* got a Tensor$/],
  ['fromArray of an ArrayBuffer', (sp) => sp.fromArray(new ArrayBuffer(8) as never, [2]), TypeError, /fromArray: data must be .* got an ArrayBuffer$/],
  // (a U that sounds "you": "a Uint8Array", "a URL")
  ['fromArray of a URL', (sp) => sp.fromArray(new URL('file:///x') as never, [2]), TypeError, /fromArray: data must be .* got a URL$/],
  // (and an "Un-" that does not: "an Unknown", where "Uni-" does: "a Unit")
  ['fromArray of an Unknown', (sp) => sp.fromArray(new (class Unknown {})() as never, [2]), TypeError, /fromArray: data must be .* got an Unknown$/],
  ['fromArray of a Unit', (sp) => sp.fromArray(new (class Unit {})() as never, [2]), TypeError, /fromArray: data must be .* got a Unit$/],
  ['tensor with a bad layout', (sp) => sp.tensor([1, 1, 2, 2], { layout: 'CHWN' as never }), RangeError, /tensor: layout must be one of .* got "CHWN"/],
];

describe('bad input', () => {
  it.each(cases)('%s', async (_label, call, ErrorClass, message) => {
    const sp = await getEngine();
    const before = sp.memoryStats().blocks;
    let thrown: unknown;
    try {
      call(sp);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ErrorClass);
    expect((thrown as Error).message).toMatch(message);
    // Some cases create one tensor of their own (an `out`); the failed call itself keeps nothing.
    expect(sp.memoryStats().blocks - before).toBeLessThanOrEqual(1);

    // The engine still computes correct results afterwards.
    const got = sp.maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 });
    expectSameFloats(got.data, maxPool2dRef(x, { kernelSize: 3, stride: 2, padding: 1 }).output.data);
  });

  it('windows that reach far into padding but stay within 2^31 cells still pool', async () => {
    const sp = await getEngine();
    const data = Float32Array.of(1, 5, 2, 8, 3, 0, 4, 7);
    // taps o*3 - (2^30 - 1) + {0, 2^30, 2^31}: only the middle one is in the row
    expect([...sp.maxPool1d({ data, shape: [1, 1, 8] }, { kernelSize: 3, dilation: 2 ** 30, padding: 'same' }).data]).toEqual([5, 3, 7]);
    expect([...sp.maxPool1d({ data, shape: [1, 1, 8] }, { kernelSize: 2 ** 31 - 1, padding: 2 ** 30 - 1 }).data]).toEqual([8]);
  });

  it('a failed call with a resident input frees everything it allocated', async () => {
    const sp = await getEngine();
    const t = sp.fromArray(x.data, x.shape);
    const before = sp.memoryStats();
    expect(() => sp.maxPool2d(t, { kernelSize: 2, returnIndices: true, outIndices: sp.tensor([1], { dtype: 'int32' }) })).toThrow(RangeError);
    // Only the test's own 1-element outIndices tensor remains.
    expect(sp.memoryStats().blocks).toBe(before.blocks + 1);
    t.dispose();
  });
});
