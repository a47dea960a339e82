/**
 * Plain, deliberately unoptimised reference of simdpool's N-d operators (1, 2 or 3 spatial
 * dims), written from the definitions (PyTorch 1.13 float32 CPU semantics, checked against
 * real torch by test/golden/generate_breadth.py). The test oracle: never import library code.
 *
 * Tensors here are channels-first ([N, C, ...spatial], or [C, ...spatial] unbatched); use
 * transposeNd for channels-last layouts.
 *
 * - Windowed max/avg: as test/reference/pool2d.ts, per spatial dim (output size, symmetric
 *   padding <= floor(k/2), 'valid', 'same' = SAME_UPPER, explicit per-side padding, ceil mode
 *   dropping a window that starts in the right padding, avg divisor rules, +0 averages).
 * - nanMode 'ignore': a NaN never wins (update only when v > best); a window with no non-NaN
 *   in-bounds value gives -Infinity and keeps the initial index.
 * - Lp (torch's lp_pool): out = avg_pool(x^p, padding 0, countIncludePad) in float32, then
 *   (out * prod(kernel)) ^ (1/p); both exponents are rounded to float32 first, as torch does. A partial ceil-mode window is divided by its in-bounds count
 *   and multiplied by the full kernel size (torch's formula).
 * - Adaptive: window o of an axis is [floor(o*in/out), ceil((o+1)*in/out)); max's initial
 *   index is the window's first position; avg divides by the window's cell count.
 * - Index formats from the per-plane index p of sample n, channel c (S = input spatial size):
 *   onnx: (n*C + c)*S + g, g = p (storageOrder 0) or the column-major flat index (1);
 *   tf: p*C + c (+ n*S*C with includeBatchInIndex).
 * - Unpool: zeros, then out[plane][idx] = v in scan order (last write wins); any idx outside
 *   [0, out plane size) is a RangeError. Output size: (in-1)*s + k - 2p, or outputSize within
 *   (default - s, default + s) exclusive.
 */

export type Layout = 'NCW' | 'NWC' | 'NCHW' | 'NHWC' | 'NCDHW' | 'NDHWC';
export interface T<A extends Float32Array | Int32Array = Float32Array> {
  data: A;
  shape: number[];
  layout?: Layout;
}

export const LAYOUTS: Record<number, [Layout, Layout]> = { 1: ['NCW', 'NWC'], 2: ['NCHW', 'NHWC'], 3: ['NCDHW', 'NDHWC'] };

export const prod = (a: readonly number[]) => a.reduce((x, y) => x * y, 1);

/** All coordinate tuples of `sizes`, row-major. */
export function* coords(sizes: readonly number[]): Generator<number[]> {
  if (sizes.some((s) => s === 0)) return;
  const c = new Array(sizes.length).fill(0);
  while (true) {
    yield [...c];
    let i = sizes.length - 1;
    while (i >= 0 && ++c[i] === sizes[i]) c[i--] = 0;
    if (i < 0) return;
  }
}

export const flat = (c: readonly number[], sizes: readonly number[]) => c.reduce((acc, v, i) => acc * sizes[i] + v, 0);

export interface Split {
  N: number;
  C: number;
  spatial: number[];
  batched: boolean;
}

export function split(shape: readonly number[], dims: number): Split {
  if (shape.length !== dims + 1 && shape.length !== dims + 2) throw new RangeError(`rank ${shape.length} for ${dims}-d`);
  const batched = shape.length === dims + 2;
  const s = batched ? [...shape] : [1, ...shape];
  if (s.slice(1).some((n) => n === 0)) throw new RangeError(`zero size in ${JSON.stringify(shape)}`);
  return { N: s[0], C: s[1], spatial: s.slice(2), batched };
}

export const join = (sp: Split, spatial: readonly number[]) => (sp.batched ? [sp.N, sp.C, ...spatial] : [sp.C, ...spatial]);

