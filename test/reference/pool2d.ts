/**
 * Plain, deliberately unoptimised reference implementation of 2-D max / average
 * pooling with PyTorch 1.13 float32 CPU semantics. This is the test oracle for
 * the wasm SIMD library: every loop is written straight from the definition so
 * it can be checked by reading. Never import library code from here.
 *
 * Semantics (checked against real torch by test/golden/generate.py):
 *
 * - Output size per spatial dim:
 *     out = floor((in + padBefore + padAfter - d*(k-1) - 1 + (ceil ? s-1 : 0)) / s) + 1
 *   and with ceilMode a last window that starts in the right padding is dropped:
 *     if ((out-1)*s >= in + padBefore) out -= 1.
 *   out < 1 -> RangeError.
 * - Symmetric padding must be <= floor(k/2) (k = kernel size, NOT the dilated
 *   extent; torch checks the same). Explicit asymmetric padding
 *   { top, bottom, left, right } has no such limit (ONNX style).
 * - 'valid' = zero padding. 'same' = TF/ONNX SAME_UPPER:
 *     out = ceil(in/s), total = max((out-1)*s + d*(k-1) + 1 - in, 0),
 *     padBefore = floor(total/2), padAfter = total - padBefore.
 *   Average pooling with 'same' counts padded cells only with countIncludePad: true given
 *   (ONNX's count_include_pad=1 with SAME_UPPER); by default not, as TF.
 * - Max: taps of the window in row-major order, update when
 *   `v > best || isNaN(v)` starting from best = -Infinity. Ties keep the first
 *   (also -0 vs +0), a NaN always wins and the LAST NaN's index is kept,
 *   padding never wins. The initial index is torch's: first tap >= 0 in each
 *   dim (h0 = hStart, while (h0 < 0) h0 += d). That tap is in bounds whenever
 *   the window has any in-bounds tap; when it has none (possible with dilation)
 *   torch reports that index even though it lies outside the plane, and the
 *   output is -Infinity.
 * - Avg: window first clipped to the padded region [-padBefore, in + padAfter)
 *   (ceil-mode overhang never counted), then the in-input part is summed in
 *   row-major order in float32. divisor = divisorOverride if given, else
 *   countIncludePad ? cells of the clipped window : cells inside the input.
 *   The result is float32(sum / divisor), added to +0 like torch does (so -0
 *   becomes +0). A window with no in-input cell gives +0 (torch's rule; only
 *   reachable with explicit asymmetric padding).
 * - Indices are PyTorch's per-plane flat index h*W + w (independent of layout).
 */

export type Layout = 'NCHW' | 'NHWC';
export type Size2 = number | readonly [number, number];
export interface ExplicitPadding {
  top: number;
  bottom: number;
  left: number;
  right: number;
}
export type Padding = Size2 | 'valid' | 'same' | ExplicitPadding;

export interface TensorInput {
  data: Float32Array;
  shape: readonly number[];
  layout?: Layout;
}
export interface Tensor {
  data: Float32Array;
  shape: number[];
  layout: Layout;
}
export interface IndexTensor {
  data: Int32Array;
  shape: number[];
  layout: Layout;
}

export interface MaxPool2dOptions {
  kernelSize: Size2;
  stride?: Size2;
  padding?: Padding;
  dilation?: Size2;
  ceilMode?: boolean;
  /** Accepted for API parity; the reference always computes indices. */
  returnIndices?: boolean;
}
export interface AvgPool2dOptions {
  kernelSize: Size2;
  stride?: Size2;
  padding?: Padding;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number;
}

export interface MaxPoolResult {
  output: Tensor;
  indices: IndexTensor;
}

// ---------------------------------------------------------------------------
// argument handling

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === undefined || v === null) return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s;
  } catch {
    return String(v);
  }
}

interface Geometry {
  N: number;
  C: number;
  H: number;
  W: number;
  rank: 3 | 4;
  layout: Layout;
}

