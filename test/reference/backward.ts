/**
 * Plain reference of simdpool's backward passes, written from the definitions: what
 * torch.autograd computes for the forward operators of test/reference/poolnd.ts (PyTorch 1.13
 * float32 CPU; checked against real torch by test/golden/generate_backward.py). Channels-first
 * tensors only; never imports library code.
 *
 * - The gradient of the input starts at zero; output positions are visited in scan order
 *   (samples, channels, then output coordinates row-major) and each adds into input cells in
 *   float32, so overlapping windows accumulate in that order.
 * - Max: gradOutput added at the forward argmax (indices: PyTorch's per-plane flat index; -1
 *   adds nothing, anything else outside the plane is a RangeError). Without indices, the argmax
 *   of the forward reference; an index outside the plane (a window with no in-bounds tap) adds
 *   nothing.
 * - Average: grad / divisor (the forward divisor) added to every in-bounds cell of the window.
 * - Lp (torch's lp_pool, out = (sign(A) relu(|A|) K)^(1/p), A = avg_pool(x^p)): per window
 *   w = (grad * (fround(1/p) * C^(1/p-1))) * K with C = A*K, 0 where A == 0 (relu's gradient);
 *   w / count spread as an average; then times p * x^(p-1).
 */
import {
  adaptive, adaptiveMaxPoolRef, avgWindows, coords, flat, join, maxPoolRef, poolWindows, prod, readOutputSize, split,
  type AvgOpts, type IndexOpts, type T, type WindowOpts, type Windows,
} from './poolnd';

/** Scatter-add of grad at per-plane indices into zeros of `inSpatial` planes. */
export function scatterRef(dims: number, grad: T, indices: T<Int32Array>, inSpatial: number[], strict: boolean): T {
  const sp = split(grad.shape, dims);
  const outN = prod(sp.spatial);
  const inN = prod(inSpatial);
  const out = new Float32Array(sp.N * sp.C * inN);
  for (let plane = 0; plane < sp.N * sp.C; plane++)
    for (let i = 0; i < outN; i++) {
      const idx = indices.data[plane * outN + i];
      if (idx < 0 || idx >= inN) {
        if (strict && idx !== -1) throw new RangeError(`invalid index ${idx}`);
        continue;
      }
      const at = plane * inN + idx;
      out[at] = Math.fround(out[at] + grad.data[plane * outN + i]);
    }
  return { data: out, shape: join(sp, inSpatial) };
}

/**
 * The gradient of max pooling: grad at each window's argmax. A window with no in-bounds tap
 * (explicit padding as wide as it) has a constant -Infinity output and sends nothing, whatever
 * index the forward pass reports for it (PyTorch's start index, which can lie in the plane).
 */
export function maxPoolBackwardRef(dims: number, grad: T, x: T, o: WindowOpts & IndexOpts): T {
  const { indices } = maxPoolRef(dims, x, { ...o, indexFormat: 'plane' });
  if (!sameShape(indices.shape, grad.shape)) throw new RangeError('gradOutput shape');
  const spatial = split(x.shape, dims).spatial;
  const w = poolWindows(dims, spatial, o);
  const empty = [...coords(w.out)].map((oc) => w.taps(oc).length === 0);
  const noInput = { ...indices, data: indices.data.map((i, at) => (empty[at % empty.length] ? -1 : i)) };
  return scatterRef(dims, grad, noInput, spatial, false);
}

export function adaptiveMaxPoolBackwardRef(dims: number, grad: T, x: T, o: IndexOpts = {}): T {
  const sp = split(grad.shape, dims);
  const { indices } = adaptiveMaxPoolRef(dims, x, { ...o, outputSize: sp.spatial, indexFormat: 'plane' });
  return scatterRef(dims, grad, indices, split(x.shape, dims).spatial, false);
}

/** Each window adds delta(plane, oc, taps, g) to its in-bounds cells. */
function spread(
  dims: number, grad: T, inSpatial: number[], w: Windows, delta: (plane: number, oc: number[], taps: number, g: number) => number,
): T {
  const sp = split(grad.shape, dims);
  if (!sameShape(w.out, sp.spatial)) throw new RangeError('gradOutput shape');
  const outN = prod(sp.spatial);
  const inN = prod(inSpatial);
  const out = new Float32Array(sp.N * sp.C * inN);
  for (let plane = 0; plane < sp.N * sp.C; plane++)
    for (const oc of coords(sp.spatial)) {
      const taps = w.taps(oc);
      const d = delta(plane, oc, taps.length, grad.data[plane * outN + flat(oc, sp.spatial)]);
      for (const tc of taps) {
        const at = plane * inN + flat(tc, inSpatial);
        out[at] = Math.fround(out[at] + d);
      }
    }
  return { data: out, shape: join(sp, inSpatial) };
}

