// The inlined bundles' unpacking: src/inflate.ts (raw DEFLATE, written from RFC 1951) against
// node:zlib, src/base85.ts against the build's encoder (scripts/pack-wasm.mjs), and the packed
// kernels of the real build.
import { readFileSync } from 'node:fs';
import { constants, deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BASE85_ALPHABET, decodeBase85 } from '../src/base85';
import { inflateRaw } from '../src/inflate';
import { unpackWasm } from '../src/wasm-packed';
// @ts-expect-error: a plain .mjs build script, no declarations
import { BASE85_ALPHABET as ENCODER_ALPHABET, encodeBase85, packWasm } from '../scripts/pack-wasm.mjs';

const build = (name: string) => new Uint8Array(readFileSync(new URL(`../build/${name}`, import.meta.url)));
/** Byte equality (vitest's toEqual walks large arrays slowly). */
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(a, b) === 0;

/** Bytes that compress in every way DEFLATE can: runs, repeats at all distances, noise. */
const compressible = fc.array(
  fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 400 })).map(([b, n]) => new Uint8Array(n).fill(b)),
    fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 50 }))
      .map(([unit, n]) => Uint8Array.from({ length: unit.length * n }, (_, i) => unit[i % unit.length])),
  ),
  { maxLength: 12 },
).map((parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
});

const STRATEGIES = [
  { level: 9 },
  { level: 1 },
  { level: 0 }, // stored blocks
  { level: 6, strategy: constants.Z_FIXED }, // fixed Huffman codes
  { level: 6, strategy: constants.Z_HUFFMAN_ONLY },
  { level: 9, strategy: constants.Z_RLE },
  { level: 9, memLevel: 1, windowBits: 9 }, // small blocks: many dynamic headers
];

describe('inflateRaw', () => {
  it('undoes node:zlib deflateRaw on random data, at every level and strategy', () => {
    fc.assert(
      fc.property(compressible, fc.constantFrom(...STRATEGIES), (data, options) => {
        expect(inflateRaw(deflateRawSync(data, options))).toEqual(data);
      }),
      { numRuns: 300 },
    );
  });

  it('undoes it on the real kernels, and on data much larger than the input guess', () => {
    for (const name of ['simdpool.wasm', 'simdpool-scalar.wasm', 'simdpool.wat']) {
      const data = build(name);
      expect(same(inflateRaw(deflateRawSync(data, { level: 9 })), data), name).toBe(true);
    }
    const zeros = new Uint8Array(1 << 20);
    expect(same(inflateRaw(deflateRawSync(zeros)), zeros)).toBe(true);
    expect(inflateRaw(deflateRawSync(new Uint8Array(0)))).toEqual(new Uint8Array(0));
  });

  it('corrupt data is an Error saying so, never a hang, another exception or a read past the end', () => {
    const data = build('simdpool-scalar.wasm');
    const packed = deflateRawSync(data, { level: 9 });
    for (const n of [0, 1, 2, 100, packed.length - 1]) {
      expect(() => inflateRaw(packed.subarray(0, n)), `truncated to ${n}`).toThrow(/^inflate: corrupt data \(unexpected end of data\)/);
    }
    expect(() => inflateRaw(Uint8Array.of(0b111))).toThrow('inflate: corrupt data (invalid block type 3)');
    expect(() => inflateRaw(Uint8Array.of(1, 5, 0, 0, 0))).toThrow('stored block length check failed');
    // A fixed-code block whose first symbol is a match: nothing precedes it to copy.
    const match = deflateRawSync(new Uint8Array(50), { level: 6, strategy: constants.Z_FIXED });
    expect(inflateRaw(match)).toEqual(new Uint8Array(50));
    expect(() => inflateRaw(Uint8Array.of(0x03, 0x02, 0x00))).toThrow(/inflate: corrupt data/);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: packed.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const bad = packed.slice();
        bad[at] ^= flip;
        try {
          inflateRaw(bad); // a flip may still decode (to other bytes): fine, wasm validation catches those
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
          expect((e as Error).message).toMatch(/^inflate: corrupt data \(.+\)$/);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('base85 and the packed kernels', () => {
  it('the encoder and the decoder share one alphabet of 85 characters that are inert in a string or a <script>', () => {
    expect(ENCODER_ALPHABET).toBe(BASE85_ALPHABET);
    expect(new Set(BASE85_ALPHABET).size).toBe(85);
    expect(BASE85_ALPHABET).toMatch(/^[!-~]+$/);
    expect(BASE85_ALPHABET).not.toMatch(/["'`\\$<>]/);
  });

  it('decodes exactly what the build encodes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (data) => {
        const text = encodeBase85(data) as string;
        expect(text.length).toBe(Math.floor(data.length / 4) * 5 + (data.length % 4 && (data.length % 4) + 1));
        expect(decodeBase85(text)).toEqual(data);
      }),
    );
    for (const data of [[255, 255, 255, 255], [255], [255, 255, 255], [0], []]) {
      expect([...decodeBase85(encodeBase85(Uint8Array.from(data)))]).toEqual(data);
    }
  });

  it('rejects text that is not base85', () => {
    expect(() => decodeBase85('abcdef')).toThrow('base85: invalid text (length 6, at 0)');
    expect(() => decodeBase85('abc"e')).toThrow('base85: invalid text (length 5, at 3)');
  });

  it('survives minification unchanged', async () => {
    const { transform } = await import('esbuild');
    const text = encodeBase85(build('simdpool-scalar.wasm')) as string;
    const { code } = await transform(`export const t = ${JSON.stringify(text)};`, { minify: true, format: 'esm' });
    expect(code).toContain(JSON.stringify(text));
  });

  it('unpacks the builds the bundles carry, in order', async () => {
    for (const [scalar, simd] of [['simdpool-scalar', 'simdpool'], ['core-scalar', 'core']]) {
      const builds = [build(`${scalar}.wasm`), build(`${simd}.wasm`)];
      const texts = [readFileSync(new URL(`../build/${simd}.b85`, import.meta.url), 'utf8')];
      if (simd === 'core') texts.push(await packWasm(builds)); // Zopfli takes seconds on the larger pair
      const g = globalThis as { DecompressionStream?: unknown };
      const native = g.DecompressionStream;
      for (const text of texts) {
        // with the engine's DecompressionStream, and with src/inflate.ts where it is missing
        for (const stream of [native, undefined]) {
          g.DecompressionStream = stream;
          try {
            const unpacked = await unpackWasm(text);
            expect(unpacked.length).toBe(2);
            expect(same(unpacked[0], builds[0]) && same(unpacked[1], builds[1]), simd).toBe(true);
          } finally {
            g.DecompressionStream = native;
          }
        }
      }
    }
  });
});