function parseInput(fn: string, x: unknown): { geo: Geometry; data: Float32Array } {
  if (typeof x !== 'object' || x === null) {
    throw new TypeError(`${fn}: input must be an object { data, shape, layout? }, got ${show(x)}`);
  }
  const t = x as { data?: unknown; shape?: unknown; layout?: unknown };
  if (!(t.data instanceof Float32Array)) {
    throw new TypeError(`${fn}: input.data must be a Float32Array, got ${Object.prototype.toString.call(t.data)}`);
  }
  if (!Array.isArray(t.shape)) {
    throw new TypeError(`${fn}: input.shape must be an array, got ${show(t.shape)}`);
  }
  const shape = t.shape as unknown[];
  if (shape.length !== 3 && shape.length !== 4) {
    throw new RangeError(`${fn}: input.shape must have rank 3 or 4, got ${show(shape)}`);
  }
  for (const s of shape) {
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0) {
      throw new RangeError(`${fn}: input.shape entries must be non-negative integers, got ${show(shape)}`);
    }
  }
  const layout = t.layout === undefined ? 'NCHW' : t.layout;
  if (layout !== 'NCHW' && layout !== 'NHWC') {
    throw new RangeError(`${fn}: input.layout must be 'NCHW' or 'NHWC', got ${show(t.layout)}`);
  }
  const dims = shape as number[];
  const rank = dims.length as 3 | 4;
  const full = rank === 4 ? dims : [1, ...dims];
  let N: number, C: number, H: number, W: number;
  if (layout === 'NCHW') [N, C, H, W] = full as [number, number, number, number];
  else [N, H, W, C] = full as [number, number, number, number];
  if (C === 0 || H === 0 || W === 0) {
    throw new RangeError(`${fn}: input.shape must have non-zero channel, height and width (batch may be 0), got ${show(dims)}`);
  }
  if (t.data.length !== N * C * H * W) {
    throw new RangeError(`${fn}: input.data has length ${t.data.length} but shape ${show(dims)} needs ${N * C * H * W}`);
  }
  return { geo: { N, C, H, W, rank, layout }, data: t.data };
}

function offsetOf(g: { C: number; H: number; W: number; layout: Layout }, n: number, c: number, h: number, w: number): number {
  return g.layout === 'NCHW' ? ((n * g.C + c) * g.H + h) * g.W + w : ((n * g.H + h) * g.W + w) * g.C + c;
}

function shapeOf(layout: Layout, rank: 3 | 4, N: number, C: number, H: number, W: number): number[] {
  const s = layout === 'NCHW' ? [N, C, H, W] : [N, H, W, C];
  return rank === 4 ? s : s.slice(1);
}

function pair(fn: string, name: string, v: unknown, min: number): [number, number] {
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n);
  const what = min === 0 ? 'non-negative' : 'positive';
  if (typeof v === 'number') {
    if (!ok(v) || v < min) throw new RangeError(`${fn}: ${name} must be a ${what} integer or [h, w] pair, got ${show(v)}`);
    return [v, v];
  }
  if (Array.isArray(v)) {
    if (v.length !== 2) throw new RangeError(`${fn}: ${name} must have exactly 2 entries [h, w], got ${show(v)}`);
    const [a, b] = v as unknown[];
    if (typeof a !== 'number' || typeof b !== 'number') {
      throw new TypeError(`${fn}: ${name} must be a number or [h, w] pair of numbers, got ${show(v)}`);
    }
    if (!ok(a) || !ok(b) || a < min || b < min) {
      throw new RangeError(`${fn}: ${name} must be a ${what} integer or [h, w] pair, got ${show(v)}`);
    }
    return [a, b];
  }
  throw new TypeError(`${fn}: ${name} must be a number or [h, w] pair, got ${show(v)}`);
}

function bool(fn: string, name: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new TypeError(`${fn}: ${name} must be a boolean, got ${show(v)}`);
  return v;
}

/** One spatial axis of a pooling problem. */
interface Axis {
  inSize: number;
  k: number;
  s: number;
  d: number;
  before: number;
  after: number;
  out: number;
}

type PadMode = 'symmetric' | 'valid' | 'same' | 'explicit';

function outputSize(a: Omit<Axis, 'out'>, ceil: boolean): number {
  const numer = a.inSize + a.before + a.after - a.d * (a.k - 1) - 1 + (ceil ? a.s - 1 : 0);
  let out = Math.floor(numer / a.s) + 1;
  if (ceil && (out - 1) * a.s >= a.inSize + a.before) out -= 1;
  return out;
}

interface Plan {
  geo: Geometry;
  data: Float32Array;
  h: Axis;
  w: Axis;
  padMode: PadMode;
  ceil: boolean;
}

