// Arguments that run code or change while a call reads them, found by a random reentrancy fuzzer
// (getters and Proxies that dispose tensors, grow memory, call operators, close the engine,
// detach or shrink buffers; see README "Under abuse"). Each test failed before its fix:
// - a resident tensor's shape, layout, dtype and size were writable properties: a tensor told
//   it was larger than its block made a call read past it (other tensors' values in the result)
//   and, as `out`, write past it;
// - an own "__proto__" key (what JSON.parse makes) set the prototype of the call's copy of its
//   options: {"__proto__": 5} was ignored rather than an unknown option, a padding of
//   {"__proto__": {"top": 1}} was rejected as an inherited "padding.top", and in the full engine
//   the next call with `padding: {}` compared equal to that copy, reused it and failed alike;
// - a streamed maxUnpool (plain inputs of 512 KiB and more) whose indices' getter detached or
//   shrank x's buffer failed with V8's own TypeError/RangeError, naming neither operator nor argument;
// - an option or shape array of length 2**32 - 1 (sparse, or a Proxy) hung the call: every() and
//   some() visited each index before the length was checked;
// - a simdpool/parallel call whose option getter closed the engine never settled, and one whose
//   getter made a call of its own lost track of itself (its kernels ran unsplit on the calling thread).
import { describe, expect, it } from 'vitest';
import { initParallel } from '../dist/parallel.js';
import { getEngine } from './support/engine';

describe('resident tensors', () => {
  it("cannot be told another shape, layout, dtype or size: calls read and write only a tensor's own block", async () => {
    const sp = await getEngine();
    const small = sp.fromArray(new Float32Array(16).fill(1), [1, 1, 4, 4]);
    const victim = sp.fromArray(new Float32Array(64).fill(7), [1, 1, 8, 8]);
    const lies: Record<string, unknown> = { shape: [1, 1, 64, 64], layout: 'NHWC', dtype: 'int8', size: 4096 };
    for (const [field, value] of Object.entries(lies)) {
      expect(() => ((small as unknown as Record<string, unknown>)[field] = value)).toThrow(TypeError);
      expect(() => Object.defineProperty(small, field, { get: () => value })).toThrow(TypeError);
    }
    expect(small.shape).toEqual([1, 1, 4, 4]);
    expect(Array.from(sp.maxPool2d(small, { kernelSize: 2 }).data)).toEqual([1, 1, 1, 1]);
    const out = sp.tensor([1, 1, 1, 1]);
    expect(() => ((out as unknown as { shape: number[] }).shape = [1, 1, 4, 4])).toThrow(TypeError);
    expect(() => sp.maxPool2d(victim, { kernelSize: 2, out })).toThrow(/^maxPool2d: out must have shape \[1, 1, 4, 4\]/);
    expect(victim.data.every((v) => v === 7)).toBe(true);
    for (const t of [small, victim, out]) t.dispose();
  });
});

describe('an own "__proto__" key (JSON.parse)', () => {
  it('is an unknown option or padding side, and leaves no copy behind for the next call (full engine and simdpool/core)', async () => {
    const { init: initCore } = await import('../dist/core.js');
    const x = { data: Float32Array.from({ length: 36 }, (_, i) => i), shape: [1, 1, 6, 6] };
    for (const sp of [await getEngine(), await initCore()]) {
      const padding = JSON.parse('{"__proto__": {"top": 1}}');
      expect(() => sp.maxPool2d(x, { kernelSize: 3, stride: 1, padding })).toThrow(/^maxPool2d: padding side "__proto__" is not one of/);
      expect(sp.maxPool2d(x, { kernelSize: 3, stride: 1, padding: {} }).shape).toEqual([1, 1, 4, 4]);
      expect(() => sp.maxPool2d(x, JSON.parse('{"kernelSize": 3, "__proto__": 5}'))).toThrow(/^maxPool2d: unknown option "__proto__"/);
      expect(() => sp.maxPool2d(x, JSON.parse('{"kernelSize": 3, "__proto__": {"stride": 1}}'))).toThrow(/^maxPool2d: unknown option "__proto__"/);
      expect(sp.maxPool2d(x, { kernelSize: 3 }).shape).toEqual([1, 1, 2, 2]);
    }
  });
});

describe('keys inherited from a polluted Object.prototype', () => {
  // (Found by the session's final review: the "__proto__" fix copied options by spreading them and
  // then walked the copy with for-in, which also visits inherited enumerable keys and made them own
  // keys of the copy, rejected as unknown options.)
  it('are not options or padding sides: calls read only what the caller passed (full engine and simdpool/core)', async () => {
    const { init: initCore } = await import('../dist/core.js');
    const x = { data: Float32Array.from({ length: 36 }, (_, i) => i), shape: [1, 1, 6, 6] };
    const engines = [await getEngine(), await initCore()];
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = 1;
    try {
      for (const sp of engines) {
        expect(Array.from(sp.maxPool2d(x, { kernelSize: 3, stride: 3 }).data)).toEqual([14, 17, 32, 35]);
        const padded = sp.avgPool2d(x, { kernelSize: 3, stride: 3, padding: { top: 1, bottom: 0, left: 0, right: 0 }, ceilMode: false });
        expect(padded.shape).toEqual([1, 1, 2, 2]);
      }
    } finally {
      delete proto.polluted;
    }
  });
});

