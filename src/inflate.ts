// A raw DEFLATE decoder (RFC 1951): how the inlined bundles unpack their .wasm builds,
// synchronously and on every engine (no DecompressionStream, which some engines without
// WebAssembly SIMD also lack). Each Huffman code becomes a lookup table indexed by the next
// `bits` input bits (DEFLATE packs codes starting from their first bit, so entries sit at the
// bit-reversed code), which keeps decoding to one lookup per symbol.

/** A Huffman code as a table: entry = symbol << 4 | code length; 0 where no code matches. */
interface Huffman {
  table: Int32Array;
  bits: number;
}

/** Length (257..285) and distance (0..29) codes: base values and extra bits (RFC 1951, 3.2.5). */
const LENGTH_BASE = new Uint16Array(29);
const LENGTH_EXTRA = new Uint8Array(29);
const DISTANCE_BASE = new Uint16Array(30);
const DISTANCE_EXTRA = new Uint8Array(30);
for (let i = 0, length = 3, distance = 1; i < 30; i++) {
  LENGTH_BASE[i] = i === 28 ? 258 : length;
  LENGTH_EXTRA[i] = i < 8 || i === 28 ? 0 : (i >> 2) - 1;
  length += 1 << LENGTH_EXTRA[i];
  DISTANCE_BASE[i] = distance;
  DISTANCE_EXTRA[i] = i < 4 ? 0 : (i >> 1) - 1;
  distance += 1 << DISTANCE_EXTRA[i];
}
/** The order in which a dynamic block lists the code lengths of its code-length code. */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

const TRUNCATED = 'unexpected end of data';

function corrupt(what: string): never {
  throw new Error(`inflate: corrupt data (${what})`);
}

/** The canonical code for these code lengths (RFC 1951, 3.2.2), as a lookup table. */
function huffman(lengths: ArrayLike<number>): Huffman {
  const counts = new Uint16Array(16);
  for (let i = 0; i < lengths.length; i++) counts[lengths[i]]++;
  counts[0] = 0;
  const next = new Uint16Array(16); // the next code of each length
  let bits = 0;
  for (let len = 1, code = 0; len < 16; len++) {
    next[len] = code = (code + counts[len - 1]) << 1;
    if (counts[len]) bits = len;
  }
  // Length by length, the table doubles: a code shorter than len fills every entry whose low
  // bits are its own, so the upper half is a copy of the lower (a native copy, not a JS loop,
  // which counts: tables are built before the engine has optimised anything).
  const table = new Int32Array(1 << bits);
  for (let len = 1; len <= bits; len++) {
    table.copyWithin(1 << (len - 1), 0, 1 << (len - 1));
    for (let symbol = 0; symbol < lengths.length; symbol++) {
      if (lengths[symbol] !== len) continue;
      const code = next[len]++;
      if (code >> len) corrupt('over-subscribed Huffman code');
      let reversed = 0;
      for (let i = 0; i < len; i++) reversed |= ((code >> i) & 1) << (len - 1 - i);
      table[reversed] = (symbol << 4) | len;
    }
  }
  return { table, bits };
}

const FIXED_LITERALS = huffman(Array.from({ length: 288 }, (_, i) => (i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8)));
const FIXED_DISTANCES = huffman(new Uint8Array(30).fill(5));

