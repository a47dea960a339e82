// Loading the kernels. Two builds of the same kernels exist: the SIMD one and a scalar fallback
// for engines without WebAssembly SIMD; a tiny probe module tells which one this engine can run.
// Where the default bytes come from is the entry's business (./wasm-source and its variants):
// packed into the bundle, plain bytes (Node), or URLs next to the bundle (the streaming build).
import { instantiate, instantiateSync } from '@assemblyscript/loader';
import type { InitOptions } from './index';
import type { Kernels } from './kernels';
import { describe } from './describe';
import { readBool, readOptionBag } from './ops/options';
import { ownCopy } from './ops/read-once';

/** Where the kernels come from: bytes, a compiled module, or a URL / fetch Response (streamed). */
export type WasmSource = ArrayBuffer | ArrayBufferView | WebAssembly.Module | URL | Response | Promise<Response>;
/** One source per build: init() picks one with the SIMD probe (or `simd: false`). */
export interface WasmSources {
  simd: WasmSource;
  scalar: WasmSource;
}
/** An entry's reader of file: URLs (./file-url): their bytes, or undefined where it cannot read them. */
export type ReadFile = (url: URL) => Uint8Array | undefined;
/** An entry's own kernels: the SIMD build or the scalar one. */
export type DefaultWasm = (simd: boolean) => WasmSource | Promise<WasmSource>;

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

// (module (func (result v128) v128.const i32x4 0 0 0 0)): valid only where SIMD is supported.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
]);

/** Whether this JavaScript engine runs WebAssembly SIMD (fixed-width 128-bit). */
export function simdSupported(): boolean {
  return WebAssembly.validate(SIMD_PROBE);
}

/** A data: URL's bytes, as fetch decodes them: percent-decoded bytes, then base64 if `;base64` (any case) ends the type. */
function dataUrlBytes(href: string): Uint8Array {
  const comma = href.indexOf(',');
  // (unescape: each %XX one byte, where decodeURIComponent reads UTF-8 and rejects most bytes of a module)
  const text = unescape(href.slice(comma + 1));
  return Uint8Array.from(/;base64$/i.test(href.slice(0, comma)) ? atob(text) : text, (c) => c.charCodeAt(0));
}

function isSources(source: unknown): source is WasmSources {
  return typeof source === 'object' && source !== null && 'simd' in source && 'scalar' in source;
}

/** init()'s options (simdpool's and simdpool/core's), checked as an operator's are. */
const INIT = { name: 'init', options: ['wasm', 'simd'] satisfies (keyof InitOptions)[] };

/**
 * The kernels init() asks for. `options` are init()'s, checked first (an unknown name is a
 * TypeError). `simd`: undefined picks by the probe, false forces the scalar build, true the SIMD
 * build. A single `wasm` source (not a WasmSources pair) is used as given; a `simd` the build it
 * holds contradicts is a TypeError (the full entries': `check`, fullBuild). `readFile` reads file:
 * URLs (the full entries pass ./file-url's). simdpool/core, at its size budget, passes neither: it
 * fetches file: URLs, and runs on either build (a module that is no simdpool build fails the
 * engine's plan check).
 */
export async function loadKernels(
  options: unknown, defaultWasm: DefaultWasm, readFile?: ReadFile, check?: (kernels: Kernels, simd?: boolean) => void,
): Promise<Kernels> {
  let { wasm: source, simd } = readOptionBag(INIT, options, undefined, ownCopy) as InitOptions;
  if (simd !== undefined) readBool('init', 'simd', simd, true);
  if (source === undefined || isSources(source)) {
    const useSimd = simd ?? simdSupported();
    source = source ? (useSimd ? source.simd : source.scalar) : await defaultWasm(useSimd);
  }
  let instance: WebAssembly.Instance;
  try {
    instance = await instantiateSource(source as WasmSource, readFile);
  } catch (e) {
    // (the engine's message names neither init() nor what it was given)
    const E = (e instanceof Error ? e.constructor : Error) as ErrorConstructor;
    throw new E(`init: wasm ${describe(source instanceof URL ? source.href : source)} did not load: ${(e as Error)?.message ?? e}`, { cause: e });
  }
  // The kernels are the instance's own exports: they take and return plain numbers, so the
  // loader's demangled wrappers (a rest-arguments call around every export) would only add a
  // call per kernel call.
  const kernels = instance.exports as unknown as Kernels;
  check?.(kernels, simd ?? undefined);
  return kernels;
}

/**
 * The full engine's check of its kernels: the full build (adaptiveAvgBytesWide is one of its
 * kernels, not simdpool/core's), and the build `simd` asked for (a single source given with it).
 */
export function fullBuild(kernels: Kernels, simd?: boolean): void {
  if (typeof kernels.adaptiveAvgBytesWide !== 'function') {
    throw new TypeError('init: wasm is not the full simdpool build (simdpool/core\'s has no int8/uint8, 3D, Lp, unpooling or backward kernels)');
  }
  if (simd !== undefined && simd !== !!kernels.simd()) throw new TypeError(`init: simd is ${simd}, but the wasm given is the other build`);
}

async function instantiateSource(source: WasmSource, readFile?: ReadFile): Promise<WebAssembly.Instance> {
  if (source instanceof URL) {
    // Bundlers inline small assets as data: URLs (Vite does for the 3 KB scalar build); decoding
    // here avoids a fetch that a Content-Security-Policy without `connect-src data:` would block.
    // file: URLs the entry may read (Node's fetch cannot).
    source = source.protocol === 'data:' ? dataUrlBytes(source.href) : readFile?.(source) ?? source;
  }
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source) || source instanceof WebAssembly.Module) {
    // Node compiles synchronously, in instantiateSync (init() + first call 0.7 ms faster than
    // through WebAssembly.compile on the thirty-first round's host; level on the sixth's). The
    // loader's async path probes the global `Response`, which in Node loads the whole fetch
    // implementation (~40 ms). Node has no main-thread limit on synchronous compilation.
    const module = source instanceof WebAssembly.Module || isNode ? source : await WebAssembly.compile(source);
    return (isNode ? instantiateSync(module, {}) : await instantiate(module, {})).instance;
  }
  const response = await (source instanceof URL ? fetch(source) : source);
  // (a 404 page would fail as "unsupported MIME type", the status unsaid)
  if (response?.ok === false) throw new Error(`HTTP ${response.status}`);
  return (await instantiate(response, {})).instance;
}
