// The builds packed by scripts/pack-wasm.mjs, given back: base85 text -> raw DEFLATE -> each
// build preceded by its byte length (u32, little-endian).
import { decodeBase85 } from './base85';
import { inflateRaw } from './inflate';

export function unpackWasm(text: string): Uint8Array[] {
  const bytes = inflateRaw(decodeBase85(text));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const builds: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = view.getUint32(at, true);
    if (at + 4 + length > bytes.length) throw new Error('simdpool: packed kernels are truncated');
    builds.push(bytes.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return builds;
}
