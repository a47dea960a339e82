// The Node bundle's kernels (dist/node/, picked by the "node" export condition): both builds
// inlined as plain bytes. Node decodes the base64 natively, and nothing needs inflating, which
// keeps init() fast; bundle size matters less here.
// scripts/build.mjs swaps ./wasm-source for this module in the Node build.
import simdWasm from '../build/simdpool.wasm';
import scalarWasm from '../build/simdpool-scalar.wasm';

export function defaultWasm(simd: boolean): Uint8Array {
  return simd ? simdWasm : scalarWasm;
}
