// Pooling with SIMD lanes along channels: channels-last layouts (NWC, NHWC, NDHWC).
// Every tap of a window is one contiguous run of `channels` floats, so each output pixel is
// reduced sixteen channels at a time (four accumulators) with plain loads, then four at a
// time, then one at a time. The windows come from the same plan tables as the planar
// kernels (rows flattened, columns last), borders included, so nothing here knows padding.
// Max pooling uses one pmax per tap (ties keep the earlier value) and a running sum that
// flags a NaN; a block that meets one is redone with PyTorch's exact rule. With nanMode
// 'ignore' (MAX_NO_NAN) pmax is the exact rule already, so nothing is watched or redone.
import { Plan } from './plan';
import { AVG, MAX, MAX_INDEX, MAX_INDEX_NO_NAN, MAX_NO_NAN, hasIndex, initial, positiveZero, takes, takesLanes } from './reduce';

@inline export function poolChannels(OP: i32, plan: Plan, input: usize, output: usize, indices: usize): void {
  const batches = plan.planes, inPlane = plan.inPlane, outPlane = plan.outPlane;
  const channels = plan.channels, outRows = plan.outRows, outW = plan.outW;
  const rowStarts = plan.rowStarts, rowList = plan.rowList, rowInit = plan.rowInit, rowDiv = plan.rowDiv;
  const colFirst = plan.colFirst, colCount = plan.colCount, colDiv = plan.colDiv;
  const pixelBytes = <usize>channels << 2;
  const tapBytes = <usize>plan.dilation * pixelBytes;
  const dilation = plan.dilation;
  for (let b = 0; b < batches; b++) {
    const sample = input + ((<usize>b * <usize>inPlane) << 2);
    for (let r = 0; r < outRows; r++) {
      const t0 = load<i32>(rowStarts + (<usize>r << 2));
      const rows = rowList + (<usize>t0 << 2);
      const rowCount = load<i32>(rowStarts + (<usize>r << 2), 4) - t0;
      const firstRow = load<i32>(rowInit + (<usize>r << 2));
      const divRow = load<f32>(rowDiv + (<usize>r << 2));
      for (let o = 0; o < outW; o++) {
        const col = load<i32>(colFirst + (<usize>o << 2));
        const cols = load<i32>(colCount + (<usize>o << 2));
        const divisor = divRow * load<f32>(colDiv + (<usize>o << 2));
        const pixel = (<usize>b * <usize>outPlane + (<usize>r * <usize>outW + <usize>o) * <usize>channels) << 2;
        const dst = output + pixel;
        const idx = indices + pixel;
        // The window's taps: rows `rows[0..rowCount)` (element offsets), columns col + j*dilation.
        let c = 0; // the scalar build (no SIMD) skips the vector blocks: every channel goes one by one
        if (ASC_FEATURE_SIMD && !hasIndex(OP)) {
          for (; c + 16 <= channels; c += 16) {
            if (!block16(OP, sample + (<usize>c << 2), dst + (<usize>c << 2), rows, rowCount, col, cols, divisor, pixelBytes, tapBytes)) {
              for (let k = c; k < c + 16; k += 4) {
                exact4(OP, sample + (<usize>k << 2), dst + (<usize>k << 2), idx, rows, rowCount, col, cols, firstRow + col, divisor, pixelBytes, dilation);
              }
            }
          }
        }
        if (ASC_FEATURE_SIMD) for (; c + 4 <= channels; c += 4) {
          exact4(OP, sample + (<usize>c << 2), dst + (<usize>c << 2), idx + (<usize>c << 2), rows, rowCount, col, cols, firstRow + col, divisor, pixelBytes, dilation);
        }
        for (; c < channels; c++) {
          exact1(OP, sample + (<usize>c << 2), dst + (<usize>c << 2), idx + (<usize>c << 2), rows, rowCount, col, cols, firstRow + col, divisor, pixelBytes, dilation);
        }
      }
    }
  }
}

