// Resident tensors: data in wasm memory, used in place, views that survive memory growth,
// explicit disposal, reuse of freed memory, and writing into preallocated `out` tensors.
import { describe, expect, it } from 'vitest';
import { init, Tensor } from '../dist/index.js';
import { maxPool2dRef, avgPool2dRef } from './reference/pool2d';
import { expectCloseFloats, expectSameFloats, expectSameInts } from './support/engine';

const random = (n: number, seed = 1) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 43758.5453 % 1);

describe('resident tensors', () => {
  it('fromArray, ops in place, resident results', async () => {
    const sp = await init();
    const data = random(2 * 5 * 9 * 11);
    const x = sp.fromArray(data, [2, 5, 9, 11]);
    expect(x).toBeInstanceOf(Tensor);
    expect(x.shape).toEqual([2, 5, 9, 11]);
    expect(x.layout).toBe('NCHW');
    const y = sp.maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1, returnIndices: true });
    expect(y.output).toBeInstanceOf(Tensor);
    expect(y.indices.dtype).toBe('int32');
    const ref = maxPool2dRef({ data, shape: [2, 5, 9, 11] }, { kernelSize: 3, stride: 2, padding: 1 });
    expectSameFloats(y.output.data, ref.output.data);
    expectSameInts(y.indices.data, ref.indices.data);
  });

  it('writes into a preallocated out tensor and returns it', async () => {
    const sp = await init();
    const data = random(3 * 8 * 8);
    const x = sp.fromArray(data, [1, 3, 8, 8]);
    const out = sp.tensor([1, 3, 4, 4]);
    const idx = sp.tensor([1, 3, 4, 4], { dtype: 'int32' });
    const r = sp.maxPool2d(x, { kernelSize: 2, out, returnIndices: true, outIndices: idx });
    expect(r.output).toBe(out);
    expect(r.indices).toBe(idx);
    sp.avgPool2d(x, { kernelSize: 2, out }); // caches the plan
    const before = sp.memoryStats();
    const avg = sp.avgPool2d(x, { kernelSize: 2, out });
    expect(avg).toBe(out);
    expect(sp.memoryStats()).toEqual(before); // nothing allocated for a resident call with out
    expectCloseFloats(out.data, avgPool2dRef({ data, shape: [1, 3, 8, 8] }, { kernelSize: 2 }).data);
    // A plain input may also write into a resident out.
    const r2 = sp.maxPool2d({ data, shape: [1, 3, 8, 8] }, { kernelSize: 2, out });
    expect(r2).toBe(out);
    expectSameFloats(out.data, maxPool2dRef({ data, shape: [1, 3, 8, 8] }, { kernelSize: 2 }).output.data);
    expect(() => sp.maxPool2d(x, { kernelSize: 2, out: x as never })).toThrow(RangeError);
  });

  it('a wrong out is refused before a plain input is copied in: wasm memory does not grow', async () => {
    const sp = await init();
    const wrong = sp.tensor([1, 4, 100, 100]);
    const bytes = new Uint8Array(4 << 20);
    const cases: Array<[string, () => unknown]> = [
      ['maxPool2d', () => sp.maxPool2d({ data: new Float32Array(4 << 20), shape: [1, 4, 1024, 1024] }, { kernelSize: 2, out: wrong })],
      ['maxPool2d of uint8', () => sp.maxPool2d({ data: bytes, shape: [1, 4, 1024, 1024] }, { kernelSize: 2, out: wrong as never })],
      ['globalAvgPool2d', () => sp.globalAvgPool2d({ data: new Float32Array(4 << 20), shape: [1, 4, 1024, 1024] }, { out: wrong })],
      ['toNHWC', () => sp.toNHWC({ data: new Float32Array(4 << 20), shape: [1, 4, 1024, 1024] }, { out: wrong })],
      ['maxUnpool2d', () => sp.maxUnpool2d({ data: new Float32Array(1 << 20), shape: [1, 4, 512, 512] }, { data: new Int32Array(1 << 20), shape: [1, 4, 512, 512] }, { kernelSize: 2, out: wrong })],
      ['avgPool2dBackward', () => sp.avgPool2dBackward({ data: new Float32Array(1 << 20), shape: [1, 4, 512, 512] }, { kernelSize: 2, inputShape: [1, 4, 1024, 1024], out: wrong })],
    ];
    for (const [name, call] of cases) {
      const before = sp.memoryStats();
      expect(call, name).toThrow(/out must (have shape|have dtype)/);
      expect(sp.memoryStats().memoryBytes, `${name}: memory grew`).toBe(before.memoryBytes);
      expect(sp.memoryStats().bytesInUse, name).toBe(before.bytesInUse);
    }
  });

  it('views stay valid after wasm memory grows', async () => {
    const sp = await init();
    const data = random(4 * 16 * 16);
    const x = sp.fromArray(data, [1, 4, 16, 16]);
    const view = x.data;
    const bytes = sp.memoryStats().memoryBytes;
    const big = sp.tensor([64, 16, 64, 64]); // 16 MiB: forces memory.grow
    expect(sp.memoryStats().memoryBytes).toBeGreaterThan(bytes);
    expect(view.byteLength).toBe(0); // the old view detached, as for any wasm memory
    expectSameFloats(x.data, data); // but the tensor's data getter is attached again
    big.dispose();
  });

  it('dispose frees memory, which is reused; double dispose and use after dispose are errors', async () => {
    const sp = await init();
    const base = sp.memoryStats();
    const a = sp.tensor([1, 8, 32, 32]);
    const used = sp.memoryStats().bytesInUse;
    expect(used).toBeGreaterThan(base.bytesInUse);
    a.dispose();
    expect(a.disposed).toBe(true);
    expect(sp.memoryStats().bytesInUse).toBe(base.bytesInUse);
    expect(() => a.dispose()).toThrow(/was disposed/);
    expect(() => a.data).toThrow(TypeError);
    expect(() => sp.avgPool2d(a, { kernelSize: 2 })).toThrow(/was disposed/);
    // The same bytes serve the next tensor of that size: memory does not grow under churn.
    const memoryBytes = sp.memoryStats().memoryBytes;
    for (let i = 0; i < 1000; i++) sp.tensor([1, 8, 32, 32]).dispose();
    expect(sp.memoryStats().memoryBytes).toBe(memoryBytes);
    expect(sp.memoryStats().bytesInUse).toBe(base.bytesInUse);
  });

  it('supports `using` through Symbol.dispose', async () => {
    const sp = await init();
    const before = sp.memoryStats().bytesInUse;
    const t = sp.tensor([1, 1, 4, 4]);
    const dispose = (t as unknown as Record<symbol, () => void>)[(Symbol as unknown as { dispose: symbol }).dispose ?? Symbol.for('Symbol.dispose')];
    expect(typeof dispose).toBe('function');
    dispose.call(t);
    expect(t.disposed).toBe(true);
    expect(sp.memoryStats().bytesInUse).toBe(before);
    // A `using` block may end after an explicit dispose(): the second disposal does nothing.
    expect(() => dispose.call(t)).not.toThrow();
    expect(sp.memoryStats().bytesInUse).toBe(before);
  });

  it("tensor() reads its options as an object of layout and dtype, and the layout must fit the shape's rank", async () => {
    const sp = await init();
    const before = sp.memoryStats().bytesInUse;
    expect(() => sp.tensor([1, 2, 3, 3], 'NHWC' as never)).toThrow(/tensor: options must be an object, got "NHWC"/);
    sp.tensor([1, 2, 3, 3], null as never).dispose(); // null: no options, as for the operators
    expect(() => sp.tensor([1, 2, 3, 3], { dtpye: 'int8' } as never)).toThrow(/unknown option "dtpye"/);
    expect(() => sp.tensor([2, 2], { layout: 'NCDHW' })).toThrow(/layout "NCDHW" needs a shape of rank 4 or 5, got rank 2/);
    expect(() => sp.fromArray(new Float32Array(4), [1, 1, 2, 2], 'NCW')).toThrow(RangeError);
    expect(sp.memoryStats().bytesInUse).toBe(before);
    const t = sp.tensor([1, 3, 3, 2], { layout: 'NHWC' });
    expect(t.layout).toBe('NHWC');
    t.dispose();
  });

  it('a shape of rank 0 holds one element, as a torch scalar tensor does', async () => {
    const sp = await init();
    const t = sp.tensor([]);
    expect([t.size, t.data.length]).toEqual([1, 1]);
    const s = sp.fromArray(Float32Array.of(5), []);
    expect([...s.data]).toEqual([5]);
    expect(() => sp.fromArray(new Float32Array(2), [])).toThrow(RangeError);
    t.dispose();
    s.dispose();
  });

  it('rejects tensors of another engine', async () => {
    const a = await init();
    const b = await init();
    const t = a.tensor([1, 1, 4, 4]);
    expect(() => b.maxPool2d(t, { kernelSize: 2 })).toThrow(/another simdpool engine/);
  });

  it('rejects look-alikes of a tensor (a Proxy of one, an object from its prototype) naming the argument', async () => {
    const sp = await init();
    const t = sp.fromArray(random(16), [1, 1, 4, 4]);
    const proxy = new Proxy(t, {});
    const fake = Object.create(Object.getPrototypeOf(t));
    const before = sp.memoryStats();
    expect(() => sp.maxPool2d(proxy, { kernelSize: 2 })).toThrow(new TypeError('maxPool2d: x: must be a tensor made by simdpool, got a look-alike'));
    expect(() => sp.maxPool2d(t, { kernelSize: 2, out: proxy })).toThrow(new TypeError('maxPool2d: out: must be a tensor made by simdpool, got a look-alike'));
    expect(() => sp.avgPool2d(fake, { kernelSize: 2 })).toThrow(new TypeError('avgPool2d: x must have dtype float32, int8 or uint8, got undefined'));
    expect(sp.memoryStats()).toEqual(before);
    expect(Array.from(sp.maxPool2d(t, { kernelSize: 2 }).data)).toEqual(Array.from(sp.maxPool2d({ data: t.toArray(), shape: [1, 1, 4, 4] }, { kernelSize: 2 }).data));
  });

  it('rejects look-alikes of x after a call of the same signature (the resolved-call path), and still says "disposed"', async () => {
    const sp = await init();
    const t = sp.fromArray(random(16), [1, 1, 4, 4]);
    const proto = Object.getPrototypeOf(t);
    const fakes = [
      new Proxy(t, {}),
      Object.assign(Object.create(proto), { shape: t.shape, layout: t.layout, dtype: t.dtype, size: t.size }),
    ];
    // Windowed, adaptive and Lp pooling resolve a call once per signature; later calls of it
    // take the cached path, which must check the brand as the first call does.
    const calls: [string, object][] = [['maxPool2d', { kernelSize: 2 }], ['avgPool2d', { kernelSize: 2 }], ['adaptiveMaxPool2d', { outputSize: 2 }], ['lpPool2d', { normType: 2, kernelSize: 2 }]];
    for (const [op, opts] of calls) {
      const method = (sp as unknown as Record<string, (x: unknown, o: object) => { dispose(): void }>)[op].bind(sp);
      method(t, opts).dispose(); // the signature is now resolved
      const before = sp.memoryStats();
      for (const fake of fakes) {
        expect(() => method(fake, opts)).toThrow(new TypeError(`${op}: x: must be a tensor made by simdpool, got a look-alike`));
      }
      expect(sp.memoryStats()).toEqual(before);
      method(t, opts).dispose();
    }
    const d = sp.fromArray(random(16), [1, 1, 4, 4]);
    d.dispose();
    expect(() => sp.maxPool2d(d, { kernelSize: 2 })).toThrow(new TypeError('maxPool2d: x: tensor [1, 1, 4, 4] was disposed'));
    expect(Array.from(sp.maxPool2d(t, { kernelSize: 2 }).data)).toEqual(Array.from(sp.maxPool2d({ data: t.toArray(), shape: [1, 1, 4, 4] }, { kernelSize: 2 }).data));
  });

  it('plain calls leave no memory behind', async () => {
    const sp = await init();
    sp.maxPool2d({ data: random(64), shape: [1, 1, 8, 8] }, { kernelSize: 2 }); // warm the plan cache
    const before = sp.memoryStats();
    for (let i = 0; i < 200; i++) {
      sp.maxPool2d({ data: random(64), shape: [1, 1, 8, 8] }, { kernelSize: 2, returnIndices: true });
    }
    expect(sp.memoryStats()).toEqual(before);
  });
});