/** Channels-first <-> channels-last for any rank (values copied bit for bit). */
export function transposeNd<A extends Float32Array | Int32Array>(x: T<A>, dims: number, toLast: boolean): T<A> {
  const batched = x.shape.length === dims + 2;
  const s = batched ? [...x.shape] : [1, ...x.shape];
  const [N] = s;
  const C = toLast ? s[1] : s[s.length - 1];
  const spatial = toLast ? s.slice(2) : s.slice(1, -1);
  const S = prod(spatial);
  const out = new (x.data.constructor as { new (n: number): A })(x.data.length);
  const src = new Uint32Array(x.data.buffer, x.data.byteOffset, x.data.length);
  const dst = new Uint32Array(out.buffer);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let p = 0; p < S; p++) {
        const first = (n * C + c) * S + p;
        const last = (n * S + p) * C + c;
        if (toLast) dst[last] = src[first];
        else dst[first] = src[last];
      }
  const inner = toLast ? [...spatial, C] : [C, ...spatial];
  return { data: out, shape: batched ? [N, ...inner] : inner, layout: LAYOUTS[dims][toLast ? 1 : 0] };
}

// ---------------------------------------------------------------------------
// windows

interface AxisW {
  size: number;
  k: number;
  s: number;
  d: number;
  before: number;
  after: number;
  out: number;
}

const SIDES: Record<number, [string, string][]> = {
  1: [['left', 'right']],
  2: [['top', 'bottom'], ['left', 'right']],
  3: [['front', 'back'], ['top', 'bottom'], ['left', 'right']],
};

// A number, or a list of one, is that size on every dim (torch's kernel_size=[3] in 2D).
const perDim = (v: unknown, dims: number): number[] =>
  Array.isArray(v) && v.length !== 1 ? (v as number[]) : new Array(dims).fill(Array.isArray(v) ? v[0] : v);

export interface WindowOpts {
  kernelSize: number | number[];
  stride?: number | number[];
  padding?: number | number[] | 'valid' | 'same' | Record<string, number>;
  dilation?: number | number[];
  ceilMode?: boolean;
}

function windowAxes(dims: number, spatial: number[], o: WindowOpts, least = 1): { axes: AxisW[]; same: boolean } {
  const k = perDim(o.kernelSize, dims);
  const s = o.stride === undefined ? k : perDim(o.stride, dims);
  const d = o.dilation === undefined ? new Array(dims).fill(1) : perDim(o.dilation, dims);
  const ceil = o.ceilMode ?? false;
  const p = o.padding ?? 0;
  const axes = spatial.map((size, i): AxisW => {
    let before: number, after: number;
    if (p === 'same') {
      const out = Math.ceil(size / s[i]);
      const total = Math.max((out - 1) * s[i] + d[i] * (k[i] - 1) + 1 - size, 0);
      before = Math.floor(total / 2);
      after = total - before;
      return { size, k: k[i], s: s[i], d: d[i], before, after, out };
    }
    if (p === 'valid') before = after = 0;
    else if (typeof p === 'object' && !Array.isArray(p)) {
      before = p[SIDES[dims][i][0]] ?? 0;
      after = p[SIDES[dims][i][1]] ?? 0;
    } else {
      before = after = perDim(p, dims)[i];
      if (before > Math.floor(k[i] / 2)) throw new RangeError(`padding ${before} > kernel ${k[i]} / 2`);
    }
    const numer = size + before + after - d[i] * (k[i] - 1) - 1 + (ceil ? s[i] - 1 : 0);
    let out = Math.floor(numer / s[i]) + 1;
    if (ceil && (out - 1) * s[i] >= size + before) out -= 1;
    return { size, k: k[i], s: s[i], d: d[i], before, after, out };
  });
  if (axes.some((a) => a.out < least)) throw new RangeError(`output size < ${least}`);
  return { axes, same: p === 'same' };
}

// ---------------------------------------------------------------------------
// max

export interface IndexOpts {
  nanMode?: 'propagate' | 'ignore';
  indexFormat?: 'plane' | 'onnx' | 'tf';
  storageOrder?: 0 | 1;
  includeBatchInIndex?: boolean;
}

function takes(v: number, best: number, nanMode: IndexOpts['nanMode']): boolean {
  return v > best || (nanMode !== 'ignore' && Number.isNaN(v));
}

