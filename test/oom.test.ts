// Out of memory: a tensor or a result larger than wasm memory can hold is a clear RangeError,
// thrown before any work (no allocation, no memory growth, no window plan), and the engine keeps
// serving afterwards.
import { describe, expect, it } from 'vitest';
import { maxPool2dRef } from './reference/pool2d';
import { expectSameFloats, getEngine } from './support/engine';

const x = { data: Float32Array.from({ length: 2 * 3 * 6 * 7 }, (_, i) => Math.cos(i)), shape: [2, 3, 6, 7] };
const tiny = { data: Float32Array.from([1, 2, 3, 4]), shape: [1, 1, 4] };

describe('shapes larger than wasm memory', () => {
  const cases: Array<[string, (sp: any) => unknown, RegExp]> = [
    ['a resident tensor of 2^32 elements', (sp) => sp.tensor([1 << 15, 1 << 15, 2, 2]), /tensor of shape \[32768, 32768, 2, 2\] needs 17179869184 bytes, more than wasm memory can hold/],
    ['an adaptive output of 2^28 columns (with its plan, over 4 GiB)', (sp) => sp.adaptiveMaxPool1d(tiny, { outputSize: 2 ** 28 }), /^adaptiveMaxPool1d: the output \(shape \[1, 1, 268435456\]\) needs about \d+ bytes .* more than wasm memory can hold/],
    ['an adaptive 3D output of 2^36 elements', (sp) => sp.adaptiveAvgPool3d({ data: new Float32Array(8), shape: [1, 1, 2, 2, 2] }, { outputSize: 4096 }), /^adaptiveAvgPool3d: the output \(shape \[1, 1, 4096, 4096, 4096\]\)/],
    ['an unpooled output of about 2^64 elements', (sp) => sp.maxUnpool2d({ data: new Float32Array(4), shape: [1, 1, 2, 2] }, { data: new Int32Array(4), shape: [1, 1, 2, 2] }, { kernelSize: 2 ** 31 - 1 }), /^maxUnpool2d: the output \(shape \[1, 1, 4294967294, 4294967294\]\)/],
    ['a pooled output with indices over 4 GiB', (sp) => sp.adaptiveMaxPool1d(tiny, { outputSize: 2 ** 29, returnIndices: true }), /^adaptiveMaxPool1d: the output/],
  ];
  it.each(cases)('%s', async (_name, call, message) => {
    const sp = await getEngine();
    const before = sp.memoryStats();
    const started = performance.now();
    expect(() => call(sp)).toThrow(RangeError);
    expect(() => call(sp)).toThrow(message);
    expect(performance.now() - started).toBeLessThan(2000); // before any work
    const after = sp.memoryStats();
    expect(after.bytesInUse).toBe(before.bytesInUse);
    expect(after.memoryBytes).toBe(before.memoryBytes); // memory did not grow
    const got = sp.maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 });
    expectSameFloats(got.data, maxPool2dRef(x, { kernelSize: 3, stride: 2, padding: 1 }).output.data);
  });
});
