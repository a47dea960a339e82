// A call reads each value of its caller's objects once: options as their own enumerable
// properties (what `{ ...options }` copies), shapes and size arrays element by element, a plain
// input's array by its own length. Getters that answer differently on every read, non-enumerable
// or inherited options, arrays that lie about their size and views into the engine's own memory
// must never give a wrong answer, poison the cache of resolved calls or write outside a block.
import assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { getEngine, expectSameFloats } from './support/engine';
import { maxPool2dRef } from './reference/pool2d';

const x = { data: Float32Array.from({ length: 64 }, (_, i) => Math.sin(i * 1.7)), shape: [1, 1, 8, 8] };
const ref = (kernel: number, stride = kernel) => maxPool2dRef(x, { kernelSize: kernel, stride }).output;

/** A getter that answers `first` on its first `n` reads and `then` afterwards. */
function flipping<T>(first: T, then: T, n = 1) {
  let reads = 0;
  return () => (++reads <= n ? first : then);
}

/** A resident tensor right after a free 64-byte block, which must keep its bytes: returns a check. */
async function canary() {
  const sp = await getEngine();
  const hole = sp.tensor([1, 1, 4, 4]);
  const victim = sp.fromArray(new Float32Array(4096).fill(5), [1, 1, 64, 64]);
  hole.dispose(); // a free block right before the victim
  return () => {
    expect(victim.data.every((v) => v === 5)).toBe(true);
    victim.dispose();
  };
}

