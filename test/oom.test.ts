// Out of memory: a tensor or a result larger than wasm memory can hold is a clear RangeError,
// thrown before any work (no allocation, no memory growth, no window plan), and the engine keeps
// serving afterwards. One that wasm memory could hold but its limit (simdpool/parallel's
// maxMemoryBytes) or the JavaScript engine does not let it grow to is an OutOfMemoryError
// stating the bytes requested, the bytes in use and the limit.
import { describe, expect, it } from 'vitest';
import { initParallel } from '../dist/parallel.js';
import { LinearMemory, type OutOfMemoryError } from '../src/memory';
import { maxPool2dRef } from './reference/pool2d';
import { adaptiveMaxPoolBackwardRef } from './reference/backward';
import { adaptiveAvgPoolRef, adaptiveMaxPoolRef } from './reference/poolnd';
import { expectSameFloats, expectSameInts, getApi, getEngine } from './support/engine';

const x = { data: Float32Array.from({ length: 2 * 3 * 6 * 7 }, (_, i) => Math.cos(i)), shape: [2, 3, 6, 7] };
const tiny = { data: Float32Array.from([1, 2, 3, 4]), shape: [1, 1, 4] };

describe('shapes larger than wasm memory', () => {
  const cases: Array<[string, (sp: any) => unknown, RegExp]> = [
    ['a resident tensor of 2^32 elements', (sp) => sp.tensor([1 << 15, 1 << 15, 2, 2]), /tensor of shape \[32768, 32768, 2, 2\] needs 17179869184 bytes, more than wasm memory can hold/],
    ['a resident tensor just over 4 GiB', (sp) => sp.tensor([1, 1, 32768, 33792]), /^tensor of shape \[1, 1, 32768, 33792\] needs 4429185024 bytes, more than wasm memory can hold \(4 GiB\)$/],
    ['an adaptive output of 2^28 columns (with its plan, over 4 GiB)', (sp) => sp.adaptiveMaxPool1d(tiny, { outputSize: 2 ** 28 }), /^adaptiveMaxPool1d: the output \(shape \[1, 1, 268435456\]\) needs about \d+ bytes .* more than wasm memory can hold/],
    ['an adaptive 3D output of 2^36 elements', (sp) => sp.adaptiveAvgPool3d({ data: new Float32Array(8), shape: [1, 1, 2, 2, 2] }, { outputSize: 4096 }), /^adaptiveAvgPool3d: the output \(shape \[1, 1, 4096, 4096, 4096\]\)/],
    ['an unpooled output of about 2^64 elements', (sp) => sp.maxUnpool2d({ data: new Float32Array(4), shape: [1, 1, 2, 2] }, { data: new Int32Array(4), shape: [1, 1, 2, 2] }, { kernelSize: 2 ** 31 - 1 }), /^maxUnpool2d: the output \(shape \[1, 1, 4294967294, 4294967294\]\)/],
    ['a pooled output with indices over 4 GiB', (sp) => sp.adaptiveMaxPool1d(tiny, { outputSize: 2 ** 29, returnIndices: true }), /^adaptiveMaxPool1d: the output/],
    // (a plain input of 16.8 MB streams in chunks: the whole result is checked, not only a chunk's memory)
    ['a streamed call whose adaptive output is over 4 GiB', (sp) => sp.adaptiveMaxPool2d({ data: new Float32Array(257 * 128 * 128), shape: [257, 1, 128, 128] }, { outputSize: [4096, 4096] }), /^adaptiveMaxPool2d: the output \(shape \[257, 1, 4096, 4096\]\) needs about \d+ bytes .* more than wasm memory can hold/],
    // (its per-position requantization tables are 2.5e9 entries: built only once the call fits)
    ['a uint8 adaptive average of 50000x50000 outputs', (sp) => sp.adaptiveAvgPool2d({ data: new Uint8Array(16), shape: [1, 1, 4, 4] }, { outputSize: [50000, 50000] }), /^adaptiveAvgPool2d: the output \(shape \[1, 1, 50000, 50000\]\) needs about \d+ bytes/],
  ];
  it.each(cases)('%s', async (_name, call, message) => {
    const sp = await getEngine();
    const before = sp.memoryStats();
    const started = performance.now();
    expect(() => call(sp)).toThrow(RangeError);
    expect(() => call(sp)).toThrow(message);
    // A request no wasm32 memory can hold is about the argument, whatever the limit: not an
    // OutOfMemoryError (which says that the limit or other calls' memory is in the way).
    expect(() => call(sp)).toThrow(expect.not.objectContaining({ code: 'ERR_SIMDPOOL_OUT_OF_MEMORY' }));
    expect(performance.now() - started).toBeLessThan(2000); // before any work
    const after = sp.memoryStats();
    expect(after.bytesInUse).toBe(before.bytesInUse);
    expect(after.memoryBytes).toBe(before.memoryBytes); // memory did not grow
    const got = sp.maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 });
    expectSameFloats(got.data, maxPool2dRef(x, { kernelSize: 3, stride: 2, padding: 1 }).output.data);
  });
});

