// The builds packed by scripts/pack-wasm.mjs, given back: base85 text -> raw DEFLATE -> each
// build preceded by its byte length (u32, little-endian). The engine's own DecompressionStream
// inflates where it has one for raw DEFLATE (native: a few ms faster at init() than JavaScript
// that has not been optimised yet); src/inflate.ts everywhere else, so every engine gets its build.
import { decodeBase85 } from './base85';
import { inflateRaw } from './inflate';

export async function unpackWasm(text: string): Promise<Uint8Array[]> {
  const deflated = decodeBase85(text);
  const bytes = (await inflateNative(deflated)) ?? inflateRaw(deflated);
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

/** Undefined where DecompressionStream or its 'deflate-raw' format is missing (or it fails). */
async function inflateNative(bytes: Uint8Array): Promise<Uint8Array | undefined> {
  try {
    const reader = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
    // Read by hand, not with `new Response(stream)`: in Node that global loads the whole fetch
    // implementation (about 40 ms) the first time.
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      chunks.push(r.value);
      size += r.value.length;
    }
    const out = new Uint8Array(size);
    for (let i = 0, at = 0; i < chunks.length; at += chunks[i++].length) out.set(chunks[i], at);
    return out;
  } catch {
    return undefined;
  }
}
