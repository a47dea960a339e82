// Packs .wasm builds into one text for the inlined bundles: the builds, each preceded by its
// length (u32, little-endian), raw-DEFLATE compressed as one stream (so the second build's
// bytes can refer back to the first's), then base85 text. src/wasm-packed.ts unpacks it
// (src/inflate.ts, src/base85.ts). The compressor is Zopfli: standard DEFLATE, 5-8% smaller
// than zlib's best, for a few seconds of build time.
import zopfli from '@gfx/zopfli';

export const BASE85_ALPHABET = '!#%&()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_abcdefghijklmnopqrstuvwxyz{|';

/** Five characters per big-endian 32-bit word; n < 4 last bytes take n + 1 characters (as Ascii85). */
export function encodeBase85(bytes) {
  let text = '';
  for (let i = 0; i < bytes.length; i += 4) {
    const n = Math.min(4, bytes.length - i);
    let word = 0;
    for (let k = 0; k < 4; k++) word = word * 256 + (k < n ? bytes[i + k] : 0);
    const group = [];
    for (let j = 0; j < 5; j++, word = Math.floor(word / 85)) group.unshift(BASE85_ALPHABET[word % 85]);
    text += group.slice(0, n + 1).join('');
  }
  return text;
}

/** The text for a list of builds (src/wasm-packed.ts gives them back in the same order). */
export async function packWasm(builds) {
  const parts = builds.flatMap((b) => {
    const length = Buffer.alloc(4);
    length.writeUInt32LE(b.length);
    return [length, b];
  });
  const deflated = await new Promise((resolve, reject) => {
    zopfli.deflate(Buffer.concat(parts), {}, (error, bytes) => (error ? reject(error) : resolve(bytes)));
  });
  return encodeBase85(deflated);
}
