// Loading the kernels. The default build inlines the .wasm bytes into the JavaScript bundle
// (esbuild's binary loader), so init() needs no file system, fetch or bundler configuration.
import { instantiate, instantiateSync } from '@assemblyscript/loader';
import inlinedWasm from '../build/simdpool.wasm';
import type { Kernels } from './kernels';

/** Where the kernels come from: bytes, a compiled module, or a URL / fetch Response (streamed). */
export type WasmSource = BufferSource | WebAssembly.Module | URL | Response | Promise<Response>;

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

export async function loadKernels(source: WasmSource = inlinedWasm): Promise<Kernels> {
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source) || source instanceof WebAssembly.Module) {
    const module = source instanceof WebAssembly.Module ? source : await WebAssembly.compile(source);
    // The loader's async path probes the global `Response`, which in Node loads the whole fetch
    // implementation (~40 ms). Node has no main-thread limit on synchronous instantiation.
    const { exports } = isNode ? instantiateSync(module, {}) : await instantiate(module, {});
    return exports as unknown as Kernels;
  }
  const response = source instanceof URL ? fetch(source) : source;
  const { exports } = await instantiate(response as Promise<Response>, {});
  return exports as unknown as Kernels;
}