/** Per-plane index p of (n, c) in the requested numbering. */
function formatIndex(p: number, n: number, c: number, sp: Split, o: IndexOpts): number {
  const S = prod(sp.spatial);
  if (o.indexFormat === 'onnx') {
    let g = p;
    if (o.storageOrder === 1) {
      // row-major coordinates of p, then first spatial dim fastest
      const cs: number[] = [];
      let rest = p;
      for (let i = sp.spatial.length - 1; i > 0; i--) {
        cs[i] = rest % sp.spatial[i];
        rest = Math.floor(rest / sp.spatial[i]);
      }
      // The leading coordinate is not wrapped: a window entirely in padding reports torch's
      // out-of-plane initial index, which maps by the same arithmetic.
      cs[0] = rest;
      g = 0;
      let step = 1;
      for (let i = 0; i < cs.length; i++) {
        g += cs[i] * step;
        step *= sp.spatial[i];
      }
    }
    return (n * sp.C + c) * S + g;
  }
  if (o.indexFormat === 'tf') return p * sp.C + c + (o.includeBatchInIndex ? n * S * sp.C : 0);
  return p;
}

export interface Windows {
  out: number[];
  /** Per output coordinate: the input coordinates of the window, row-major, in-bounds only. */
  taps(oc: number[]): number[][];
  /** Initial index coordinates. */
  init(oc: number[]): number[];
}

function runMax(x: T, dims: number, w: Windows, o: IndexOpts): { output: T; indices: T<Int32Array> } {
  const sp = split(x.shape, dims);
  const outN = prod(w.out);
  const out = new Float32Array(sp.N * sp.C * outN);
  const idx = new Int32Array(out.length);
  const S = prod(sp.spatial);
  for (let n = 0; n < sp.N; n++)
    for (let c = 0; c < sp.C; c++) {
      const base = (n * sp.C + c) * S;
      for (const oc of coords(w.out)) {
        let best = -Infinity;
        let bestIndex = flat(w.init(oc), sp.spatial);
        for (const tc of w.taps(oc)) {
          const i = flat(tc, sp.spatial);
          const v = x.data[base + i];
          if (takes(v, best, o.nanMode)) {
            best = v;
            bestIndex = i;
          }
        }
        const at = (n * sp.C + c) * outN + flat(oc, w.out);
        out[at] = best;
        idx[at] = formatIndex(bestIndex, n, c, sp, o);
      }
    }
  const shape = join(sp, w.out);
  return { output: { data: out, shape }, indices: { data: idx, shape: [...shape] } };
}

function strided(axes: AxisW[]): Windows {
  const firstTap = (a: AxisW, o: number) => {
    let p = o * a.s - a.before;
    while (p < 0) p += a.d;
    return p;
  };
  return {
    out: axes.map((a) => a.out),
    init: (oc) => oc.map((o, i) => firstTap(axes[i], o)),
    taps: (oc) => {
      const per = oc.map((o, i) => {
        const a = axes[i];
        const list: number[] = [];
        for (let j = 0; j < a.k; j++) {
          const p = o * a.s - a.before + j * a.d;
          if (p >= 0 && p < a.size) list.push(p);
        }
        return list;
      });
      return [...coords(per.map((l) => l.length))].map((jc) => jc.map((j, i) => per[i][j]));
    },
  };
}

export function adaptive(spatial: number[], outSize: number[]): Windows {
  const start = (o: number, i: number) => Math.floor((o * spatial[i]) / outSize[i]);
  const end = (o: number, i: number) => Math.ceil(((o + 1) * spatial[i]) / outSize[i]);
  return {
    out: outSize,
    init: (oc) => oc.map(start),
    taps: (oc) => {
      const lo = oc.map(start);
      const hi = oc.map(end);
      return [...coords(lo.map((l, i) => hi[i] - l))].map((jc) => jc.map((j, i) => lo[i] + j));
    },
  };
}

/** The windows of kernelSize/stride/padding/dilation/ceilMode over `spatial`. */
export function poolWindows(dims: number, spatial: number[], o: WindowOpts): Windows {
  return strided(windowAxes(dims, spatial, o).axes);
}

export function maxPoolRef(dims: number, x: T, o: WindowOpts & IndexOpts) {
  return runMax(x, dims, poolWindows(dims, split(x.shape, dims).spatial, o), o);
}

