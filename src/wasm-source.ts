// The default build's kernels, inlined into the bundle with esbuild's binary loader: the scalar
// build as plain bytes, the SIMD build gzip-compressed (scripts/build.mjs writes
// build/simdpool.wasm.gz), which keeps the one-file bundle small. Node inflates it with zlib,
// browsers with DecompressionStream.
// scripts/build.mjs swaps this module for ./wasm-source-url.ts in the streaming build.
import simdWasmGz from '../build/simdpool.wasm.gz';
import scalarWasm from '../build/simdpool-scalar.wasm';

type Zlib = { gunzipSync(b: Uint8Array): Uint8Array };

function nodeZlib(): Zlib | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
  return proc?.getBuiltinModule?.('node:zlib') as Zlib | undefined; // Node 20.16+
}

/**
 * Whether the SIMD build can be inflated here. Every engine with WebAssembly SIMD has
 * DecompressionStream except Firefox 89–112, which therefore gets the scalar build.
 */
export function canInflate(): boolean {
  // zlib first: in Node, merely reading the global DecompressionStream loads web streams (ms).
  return nodeZlib() !== undefined || typeof DecompressionStream === 'function';
}

export async function defaultWasm(simd: boolean): Promise<Uint8Array> {
  return simd ? gunzip(simdWasmGz) : scalarWasm;
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const zlib = nodeZlib(); // in Node, zlib is quicker to start than web streams
  if (zlib) return zlib.gunzipSync(bytes);
  const reader = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