/** `inputShape`: the forward input's channels-first shape. */
export function avgPoolBackwardRef(dims: number, grad: T, inputShape: number[], o: AvgOpts): T {
  const inSpatial = split(inputShape, dims).spatial;
  const { windows, divisor } = avgWindows(dims, inSpatial, o);
  return spread(dims, grad, inSpatial, windows, (_, oc, taps, g) => Math.fround(g / divisor(oc, taps)));
}

/**
 * As torch.autograd (1.13): each output's gradient divided by its window's size along one axis
 * after another (grad / kH / kW); an all-ones output size is pooled as a mean, whose gradient is
 * grad / (cell count) written to every cell (expand, not added into zeros: a -0 stays -0).
 */
export function adaptiveAvgPoolBackwardRef(dims: number, grad: T, inputShape: number[]): T {
  const inSpatial = split(inputShape, dims).spatial;
  const outSpatial = split(grad.shape, dims).spatial;
  if (outSpatial.every((n) => n === 1)) {
    const sp = split(grad.shape, dims);
    const inN = prod(inSpatial);
    const data = Float32Array.from({ length: sp.N * sp.C * inN }, (_, i) => Math.fround(grad.data[Math.floor(i / inN)] / inN));
    return { data, shape: join(sp, inSpatial) };
  }
  const w = adaptive(inSpatial, readOutputSize(inSpatial, outSpatial));
  const size = (o: number, i: number) => Math.ceil(((o + 1) * inSpatial[i]) / outSpatial[i]) - Math.floor((o * inSpatial[i]) / outSpatial[i]);
  return spread(dims, grad, inSpatial, w, (_p, oc, _taps, g) => oc.reduce((v, o, i) => Math.fround(v / size(o, i)), g));
}

/** torch's pow: x*x and x*x*x for 2 and 3, else powf with the exponent rounded to float32. */
function powTorch(v: number, p: number): number {
  if (p === 1) return v;
  if (p === 2) return Math.fround(v * v);
  if (p === 3) return Math.fround(Math.fround(v * v) * v);
  return Math.fround(v ** Math.fround(p));
}

/**
 * With `magnitude`, the same sums of absolute terms: the scale of the rounding error of any
 * float32 evaluation (the powers are not correctly rounded in PyTorch either), for tolerances
 * where overlapping windows' terms cancel.
 */
export function lpPoolBackwardRef(
  dims: number, grad: T, x: T, o: { normType?: number; kernelSize: number | number[]; stride?: number | number[]; ceilMode?: boolean },
  magnitude = false,
): T {
  const abs = magnitude ? Math.abs : (v: number) => v;
  const p = o.normType ?? 2;
  const sp = split(x.shape, dims);
  const { windows, divisor } = avgWindows(dims, sp.spatial, { kernelSize: o.kernelSize, stride: o.stride, ceilMode: o.ceilMode });
  const K = prod(Array.isArray(o.kernelSize) ? o.kernelSize : new Array(dims).fill(o.kernelSize));
  const inN = prod(sp.spatial);
  const inv = Math.fround(1 / p);
  const gin = spread(dims, grad, sp.spatial, windows, (plane, oc, taps, g) => {
    const base = plane * inN;
    let sum = 0;
    for (const tc of windows.taps(oc)) sum = Math.fround(sum + powTorch(x.data[base + flat(tc, sp.spatial)], p));
    const A = taps === 0 ? 0 : Math.fround(sum / divisor(oc, taps));
    if (A === 0) return 0;
    const C = Math.fround(A * K);
    const w = Math.fround(Math.fround(g * Math.fround(inv * Math.fround(C ** (1 / p - 1)))) * K);
    // torch: out = (sign(A) * relu(|A|) * k)^(1/p), and sign(NaN) is 0: a NaN A's gradient is w * 0
    // (0 where p = 1 makes w finite, NaN otherwise); otherwise sign(A)^2 = 1.
    const sign = A > 0 ? 1 : A < 0 ? -1 : 0;
    return abs(Math.fround(Math.fround(w * sign * sign) / divisor(oc, taps)));
  });
  const data = gin.data.map((v, i) => abs(Math.fround(v * Math.fround(p * Math.fround(x.data[i] ** (p - 1))))));
  return { data, shape: gin.shape };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}
