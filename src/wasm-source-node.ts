// The Node bundle's kernels (dist/node/, picked by the "node" export condition): both builds
// inlined as plain bytes. Node decodes the base64 natively, and skipping the inflation of the
// gzipped SIMD build (and loading zlib for it) keeps init() fast; bundle size matters less here.
// scripts/build.mjs swaps ./wasm-source for this module in the Node build.
import simdWasm from '../build/simdpool.wasm';
import scalarWasm from '../build/simdpool-scalar.wasm';

/** The SIMD build is always at hand here. */
export function canInflate(): boolean {
  return true;
}

export async function defaultWasm(simd: boolean): Promise<Uint8Array> {
  return simd ? simdWasm : scalarWasm;
}
