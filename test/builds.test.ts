// Which kernel build runs, and the two builds against each other: the SIMD build where
// WebAssembly SIMD exists (Node 20, Chromium), the scalar build when forced with
// init({ simd: false }) or where the SIMD probe fails. Runs in Node and in Chromium.
import { describe, expect, it } from 'vitest';
import { expectCloseFloats, expectSameFloats, expectSameInts, getApi, getEngine, target } from './support/engine';

/** Deterministic values with ties, signed zeros, NaN and infinities. */
function values(n: number, seed: number): Float32Array {
  const specials = [0, -0, NaN, Infinity, -Infinity];
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const r = s / 2 ** 32;
    return r < 0.02 ? specials[Math.floor(r * 250) % 5] : r < 0.5 ? Math.floor(r * 16) - 4 : (r - 0.75) * 1000;
  });
}

describe('kernel builds', () => {
  it('engine.simd tells which build runs', async () => {
    const sp = await getEngine();
    const { simd } = target();
    expect(sp.simd).toBe(simd ?? true);
    const { init, simdSupported } = await getApi();
    expect(simdSupported()).toBe(true);
    expect((await init({ simd: false })).simd).toBe(false);
    expect((await init({ simd: true })).simd).toBe(true);
  });

  it('init() rejects an unknown option, or options that are not an object, as operators do', async () => {
    const { init } = await getApi();
    const rejection = (options: unknown) => init(options as never).then(() => undefined, (e: unknown) => e);
    const typo = await rejection({ simd: false, smid: true });
    expect(typo).toBeInstanceOf(TypeError);
    expect((typo as Error).message).toBe('init: unknown option "smid" (accepted: wasm, simd)');
    const notABag = await rejection(true);
    expect(notABag).toBeInstanceOf(TypeError);
    expect((notABag as Error).message).toBe('init: options must be an object, got true');
    class InitOptions {
      get simd() {
        return false;
      }
    }
    const inherited = await rejection(new InitOptions());
    expect(inherited).toBeInstanceOf(TypeError);
    expect((inherited as Error).message).toMatch(/^init: option "simd" is inherited/);
  });

  it('an inlined bundle unpacks its SIMD build on engines without DecompressionStream', async () => {
    const g = globalThis as { DecompressionStream?: unknown };
    const { init } = await getApi();
    const saved = g.DecompressionStream;
    g.DecompressionStream = undefined;
    try {
      expect((await init()).simd).toBe(true);
      expect((await init({ simd: false })).simd).toBe(false);
    } finally {
      g.DecompressionStream = saved;
    }
  });

  it('the bundle under test is the one loaded', async () => {
    const { bundle } = target();
    const api = await getApi();
    if (bundle === 'iife') expect((globalThis as { simdpool?: unknown }).simdpool).toBe(api);
    // simdpool/core: its sub-list of operators, its own kernels (no Lp power kernel)
    const core = bundle === 'core';
    expect('CORE_OPERATORS' in api).toBe(core);
    expect('lpPool2d' in (await getEngine())).toBe(!core);
    if (bundle === 'url') {
      await getEngine();
      const fetched = performance.getEntriesByType('resource').map((e) => e.name);
      expect(fetched.some((u) => /\/dist\/url\/simdpool(-scalar)?\.wasm$/.test(u))).toBe(true);
    }
  });

  it('the scalar build equals the SIMD build: max and indices bit for bit, averages within tolerance', async () => {
    const { init } = await getApi();
    const [vec, sca] = await Promise.all([init({ simd: true }), init({ simd: false })]);
    const cases = [
      { kernelSize: 3, stride: 1, padding: 1 },
      { kernelSize: 3, stride: 2, padding: 1, ceilMode: true },
      { kernelSize: [2, 5], stride: [1, 3], dilation: [1, 2] },
      { kernelSize: 2 },
    ];
    let seed = 1;
    for (const layout of ['NCHW', 'NHWC'] as const) {
      for (const [n, c, h, w] of [[2, 3, 17, 29], [1, 13, 9, 40], [1, 1, 33, 33]]) {
        const shape = layout === 'NCHW' ? [n, c, h, w] : [n, h, w, c];
        const x = { data: values(n * c * h * w, seed++), shape, layout };
        for (const o of cases) {
          const a = vec.maxPool2d(x, { ...o, returnIndices: true });
          const b = sca.maxPool2d(x, { ...o, returnIndices: true });
          expectSameFloats(b.output.data, a.output.data, `max ${layout} ${JSON.stringify(o)}`);
          expectSameInts(b.indices.data, a.indices.data, `indices ${layout} ${JSON.stringify(o)}`);
          const { dilation: _, ...avg } = o as { dilation?: unknown };
          expectCloseFloats(sca.avgPool2d(x, avg).data, vec.avgPool2d(x, avg).data, `avg ${layout}`);
        }
        expectSameFloats(sca.globalMaxPool2d(x).data, vec.globalMaxPool2d(x).data, 'global max');
        expectCloseFloats(sca.globalAvgPool2d(x).data, vec.globalAvgPool2d(x).data, 'global avg');
        const t = layout === 'NCHW' ? 'toNHWC' : 'toNCHW';
        expectSameFloats(sca[t](x).data, vec[t](x).data, t);
      }
    }
  });
});
