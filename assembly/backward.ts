// Backward passes of pooling: the gradient with respect to the input, given the gradient of the
// output. Every kernel zeroes its gradInput and then accumulates into it in PyTorch's CPU order:
// output positions in scan order (planes, then output rows, then output columns), each adding
// into the input cells of its window. Overlapping windows therefore add into a cell in the order
// of their outputs, and float sums round exactly as PyTorch's do.
//
// Max pooling (and adaptive max): a scatter-add of the gradient at each output's argmax index
// (PyTorch's flat per-plane index). Averages: each window adds grad / divisor to its cells, the
// windows and divisors read from the same plan as the forward kernels (assembly/plan.ts).
import { Plan } from './plan';

function zero(output: usize, length: usize): void {
  memory.fill(output, 0, length << 2);
}

/**
 * Planar layouts: plane p's gradient i is added at gradIn[p * inPlane + indices[i]]. An index
 * outside [0, inPlane) is skipped: it can only come from a window without an in-bounds tap
 * (whose output is -Infinity and reaches no input); user indices are validated before this.
 */
export function maxPoolBackwardPlanes_f32(grad: usize, indices: usize, gradIn: usize, planes: i32, outPlane: i32, inPlane: i32): void {
  zero(gradIn, <usize>planes * <usize>inPlane);
  for (let p = 0; p < planes; p++) {
    const src = (<usize>p * <usize>outPlane) << 2;
    const dst = gradIn + ((<usize>p * <usize>inPlane) << 2);
    for (let i = 0; i < outPlane; i++) {
      const at = src + (<usize>i << 2);
      const to = load<i32>(indices + at);
      if (<u32>to < <u32>inPlane) {
        const cell = dst + (<usize>to << 2);
        store<f32>(cell, load<f32>(cell) + load<f32>(grad + at));
      }
    }
  }
}

/** Channels-last layouts: pixel q's channel c is added at input pixel indices[q][c], channel c. */
export function maxPoolBackwardChannels_f32(
  grad: usize, indices: usize, gradIn: usize, batches: i32, outPixels: i32, inPixels: i32, channels: i32,
): void {
  zero(gradIn, <usize>batches * <usize>inPixels * <usize>channels);
  for (let b = 0; b < batches; b++) {
    const dst = gradIn + ((<usize>b * <usize>inPixels * <usize>channels) << 2);
    for (let q = 0; q < outPixels; q++) {
      const src = ((<usize>b * <usize>outPixels + <usize>q) * <usize>channels) << 2;
      for (let c = 0; c < channels; c++) {
        const at = src + (<usize>c << 2);
        const to = load<i32>(indices + at);
        if (<u32>to < <u32>inPixels) {
          const cell = dst + ((<usize>to * <usize>channels + <usize>c) << 2);
          store<f32>(cell, load<f32>(cell) + load<f32>(grad + at));
        }
      }
    }
  }
}

/**
 * The gradient of a mean (an adaptive average to one cell per spatial dim, which PyTorch pools
 * as a mean): every input cell of a plane (planar, `channels` 1) or every pixel of a sample
 * (channels-last, `channels` floats) is its gradient divided by `count`, written rather than
 * added into zeros, as PyTorch's expand of grad / count: a -0 stays -0 (0 + -0 would be +0).
 * A scalar loop: a rare path, kept small.
 */
export function meanBackward_f32(grad: usize, gradIn: usize, planes: i32, length: i32, channels: i32, count: f32): void {
  for (let p = 0; p < planes; p++, grad += <usize>channels << 2) {
    for (let j = 0; j < length; j++) {
      for (let c = 0; c < channels; c++, gradIn += 4) store<f32>(gradIn, load<f32>(grad + (<usize>c << 2)) / count);
    }
  }
}

/**
 * Average pooling, planar layouts (lanes along columns). Per output row, the row's deltas
 * grad / divisor go to `scratch` (outW floats); each input row of the window then receives them
 * spread over columns (spreadRow), in ascending output column order for every input cell.
 */