function plan(
  fn: string,
  x: unknown,
  opts: unknown,
  allowed: readonly string[],
): { plan: Plan; o: Record<string, unknown> } {
  const { geo, data } = parseInput(fn, x);
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    throw new TypeError(`${fn}: options must be an object, got ${show(opts)}`);
  }
  const o = opts as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key)) throw new TypeError(`${fn}: unknown option ${show(key)} (allowed: ${allowed.join(', ')})`);
  }
  if (o.kernelSize === undefined) throw new TypeError(`${fn}: kernelSize is required, got undefined`);
  const k = pair(fn, 'kernelSize', o.kernelSize, 1);
  const s = o.stride === undefined ? k : pair(fn, 'stride', o.stride, 1);
  const d = o.dilation === undefined ? ([1, 1] as [number, number]) : pair(fn, 'dilation', o.dilation, 1);
  const ceil = bool(fn, 'ceilMode', o.ceilMode, false);

  const pad = o.padding === undefined ? 0 : o.padding;
  let padMode: PadMode;
  let top: number, bottom: number, left: number, right: number;
  if (pad === 'valid') {
    padMode = 'valid';
    top = bottom = left = right = 0;
  } else if (pad === 'same') {
    padMode = 'same';
    const sameAxis = (inSize: number, kk: number, ss: number, dd: number): [number, number] => {
      const out = Math.ceil(inSize / ss);
      const total = Math.max((out - 1) * ss + dd * (kk - 1) + 1 - inSize, 0);
      const before = Math.floor(total / 2);
      return [before, total - before];
    };
    [top, bottom] = sameAxis(geo.H, k[0], s[0], d[0]);
    [left, right] = sameAxis(geo.W, k[1], s[1], d[1]);
  } else if (typeof pad === 'string') {
    throw new RangeError(`${fn}: padding must be a number, [h, w], 'valid', 'same' or { top, bottom, left, right }, got ${show(pad)}`);
  } else if (typeof pad === 'object' && pad !== null && !Array.isArray(pad)) {
    padMode = 'explicit';
    const p = pad as Record<string, unknown>;
    for (const key of Object.keys(p)) {
      if (!['top', 'bottom', 'left', 'right'].includes(key)) {
        throw new TypeError(`${fn}: padding has unknown key ${show(key)}, got ${show(pad)}`);
      }
    }
    const side = (key: 'top' | 'bottom' | 'left' | 'right'): number => {
      const v = p[key];
      if (typeof v !== 'number') throw new TypeError(`${fn}: padding.${key} must be a number, got ${show(v)} in ${show(pad)}`);
      if (!Number.isInteger(v) || v < 0) throw new RangeError(`${fn}: padding.${key} must be a non-negative integer, got ${show(v)}`);
      return v;
    };
    top = side('top');
    bottom = side('bottom');
    left = side('left');
    right = side('right');
  } else {
    padMode = 'symmetric';
    const p = pair(fn, 'padding', pad, 0);
    if (p[0] > Math.floor(k[0] / 2) || p[1] > Math.floor(k[1] / 2)) {
      throw new RangeError(
        `${fn}: padding ${show(pad)} must be at most half of kernelSize ${show(o.kernelSize)} (use explicit { top, bottom, left, right } padding for more)`,
      );
    }
    top = bottom = p[0];
    left = right = p[1];
  }

  const hAxis = { inSize: geo.H, k: k[0], s: s[0], d: d[0], before: top, after: bottom };
  const wAxis = { inSize: geo.W, k: k[1], s: s[1], d: d[1], before: left, after: right };
  const h: Axis = { ...hAxis, out: outputSize(hAxis, ceil) };
  const w: Axis = { ...wAxis, out: outputSize(wAxis, ceil) };
  if (h.out < 1 || w.out < 1) {
    throw new RangeError(
      `${fn}: output size ${h.out}x${w.out} is too small for input ${geo.H}x${geo.W} with kernelSize ${show(o.kernelSize)}, ` +
        `stride ${show(o.stride)}, padding ${show(o.padding)}, dilation ${show(o.dilation)}, ceilMode ${ceil}`,
    );
  }
  return { plan: { geo, data, h, w, padMode, ceil }, o };
}

// ---------------------------------------------------------------------------
// public reference functions

const MAX_OPTIONS = ['kernelSize', 'stride', 'padding', 'dilation', 'ceilMode', 'returnIndices'] as const;
const AVG_OPTIONS = ['kernelSize', 'stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'] as const;

/** First tap position >= 0 of a window starting at `start` with dilation `d` (torch's initial index). */
function firstNonNegativeTap(start: number, d: number): number {
  let p = start;
  while (p < 0) p += d;
  return p;
}

