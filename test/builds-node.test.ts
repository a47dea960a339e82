// Node-only checks of the two wasm builds: the scalar one really has no SIMD instruction, and
// init() falls back to it when the SIMD probe does not validate (as on an engine without SIMD).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { init, simdSupported } from '../dist/index.js';
import { init as initCore } from '../dist/core.js';

describe('scalar fallback', () => {
  afterEach(() => vi.restoreAllMocks());

  it('the scalar build has no v128 instruction, the SIMD build has', () => {
    expect(readFileSync(new URL('../build/simdpool-scalar.wat', import.meta.url), 'utf8')).not.toMatch(/v128|f32x4|i32x4/);
    expect(readFileSync(new URL('../build/simdpool.wat', import.meta.url), 'utf8')).toMatch(/f32x4/);
    // Without SIMD enabled the validator must reject anything with a 0xfd-prefixed opcode, so an
    // engine without SIMD can compile the scalar build.
    expect(WebAssembly.validate(readFileSync(new URL('../build/simdpool-scalar.wasm', import.meta.url)))).toBe(true);
  });

  it('is chosen where the SIMD probe fails to validate', async () => {
    expect(simdSupported()).toBe(true);
    const validate = WebAssembly.validate;
    vi.spyOn(WebAssembly, 'validate').mockImplementation((bytes) => {
      const b = ArrayBuffer.isView(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array(bytes);
      return b.length < 64 ? false : validate(bytes); // the probe is tiny; the kernels are not
    });
    expect(simdSupported()).toBe(false);
    const sp = await init();
    expect(sp.simd).toBe(false);
    const r = sp.maxPool2d({ data: Float32Array.of(1, 5, 3, 2), shape: [1, 1, 2, 2] }, { kernelSize: 2 });
    expect([...r.data]).toEqual([5]);
  });

  it('a single wasm source is used as given; a { simd, scalar } pair is chosen from', async () => {
    const simdBytes = readFileSync(new URL('../build/simdpool.wasm', import.meta.url));
    const scalarBytes = readFileSync(new URL('../build/simdpool-scalar.wasm', import.meta.url));
    expect((await init({ wasm: scalarBytes })).simd).toBe(false);
    // (a simd option the single source's build contradicts: below)
    expect((await init({ wasm: { simd: simdBytes, scalar: scalarBytes }, simd: false })).simd).toBe(false);
    expect((await init({ wasm: { simd: simdBytes, scalar: scalarBytes } })).simd).toBe(true);
    // Sources that are objects of their own (read from the options as they are, not copied).
    expect((await init({ wasm: new WebAssembly.Module(scalarBytes) })).simd).toBe(false);
    expect((await init({ wasm: new Uint8Array(simdBytes).buffer })).simd).toBe(true);
    expect((await init({ wasm: Promise.resolve(new Response(scalarBytes, { headers: { 'content-type': 'application/wasm' } })) })).simd).toBe(false);
    // Bytes that are no module: init() rejects (Node compiles synchronously, still a rejection), and can be called again.
    await expect(init({ wasm: Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0, 99) })).rejects.toBeInstanceOf(WebAssembly.CompileError);
    await expect(initCore({ wasm: Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0, 99) })).rejects.toBeInstanceOf(WebAssembly.CompileError);
    expect((await init({ wasm: scalarBytes })).simd).toBe(false);
  });

  it('rejects a source that is not the build asked for, or does not load, saying so', async () => {
    const bytes = (file: string) => readFileSync(new URL(`../build/${file}`, import.meta.url));
    const rejects = (engine: Promise<unknown>, E: ErrorConstructor, message: RegExp) => expect(engine).rejects.toThrow(expect.objectContaining({ constructor: E, message: expect.stringMatching(message) }));
    // simdpool/core's build has a plan but not the full engine's kernels (its calls failed one by
    // one with "... is not a function"); any module that is not simdpool's fails the plan check.
    await rejects(init({ wasm: bytes('core.wasm') }), TypeError, /^init: wasm is not the full simdpool build/);
    const empty = Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0);
    await rejects(init({ wasm: empty }), TypeError, /^init: wasm is not the full simdpool build/);
    await rejects(initCore({ wasm: empty }), TypeError, /^init: wasm is not a simdpool build of this version$/);
    expect((await initCore({ wasm: bytes('simdpool.wasm') })).simd).toBe(true); // core runs on the full build
    // simd: a boolean, and not contradicted by the single source given.
    await rejects(init({ simd: 'false' as never }), TypeError, /^init: simd must be a boolean, got "false"$/);
    await rejects(initCore({ simd: 0 as never }), TypeError, /^init: simd must be a boolean, got 0$/);
    await rejects(init({ wasm: bytes('simdpool.wasm'), simd: false }), TypeError, /^init: simd is false, but the wasm given is the other build$/);
    await rejects(init({ wasm: bytes('simdpool-scalar.wasm'), simd: true }), TypeError, /^init: simd is true, but the wasm given is the other build$/);
    // The engine's own errors, prefixed with what was given.
    await rejects(init({ wasm: '/srv/simdpool.wasm' as never }), TypeError, /^init: wasm "\/srv\/simdpool.wasm" did not load: /);
    // A long string (a data: URL passed as text) is cut in the message; a URL is named by its href.
    const dataText = `data:application/wasm;base64,${Buffer.from(bytes('simdpool.wasm')).toString('base64')}`;
    await rejects(init({ wasm: dataText as never }), TypeError, /^init: wasm "data:application\/wasm;base64,[^"]{51}…" did not load: [^"]*$/);
    await rejects(init({ wasm: new URL('http://127.0.0.1:1/simdpool.wasm') }), TypeError, /^init: wasm "http:\/\/127\.0\.0\.1:1\/simdpool\.wasm" did not load: fetch failed$/);
    await rejects(init({ wasm: bytes('simdpool-threads.wasm') }), WebAssembly.LinkError as ErrorConstructor, /^init: wasm Buffer\(\d+\) did not load: .*memory/);
    const page404 = new Response('<html>not found</html>', { status: 404, headers: { 'content-type': 'text/html' } });
    await rejects(init({ wasm: page404 }), Error, /^init: wasm a Response did not load: HTTP 404/);
    await rejects(init({ wasm: Uint8Array.of(1, 2, 3) }), WebAssembly.CompileError as ErrorConstructor, /^init: wasm Uint8Array\(3\) did not load: /);
    expect((await init()).simd).toBe(true);
  });

  it('reads data: URLs, and file: URLs in Node 20.16+ (its fetch has none); simdpool/core fetches file: URLs', async () => {
    const simdUrl = new URL('../build/simdpool.wasm', import.meta.url);
    const scalarUrl = new URL('../build/simdpool-scalar.wasm', import.meta.url);
    const x = { data: Float32Array.of(1, 5, 3, 2), shape: [1, 1, 2, 2] };
    type Pooling = { simd: boolean; maxPool2d(input: typeof x, options: { kernelSize: number }): { data: Float32Array } };
    const pooled = async (engine: Promise<Pooling>) => {
      const sp = await engine;
      return [sp.simd, [...sp.maxPool2d(x, { kernelSize: 2 }).data]];
    };
    const dataUrl = (file: URL) => new URL(`data:application/wasm;base64,${readFileSync(file).toString('base64')}`);
    expect(await pooled(init({ wasm: dataUrl(scalarUrl) }))).toEqual([false, [5]]);
    // As fetch reads them: ";BASE64" in any case, and percent-encoded bytes (decodeURIComponent read them as UTF-8).
    const scalar = readFileSync(scalarUrl);
    expect(await pooled(init({ wasm: new URL(`data:application/wasm;BASE64,${scalar.toString('base64')}`) }))).toEqual([false, [5]]);
    const percent = [...scalar].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
    expect(await pooled(init({ wasm: new URL(`data:application/wasm,${percent}`) }))).toEqual([false, [5]]);
    expect(await pooled(initCore({ wasm: dataUrl(new URL('../build/core.wasm', import.meta.url)) }))).toEqual([true, [5]]);
    const readsFiles = typeof (process as { getBuiltinModule?: unknown }).getBuiltinModule === 'function';
    if (readsFiles) {
      expect(await pooled(init({ wasm: scalarUrl }))).toEqual([false, [5]]);
      expect(await pooled(init({ wasm: { simd: simdUrl, scalar: scalarUrl } }))).toEqual([true, [5]]);
      expect(await pooled(init({ wasm: { simd: simdUrl, scalar: scalarUrl }, simd: false }))).toEqual([false, [5]]);
    }
    await expect(initCore({ wasm: new URL('../build/core.wasm', import.meta.url) })).rejects.toThrow(TypeError);
  });
});