export function avgPoolBackwardRows_f32(plan: Plan, grad: usize, gradIn: usize, scratch: usize): void {
  const planes = plan.planes, inPlane = plan.inPlane, outPlane = plan.outPlane, outRows = plan.outRows, outW = plan.outW;
  zero(gradIn, <usize>planes * <usize>inPlane);
  for (let p = 0; p < planes; p++) {
    const src = grad + ((<usize>p * <usize>outPlane) << 2);
    const dst = gradIn + ((<usize>p * <usize>inPlane) << 2);
    for (let r = 0; r < outRows; r++) {
      rowDeltas(plan, r, src + ((<usize>r * <usize>outW) << 2), scratch);
      const t0 = load<i32>(plan.rowStarts + (<usize>r << 2));
      const t1 = load<i32>(plan.rowStarts + (<usize>r << 2), 4);
      for (let t = t0; t < t1; t++) {
        spreadRow(plan, scratch, dst + (<usize>load<i32>(plan.rowList + (<usize>t << 2)) << 2));
      }
    }
  }
}

/** delta[o] = grad[o] / (rowDiv[r] * colDiv[o]): the divisor is formed as the forward kernels form it. */
@inline function rowDeltas(plan: Plan, r: i32, grad: usize, delta: usize): void {
  const outW = plan.outW;
  const rowDiv = load<f32>(plan.rowDiv + (<usize>r << 2));
  let o = 0;
  if (ASC_FEATURE_SIMD) {
    const div = f32x4.splat(rowDiv);
    for (; o + 4 <= outW; o += 4) {
      const at = <usize>o << 2;
      v128.store(delta + at, f32x4.div(v128.load(grad + at), f32x4.mul(div, v128.load(plan.colDiv + at))));
    }
  }
  for (; o < outW; o++) {
    const at = <usize>o << 2;
    store<f32>(delta + at, load<f32>(grad + at) / (rowDiv * load<f32>(plan.colDiv + at)));
  }
}

/**
 * Add every output column's delta to the input cells of its window in one input row. Stride 1
 * (overlapping windows) gathers per input column, four columns at a time in the interior;
 * kernel 2 / stride 2 (disjoint windows) duplicates each delta into two lanes; anything else
 * (adaptive windows, dilation, other strides) scatters column by column. All three add into a
 * cell in ascending output column order.
 */
@inline function spreadRow(plan: Plan, delta: usize, row: usize): void {
  const kw = plan.kw, stride = plan.stride, vecLo = plan.vecLo, vecHi = plan.vecHi;
  if (ASC_FEATURE_SIMD && stride == 1 && plan.dilation == 1 && vecHi > vecLo) {
    gatherStride1(plan, delta, row);
  } else if (ASC_FEATURE_SIMD && stride == 2 && kw == 2 && plan.dilation == 1 && vecHi > vecLo) {
    spreadDisjoint2(plan, delta, row, vecLo, vecHi);
  } else if (ASC_FEATURE_SIMD && stride == 2 && kw == 3 && plan.dilation == 1) {
    gatherStride2Kernel3(plan, delta, row);
  } else {
    scatterColumns(plan, delta, row, 0, plan.outW);
  }
}

/** Output columns [lo, hi): each adds its delta to its window's cells (colFirst + j*dilation). */
@inline function scatterColumns(plan: Plan, delta: usize, row: usize, lo: i32, hi: i32): void {
  const dilationBytes = <usize>plan.dilation << 2;
  for (let o = lo; o < hi; o++) {
    const d = load<f32>(delta + (<usize>o << 2));
    const count = load<i32>(plan.colCount + (<usize>o << 2));
    let cell = row + (<usize>load<i32>(plan.colFirst + (<usize>o << 2)) << 2);
    for (let j = 0; j < count; j++) {
      store<f32>(cell, load<f32>(cell) + d);
      cell += dilationBytes;
    }
  }
}