export function readOutputSize(spatial: number[], v: number | (number | null)[]): number[] {
  return Array.isArray(v) ? v.map((n, i) => (n === null ? spatial[i] : n)) : spatial.map(() => v);
}

export function adaptiveMaxPoolRef(dims: number, x: T, o: { outputSize: number | (number | null)[] } & IndexOpts) {
  const sp = split(x.shape, dims);
  return runMax(x, dims, adaptive(sp.spatial, readOutputSize(sp.spatial, o.outputSize)), o);
}

export function globalMaxPoolRef(dims: number, x: T, o: IndexOpts = {}): T {
  const sp = split(x.shape, dims);
  return runMax(x, dims, adaptive(sp.spatial, sp.spatial.map(() => 1)), o).output;
}

// ---------------------------------------------------------------------------
// averages

/**
 * Sum of in-bounds taps (row-major, float32) divided by a per-window divisor, plus 0. `divisor`:
 * one number, or (adaptive averages as torch divides them) one per axis, divided in turn.
 */
function runAvg(x: T, dims: number, w: Windows, divisor: (oc: number[], taps: number) => number | number[]): T {
  const sp = split(x.shape, dims);
  const outN = prod(w.out);
  const out = new Float32Array(sp.N * sp.C * outN);
  const S = prod(sp.spatial);
  for (let n = 0; n < sp.N; n++)
    for (let c = 0; c < sp.C; c++)
      for (const oc of coords(w.out)) {
        const taps = w.taps(oc);
        let sum = 0;
        for (const tc of taps) sum = Math.fround(sum + x.data[(n * sp.C + c) * S + flat(tc, sp.spatial)]);
        const divisors = [divisor(oc, taps.length)].flat();
        const mean = divisors.reduce((v, d) => Math.fround(v / d), sum);
        out[(n * sp.C + c) * outN + flat(oc, w.out)] = taps.length === 0 ? 0 : 0 + mean;
      }
  return { data: out, shape: join(sp, w.out) };
}

export type AvgOpts = WindowOpts & { countIncludePad?: boolean; divisorOverride?: number };

/**
 * An average's windows over `spatial` and each window's divisor (from its output coordinates and
 * tap count); output sizes below `least` are a RangeError.
 */
export function avgWindows(dims: number, spatial: number[], o: AvgOpts, least = 1): { windows: Windows; divisor: (oc: number[], taps: number) => number } {
  if (o.divisorOverride === 0) throw new RangeError('divisorOverride 0');
  const { axes, same } = windowAxes(dims, spatial, o, least);
  const countPad = o.countIncludePad ?? !same; // 'same': padded cells counted only when asked
  const padded = (oc: number[]) =>
    prod(oc.map((q, i) => {
      const a = axes[i];
      const start = q * a.s - a.before;
      return Math.min(start + a.k, a.size + a.after) - start;
    }));
  return { windows: strided(axes), divisor: (oc, taps) => o.divisorOverride ?? (countPad ? padded(oc) : taps) };
}

/**
 * `kernel`: which of torch's kernels. Its float ones reject an output size of 0, and its float
 * avg_pool3d (alone of the family) a kernel larger than the unpadded input, with PyTorch's
 * padding; its quantized ones do neither (an output size of 0 is an empty tensor).
 */
export function avgPoolRef(dims: number, x: T, o: AvgOpts, kernel: 'float' | 'quantized' = 'float'): T {
  const spatial = split(x.shape, dims).spatial;
  const torchPadding = typeof o.padding !== 'string' && (typeof o.padding !== 'object' || Array.isArray(o.padding));
  const k = perDim(o.kernelSize, dims);
  const kernelWithinInput = kernel === 'float' && dims === 3;
  if (kernelWithinInput && torchPadding && spatial.some((n, i) => n < k[i])) throw new RangeError(`input ${spatial} smaller than kernel ${k}`);
  const { windows, divisor } = avgWindows(dims, spatial, o, kernel === 'float' ? 1 : 0);
  return runAvg(x, dims, windows, divisor);
}

/**
 * torch's adaptive_avg_pool: sum / kH / kW (the window's size along each axis in turn), except
 * in 1D and where every output size is 1, which torch computes as a mean (sum / cells).
 */
