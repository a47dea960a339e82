// int8/uint8 inputs: what is rejected, with which message, and that nothing leaks or breaks.
import { describe, expect, it } from 'vitest';
import { getEngine } from './support/engine';

describe('int8/uint8 errors', async () => {
  const sp = await getEngine();
  const x8 = { data: Int8Array.from({ length: 2 * 4 * 4 }, (_, i) => i - 16), shape: [1, 2, 4, 4] };
  const u8 = { data: Uint8Array.from({ length: 2 * 4 * 4 }, (_, i) => i * 7), shape: [1, 2, 4, 4] };
  const residentU8 = sp.fromArray(u8.data, u8.shape);
  const outI8 = sp.tensor([1, 2, 2, 2], { dtype: 'int8' });
  const outF32 = sp.tensor([1, 2, 1, 1]);
  const cases: Array<[string, () => unknown, ErrorConstructor, RegExp]> = [
    ['avg of int8 without scale', () => sp.avgPool2d(x8, { kernelSize: 2, zeroPoint: 0 }), TypeError, /^avgPool2d: scale must be a positive finite number \(the int8 average needs the input's quantization scale\), got undefined/],
    ['avg of uint8 without zeroPoint', () => sp.avgPool2d(u8, { kernelSize: 2, scale: 0.1 }), TypeError, /^avgPool2d: zeroPoint must be an integer in \[0, 255\] \(the uint8 average needs the input's zero point\), got undefined/],
    ['a string outScale (optional: no hint of the input\'s)', () => sp.avgPool2d(u8, { kernelSize: 2, scale: 0.1, zeroPoint: 3, outScale: '0.2' as never }), TypeError, /^avgPool2d: outScale must be a positive finite number \(the result's scale; absent: scale\), got "0\.2"$/],
    ['a string outZeroPoint', () => sp.avgPool2d(x8, { kernelSize: 2, scale: 0.1, zeroPoint: 3, outZeroPoint: '3' as never }), TypeError, /^avgPool2d: outZeroPoint must be an integer in \[-128, 127\] \(the result's zero point; absent: zeroPoint\), got "3"$/],
    ['zeroPoint outside the dtype', () => sp.avgPool2d(x8, { kernelSize: 2, scale: 0.1, zeroPoint: 200 }), RangeError, /^avgPool2d: zeroPoint must be an integer in \[-128, 127\], got 200/],
    ['fractional outZeroPoint', () => sp.avgPool1d({ data: new Uint8Array(4), shape: [1, 1, 4] }, { kernelSize: 2, scale: 1, zeroPoint: 0, outZeroPoint: 1.5 }), RangeError, /^avgPool1d: outZeroPoint must be an integer in \[0, 255\], got 1\.5/],
    ['zero scale', () => sp.avgPool2d(x8, { kernelSize: 2, scale: 0, zeroPoint: 0 }), RangeError, /^avgPool2d: scale must be a positive finite number, got 0/],
    ['NaN outScale', () => sp.avgPool2d(x8, { kernelSize: 2, scale: 1, zeroPoint: 0, outScale: NaN }), RangeError, /^avgPool2d: outScale must be a positive finite number, got NaN/],
    ['scale ratio beyond float32', () => sp.avgPool2d(x8, { kernelSize: 2, scale: 1e30, zeroPoint: 0, outScale: 1e-30 }), RangeError, /^avgPool2d: scale \/ outScale must be a positive float32/],
    ['scale with a float32 input', () => sp.avgPool2d({ data: new Float32Array(32), shape: [1, 2, 4, 4] }, { kernelSize: 2, scale: 0.1 }), TypeError, /^avgPool2d: scale applies to int8\/uint8 inputs of windowed averages only \(x is float32\)/],
    ['scale on an adaptive average', () => sp.adaptiveAvgPool2d(x8, { outputSize: 2, scale: 0.1 } as never), TypeError, /^adaptiveAvgPool2d: unknown option "scale"/],
    ['Lp pooling of int8', () => sp.lpPool2d(x8 as never, { kernelSize: 2 }), TypeError, /^lpPool2d: x must be a float32 tensor \(Lp pooling of int8 is not supported\), got int8/],
    ['global Lp pooling of uint8', () => sp.globalLpPool2d(u8 as never), TypeError, /^globalLpPool2d: x must be a float32 tensor \(Lp pooling of uint8 is not supported\)/],
    ['Uint16Array data', () => sp.maxPool2d({ data: new Uint16Array(32), shape: [1, 2, 4, 4] } as never, { kernelSize: 2 }), TypeError, /^maxPool2d: x\.data must be a Float32Array, Int8Array, Uint8Array or Uint8ClampedArray, got Uint16Array/],
    ['an int8 out for a uint8 input', () => sp.maxPool2d(residentU8, { kernelSize: 2, out: outI8 as never }), TypeError, /^maxPool2d: out must have dtype uint8, got int8/],
    ['a float32 out for an int8 input', () => sp.globalMaxPool2d(x8, { out: outF32 }), TypeError, /^globalMaxPool2d: out must have dtype int8, got float32/],
    ['int8 data of the wrong length', () => sp.maxPool2d({ data: new Int8Array(31), shape: [1, 2, 4, 4] }, { kernelSize: 2 }), RangeError, /^maxPool2d: x\.data has 31 elements but x\.shape \[1, 2, 4, 4\] needs 32/],
    // PyTorch's quantized averages give an empty tensor for an output size of 0 (test/golden/quant.json), and raise below it;
    // its quantized max pooling, as its float pooling, raises for 0 too
    ['an int8 average of output size -1', () => sp.avgPool2d({ data: new Int8Array(2), shape: [1, 2, 1, 1] }, { kernelSize: 3, stride: 1, scale: 1, zeroPoint: 0 }), RangeError, /^avgPool2d: output size is too small: input size \(1x1\) gives output size \(-1x-1\)/],
    ['a uint8 average of output size -1 (without ceil mode)', () => sp.avgPool1d({ data: new Uint8Array(2), shape: [1, 2, 1] }, { kernelSize: 5, stride: 3, scale: 1, zeroPoint: 0 }), RangeError, /^avgPool1d: output size is too small: input size \(1\) gives output size \(-1\)/],
    ['a uint8 max of output size 0', () => sp.maxPool2d({ data: new Uint8Array(2), shape: [1, 2, 1, 1] }, { kernelSize: 2, stride: 1 }), RangeError, /^maxPool2d: output size is too small: input size \(1x1\) gives output size \(0x0\)/],
    ['unknown dtype for sp.tensor', () => sp.tensor([2], { dtype: 'int16' as never }), TypeError, /^tensor: dtype must be 'float32', 'int32', 'int8' or 'uint8', got "int16"/],
  ];
  for (const [what, fn, Kind, message] of cases) {
    it(what, () => {
      const before = sp.memoryStats().bytesInUse;
      let error: unknown;
      try {
        fn();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(Kind);
      expect((error as Error).message).toMatch(message);
      expect(sp.memoryStats().bytesInUse).toBe(before);
    });
  }

  it('the engine still pools bytes correctly afterwards', () => {
    expect(Array.from(sp.maxPool2d(x8, { kernelSize: 2 }).data)).toEqual([-11, -9, -3, -1, 5, 7, 13, 15]);
    // 840 / 16 = 52.5 and 2632 / 16 = 164.5: halves round to even
    expect(Array.from(sp.avgPool2d(u8, { kernelSize: 4, scale: 1, zeroPoint: 0 }).data)).toEqual([52, 164]);
    for (const t of [residentU8, outI8, outF32]) t.dispose();
  });

  it('a huge scale ratio saturates (no integer overflow in the scalar tail or the vector lanes)', () => {
    for (const n of [5, 40]) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 53) % 256);
      const out = sp.avgPool1d({ data, shape: [1, 1, n] }, { kernelSize: 1, scale: 3, zeroPoint: 120, outScale: 1e-30 }).data;
      expect(Array.from(out)).toEqual(Array.from(data, (v) => (v > 120 ? 255 : v < 120 ? 0 : 120)));
    }
  });

  it('windowed averages over windows whose int32 sums could overflow are a RangeError; adaptive and global ones are exact', () => {
    // Each term of a window sum (a code minus the zero point) is within +-255: 8421504 cells fit in int32.
    const limit = Math.floor(0x7fffffff / 255);
    const full = { data: new Uint8Array(limit).fill(255), shape: [1, 1, limit] };
    expect(sp.globalAvgPool1d(full).data[0]).toBe(255);
    expect(sp.adaptiveAvgPool1d(full, { outputSize: 1 }).data[0]).toBe(255);
    expect(sp.avgPool1d(full, { kernelSize: limit, scale: 1, zeroPoint: 0 }).data[0]).toBe(255);
    const low = { data: new Int8Array(limit).fill(127), shape: [1, 1, limit] };
    expect(sp.avgPool1d(low, { kernelSize: limit, scale: 1, zeroPoint: -128, outZeroPoint: 127 }).data[0]).toBe(127);
    // One cell more: PyTorch's windowed averages sum in int32 and wrap (3000x3000 all 255 average to 0).
    const over = { data: new Uint8Array(limit + 1).fill(255), shape: [1, 1, 1, limit + 1] };
    const before = sp.memoryStats().bytesInUse;
    const message = /^avgPool2d: a window of 8421505 cells is over the int8\/uint8 windowed average's 8421504 \(its int32 sum could wrap, as PyTorch's does\)$/;
    expect(() => sp.avgPool2d(over, { kernelSize: [1, limit + 1], scale: 1, zeroPoint: 0 })).toThrow(message);
    expect(() => sp.avgPool2d({ ...over, layout: 'NHWC', shape: [1, 1, limit + 1, 1] }, { kernelSize: [1, limit + 1], scale: 1, zeroPoint: 0 })).toThrow(message);
    // (a padded window counts its in-bounds cells: the middle one of three)
    expect(() => sp.avgPool1d({ data: over.data, shape: [1, 1, limit + 1] }, { kernelSize: limit + 1, stride: 1, padding: 1, scale: 1, zeroPoint: 0 }))
      .toThrow(/^avgPool1d: a window of 8421505 cells/);
    expect(sp.memoryStats().bytesInUse).toBe(before);
    // PyTorch's contiguous adaptive kernel sums in int64 (test/quant-large-windows.test.ts): planar,
    // and channels-last with C > 1 (C = 1 pools as planar).
    expect(sp.globalAvgPool2d(over).data[0]).toBe(255);
    expect(sp.adaptiveAvgPool2d(over, { outputSize: 1 }).data[0]).toBe(255);
    const pixels = { data: new Uint8Array(2 * (limit + 1)).fill(255), shape: [1, 1, limit + 1, 2], layout: 'NHWC' as const };
    expect(Array.from(sp.globalAvgPool2d(pixels).data)).toEqual([255, 255]);
    expect(Array.from(sp.adaptiveAvgPool2d(pixels, { outputSize: 1 }).data)).toEqual([255, 255]);
    // Max pooling has no sums.
    expect(sp.globalMaxPool2d(over).data[0]).toBe(255);
    expect(Array.from(sp.avgPool2d(u8, { kernelSize: 4, scale: 1, zeroPoint: 0 }).data)).toEqual([52, 164]);
  });

  it('resident int8/uint8 tensors: zero-filled, typed views, results keep the dtype and residency', () => {
    const t = sp.tensor([1, 1, 2, 2], { dtype: 'uint8' });
    expect(t.dtype).toBe('uint8');
    expect(t.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(t.data)).toEqual([0, 0, 0, 0]);
    t.dispose();
    const r = sp.fromArray(Int8Array.from([-5, 3, -128, 127]), [1, 2, 2, 1], 'NHWC');
    expect(r.dtype).toBe('int8');
    const y = sp.globalMaxPool2d(r);
    expect(y.dtype).toBe('int8');
    expect(y.data).toBeInstanceOf(Int8Array);
    expect(Array.from(y.data)).toEqual([127]);
    const avg = sp.avgPool2d(r, { kernelSize: 2, scale: 0.5, zeroPoint: -1, outScale: 0.25, outZeroPoint: 10 });
    // (-5+3-128+127 - 4*(-1)) = 1; 1 * (0.5/0.25/4) + 10 = 10.5 -> 10 (half to even)
    expect(Array.from(avg.data)).toEqual([10]);
    for (const u of [r, y, avg]) u.dispose();
  });
  it('sizes a byte tensor in bytes: 1 GiB of uint8 is not "more than wasm memory can hold"', () => {
    // 2^30 + 2^20 elements (untouched pages): as float32 over 4 GiB, as uint8 a quarter of it.
    // Validation goes on to the options, whose error shows the size check passed.
    const big = { data: new Uint8Array(32768 * 32800), shape: [1, 1, 32768, 32800] };
    expect(() => sp.maxPool2d(big, { kernelSize: 0 })).toThrow(/^maxPool2d: kernelSize must be a positive integer/);
    expect(() => sp.maxPool2d({ data: new Int8Array(16), shape: [1, 1, 4, 4] }, { kernelSize: 0 })).toThrow(/^maxPool2d: kernelSize/);
  });
});