describe('requests over the memory limit', () => {
  const thrown = (call: () => unknown): OutOfMemoryError => {
    try {
      call();
    } catch (e) {
      // (The bundle's class and src/memory.ts's are two classes: checked by what they hold.)
      expect(e).toBeInstanceOf(RangeError);
      expect(e).toMatchObject({ name: 'OutOfMemoryError', code: 'ERR_SIMDPOOL_OUT_OF_MEMORY' });
      return e as OutOfMemoryError;
    }
    return expect.fail('no error');
  };

  it('state the bytes requested, the bytes in use and the limit (maxMemoryBytes), not the current size as a bound', async () => {
    const limit = 64 * 1024 * 1024;
    const p = await initParallel({ threads: 1, maxMemoryBytes: limit });
    try {
      let e = thrown(() => p.tensor([1, 1, 8192, 8192]));
      let inUse = p.memoryStats().bytesInUse;
      expect(e.message).toBe(`tensor of shape [1, 1, 8192, 8192] needs 268435456 bytes, but wasm memory cannot grow to fit it (${inUse} bytes in use; the limit is 67108864 bytes)`);
      expect({ bytes: e.bytes, inUse: e.inUse, limit: e.limit }).toEqual({ bytes: 268435456, inUse, limit });
      // Under the limit alone, but not beside what is in use (may fit once it is freed).
      const held = p.tensor([1, 1, 4096, 2560]);
      inUse = p.memoryStats().bytesInUse;
      e = thrown(() => p.tensor([1, 1, 4096, 2048]));
      expect(e.message).toBe(`tensor of shape [1, 1, 4096, 2048] needs 33554432 bytes, but wasm memory cannot grow to fit it (${inUse} bytes in use; the limit is 67108864 bytes)`);
      expect(e.bytes).toBeLessThan(e.limit);
      held.dispose();
      p.tensor([1, 1, 4096, 2048]).dispose();
    } finally {
      await p.close();
    }
  });

  it('name what the call makes (its result, its indices), not an option it was not given', async () => {
    const p = await initParallel({ threads: 1, maxMemoryBytes: 16 * 1024 * 1024 });
    const failure = async (call: () => unknown): Promise<Error> => {
      try {
        await call();
      } catch (e) {
        expect(e).toMatchObject({ name: 'OutOfMemoryError' });
        return e as Error;
      }
      return expect.fail('no error');
    };
    try {
      const x = p.tensor([1, 1, 2048, 1024]); // 8 MiB of the 16
      // A 3x3 / stride 1 result, 8 MiB more, does not fit.
      let e = await failure(() => p.maxPool2d(x, { kernelSize: 3, stride: 1, padding: 1 }));
      expect(e.message).toMatch(/^maxPool2d: the result needs 8388608 bytes, but wasm memory cannot grow to fit it/);
      // A 1x2 result, 4 MiB, fits; its indices, 4 MiB more, do not.
      e = await failure(() => p.maxPool2d(x, { kernelSize: [1, 2], returnIndices: true }));
      expect(e.message).toMatch(/^maxPool2d: the index result needs 4194304 bytes, but wasm memory cannot grow to fit it/);
      x.dispose();
      expect(p.memoryStats().bytesInUse).toBe(0);
    } finally {
      await p.close();
    }
  });

  it('free every cached window plan after a failed allocation: a retry finds the memory the plans split', async () => {
    const p = await initParallel({ threads: 1, maxMemoryBytes: 8 << 20 });
    try {
      const x = { data: Float32Array.from({ length: 1280 * 1024 }, (_, i) => Math.sin(i)), shape: [1, 1, 1280, 1024] }; // 5 MiB
      const filler = p.tensor([1, 1, 1024, 1024]); // 4 MiB at the bottom of the heap
      const small = p.tensor([1, 1, 8, 8]);
      (await p.avgPool2d(small, { kernelSize: 3 })).dispose(); // its plan is cached just above the filler
      filler.dispose();
      small.dispose();
      expect(p.memoryStats().blocks).toBe(1); // the plan, between 4 MiB free below and less above
      // (the first try fails: plans are freed when a call ends, never while one may use them)
      await expect(p.maxPool2d(x, { kernelSize: 2 })).rejects.toMatchObject({ name: 'OutOfMemoryError' });
      expect(p.memoryStats().blocks).toBe(0);
      const y = await p.maxPool2d(x, { kernelSize: 2 });
      expectSameFloats(y.data, maxPool2dRef(x, { kernelSize: 2 }).output.data);
    } finally {
      await p.close();
    }
  });

  it('hold the smallest limits, whole pages (a limit below 1 MiB failed to start; one between pages is rounded down)', async () => {
    for (const [maxMemoryBytes, limit] of [[65536, 65536], [100000, 65536], [200000, 196608]]) {
      const p = await initParallel({ threads: 1, maxMemoryBytes, inlineBelow: 0 });
      try {
        const small = { data: Float32Array.from({ length: 1024 }, (_, i) => Math.sin(i)), shape: [1, 4, 16, 16] };
        const want = maxPool2dRef(small, { kernelSize: 2 }).output;
        expectSameFloats((await p.run('maxPool2d', small, { kernelSize: 2 })).data, want.data);
        const e = thrown(() => p.tensor([1, 1, 256, 256]));
        expect(e.limit).toBe(limit);
        expectSameFloats((await p.run('maxPool2d', small, { kernelSize: 2 })).data, want.data);
      } finally {
        await p.close();
      }
    }
  });

  it('where the JavaScript engine refuses to grow memory under the limit, say so with the same facts', () => {
    // A wasm memory whose own maximum (2 pages) is below the allocator's limit (4 GiB).
    const memory = new LinearMemory(new WebAssembly.Memory({ initial: 1, maximum: 2 }), 0);
    const e = thrown(() => memory.alloc(200_000, 'buffer'));
    expect(e.message).toBe('buffer needs 200000 bytes, but wasm memory cannot grow to fit it (0 bytes in use; the limit is 4 GiB)');
    expect(memory.alloc(100_000, 'buffer')).toBeGreaterThan(0);
  });
});

