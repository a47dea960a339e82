// Bytes as text, five characters per four bytes (base64 takes six): how the inlined bundles
// carry their compressed .wasm builds. The alphabet is printable ASCII without the characters
// that mean something in a JavaScript string or an HTML <script> (quotes, backslash, $, < and >),
// so the text passes minifiers, bundlers and inline scripts unchanged.
// The encoder is scripts/pack-wasm.mjs (the same alphabet; test/pack-wasm.test.ts checks both).
export const BASE85_ALPHABET = '!#%&()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_abcdefghijklmnopqrstuvwxyz{|';

/**
 * Each group of five characters is one big-endian 32-bit word in base 85; a last, shorter group
 * of n + 1 characters holds n bytes (as in Ascii85), so the bytes come back exactly.
 */
export function decodeBase85(text: string): Uint8Array {
  const digits = new Int8Array(128).fill(-1);
  for (let d = 0; d < 85; d++) digits[BASE85_ALPHABET.charCodeAt(d)] = d;
  const tail = text.length % 5;
  const out = new Uint8Array(((text.length - tail) / 5) * 4 + (tail && tail - 1));
  for (let i = 0, o = 0; i < text.length; o += 4) {
    let word = 0;
    for (const end = i + 5; i < end; i++) {
      // A short last group is padded with the highest digit, which rounds its bytes back up.
      const digit = i < text.length ? digits[text.charCodeAt(i)] ?? -1 : 84;
      // (A last group of one character would hold no byte: the text is cut short.)
      if (digit < 0 || tail === 1) throw new Error(`base85: invalid text (length ${text.length}, at ${i})`);
      word = word * 85 + digit;
    }
    for (let k = 0; k < 4 && o + k < out.length; k++) out[o + k] = word >>> (24 - 8 * k);
  }
  return out;
}
