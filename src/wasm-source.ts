// The default build's kernels, packed into the bundle: both builds (scalar first) as one raw
// DEFLATE stream in base85 text (scripts/pack-wasm.mjs writes build/simdpool.b85; esbuild's
// text loader inlines it), unpacked by src/wasm-packed.ts on any engine.
// scripts/build.mjs swaps this module for ./wasm-source-url.ts (streaming) or
// ./wasm-source-node.ts (Node: plain bytes, nothing to unpack).
import packed from '../build/simdpool.b85';
import { unpackWasm } from './wasm-packed';

export async function defaultWasm(simd: boolean): Promise<Uint8Array> {
  const [scalar, simdBuild] = await unpackWasm(packed);
  return simd ? simdBuild : scalar;
}
