/**
 * Reference of simdpool's int8/uint8 pooling, written from the definitions (PyTorch 1.13's
 * quantized CPU kernels, checked against real torch by test/golden/generate_quant.py).
 * Channels-first tensors only (use transposeNd for channels-last), never library code.
 *
 * - Max (windowed, adaptive, global; values and indices): exactly float32 max pooling of the
 *   integer values (max needs no scale; integers below 2^24 are exact floats), so the float
 *   reference (poolnd.ts) is the oracle, converted back to the input's dtype. A window with no
 *   in-bounds tap gives the dtype's smallest value.
 * - Windowed average (avg_pool2d_out_frame): sum and n = the window's in-bounds cells, divisor
 *   as for float32 (divisorOverride, else padded or in-bounds cell count);
 *   q = clamp(nearbyint(f32(f32(sum - n*zeroPoint) * f32(scale/outScale/divisor)) + outZeroPoint));
 *   avg_pool3d's kernel (qavg_pool3d, any layout) adds the zero point after rounding:
 *   q = clamp(nearbyint(f32(f32(sum - n*zeroPoint) * f32(scale/outScale/divisor))) + outZeroPoint).
 * - Adaptive / global average (adaptive_avg_pool): m = f32 chain 1/k0/k1/... of the window's
 *   per-axis lengths, q = nearbyint(f32(sum) * m) (no zero point: the output keeps the input's).
 * Float32 arithmetic via Math.fround; nearbyint rounds half to even.
 */
import { adaptiveMaxPoolRef, avgPoolRef, globalMaxPoolRef, maxPoolRef, readOutputSize, type IndexOpts, type T, type WindowOpts } from './poolnd';

export type ByteArray = Int8Array | Uint8Array;
export interface Q<A extends ByteArray = ByteArray> {
  data: A;
  shape: number[];
}
export interface QuantParams {
  scale: number;
  zeroPoint: number;
  outScale?: number;
  outZeroPoint?: number;
}

const prod = (a: readonly number[]) => a.reduce((x, y) => x * y, 1);
const lowest = (a: ByteArray) => (a instanceof Int8Array ? -128 : 0);
const highest = (a: ByteArray) => (a instanceof Int8Array ? 127 : 255);

function toFloat(x: Q): T {
  return { data: Float32Array.from(x.data), shape: [...x.shape] };
}

function toBytes<A extends ByteArray>(like: A, y: T): Q<A> {
  const data = new (like.constructor as { new (n: number): A })(y.data.length);
  // -Infinity (no in-bounds tap) becomes the dtype's smallest value
  y.data.forEach((v, i) => (data[i] = v === -Infinity ? lowest(like) : v));
  return { data, shape: y.shape };
}

