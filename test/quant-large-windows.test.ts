// int8/uint8 adaptive and global averages over windows of more than 8,421,504 cells (2^31 / 255,
// past which an i32 window sum may wrap): PyTorch 1.13's contiguous quantized kernel sums each
// window in int64, so simdpool sums them exactly too (assembly/bytes.ts adaptiveAvgBytesWide),
// in both layouts (channels-last results are the contiguous kernel's, transposed). Golden
// outputs from torch (test/golden/generate_quant_large.py); the inputs (9-34 MB) are computed
// here from the generator's formula. Each case's runs make some outputs differ from the exactly
// rounded mean: they pin down torch's float32 conversion of the sum. Node, SIMD and scalar builds.
import { describe, expect, it } from 'vitest';
import golden from './golden/quant-large.json';
import { transposeAny } from './reference/quant';
import { LAYOUTS } from './reference/poolnd';
import { getEngine } from './support/engine';

type Bytes = Int8Array | Uint8Array;
const ARRAY = { int8: Int8Array, uint8: Uint8Array };
const LOW = { int8: -128, uint8: 0 };

interface Case {
  dtype: 'int8' | 'uint8';
  shape: number[];
  outputSize: number[];
  run: number;
  fill: number;
  output: number[];
}

/** generate_quant_large.py's codes: per plane, `fill` for the first `run` cells, then a scrambled pattern. */
function codes(c: Case): Bytes {
  const plane = c.shape.slice(2).reduce((a, b) => a * b, 1);
  const data = new ARRAY[c.dtype](plane * c.shape[0] * c.shape[1]);
  for (let i = 0; i < data.length; i++) data[i] = i % plane < c.run ? c.fill : ((i * 7919 + 13) % 256) + LOW[c.dtype];
  return data;
}

describe('int8/uint8 adaptive averages over windows too large for int32 sums (PyTorch sums in int64)', async () => {
  const sp = await getEngine();
  const pool = sp as unknown as Record<string, (x: unknown, o?: unknown) => { data: Bytes; shape: number[] }>;
  for (const c of golden.cases as Case[]) {
    const dims = c.shape.length - 2;
    it(`${c.dtype} ${c.shape.join('x')} to ${c.outputSize.join('x')}, both layouts`, () => {
      const data = codes(c);
      const global = c.outputSize.every((o) => o === 1);
      for (const last of [false, true]) {
        const x = last ? transposeAny(data, c.shape, dims, true) : { data, shape: c.shape };
        const input = { ...x, layout: LAYOUTS[dims][last ? 1 : 0] };
        const results = [pool[`adaptiveAvgPool${dims}d`](input, { outputSize: c.outputSize })];
        if (global) results.push(pool[`globalAvgPool${dims}d`](input));
        for (const y of results) {
          expect(y.data).toBeInstanceOf(ARRAY[c.dtype]);
          const back = last ? transposeAny(y.data, y.shape, dims, false).data : y.data;
          expect(Array.from(back), last ? 'channels-last' : 'channels-first').toEqual(c.output);
        }
      }
    });
  }
});
