// The default build's kernels, packed into the bundle: both builds (scalar first) as one raw
// DEFLATE stream in base85 text (scripts/pack-wasm.mjs writes build/simdpool.b85; esbuild's
// text loader inlines it). Unpacking is synchronous and needs no platform API, so every engine
// gets the build it can run.
// scripts/build.mjs swaps this module for ./wasm-source-url.ts (streaming) or
// ./wasm-source-node.ts (Node: plain bytes, nothing to unpack).
import packed from '../build/simdpool.b85';
import { unpackWasm } from './wasm-packed';

export function defaultWasm(simd: boolean): Uint8Array {
  const [scalar, simdBuild] = unpackWasm(packed);
  return simd ? simdBuild : scalar;
}