export function adaptiveAvgPoolRef(dims: number, x: T, o: { outputSize: number | (number | null)[] }): T {
  const sp = split(x.shape, dims);
  const outSize = readOutputSize(sp.spatial, o.outputSize);
  const w = adaptive(sp.spatial, outSize);
  const byAxis = dims > 1 && outSize.some((n) => n !== 1);
  const sizes = (oc: number[]) => oc.map((q, i) => Math.ceil(((q + 1) * sp.spatial[i]) / outSize[i]) - Math.floor((q * sp.spatial[i]) / outSize[i]));
  return runAvg(x, dims, w, (oc, taps) => (byAxis ? sizes(oc) : taps));
}

export function globalAvgPoolRef(dims: number, x: T): T {
  const sp = split(x.shape, dims);
  return runAvg(x, dims, adaptive(sp.spatial, sp.spatial.map(() => 1)), (_, taps) => taps);
}

/** torch's lp_pool: (avg_pool(x^p) * prod(kernel)) ^ (1/p), float32 at every step. */
export function lpPoolRef(dims: number, x: T, o: { normType?: number; kernelSize: number | number[]; stride?: number | number[]; ceilMode?: boolean }): T {
  const p = o.normType ?? 2;
  // torch's pow computes x^2 as x*x and x^3 as x*x*x (float32 products); any other p as
  // powf with the exponent rounded to float32 (so x ** 0.7 is x ** 0.699999988).
  const pf = Math.fround(p);
  const pow = (v: number) => (p === 2 ? Math.fround(v * v) : p === 3 ? Math.fround(Math.fround(v * v) * v) : Math.fround(v ** pf));
  const powered = { data: x.data.map(pow), shape: x.shape };
  // torch >= 2.2's lp_pool3d pools through avg_pool3d, so its kernel check applies (torch 1.13 has none)
  const avg = avgPoolRef(dims, powered, { kernelSize: o.kernelSize, stride: o.stride, ceilMode: o.ceilMode });
  const K = prod(perDim(o.kernelSize, dims));
  const q = Math.fround(1 / p);
  return { data: avg.data.map((v) => Math.fround(Math.fround(v * K) ** q)), shape: avg.shape };
}

export function globalLpPoolRef(dims: number, x: T, o: { normType?: number } = {}): T {
  const sp = split(x.shape, dims);
  return lpPoolRef(dims, x, { normType: o.normType, kernelSize: sp.spatial });
}

// ---------------------------------------------------------------------------
// unpooling

export function maxUnpoolRef(
  dims: number, x: T, indices: T<Int32Array>,
  o: { kernelSize: number | number[]; stride?: number | number[]; padding?: number | number[]; outputSize?: number[] },
): T {
  const sp = split(x.shape, dims);
  const k = perDim(o.kernelSize, dims);
  const s = o.stride === undefined ? k : perDim(o.stride, dims);
  const p = o.padding === undefined ? new Array(dims).fill(0) : perDim(o.padding, dims);
  const def = sp.spatial.map((n, i) => (n - 1) * s[i] + k[i] - 2 * p[i]);
  let outSize = def;
  if (o.outputSize) {
    const given = o.outputSize.length === dims + 2 ? o.outputSize.slice(2) : o.outputSize;
    if (given.length !== dims) throw new RangeError('outputSize length');
    given.forEach((v, i) => {
      if (!(def[i] - s[i] < v && v < def[i] + s[i])) throw new RangeError(`outputSize ${v} out of range`);
    });
    outSize = given;
  }
  if (outSize.some((n) => n < 0)) throw new RangeError('output size < 0');
  const inN = prod(sp.spatial);
  const outN = prod(outSize);
  const out = new Float32Array(sp.N * sp.C * outN);
  // (An output of no elements: torch looks at no index.)
  if (outN > 0) for (let plane = 0; plane < sp.N * sp.C; plane++)
    for (let i = 0; i < inN; i++) {
      const idx = indices.data[plane * inN + i];
      if (idx < 0 || idx >= outN) throw new RangeError(`invalid index ${idx}`);
      out[plane * outN + idx] = x.data[plane * inN + i];
    }
  return { data: out, shape: join(sp, outSize) };
}