/** Sixteen channels of one pixel, fast. False when max pooling met a NaN (nothing is final then). */
@inline function block16(
  OP: i32, start: usize, dst: usize, rowList: usize, rows: i32, col: i32, cols: i32, divisor: f32,
  pixelBytes: usize, tapBytes: usize,
): bool {
  const neutral = f32x4.splat(initial(OP));
  let a0 = neutral, a1 = neutral, a2 = neutral, a3 = neutral;
  let check = f32x4.splat(0);
  for (let t = 0; t < rows; t++) {
    let at = start + <usize>(load<i32>(rowList + (<usize>t << 2)) + col) * pixelBytes;
    for (let j = 0; j < cols; j++) {
      const v0 = v128.load(at), v1 = v128.load(at, 16), v2 = v128.load(at, 32), v3 = v128.load(at, 48);
      if (OP == AVG) {
        a0 = f32x4.add(a0, v0);
        a1 = f32x4.add(a1, v1);
        a2 = f32x4.add(a2, v2);
        a3 = f32x4.add(a3, v3);
      } else {
        a0 = f32x4.pmax(a0, v0);
        a1 = f32x4.pmax(a1, v1);
        a2 = f32x4.pmax(a2, v2);
        a3 = f32x4.pmax(a3, v3);
        if (OP == MAX) check = f32x4.add(check, f32x4.add(f32x4.add(v0, v1), f32x4.add(v2, v3)));
      }
      at += tapBytes;
    }
  }
  if (OP == MAX && v128.any_true(f32x4.ne(check, check))) return false;
  if (OP == AVG) {
    const d = f32x4.splat(divisor);
    a0 = positiveZero(f32x4.div(a0, d));
    a1 = positiveZero(f32x4.div(a1, d));
    a2 = positiveZero(f32x4.div(a2, d));
    a3 = positiveZero(f32x4.div(a3, d));
  }
  v128.store(dst, a0);
  v128.store(dst, a1, 16);
  v128.store(dst, a2, 32);
  v128.store(dst, a3, 48);
  return true;
}

/** Four channels of one pixel, exactly: PyTorch's `v > best || isnan(v)` per lane, with indices. */
function exact4(
  OP: i32, start: usize, dst: usize, idx: usize, rowList: usize, rows: i32, col: i32, cols: i32,
  firstIndex: i32, divisor: f32, pixelBytes: usize, dilation: i32,
): void {
  let acc = f32x4.splat(initial(OP));
  let best = i32x4.splat(firstIndex);
  const tapBytes = <usize>dilation * pixelBytes;
  for (let t = 0; t < rows; t++) {
    let index = load<i32>(rowList + (<usize>t << 2)) + col;
    let at = start + <usize>index * pixelBytes;
    for (let j = 0; j < cols; j++) {
      const v = v128.load(at);
      if (OP == AVG) {
        acc = f32x4.add(acc, v);
      } else {
        const m = takesLanes(OP, v, acc);
        acc = v128.bitselect(v, acc, m);
        if (hasIndex(OP)) best = v128.bitselect(i32x4.splat(index), best, m);
      }
      at += tapBytes;
      index += dilation;
    }
  }
  if (OP == AVG) acc = positiveZero(f32x4.div(acc, f32x4.splat(divisor)));
  v128.store(dst, acc);
  if (hasIndex(OP)) v128.store(idx, best);
}

/** One channel of one pixel (the tail of channels % 4). */
function exact1(
  OP: i32, start: usize, dst: usize, idx: usize, rowList: usize, rows: i32, col: i32, cols: i32,
  firstIndex: i32, divisor: f32, pixelBytes: usize, dilation: i32,
): void {
  let best = initial(OP);
  let bestIndex = firstIndex;
  for (let t = 0; t < rows; t++) {
    let index = load<i32>(rowList + (<usize>t << 2)) + col;
    for (let j = 0; j < cols; j++) {
      const v = load<f32>(start + <usize>index * pixelBytes);
      if (OP == AVG) {
        best += v;
      } else if (takes(OP, v, best)) {
        best = v;
        bestIndex = index;
      }
      index += dilation;
    }
  }
  if (OP == AVG) best = best / divisor + 0;
  store<f32>(dst, best);
  if (hasIndex(OP)) store<i32>(idx, bestIndex);
}

export function maxPoolChannels_f32(plan: usize, input: usize, output: usize): void {
  poolChannels(MAX, changetype<Plan>(plan), input, output, 0);
}

export function maxPoolChannelsIndices_f32(plan: usize, input: usize, output: usize, indices: usize): void {
  poolChannels(MAX_INDEX, changetype<Plan>(plan), input, output, indices);
}

export function avgPoolChannels_f32(plan: usize, input: usize, output: usize): void {
  poolChannels(AVG, changetype<Plan>(plan), input, output, 0);
}

export function maxPoolChannelsNoNaN_f32(plan: usize, input: usize, output: usize): void {
  poolChannels(MAX_NO_NAN, changetype<Plan>(plan), input, output, 0);
}

export function maxPoolChannelsIndicesNoNaN_f32(plan: usize, input: usize, output: usize, indices: usize): void {
  poolChannels(MAX_INDEX_NO_NAN, changetype<Plan>(plan), input, output, indices);
}