/** Decompress a raw DEFLATE stream (no zlib or gzip header); corrupt data is an Error saying so. */
export function inflateRaw(input: Uint8Array): Uint8Array {
  let pos = 0; // next input byte
  let bitBuffer = 0;
  let bitCount = 0;
  let out = new Uint8Array(input.length * 4 + 1024);
  let size = 0;

  /** At least n bits in the buffer, or all that is left of the input. */
  const fill = (n: number): void => {
    while (bitCount < n && pos < input.length) {
      bitBuffer |= input[pos++] << bitCount;
      bitCount += 8;
    }
  };
  const bits = (n: number): number => {
    fill(n);
    if (bitCount < n) corrupt(TRUNCATED);
    const v = bitBuffer & ((1 << n) - 1);
    bitBuffer >>>= n;
    bitCount -= n;
    return v;
  };
  const room = (n: number): void => {
    if (size + n <= out.length) return;
    const bigger = new Uint8Array(Math.max(out.length * 2, size + n));
    bigger.set(out);
    out = bigger;
  };
  const decode = (h: Huffman): number => {
    fill(h.bits);
    const entry = h.table[bitBuffer & ((1 << h.bits) - 1)];
    const len = entry & 15;
    if (!entry) corrupt('invalid Huffman code');
    if (len > bitCount) corrupt(TRUNCATED);
    bitBuffer >>>= len;
    bitCount -= len;
    return entry >> 4;
  };

  for (let last = 0; !last; ) {
    last = bits(1);
    const type = bits(2);
    if (type === 0) {
      // Stored: byte-aligned LEN, NLEN (its complement), then LEN bytes as they are.
      bitBuffer = bitCount = 0;
      if (pos + 4 > input.length) corrupt(TRUNCATED);
      const len = input[pos] | (input[pos + 1] << 8);
      if ((len ^ (input[pos + 2] | (input[pos + 3] << 8))) !== 0xffff) corrupt('stored block length check failed');
      pos += 4;
      if (pos + len > input.length) corrupt(TRUNCATED);
      room(len);
      out.set(input.subarray(pos, pos + len), size);
      size += len;
      pos += len;
      continue;
    }
    if (type === 3) corrupt('invalid block type 3');
    let literals = FIXED_LITERALS;
    let distances = FIXED_DISTANCES;
    if (type === 2) {
      const nLiterals = bits(5) + 257;
      const nDistances = bits(5) + 1;
      const nCodeLengths = bits(4) + 4;
      if (nLiterals > 286 || nDistances > 30) corrupt('too many length or distance codes');
      const codeLengthLengths = new Uint8Array(19);
      for (let i = 0; i < nCodeLengths; i++) codeLengthLengths[CODE_LENGTH_ORDER[i]] = bits(3);
      const codeLengths = huffman(codeLengthLengths);
      const lengths = new Uint8Array(nLiterals + nDistances);
      for (let i = 0; i < lengths.length; ) {
        const symbol = decode(codeLengths);
        if (symbol < 16) {
          lengths[i++] = symbol;
          continue;
        }
        // 16: repeat the previous length 3-6 times; 17, 18: zeros, 3-10 or 11-138 times.
        if (symbol === 16 && i === 0) corrupt('repeated code length with no previous length');
        const value = symbol === 16 ? lengths[i - 1] : 0;
        const repeat = symbol === 16 ? 3 + bits(2) : symbol === 17 ? 3 + bits(3) : 11 + bits(7);
        if (i + repeat > lengths.length) corrupt('code lengths overflow');
        lengths.fill(value, i, i + repeat);
        i += repeat;
      }
      if (!lengths[256]) corrupt('no end-of-block code');
      literals = huffman(lengths.subarray(0, nLiterals));
      distances = huffman(lengths.subarray(nLiterals));
    }
    for (;;) {
      const symbol = decode(literals);
      if (symbol < 256) {
        if (size === out.length) room(1);
        out[size++] = symbol;
        continue;
      }
      if (symbol === 256) break;
      if (symbol > 285) corrupt('invalid length code');
      const length = LENGTH_BASE[symbol - 257] + bits(LENGTH_EXTRA[symbol - 257]);
      const d = decode(distances);
      if (d > 29) corrupt('invalid distance code');
      const distance = DISTANCE_BASE[d] + bits(DISTANCE_EXTRA[d]);
      if (distance > size) corrupt('distance reaches before the start of the data');
      room(length);
      // A match may overlap the bytes it produces (a run): then byte by byte.
      if (distance >= length) out.copyWithin(size, size - distance, size - distance + length);
      else for (let i = 0; i < length; i++) out[size + i] = out[size + i - distance];
      size += length;
    }
  }
  return out.slice(0, size);
}
