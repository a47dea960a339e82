// int8/uint8 adaptive averages bound their windows as PyTorch 1.13's quantized kernel does, in
// float32: [floor(f32(o*size) / out), ceil(f32((o+1)*size) / out)), which differs from the exact
// integer bounds (float32 adaptive pooling) once o*size passes 2^24. Golden values from torch
// (F.adaptive_avg_pool1d/2d of quantize_per_tensor tensors, scale 0.5, zero point 3 / -3).
import { describe, expect, it } from 'vitest';
import * as q from './reference/quant';
import { getEngine } from './support/engine';

const ARRAY = { int8: Int8Array, uint8: Uint8Array };
type Dtype = keyof typeof ARRAY;
// torch's last two output positions per channel (its last window is [4097, 4098), not [4096, 4098))
const GOLDEN_1D = { uint8: [[110, 37], [84, 108]], int8: [[-18, -91], [-44, -20]] };
// torch's last output row per channel (outputSize [4097, 2])
const GOLDEN_2D = { uint8: [[196, 122], [130, 56]], int8: [[68, -6], [2, -72]] };

function transposeLast(data: Int8Array | Uint8Array, C: number): Int8Array | Uint8Array {
  const P = data.length / C;
  const out = data.slice();
  for (let c = 0; c < C; c++) for (let p = 0; p < P; p++) out[p * C + c] = data[c * P + p];
  return out;
}

describe('int8/uint8 adaptive average windows in float32 (PyTorch quantized)', async () => {
  const sp = await getEngine();
  for (const dtype of ['uint8', 'int8'] as Dtype[]) {
    const shift = dtype === 'int8' ? 128 : 0;
    for (const dims of [1, 2]) {
      const shape = dims === 1 ? [1, 2, 4098] : [1, 2, 4098, 3];
      const outputSize = dims === 1 ? 4097 : [4097, 2];
      const n = shape.reduce((a, b) => a * b, 1);
      const data = ARRAY[dtype].from({ length: n }, (_, i) =>
        (dims === 1 ? (i < 4098 ? (i * 37) % 256 : ((i - 4098) * 101 + 7) % 256) : (i * 53 + 11) % 256) - shift);
      const ref = q.qAdaptiveAvgPoolRef(dims, { data, shape }, { outputSize }).data; // exact integer windows
      for (const last of [false, true]) {
        for (const resident of [false, true]) {
          it(`${dtype} ${dims}d ${last ? 'channels-last' : 'channels-first'}${resident ? ' resident' : ''}`, () => {
            const layout = dims === 1 ? (last ? 'NWC' : 'NCW') : last ? 'NHWC' : 'NCHW';
            const xShape = last ? [1, ...shape.slice(2), 2] : shape;
            const xData = last ? transposeLast(data, 2) : data;
            const x = resident ? sp.fromArray(xData, xShape, layout) : { data: xData, shape: xShape, layout };
            const y = (dims === 1 ? sp.adaptiveAvgPool1d : sp.adaptiveAvgPool2d).call(sp, x as never, { outputSize } as never) as { data: Int8Array | Uint8Array; dispose?: () => void };
            const plane = dims === 1 ? 4097 : 4097 * 2;
            const got = Array.from(y.data, (_, i) => (last ? y.data[(i % plane) * 2 + Math.floor(i / plane)] : y.data[i]));
            y.dispose?.();
            (x as { dispose?: () => void }).dispose?.();
            for (let c = 0; c < 2; c++) {
              const tail = got.slice((c + 1) * plane - 2, (c + 1) * plane);
              expect(tail).toEqual(dims === 1 ? GOLDEN_1D[dtype][c] : GOLDEN_2D[dtype][c]);
              // every window before the last (row) matches the exact bounds
              const head = plane - (dims === 1 ? 1 : 2);
              expect(got.slice(c * plane, c * plane + head)).toEqual(Array.from(ref.slice(c * plane, c * plane + head)));
            }
          });
        }
      }
    }
  }

  it('a last window whose float32 end rounds past the input stops at the input (PyTorch reads past it)', () => {
    // 4101 cells to 4095: f32(f32(4095 * 4101) / 4095) = 4101.0005, whose ceil is one cell beyond.
    // A constant input averages to itself in every window; a cell from outside would show.
    for (const value of [0, 255]) {
      const x = { data: new Uint8Array(4101).fill(value), shape: [1, 1, 4101] };
      const y = sp.adaptiveAvgPool1d(x as never, { outputSize: 4095 }) as unknown as { data: Uint8Array };
      expect(y.data.length).toBe(4095);
      expect(y.data.every((v) => v === value)).toBe(true);
    }
  });

  it('float32 adaptive averages keep the exact integer bounds', () => {
    const data = Float32Array.from({ length: 4098 }, (_, i) => (i * 37) % 256);
    const y = sp.adaptiveAvgPool1d({ data, shape: [1, 1, 4098] }, { outputSize: 4097 });
    expect(y.data[4096]).toBe((data[4096] + data[4097]) / 2);
  });
});