/**
 * Stride 1, dilation 1: input column x lies in the windows of output columns
 * o = x - origin - (kw-1) .. x - origin (clipped to [0, outW)), added in that ascending order.
 * Where all kw of them are interior windows, four columns go at once with kw shifted loads.
 */
@inline function gatherStride1(plan: Plan, delta: usize, row: usize): void {
  const inW = plan.inW, outW = plan.outW, kw = plan.kw, origin = plan.colOrigin;
  // Columns whose windows are all interior: x - origin - (kw-1) >= vecLo and x - origin < vecHi.
  const lo = max(plan.vecLo + origin + kw - 1, 0);
  const hi = min(plan.vecHi + origin, inW);
  let x = min(lo, inW);
  gatherColumns(delta, row, 0, x, origin, kw, outW, 0);
  if (hi > lo) {
    const vecEnd = lo + ((hi - lo) & ~3);
    for (; x < vecEnd; x += 4) {
      const cell = row + (<usize>x << 2);
      let acc = v128.load(cell);
      let from = delta + (<usize>(x - origin - kw + 1) << 2);
      for (let j = 0; j < kw; j++) {
        acc = f32x4.add(acc, v128.load(from));
        from += 4;
      }
      v128.store(cell, acc);
    }
  }
  gatherColumns(delta, row, x, inW, origin, kw, outW, 0);
}

/**
 * Input columns [lo, hi) one by one, for stride 2^shift (1 or 2), dilation 1: column x (c = x -
 * origin) lies in the windows of output columns ceil((c - kw + 1) / stride) .. floor(c / stride),
 * clipped to [0, outW), whose deltas it adds in that ascending order.
 */
@inline function gatherColumns(delta: usize, row: usize, lo: i32, hi: i32, origin: i32, kw: i32, outW: i32, shift: i32): void {
  for (let x = lo; x < hi; x++) {
    const c = x - origin;
    const first = max((c - kw + (1 << shift)) >> shift, 0); // (arithmetic shifts floor negatives)
    const last = min(c >> shift, outW - 1);
    if (first > last) continue;
    const cell = row + (<usize>x << 2);
    let acc = load<f32>(cell);
    for (let o = first; o <= last; o++) acc += load<f32>(delta + (<usize>o << 2));
    store<f32>(cell, acc);
  }
}

/**
 * Kernel 3, stride 2, dilation 1: input column x (at c = x - origin from the first window's
 * start) lies in the windows of output columns ceil((c-2)/2) .. floor(c/2), clipped to
 * [0, outW). Four columns from an even c = 2m take deltas m-1, m (c), m (c+1), m, m+1 (c+2) and
 * m+1 (c+3): two adds, the second +0 in the odd lanes (exact: a cell's sum starts at +0, so it
 * is never -0), in ascending output column order as the scatter adds them. Columns whose
 * windows reach past either end of the row's outputs go one by one (gatherColumns).
 */
@inline function gatherStride2Kernel3(plan: Plan, delta: usize, row: usize): void {
  const inW = plan.inW, outW = plan.outW, origin = plan.colOrigin;
  // Groups from x = origin + 2m with m - 1 >= 0 and m + 1 < outW, all four columns in the row.
  let x = max(origin + 2, (origin & 1) == 0 ? 0 : 1);
  // (x + 3 < inW: explicit right padding can start the last window at or past inW)
  const end = min(inW - 1, origin + 2 * (outW - 1)) - 3; // the last group's first column, at most
  bordersStride2(delta, row, 0, min(x, inW), origin, outW);
  for (; x <= end; x += 4) {
    const m = (x - origin) >> 1;
    const d = v128.load(delta + (<usize>(m - 1) << 2)); // d[m-1 .. m+2] (d[m+2] unused, within the guard)
    const cell = row + (<usize>x << 2);
    const first = v128.shuffle<f32>(d, d, 0, 1, 1, 2);
    const second = v128.shuffle<f32>(d, f32x4.splat(0), 1, 4, 2, 4);
    v128.store(cell, f32x4.add(f32x4.add(v128.load(cell), first), second));
  }
  bordersStride2(delta, row, max(x, 0), inW, origin, outW);
}