describe('streamed maxUnpool', () => {
  it("names the operator when an indices getter detaches or shrinks x's buffer", async () => {
    const sp = await getEngine();
    // 8 planes of 64x64 values and indices and 128x128 results: streamed in chunks.
    const x = { data: Float32Array.from({ length: 8 * 128 * 128 }, (_, i) => i % 13), shape: [1, 8, 128, 128] };
    const { output, indices } = sp.maxPool2d(x, { kernelSize: 2, returnIndices: true });
    for (const change of ['detach', 'shrink']) {
      const buffer = new (ArrayBuffer as unknown as new (n: number, o: object) => ArrayBuffer & { resize(n: number): void })(
        output.data.byteLength, { maxByteLength: output.data.byteLength },
      );
      const values = new Float32Array(buffer);
      values.set(output.data);
      const idx = {
        data: indices.data,
        get shape() {
          if (change === 'detach') structuredClone(buffer, { transfer: [buffer] });
          else buffer.resize(4);
          return indices.shape;
        },
      };
      expect(() => sp.maxUnpool2d({ data: values, shape: output.shape }, idx, { kernelSize: 2 }))
        .toThrow(/^maxUnpool2d: x\.data changed size during the call/);
    }
    const y = sp.maxUnpool2d(output, indices, { kernelSize: 2 });
    expect(y.shape).toEqual([1, 8, 128, 128]);
  });
});

describe('arrays with a huge length', () => {
  it('are rejected by their length, never visited index by index (a sparse array of length 2**32 - 1, a Proxy)', async () => {
    const sp = await getEngine();
    const sparse = () => Object.assign([2], { length: 2 ** 32 - 1 });
    const proxy = () => new Proxy([2, 2], { get: (t, k) => (k === 'length' ? 2 ** 32 - 1 : Reflect.get(t, k)) });
    const x = { data: new Float32Array(72), shape: [1, 2, 6, 6] };
    const y = { data: new Float32Array(18), shape: [1, 2, 3, 3] };
    const at = { data: new Int32Array(18), shape: [1, 2, 3, 3] };
    for (const long of [sparse, proxy]) {
      expect(() => sp.maxPool2d(x, { kernelSize: long() })).toThrow(/^maxPool2d: kernelSize must be a positive integer or an array of 2, got Array\(4294967295\)/);
      expect(() => sp.maxPool2d(x, { kernelSize: 2, stride: long() })).toThrow(/^maxPool2d: stride must be/);
      expect(() => sp.adaptiveMaxPool2d(x, { outputSize: long() })).toThrow(/^adaptiveMaxPool2d: outputSize must be/);
      expect(() => sp.maxPool2d({ data: x.data, shape: long() }, { kernelSize: 2 })).toThrow(/^maxPool2d: x\.shape has 4294967295 dims/);
      expect(() => sp.maxUnpool2d(y, at, { kernelSize: 2, outputSize: long() })).toThrow(/^maxUnpool2d: outputSize must be an array of 2 or 4 sizes, got Array\(4294967295\)/);
      expect(() => sp.avgPool2dBackward(y, { kernelSize: 2, inputShape: long() })).toThrow(/^avgPool2dBackward: inputShape must be an array of 2 spatial sizes/);
    }
  });
});

describe('simdpool/parallel', () => {
  it('rejects a call whose option getter closed the engine, instead of never settling it (large calls) or finishing it', async () => {
    const psp = await initParallel({ threads: 1, inlineBelow: 0 });
    const x = { data: new Float32Array(4 * 64 * 64).fill(1), shape: [1, 4, 64, 64] };
    const call = psp.maxPool2d(x, {
      get kernelSize() {
        void psp.close();
        return 2;
      },
    });
    await expect(call).rejects.toThrow(/^simdpool\/parallel: the engine was closed during this call/);
    expect(psp.closed).toBe(true);
    // A call small enough for the calling thread is rejected alike.
    const psp2 = await initParallel({ threads: 1 });
    const small = psp2.maxPool2d({ data: new Float32Array(16), shape: [1, 1, 4, 4] }, { get kernelSize() { void psp2.close(); return 2; } });
    await expect(small).rejects.toThrow(/^simdpool\/parallel: the engine was closed during this call/);
  });
  it("keeps a call's own bookkeeping when an option getter makes a call of its own: both go to the workers, both right", async () => {
    const psp = await initParallel({ threads: 1, inlineBelow: 0 });
    const { init } = await import('../dist/node/index.js');
    const sp = await init();
    const x = { data: Float32Array.from({ length: 4 * 64 * 64 }, (_, i) => Math.sin(i)), shape: [1, 4, 64, 64] };
    const before = psp.stats();
    let inner: Promise<unknown> | undefined;
    const outer = psp.maxPool2d(x, {
      get kernelSize() {
        inner = psp.avgPool2d(x, { kernelSize: 3 });
        return 2;
      },
    });
    const [o, i] = (await Promise.all([outer, inner])) as Array<{ data: Float32Array }>;
    expect(Array.from(o.data)).toEqual(Array.from(sp.maxPool2d(x, { kernelSize: 2 }).data));
    expect(Array.from(i.data)).toEqual(Array.from(sp.avgPool2d(x, { kernelSize: 3 }).data));
    // (It ran on the calling thread, unsplit and uncounted, once the inner call had ended.)
    expect(psp.stats().workerCalls - before.workerCalls).toBe(2);
    await psp.close();
  });
});