describe('options are read once, as own enumerable properties', () => {
  it('rejects options a prototype supplies (a class\'s getters), every time, rather than reading or ignoring them', async () => {
    const sp = await getEngine();
    class K3 {
      get kernelSize() {
        return 3;
      }
    }
    const inherited = /^maxPool2d: option "kernelSize" is inherited/;
    expect(() => sp.maxPool2d(x, new K3() as never)).toThrow(inherited);
    expectSameFloats(sp.maxPool2d(x, { kernelSize: 2 }).data, ref(2).data);
    expect(() => sp.maxPool2d(x, new K3() as never)).toThrow(inherited);
    // An optional one too, after a plain call with the same own options (no remembered call hides it).
    class Stride1 {
      kernelSize = 2;
      get stride() {
        return 1;
      }
    }
    expectSameFloats(sp.maxPool2d(x, { kernelSize: 2 }).data, ref(2).data);
    expect(() => sp.maxPool2d(x, new Stride1() as never)).toThrow(/option "stride" is inherited/);
    expect(() => sp.maxPool2d(x, Object.assign(Object.create({ stride: 1 }), { kernelSize: 2 }))).toThrow(/option "stride" is inherited/);
    // Inherited names an operator does not take are rejected as an own unknown one is, and a
    // padding object's inherited sides as well (not read as 0).
    expect(() => sp.maxPool2d(x, Object.assign(Object.create({ strides: 1 }), { kernelSize: 2 }))).toThrow(/option "strides" is inherited/);
    expect(() => sp.maxPool2d(x, { kernelSize: 3, stride: 1, padding: Object.create({ top: 1 }) } as never)).toThrow(/option "padding.top" is inherited/);
    class Top {
      get top() {
        return 1;
      }
    }
    expect(() => sp.maxPool2d(x, { kernelSize: 3, stride: 1, padding: new Top() } as never)).toThrow(/option "padding.top" is inherited/);
    // A class's own fields are options, and its other methods are not a concern.
    class Own {
      kernelSize = 2;
      stride = 1;
      describe() {
        return 'k2 s1';
      }
    }
    expectSameFloats(sp.maxPool2d(x, new Own() as never).data, ref(2, 1).data);
  });

  it('ignores non-enumerable options, and a later call without them is not affected', async () => {
    const sp = await getEngine();
    const o = { kernelSize: 2 };
    Object.defineProperty(o, 'stride', { value: 1 });
    expect(sp.maxPool2d(x, o).shape).toEqual([1, 1, 4, 4]);
    expectSameFloats(sp.maxPool2d(x, { kernelSize: 2 }).data, ref(2).data);
    expectSameFloats(sp.maxPool2d(x, { kernelSize: 2, stride: 1 }).data, ref(2, 1).data);
  });

  it('ignores a non-enumerable out or outIndices on a repeated call as on the first', async () => {
    const sp = await getEngine();
    const t = sp.fromArray(x.data, x.shape);
    const out = sp.tensor([1, 1, 4, 4]);
    const outIndices = sp.tensor([1, 1, 4, 4], { dtype: 'int32' });
    const hidden = (o: object) => Object.defineProperties(o, { out: { value: out }, outIndices: { value: outIndices } }) as never;
    // The second call is the first one repeated (the engine reuses the last call's read).
    for (let call = 0; call < 3; call++) {
      const y = sp.maxPool2d(t, hidden({ kernelSize: 2, returnIndices: true })) as unknown as { output: typeof out; indices: typeof outIndices };
      expect(y.output).not.toBe(out);
      expect(y.indices).not.toBe(outIndices);
      expectSameFloats(y.output.data, ref(2).data);
      y.output.dispose();
      y.indices.dispose();
    }
    expect(out.data.every((v) => v === 0) && outIndices.data.every((v) => v === 0)).toBe(true);
    // Enumerable ones are used, on the first call and on repeated ones.
    for (let call = 0; call < 2; call++) expect(sp.maxPool2d(t, { kernelSize: 2, out })).toBe(out);
    expectSameFloats(out.data, ref(2).data);
    for (const v of [t, out, outIndices]) v.dispose();
  });

  it('takes one read of an option whose getter changes, and caches nothing under other values', async () => {
    const sp = await getEngine();
    for (const [first, then] of [[3, 2], [2, 3]]) {
      for (let reads = 1; reads <= 3; reads++) {
        for (const kernel of [2, 3, first]) expectSameFloats(sp.maxPool2d(x, { kernelSize: kernel }).data, ref(kernel).data);
        const o = Object.defineProperty({}, 'kernelSize', { get: flipping(first, then, reads), enumerable: true });
        const y = sp.maxPool2d(x, o as never);
        const k = y.shape[2] === 2 ? 3 : 2; // whichever value it read, its result is that value's
        expectSameFloats(y.data, ref(k).data);
        for (const kernel of [2, 3]) expectSameFloats(sp.maxPool2d(x, { kernelSize: kernel }).data, ref(kernel).data);
      }
    }
  });

  it('takes one read of each size in an options array and of a padding side', async () => {
    const sp = await getEngine();
    const kernel = [2, 2];
    Object.defineProperty(kernel, 0, { get: flipping(2, 0, 1), enumerable: true });
    expect(sp.maxPool2d(x, { kernelSize: kernel }).shape).toEqual([1, 1, 4, 4]);
    const padding = Object.defineProperty({ left: 0 }, 'top', { get: flipping(1, 7, 1), enumerable: true });
    expect(sp.maxPool2d(x, { kernelSize: 3, padding } as never).shape).toEqual([1, 1, 3, 2]);
    expect(sp.maxPool2d(x, { kernelSize: 3, padding: { top: 1 } } as never).shape).toEqual([1, 1, 3, 2]);
  });

  it('takes one read of each size of a plain input shape', async () => {
    const sp = await getEngine();
    // Whichever read a call takes, it is checked and used as read: a RangeError for 0.5, the
    // right result for [1, 1, 8, 8], a 4x16 plane's result for the swapped sizes.
    const x4x16 = { data: x.data, shape: [1, 1, 4, 16] };
    for (const [at, first, then, expected] of [[0, 1, 0.5, x], [2, 8, 4, x4x16], [3, 8, 16, x4x16]] as const) {
      for (let reads = 1; reads <= 3; reads++) {
        const shape = [1, 1, 8, 8];
        Object.defineProperty(shape, at, { get: flipping(first, then, reads), enumerable: true });
        let y;
        try {
          y = sp.maxPool2d({ data: x.data, shape }, { kernelSize: 2 });
        } catch (e) {
          expect(e).toBeInstanceOf(RangeError);
        }
        if (y) {
          const want = y.shape[3] === 4 ? ref(2) : maxPool2dRef(expected, { kernelSize: 2 }).output;
          expect(y.shape).toEqual(want.shape);
          expectSameFloats(y.data, want.data);
        }
        expectSameFloats(sp.maxPool2d({ data: x.data, shape: [1, 1, 8, 8] }, { kernelSize: 2 }).data, ref(2).data);
        expectSameFloats(sp.maxPool2d(x4x16, { kernelSize: 2 }).data, maxPool2dRef(x4x16, { kernelSize: 2 }).output.data);
      }
    }
  });

  it('copies option objects of any class, so a later change to one cannot reach a kept read', async () => {
    const sp = await getEngine();
    const x16 = { data: Float32Array.from({ length: 16 }, (_, i) => i), shape: [1, 1, 4, 4] };
    class Pad {
      constructor(public top: number) {}
    }
    const p = new Pad(0);
    expect(sp.maxPool2d(x16, { kernelSize: 3, stride: 1, padding: p } as never).shape).toEqual([1, 1, 2, 2]);
    p.top = 1;
    expect(sp.maxPool2d(x16, { kernelSize: 3, stride: 1, padding: { top: 1 } } as never).shape).toEqual([1, 1, 3, 2]);
    // A side read through a getter: one read, and no plan cached under another value.
    const side = Object.defineProperty({}, 'top', { get: flipping(1, 0, 1), enumerable: true });
    const y = sp.maxPool2d(x16, { kernelSize: 3, stride: 1, padding: side } as never);
    expect([[1, 1, 2, 2], [1, 1, 3, 2]]).toContainEqual(y.shape);
    expect(sp.maxPool2d(x16, { kernelSize: 3, stride: 1, padding: { top: 0 } } as never).shape).toEqual([1, 1, 2, 2]);
    expect(sp.maxPool2d(x16, { kernelSize: 3, stride: 1, padding: { top: 1 } } as never).shape).toEqual([1, 1, 3, 2]);
  });

  it("never pools stale memory when an output option's getter shrinks the input's buffer", async () => {
    const sp = await getEngine();
    for (let at = 1; at <= 3; at++) {
      for (let round = 0; round < 2; round++) {
        const secret = sp.fromArray(new Float32Array(64).fill(1234.5), [1, 1, 8, 8]);
        secret.dispose(); // stale bytes where scratch goes
        const rab = new (ArrayBuffer as unknown as new (n: number, o: object) => ArrayBuffer & { resize(n: number): void })(256, { maxByteLength: 256 });
        const data = new Float32Array(rab).fill(1); // tracks the buffer's length
        let reads = 0;
        const opts = Object.defineProperty({ kernelSize: 8 }, 'out', { enumerable: true, get: () => void (++reads === at && rab.resize(4)) });
        try {
          expect(Array.from(sp.avgPool2d({ data, shape: [1, 1, 8, 8] }, opts as never).data)).toEqual([1]);
        } catch (e) {
          expect(e).toBeInstanceOf(RangeError);
        }
      }
    }
  });

  it('keeps no output tensor alive after its call (the memo holds no outputs)', () => {
    // In a child process of its own: the test runner's module loader keeps objects of its own alive.
    const entry = new URL('../dist/index.js', import.meta.url).href;
    const script = `
      const sp = await (await import(${JSON.stringify(entry)})).init();
      const x = { data: new Float32Array(64), shape: [1, 1, 8, 8] };
      let ref;
      (() => { const out = sp.tensor([1, 1, 4, 4]); sp.maxPool2d(x, { kernelSize: 2, out }); ref = new WeakRef(out); })();
      for (let i = 0; i < 20 && ref.deref(); i++) { await new Promise((r) => setTimeout(r, 10)); gc(); }
      process.stdout.write(String(ref.deref() === undefined));`;
    expect(execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' })).toBe('true');
  });

  it('rejects a shape too long to copy (more than 64 dims) instead of reading it twice', async () => {
    const sp = await getEngine();
    const long = new Array(65).fill(1);
    Object.defineProperty(long, 0, { get: flipping(1, -1, 1), enumerable: true });
    expect(() => sp.tensor(long)).toThrow(/shape has 65 dims/);
    expect(() => sp.maxPool2d({ data: new Float32Array(1), shape: new Array(70).fill(1) }, { kernelSize: 1 })).toThrow(RangeError);
  });

  it("reads maxUnpool's outputSize once: no write outside the output block", async () => {
    const sp = await getEngine();
    const check = await canary();
    const v = sp.fromArray(new Float32Array([1, 2, 3, 4]), [1, 1, 2, 2]);
    const idx = sp.fromArray(new Int32Array([0, 3, 9, 15]), [1, 1, 2, 2]);
    const outputSize = [4, 4];
    Object.defineProperty(outputSize, 0, { get: flipping(4, 1000, 4), enumerable: true });
    const y = sp.maxUnpool2d(v, idx, { kernelSize: 2, outputSize });
    expect(y.shape).toEqual([1, 1, 4, 4]);
    expect(Array.from(y.data)).toEqual([1, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 4]);
    check();
    for (const t of [v, idx, y]) t.dispose();
  });

  it('rejects per-axis sizes beyond 32 bits, as PyTorch does, instead of wrapping them', async () => {
    const sp = await getEngine();
    const x1 = { data: new Float32Array([1, 2, 3, 4, 5]), shape: [1, 1, 5] };
    expect(() => sp.avgPool1d(x1, { kernelSize: 2 ** 31, stride: 2 ** 31, padding: 2 ** 30 })).toThrow(RangeError);
    expect(() => sp.maxPool1d(x1, { kernelSize: 2 ** 32 + 2, padding: 2 ** 31 + 1, stride: 1 })).toThrow(/at most 2147483647/);
    expect(() => sp.maxPool1d(x1, { kernelSize: 3, dilation: 2 ** 31 })).toThrow(/dilation must be at most 2147483647/);
    expect(sp.avgPool1d(x1, { kernelSize: 2 ** 31 - 2, stride: 2 ** 31 - 2, padding: 2 ** 30 - 1 }).data[0]).toBeCloseTo(15 / (2 ** 31 - 2), 15);
  });
});

describe("a resolved call's signature cannot be spelled by another call", () => {
  it('names and strings holding its separators are validated, not taken for the call they spell (full engine and simdpool/core)', async () => {
    const { init: initCore } = await import('../dist/core.js');
    const x4 = { data: Float32Array.from({ length: 16 }, (_, i) => i), shape: [1, 1, 4, 4] };
    // Each valid call resolves and caches; the next one's text spells that call's signature.
    const spelled: Array<[Record<string, unknown>, Record<string, unknown>, RegExp, boolean?]> = [
      [{ kernelSize: 2, padding: 'valid', stride: 1 }, { kernelSize: 2, padding: 'valid|stride=n1' }, /^maxPool2d: padding must be a size, 'valid', 'same' or an object of sides, got "valid\|stride=n1"/],
      [{ kernelSize: 2, stride: 1 }, { 'kernelSize=n2|stride': 1 }, /^maxPool2d: unknown option "kernelSize=n2\|stride"/],
      [{ kernelSize: 3, padding: { top: 1, bottom: 2 } }, { kernelSize: 3, padding: { 'top:1,bottom': 2 } }, /^maxPool2d: padding side "top:1,bottom" is not one of/],
      [{ kernelSize: 2, nanMode: 'ignore', stride: 1 }, { kernelSize: 2, nanMode: 'ignore|stride=n1' }, /^maxPool2d: nanMode must be 'propagate' or 'ignore', got "ignore\|stride=n1"/, false],
    ];
    for (const sp of [await getEngine(), await initCore()]) {
      const core = !('maxPool3d' in sp);
      for (const [valid, spelling, message, inCore = true] of spelled) {
        if (core && !inCore) continue;
        const y = sp.maxPool2d(x4, valid as never).data;
        expect(() => sp.maxPool2d(x4, spelling as never)).toThrow(message);
        // Also when the valid call is not the last one (its resolved plan is cached by signature).
        sp.maxPool2d(x4, { kernelSize: 1 });
        expect(() => sp.maxPool2d(x4, spelling as never)).toThrow(message);
        expectSameFloats(sp.maxPool2d(x4, valid as never).data, y);
      }
    }
  });
});

describe("a plain input's data is read by its own length", () => {
  it('copies what the array holds, whatever a subclass reports as its size', async () => {
    const sp = await getEngine();
    const check = await canary();
    class Lying extends Float32Array {
      override get byteLength() {
        return 4;
      }
    }
    const data = new Lying(4096).fill(1);
    expect(sp.maxPool2d({ data, shape: [1, 1, 64, 64] }, { kernelSize: 2 }).data.every((v) => v === 1)).toBe(true);
    class Short extends Float32Array {
      override get length() {
        return 4;
      }
    }
    expect(() => sp.maxPool2d({ data: new Short(4096), shape: [1, 1, 2, 2] }, { kernelSize: 2 })).toThrow(/has 4096 elements/);
    check();
  });

  it('rejects a Proxy of a Float32Array (its contents cannot be copied as one)', async () => {
    const sp = await getEngine();
    const data = new Proxy(new Float32Array(4), {});
    expect(() => sp.maxPool2d({ data, shape: [1, 1, 2, 2] }, { kernelSize: 2 })).toThrow(/x\.data must be a Float32Array/);
    expect(() => sp.fromArray(data, [1, 1, 2, 2])).toThrow(/^fromArray: data must be one of Float32Array, Int32Array, Int8Array, Uint8Array, Uint8ClampedArray, got /);
  });

  it("takes a resident tensor's .data as plain input even when the call grows memory", async () => {
    const sp = await getEngine();
    for (let round = 0; round < 3; round++) {
      const t = sp.fromArray(Float32Array.from({ length: 4 * 64 * 64 }, (_, i) => Math.cos(i)), [1, 4, 64, 64]);
      const expected = sp.maxPool2d(t, { kernelSize: 2 });
      const before = sp.memoryStats().bytesInUse;
      // Big enough that its scratch needs more memory than is free (the first round grows it).
      const big = sp.tensor([1, 4, 512, 512 + round]);
      const y = sp.maxPool2d({ data: t.data, shape: [...t.shape] }, { kernelSize: 2 });
      expectSameFloats(y.data, expected.data);
      const copy = sp.fromArray(t.data, t.shape);
      expectSameFloats(copy.data, t.data);
      for (const u of [t, expected, big, copy]) u.dispose();
      expect(sp.memoryStats().bytesInUse).toBeLessThan(before);
    }
  });
});

describe('a .data view keeps its tensor alive', () => {
  it('without a visible property: it still compares, prints and spreads as a plain Float32Array', async () => {
    const sp = await getEngine();
    const t = sp.fromArray(Float32Array.of(1, 2, 3, 4), [1, 1, 2, 2]);
    assert.deepStrictEqual(t.data, Float32Array.of(1, 2, 3, 4));
    expect(Object.getOwnPropertySymbols(t.data)).toEqual([]);
    expect(Object.keys({ ...t.data })).toEqual(['0', '1', '2', '3']);
    t.dispose();
  });


  it('is not freed by the finalizer while only the view is held', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const sp = await getEngine();
    const input = sp.fromArray(new Float32Array(64).fill(1), [1, 1, 8, 8]);
    const view = (() => sp.maxPool2d(input, { kernelSize: 2 }).data)();
    // Until the finalizer has run for something (the view's tensor, were it collectable, first).
    const finalized = sp.memoryStats().finalized;
    for (let i = 0; i < 20 && sp.memoryStats().finalized === finalized; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    const other = sp.fromArray(new Float32Array(16).fill(42), [1, 1, 4, 4]);
    expect(Array.from(view)).toEqual(new Array(16).fill(1));
    other.dispose();
    input.dispose();
  });
});