/** gatherColumns for gatherStride2Kernel3's border columns: a function of its own, called twice. */
function bordersStride2(delta: usize, row: usize, lo: i32, hi: i32, origin: i32, outW: i32): void {
  gatherColumns(delta, row, lo, hi, origin, 3, outW, 1);
}

/** Kernel 2, stride 2: interior windows cover disjoint column pairs; borders scatter. */
@inline function spreadDisjoint2(plan: Plan, delta: usize, row: usize, vecLo: i32, vecHi: i32): void {
  scatterColumns(plan, delta, row, 0, vecLo);
  const origin = plan.colOrigin;
  let o = vecLo;
  for (; o + 4 <= vecHi; o += 4) {
    const d = v128.load(delta + (<usize>o << 2));
    const cell = row + (<usize>(origin + 2 * o) << 2);
    v128.store(cell, f32x4.add(v128.load(cell), v128.shuffle<f32>(d, d, 0, 0, 1, 1)));
    v128.store(cell, f32x4.add(v128.load(cell, 16), v128.shuffle<f32>(d, d, 2, 2, 3, 3)), 16);
  }
  scatterColumns(plan, delta, row, o, plan.outW);
}

/**
 * Average pooling, channels-last layouts (lanes along channels): each output pixel's deltas
 * (`channels` floats in `scratch`) are added to every pixel of its window.
 */
export function avgPoolBackwardChannels_f32(plan: Plan, grad: usize, gradIn: usize, scratch: usize): void {
  const batches = plan.planes, inPlane = plan.inPlane, outPlane = plan.outPlane;
  const channels = plan.channels, outRows = plan.outRows, outW = plan.outW;
  const pixelBytes = <usize>channels << 2;
  const tapBytes = <usize>plan.dilation * pixelBytes;
  zero(gradIn, <usize>batches * <usize>inPlane);
  for (let b = 0; b < batches; b++) {
    const sample = gradIn + ((<usize>b * <usize>inPlane) << 2);
    for (let r = 0; r < outRows; r++) {
      const t0 = load<i32>(plan.rowStarts + (<usize>r << 2));
      const t1 = load<i32>(plan.rowStarts + (<usize>r << 2), 4);
      const rowDiv = load<f32>(plan.rowDiv + (<usize>r << 2));
      for (let o = 0; o < outW; o++) {
        const src = grad + ((<usize>b * <usize>outPlane + (<usize>r * <usize>outW + <usize>o) * <usize>channels) << 2);
        channelDeltas(src, scratch, channels, rowDiv * load<f32>(plan.colDiv + (<usize>o << 2)));
        const col = load<i32>(plan.colFirst + (<usize>o << 2));
        const cols = load<i32>(plan.colCount + (<usize>o << 2));
        for (let t = t0; t < t1; t++) {
          // Row offsets are in pixels (row * inW); a pixel is `channels` floats.
          let pixel = sample + (<usize>(load<i32>(plan.rowList + (<usize>t << 2)) + col) * pixelBytes);
          for (let j = 0; j < cols; j++) {
            addChannels(pixel, scratch, channels);
            pixel += tapBytes;
          }
        }
      }
    }
  }
}

@inline function channelDeltas(grad: usize, delta: usize, channels: i32, divisor: f32): void {
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    const div = f32x4.splat(divisor);
    for (; c + 4 <= channels; c += 4) {
      const at = <usize>c << 2;
      v128.store(delta + at, f32x4.div(v128.load(grad + at), div));
    }
  }
  for (; c < channels; c++) {
    const at = <usize>c << 2;
    store<f32>(delta + at, load<f32>(grad + at) / divisor);
  }
}