/** Round half to even, as C's nearbyint in the default rounding mode. */
export function nearbyint(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function qMaxPoolRef<A extends ByteArray>(dims: number, x: Q<A>, o: WindowOpts & IndexOpts) {
  const r = maxPoolRef(dims, toFloat(x), o);
  return { output: toBytes(x.data, r.output), indices: r.indices };
}

export function qAdaptiveMaxPoolRef<A extends ByteArray>(dims: number, x: Q<A>, o: { outputSize: number | (number | null)[] } & IndexOpts) {
  const r = adaptiveMaxPoolRef(dims, toFloat(x), o);
  return { output: toBytes(x.data, r.output), indices: r.indices };
}

export function qGlobalMaxPoolRef<A extends ByteArray>(dims: number, x: Q<A>): Q<A> {
  return toBytes(x.data, globalMaxPoolRef(dims, toFloat(x)));
}

/**
 * Windowed average. The window geometry comes from the float reference: sums with divisor 1,
 * cell counts as sums of ones, and the divisor recovered from the float average of ones
 * (count / fround(count / divisor) rounds back to the integer divisor).
 */
export function qAvgPoolRef<A extends ByteArray>(
  dims: number, x: Q<A>, o: WindowOpts & { countIncludePad?: boolean; divisorOverride?: number } & QuantParams,
): Q<A> {
  const base = { ...o, divisorOverride: 1 };
  // (torch's quantized avg_pool3d takes kernels larger than the input, unlike its float one, and
  // its quantized averages give empty tensors for output sizes of 0)
  const sums = avgPoolRef(dims, toFloat(x), base, 'quantized').data;
  const ones = { data: new Float32Array(x.data.length).fill(1), shape: x.shape };
  const counts = avgPoolRef(dims, ones, base, 'quantized');
  const means = avgPoolRef(dims, ones, o, 'quantized').data;
  const outScale = o.outScale ?? o.scale;
  const outZeroPoint = o.outZeroPoint ?? o.zeroPoint;
  const ratio = o.scale / outScale;
  const data = new (x.data.constructor as { new (n: number): A })(sums.length);
  for (let i = 0; i < sums.length; i++) {
    const n = counts.data[i];
    const divisor = o.divisorOverride ?? (n === 0 ? 1 : Math.round(n / means[i]));
    const m = Math.fround(ratio / divisor);
    const scaled = Math.fround(Math.fround(sums[i] - n * o.zeroPoint) * m);
    const q = dims === 3 ? nearbyint(scaled) + outZeroPoint : nearbyint(Math.fround(scaled + outZeroPoint));
    data[i] = Math.min(Math.max(q, lowest(x.data)), highest(x.data));
  }
  return { data, shape: counts.shape };
}

/** Adaptive average (global: output size 1 in every dim). */
export function qAdaptiveAvgPoolRef<A extends ByteArray>(dims: number, x: Q<A>, o: { outputSize: number | (number | null)[] }): Q<A> {
  const batched = x.shape.length === dims + 2;
  const spatial = x.shape.slice(batched ? 2 : 1);
  const outs = readOutputSize(spatial, o.outputSize);
  const planes = x.data.length / prod(spatial);
  const outN = prod(outs);
  const data = new (x.data.constructor as { new (n: number): A })(planes * outN);
  const windows = spatial.map((size, i) =>
    Array.from({ length: outs[i] }, (_, j) => [Math.floor((j * size) / outs[i]), Math.ceil(((j + 1) * size) / outs[i])]));
  for (let p = 0; p < planes; p++) {
    for (let oi = 0; oi < outN; oi++) {
      // output coordinates, row-major
      const oc: number[] = [];
      let rest = oi;
      for (let d = dims - 1; d >= 0; d--) {
        oc[d] = rest % outs[d];
        rest = Math.floor(rest / outs[d]);
      }
      const w = oc.map((j, d) => windows[d][j]);
      const m = w.reduce((acc, [a, b]) => Math.fround(acc / (b - a)), 1);
      let sum = 0;
      const visit = (d: number, offset: number): void => {
        if (d === dims) {
          sum += x.data[p * prod(spatial) + offset];
          return;
        }
        for (let i = w[d][0]; i < w[d][1]; i++) visit(d + 1, offset * spatial[d] + i);
      };
      visit(0, 0);
      // torch takes a 3D average to 1x1x1 as the quantized mean: one division by the cell count.
      const mean = dims === 3 && outN === 1;
      data[p * outN + oi] = nearbyint(mean ? Math.fround(Math.fround(sum) / Math.fround(prod(spatial))) : Math.fround(Math.fround(sum) * m));
    }
  }
  return { data, shape: [...x.shape.slice(0, batched ? 2 : 1), ...outs] };
}

export function qGlobalAvgPoolRef<A extends ByteArray>(dims: number, x: Q<A>): Q<A> {
  return qAdaptiveAvgPoolRef(dims, x, { outputSize: 1 });
}

/** Channels-first <-> channels-last for any rank, any typed array (elements copied). */
export function transposeAny<A extends ByteArray | Int32Array>(data: A, shape: readonly number[], dims: number, toLast: boolean): { data: A; shape: number[] } {
  const batched = shape.length === dims + 2;
  const s = batched ? [...shape] : [1, ...shape];
  const N = s[0];
  const C = toLast ? s[1] : s[s.length - 1];
  const spatial = toLast ? s.slice(2) : s.slice(1, -1);
  const S = prod(spatial);
  const out = new (data.constructor as { new (n: number): A })(data.length);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let p = 0; p < S; p++) {
        const first = (n * C + c) * S + p;
        const last = (n * S + p) * C + c;
        if (toLast) out[last] = data[first];
        else out[first] = data[last];
      }
  const inner = toLast ? [...spatial, C] : [C, ...spatial];
  return { data: out, shape: batched ? [N, ...inner] : inner };
}