export function maxPool2dRef(x: TensorInput, opts: MaxPool2dOptions): MaxPoolResult {
  const fn = 'maxPool2d';
  const { plan: P, o } = plan(fn, x, opts, MAX_OPTIONS);
  bool(fn, 'returnIndices', o.returnIndices, false);
  const { geo, data, h, w } = P;
  const outGeo = { C: geo.C, H: h.out, W: w.out, layout: geo.layout };
  const out = new Float32Array(geo.N * geo.C * h.out * w.out);
  const idx = new Int32Array(out.length);

  for (let n = 0; n < geo.N; n++) {
    for (let c = 0; c < geo.C; c++) {
      for (let oh = 0; oh < h.out; oh++) {
        for (let ow = 0; ow < w.out; ow++) {
          const hStart = oh * h.s - h.before;
          const wStart = ow * w.s - w.before;
          let best = -Infinity;
          let bestIndex = firstNonNegativeTap(hStart, h.d) * geo.W + firstNonNegativeTap(wStart, w.d);
          for (let i = 0; i < h.k; i++) {
            const ih = hStart + i * h.d;
            if (ih < 0 || ih >= geo.H) continue; // padding never wins
            for (let j = 0; j < w.k; j++) {
              const iw = wStart + j * w.d;
              if (iw < 0 || iw >= geo.W) continue;
              const v = data[offsetOf(geo, n, c, ih, iw)]!;
              if (v > best || Number.isNaN(v)) {
                best = v;
                bestIndex = ih * geo.W + iw;
              }
            }
          }
          const o2 = offsetOf(outGeo, n, c, oh, ow);
          out[o2] = best;
          idx[o2] = bestIndex;
        }
      }
    }
  }
  const shape = shapeOf(geo.layout, geo.rank, geo.N, geo.C, h.out, w.out);
  return {
    output: { data: out, shape, layout: geo.layout },
    indices: { data: idx, shape: shape.slice(), layout: geo.layout },
  };
}

export function avgPool2dRef(x: TensorInput, opts: AvgPool2dOptions): Tensor {
  const fn = 'avgPool2d';
  const { plan: P, o } = plan(fn, x, opts, AVG_OPTIONS);
  // 'same' counts padded cells only when asked (TF never does; ONNX's count_include_pad=1 does)
  const countIncludePad = bool(fn, 'countIncludePad', o.countIncludePad, P.padMode !== 'same');
  let divisorOverride: number | undefined;
  if (o.divisorOverride !== undefined) {
    const v = o.divisorOverride;
    if (typeof v !== 'number') throw new TypeError(`${fn}: divisorOverride must be a number, got ${show(v)}`);
    if (!Number.isInteger(v) || v === 0) {
      throw new RangeError(`${fn}: divisorOverride must be a non-zero integer, got ${show(v)}`);
    }
    divisorOverride = v;
  }
  const { geo, data, h, w } = P;
  const outGeo = { C: geo.C, H: h.out, W: w.out, layout: geo.layout };
  const out = new Float32Array(geo.N * geo.C * h.out * w.out);

  for (let n = 0; n < geo.N; n++) {
    for (let c = 0; c < geo.C; c++) {
      for (let oh = 0; oh < h.out; oh++) {
        for (let ow = 0; ow < w.out; ow++) {
          // window clipped to the padded region [-before, in + after)
          const hStart = oh * h.s - h.before;
          const wStart = ow * w.s - w.before;
          const hEnd = Math.min(hStart + h.k, geo.H + h.after);
          const wEnd = Math.min(wStart + w.k, geo.W + w.after);
          const paddedCells = (hEnd - hStart) * (wEnd - wStart);
          // part of it inside the input
          const h0 = Math.max(hStart, 0);
          const w0 = Math.max(wStart, 0);
          const h1 = Math.min(hEnd, geo.H);
          const w1 = Math.min(wEnd, geo.W);
          const o2 = offsetOf(outGeo, n, c, oh, ow);
          if (h0 >= h1 || w0 >= w1) {
            out[o2] = 0;
            continue;
          }
          const inputCells = (h1 - h0) * (w1 - w0);
          const divisor = divisorOverride ?? (countIncludePad ? paddedCells : inputCells);
          let sum = 0;
          for (let ih = h0; ih < h1; ih++) {
            for (let iw = w0; iw < w1; iw++) {
              sum = Math.fround(sum + data[offsetOf(geo, n, c, ih, iw)]!);
            }
          }
          out[o2] = 0 + Math.fround(sum / divisor);
        }
      }
    }
  }
  return { data: out, shape: shapeOf(geo.layout, geo.rank, geo.N, geo.C, h.out, w.out), layout: geo.layout };
}