@inline function addChannels(dst: usize, src: usize, channels: i32): void {
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    for (; c + 16 <= channels; c += 16) {
      const at = <usize>c << 2;
      v128.store(dst + at, f32x4.add(v128.load(dst + at), v128.load(src + at)));
      v128.store(dst + at, f32x4.add(v128.load(dst + at, 16), v128.load(src + at, 16)), 16);
      v128.store(dst + at, f32x4.add(v128.load(dst + at, 32), v128.load(src + at, 32)), 32);
      v128.store(dst + at, f32x4.add(v128.load(dst + at, 48), v128.load(src + at, 48)), 48);
    }
    for (; c + 4 <= channels; c += 4) {
      const at = <usize>c << 2;
      v128.store(dst + at, f32x4.add(v128.load(dst + at), v128.load(src + at)));
    }
  }
  for (; c < channels; c++) {
    const at = <usize>c << 2;
    store<f32>(dst + at, load<f32>(dst + at) + load<f32>(src + at));
  }
}

/**
 * Lp pooling, the part of the chain before the average's backward. PyTorch computes
 * out = (sign(A) * relu(|A|) * k) ^ (1/p) with A = avg_pool(x^p) and k the kernel's size, so
 * (in its order of operations) the window's gradient is (grad * ((1/p) * C^(1/p - 1))) * k with
 * C = A * k, and 0 where A == 0 (relu's gradient masks the infinite power there); where A is NaN
 * it is that times 0 (sign(NaN) is 0 in PyTorch): NaN, or 0 where the power is 1 (p = 1).
 * `a` holds A; `power` holds C^|1/p - 1| (powElements_f32), inverted here when 1/p - 1 < 0
 * (ignored when it is 0); the weights are written over `power`.
 */
export function lpPoolBackwardWeights_f32(grad: usize, a: usize, power: usize, length: i32, kernelSize: f32, normType: f32, invert: i32): void {
  const inverse = <f32>(1 / <f64>normType);
  const exponentZero = normType == 1;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const inv = f32x4.splat(inverse);
    const k = f32x4.splat(kernelSize);
    const one = f32x4.splat(1);
    const zero = f32x4.splat(0);
    for (; i + 4 <= length; i += 4) {
      const at = <usize>i << 2;
      let t = exponentZero ? one : v128.load(power + at);
      if (invert) t = f32x4.div(one, t);
      const w = f32x4.mul(f32x4.mul(v128.load(grad + at), f32x4.mul(inv, t)), k);
      const av = v128.load(a + at);
      const signed = v128.bitselect(f32x4.mul(w, zero), w, f32x4.ne(av, av));
      v128.store(power + at, v128.bitselect(zero, signed, f32x4.eq(av, zero)));
    }
  }
  for (; i < length; i++) {
    const at = <usize>i << 2;
    let t: f32 = exponentZero ? 1 : load<f32>(power + at);
    if (invert) t = 1 / t;
    const w = (load<f32>(grad + at) * (inverse * t)) * kernelSize;
    const av = load<f32>(a + at);
    store<f32>(power + at, av == 0 ? 0 : av != av ? w * 0 : w);
  }
}

/**
 * Lp pooling, the power's backward: gradIn[i] *= p * x[i]^(p-1), with `power` holding
 * x^|p-1| (powElements_f32), inverted when p < 1 and ignored when p == 1; for p = 2 it is x
 * itself (PyTorch's x.pow(1) is x).
 */
export function lpPoolBackwardInput_f32(gradIn: usize, power: usize, length: i32, normType: f32, invert: i32): void {
  const exponentZero = normType == 1;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const p = f32x4.splat(normType);
    const one = f32x4.splat(1);
    for (; i + 4 <= length; i += 4) {
      const at = <usize>i << 2;
      let t = exponentZero ? one : v128.load(power + at);
      if (invert) t = f32x4.div(one, t);
      v128.store(gradIn + at, f32x4.mul(v128.load(gradIn + at), f32x4.mul(p, t)));
    }
  }
  for (; i < length; i++) {
    const at = <usize>i << 2;
    let t: f32 = exponentZero ? 1 : load<f32>(power + at);
    if (invert) t = 1 / t;
    store<f32>(gradIn + at, load<f32>(gradIn + at) * (normType * t));
  }
}
