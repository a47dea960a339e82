// An option getter that calls another operator of the engine while the call's options are
// compared with the last call's (src/ops/last-call.ts). lastCallRead returned `last.read` after
// sameAsLast had run the getter, so the outer call got the inner call's read: a TypeError
// ("Cannot read properties of undefined (reading 'outIndices')"), and the plan the outer
// operator resolved for its own tensor was cached under the inner call's signature. A later
// ordinary call with that signature then ran on the wrong geometry: maxPool2d of a 4x4 int8
// tensor returned 32x32 values read from 4096 bytes of a 16-byte tensor (a wasm trap when that
// tensor ends wasm memory).
import { beforeAll, describe, expect, it } from 'vitest';
import { init, type Engine } from '../dist/node/index.js';

let sp: Engine;
beforeAll(async () => {
  sp = await init();
});

/** 2x2 stride-2 max pooling of one h x w plane, from the definition. */
function maxPool2x2(data: ArrayLike<number>, h: number, w: number): number[] {
  const out: number[] = [];
  for (let r = 0; r + 2 <= h; r += 2) {
    for (let c = 0; c + 2 <= w; c += 2) {
      out.push(Math.max(data[r * w + c], data[r * w + c + 1], data[(r + 1) * w + c], data[(r + 1) * w + c + 1]));
    }
  }
  return out;
}

describe('option getters that call the engine', () => {
  it('the outer call keeps its own read, and no other signature is given its plan', () => {
    const big = Int8Array.from({ length: 64 * 64 }, (_, i) => ((i * 37) % 251) - 125);
    const x8 = sp.fromArray(big, [1, 1, 64, 64]);
    const y = sp.fromArray(Float32Array.from({ length: 16 }, (_, i) => i), [1, 1, 4, 4]);
    sp.maxPool2d(x8, { kernelSize: 2 }).dispose(); // the last call's read: this shape and options
    let inner: number[] = [];
    const outer = sp.maxPool2d(x8, {
      get kernelSize() {
        const r = sp.maxPool2d(y, { kernelSize: 2 });
        inner = Array.from(r.data);
        r.dispose();
        return 2;
      },
    });
    expect(inner).toEqual(maxPool2x2(Array.from({ length: 16 }, (_, i) => i), 4, 4));
    expect(outer.shape).toEqual([1, 1, 32, 32]);
    expect(Array.from(outer.data)).toEqual(maxPool2x2(big, 64, 64));
    outer.dispose();

    // An ordinary call with the inner call's signature (dtype aside) and a small int8 tensor.
    const small = Int8Array.from({ length: 16 }, (_, i) => 3 * i - 20);
    const z8 = sp.fromArray(small, [1, 1, 4, 4]);
    const r = sp.maxPool2d(z8, { kernelSize: 2 });
    expect(r.shape).toEqual([1, 1, 2, 2]);
    expect(Array.from(r.data)).toEqual(maxPool2x2(small, 4, 4));
    for (const t of [r, z8, x8, y]) t.dispose();
  });

  it('a getter calling another operator on the same input', () => {
    const data = Float32Array.from({ length: 72 }, (_, i) => ((i * 7) % 11) - 5);
    const x = sp.fromArray(data, [1, 2, 6, 6]);
    sp.maxPool2d(x, { kernelSize: 2 }).dispose();
    const r = sp.maxPool2d(x, { get kernelSize() { sp.avgPool2d(x, { kernelSize: 3 }).dispose(); return 2; } });
    expect(Array.from(r.data)).toEqual([...maxPool2x2(data.subarray(0, 36), 6, 6), ...maxPool2x2(data.subarray(36), 6, 6)]);
    r.dispose();
    x.dispose();
  });
});