describe('adaptive pooling to large planes', () => {
  it('takes no plane-group scratch past its limit: memory stays near the output, results as the reference', async () => {
    const { init } = await getApi();
    const sp = await init(); // a fresh engine: its memory is this call's
    const x = { data: Float32Array.from({ length: 3 * 7 * 6 }, (_, i) => Math.sin(i) * 10), shape: [1, 3, 7, 6] };
    // 600x700 outputs: sixteen interleaved planes of input, output and indices would be 54 MB.
    const avg = sp.adaptiveAvgPool2d(x, { outputSize: [600, 700] });
    const max = sp.adaptiveMaxPool2d(x, { outputSize: [600, 700], returnIndices: true }) as { output: { data: Float32Array }; indices: { data: Int32Array } };
    expect(sp.memoryStats().memoryBytes).toBeLessThan(24 << 20);
    expectSameFloats(avg.data, adaptiveAvgPoolRef(2, x, { outputSize: [600, 700] }).data, 'avg');
    const want = adaptiveMaxPoolRef(2, x, { outputSize: [600, 700] });
    expectSameFloats(max.output.data, want.output.data, 'max');
    expectSameInts(max.indices.data, want.indices.data);
    // The max gradient recomputes the argmax on the same path, and counts no scratch it does not take.
    const dy = { data: Float32Array.from({ length: 3 * 600 * 700 }, (_, i) => (i % 7) - 3), shape: [1, 3, 600, 700] };
    const dx = sp.adaptiveMaxPool2dBackward(dy, { input: x });
    expect(sp.memoryStats().memoryBytes).toBeLessThan(32 << 20);
    expectSameFloats(dx.data, adaptiveMaxPoolBackwardRef(2, dy, x).data, 'max gradient');
  });
});
