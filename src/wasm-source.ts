// The default build's kernels: both wasm builds inlined as bytes (esbuild's binary loader).
// scripts/build.mjs swaps this module for ./wasm-source-url.ts in the streaming build.
import simdWasm from '../build/simdpool.wasm';
import scalarWasm from '../build/simdpool-scalar.wasm';

export function defaultWasm(simd: boolean): Uint8Array {
  return simd ? simdWasm : scalarWasm;
}