/** Max over each whole H x W plane; output (and indices) have H = W = 1. */
export function globalMaxPool2dRef(x: TensorInput): MaxPoolResult {
  const { geo, data } = parseInput('globalMaxPool2d', x);
  const outGeo = { C: geo.C, H: 1, W: 1, layout: geo.layout };
  const out = new Float32Array(geo.N * geo.C);
  const idx = new Int32Array(out.length);
  for (let n = 0; n < geo.N; n++) {
    for (let c = 0; c < geo.C; c++) {
      let best = -Infinity;
      let bestIndex = 0;
      for (let ih = 0; ih < geo.H; ih++) {
        for (let iw = 0; iw < geo.W; iw++) {
          const v = data[offsetOf(geo, n, c, ih, iw)]!;
          if (v > best || Number.isNaN(v)) {
            best = v;
            bestIndex = ih * geo.W + iw;
          }
        }
      }
      const o2 = offsetOf(outGeo, n, c, 0, 0);
      out[o2] = best;
      idx[o2] = bestIndex;
    }
  }
  const shape = shapeOf(geo.layout, geo.rank, geo.N, geo.C, 1, 1);
  return {
    output: { data: out, shape, layout: geo.layout },
    indices: { data: idx, shape: shape.slice(), layout: geo.layout },
  };
}

/**
 * Mean over each whole H x W plane (float32 row-major sum / (H*W)). torch
 * computes this with a mean reduction whose summation order differs, so
 * compare with a tolerance.
 */
export function globalAvgPool2dRef(x: TensorInput): Tensor {
  const { geo, data } = parseInput('globalAvgPool2d', x);
  const outGeo = { C: geo.C, H: 1, W: 1, layout: geo.layout };
  const out = new Float32Array(geo.N * geo.C);
  for (let n = 0; n < geo.N; n++) {
    for (let c = 0; c < geo.C; c++) {
      let sum = 0;
      for (let ih = 0; ih < geo.H; ih++) {
        for (let iw = 0; iw < geo.W; iw++) {
          sum = Math.fround(sum + data[offsetOf(geo, n, c, ih, iw)]!);
        }
      }
      out[offsetOf(outGeo, n, c, 0, 0)] = 0 + Math.fround(sum / (geo.H * geo.W));
    }
  }
  return { data: out, shape: shapeOf(geo.layout, geo.rank, geo.N, geo.C, 1, 1), layout: geo.layout };
}

/**
 * Re-lay a rank-3/4 tensor between NCHW ([C,H,W]) and NHWC ([H,W,C]). Works for
 * Float32Array (values, bit patterns preserved) and Int32Array (indices).
 */
export function transposeRef<T extends Float32Array | Int32Array>(
  x: { data: T; shape: readonly number[]; layout?: Layout },
  toLayout: Layout,
): { data: T; shape: number[]; layout: Layout } {
  if (toLayout !== 'NCHW' && toLayout !== 'NHWC') {
    throw new RangeError(`transpose: toLayout must be 'NCHW' or 'NHWC', got ${show(toLayout)}`);
  }
  if (!(x.data instanceof Float32Array) && !(x.data instanceof Int32Array)) {
    throw new TypeError(`transpose: data must be a Float32Array or Int32Array, got ${Object.prototype.toString.call(x.data)}`);
  }
  // Validate through parseInput with a same-length dummy so both array kinds share the checks.
  const { geo } = parseInput('transpose', { data: new Float32Array(x.data.length), shape: x.shape, layout: x.layout });
  const to = { C: geo.C, H: geo.H, W: geo.W, layout: toLayout };
  const out = (x.data instanceof Float32Array ? new Float32Array(x.data.length) : new Int32Array(x.data.length)) as T;
  // copy 32-bit patterns so NaN payloads survive untouched
  const src = new Uint32Array(x.data.buffer, x.data.byteOffset, x.data.length);
  const dst = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let n = 0; n < geo.N; n++) {
    for (let c = 0; c < geo.C; c++) {
      for (let h = 0; h < geo.H; h++) {
        for (let w = 0; w < geo.W; w++) {
          dst[offsetOf(to, n, c, h, w)] = src[offsetOf(geo, n, c, h, w)]!;
        }
      }
    }
  }
  return { data: out, shape: shapeOf(toLayout, geo.rank, geo.N, geo.C, geo.H, geo.W), layout: toLayout };
}
