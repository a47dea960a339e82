// Pooling of int8 / uint8 tensors (T = i8 or u8), sixteen lanes per v128, from the same window
// plans as the float kernels (rows flattened, columns last, padding already clipped away), for
// planar and channels-last layouts alike: a planar plane is a channels-last plane with C = 1.
//
// Integer max and integer sums are exact in any order, so a window is reduced in two passes:
//   vertical:   the window's input rows (whole rows of inW*C bytes, sixteen at a time) into one
//               scratch row, max as bytes or sums as i32;
//   horizontal: each output column's taps along that row: sixteen output columns at a time for
//               planar interiors with stride 1 or 2, sixteen (max) or four (sums) channels at a
//               time for channels-last, one at a time elsewhere (borders, other strides).
// Averages then requantize each sum with a per-position table that TypeScript writes
// (src/ops/bytes.ts): q = clamp(nearest(f32(sum - offset) * multiplier + zeroPoint)), in f32
// with round-half-to-even, as PyTorch's quantized kernels do. The first largest value's index
// (returnIndices) comes from a direct scan in PyTorch's order (maxPoolBytesIndices).
import { Plan } from './plan';

/** Smallest value of T: what a window with no in-bounds tap gives. */
@inline function lowest<T>(): i32 {
  return isSigned<T>() ? -128 : 0;
}

@inline function maxBytes<T>(a: v128, b: v128): v128 {
  return isSigned<T>() ? i8x16.max_s(a, b) : i8x16.max_u(a, b);
}

/** The even bytes of a then b: the taps of sixteen output columns with stride 2. */
@inline function evenBytes(a: v128, b: v128): v128 {
  return v128.shuffle<u8>(a, b, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
}

/** Sixteen bytes widened to four i32x4 and added to acc[0..4) at `acc` (i32 scratch). */
@inline function addWidened<T>(acc: usize, v: v128): void {
  const lo = isSigned<T>() ? i16x8.extend_low_i8x16_s(v) : i16x8.extend_low_i8x16_u(v);
  const hi = isSigned<T>() ? i16x8.extend_high_i8x16_s(v) : i16x8.extend_high_i8x16_u(v);
  v128.store(acc, i32x4.add(v128.load(acc), i32x4.extend_low_i16x8_s(lo)));
  v128.store(acc, i32x4.add(v128.load(acc, 16), i32x4.extend_high_i16x8_s(lo)), 16);
  v128.store(acc, i32x4.add(v128.load(acc, 32), i32x4.extend_low_i16x8_s(hi)), 32);
  v128.store(acc, i32x4.add(v128.load(acc, 48), i32x4.extend_high_i16x8_s(hi)), 48);
}

// ---- vertical pass ------------------------------------------------------------------------

/** Max over the rows rowList[t0..t1) of a plane, `width` bytes each, into `row`. */
@inline function verticalMax<T>(plane: usize, rowList: usize, t0: i32, t1: i32, C: i32, width: i32, row: usize): void {
  if (t1 == t0) {
    memory.fill(row, <u8>lowest<T>(), width);
    return;
  }
  const first = plane + <usize>load<i32>(rowList + (<usize>t0 << 2)) * <usize>C;
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    // The last group may read up to 15 bytes past the row (within the allocator's guard) and
    // writes them to the scratch row's slack; nothing uses them.
    for (; k < width; k += 16) {
      let acc = v128.load(first + k);
      for (let t = t0 + 1; t < t1; t++) {
        acc = maxBytes<T>(acc, v128.load(plane + <usize>load<i32>(rowList + (<usize>t << 2)) * <usize>C + k));
      }
      v128.store(row + k, acc);
    }
    return;
  }
  for (; k < width; k++) {
    let best = <i32>load<T>(first + k);
    for (let t = t0 + 1; t < t1; t++) best = max(best, <i32>load<T>(plane + <usize>load<i32>(rowList + (<usize>t << 2)) * <usize>C + k));
    store<T>(row + k, <T>best);
  }
}

/** Sums over the rows rowList[t0..t1) of a plane, `width` bytes each, into the i32 `row`. */
@inline function verticalSum<T>(plane: usize, rowList: usize, t0: i32, t1: i32, C: i32, width: i32, row: usize): void {
  memory.fill(row, 0, (<usize>width + 16) << 2);
  for (let t = t0; t < t1; t++) {
    const src = plane + <usize>load<i32>(rowList + (<usize>t << 2)) * <usize>C;
    let k = 0;
    if (ASC_FEATURE_SIMD) {
      for (; k + 16 <= width; k += 16) addWidened<T>(row + (<usize>k << 2), v128.load(src + k));
    }
    for (; k < width; k++) {
      const at = row + (<usize>k << 2);
      store<i32>(at, load<i32>(at) + <i32>load<T>(src + k));
    }
  }
}

// ---- horizontal pass ----------------------------------------------------------------------

/** One output element's taps along a reduced row, one at a time: max of bytes. */
@inline function columnMax<T>(row: usize, col: i32, n: i32, dilation: i32, C: i32, c: i32): i32 {
  let best = lowest<T>();
  for (let j = 0; j < n; j++) best = max(best, <i32>load<T>(row + <usize>((col + j * dilation) * C + c)));
  return best;
}

/** The same for a row of i32 sums. */
@inline function columnSum(row: usize, col: i32, n: i32, dilation: i32, C: i32, c: i32): i32 {
  let sum = 0;
  for (let j = 0; j < n; j++) sum += load<i32>(row + (<usize>((col + j * dilation) * C + c) << 2));
  return sum;
}

/** The output row `dst` (outW*C bytes) from the row of window maxima over the rows. */
@inline function horizontalMax<T>(plan: Plan, row: usize, dst: usize): void {
  const C = plan.channels, outW = plan.outW, dilation = plan.dilation, stride = plan.stride, kw = plan.kw;
  const colFirst = plan.colFirst, colCount = plan.colCount;
  const lo = plan.vecLo, hi = plan.vecHi;
  if (C == 1) {
    let scalarFrom = 0, scalarTo = outW; // columns [scalarFrom, scalarTo) still to do one by one
    if (ASC_FEATURE_SIMD && hi - lo >= 16 && (stride == 1 || stride == 2)) {
      // Interior: sixteen output columns per group, the last group moved back to end at hi.
      for (let g = lo; g < hi; g += 16) {
        const o = min(g, hi - 16);
        const base = row + <usize>(plan.colOrigin + o * stride);
        let acc = i8x16.splat(<i8>lowest<T>());
        for (let j = 0; j < kw; j++) {
          const at = base + <usize>(j * dilation);
          acc = maxBytes<T>(acc, stride == 1 ? v128.load(at) : evenBytes(v128.load(at), v128.load(at, 16)));
        }
        v128.store(dst + <usize>o, acc);
      }
      for (let o = 0; o < lo; o++) {
        store<T>(dst + <usize>o, <T>columnMax<T>(row, load<i32>(colFirst + (<usize>o << 2)), load<i32>(colCount + (<usize>o << 2)), dilation, 1, 0));
      }
      scalarFrom = hi;
    }
    for (let o = scalarFrom; o < scalarTo; o++) {
      store<T>(dst + <usize>o, <T>columnMax<T>(row, load<i32>(colFirst + (<usize>o << 2)), load<i32>(colCount + (<usize>o << 2)), dilation, 1, 0));
    }
    return;
  }
  for (let o = 0; o < outW; o++) {
    const col = load<i32>(colFirst + (<usize>o << 2)), n = load<i32>(colCount + (<usize>o << 2));
    const out = dst + <usize>o * <usize>C;
    let c = 0;
    if (ASC_FEATURE_SIMD && C >= 16) {
      // Sixteen channels at a time, the last group moved back to end at C.
      for (let g = 0; g < C; g += 16) {
        c = min(g, C - 16);
        let acc = i8x16.splat(<i8>lowest<T>());
        for (let j = 0; j < n; j++) acc = maxBytes<T>(acc, v128.load(row + <usize>((col + j * dilation) * C + c)));
        v128.store(out + <usize>c, acc);
      }
      continue;
    }
    for (; c < C; c++) store<T>(out + <usize>c, <T>columnMax<T>(row, col, n, dilation, C, c));
  }
}

/** The i32 window sums `sums` (outW*C) from the row of sums over the rows. */
@inline function horizontalSum(plan: Plan, row: usize, sums: usize): void {
  const C = plan.channels, outW = plan.outW, dilation = plan.dilation, stride = plan.stride, kw = plan.kw;
  const colFirst = plan.colFirst, colCount = plan.colCount;
  const lo = plan.vecLo, hi = plan.vecHi;
  if (C == 1) {
    let scalarFrom = 0;
    if (ASC_FEATURE_SIMD && hi - lo >= 4 && (stride == 1 || stride == 2)) {
      for (let g = lo; g < hi; g += 4) {
        const o = min(g, hi - 4);
        const base = row + (<usize>(plan.colOrigin + o * stride) << 2);
        let acc = i32x4.splat(0);
        for (let j = 0; j < kw; j++) {
          const at = base + (<usize>(j * dilation) << 2);
          acc = i32x4.add(acc, stride == 1 ? v128.load(at) : v128.shuffle<i32>(v128.load(at), v128.load(at, 16), 0, 2, 4, 6));
        }
        v128.store(sums + (<usize>o << 2), acc);
      }
      for (let o = 0; o < lo; o++) {
        store<i32>(sums + (<usize>o << 2), columnSum(row, load<i32>(colFirst + (<usize>o << 2)), load<i32>(colCount + (<usize>o << 2)), dilation, 1, 0));
      }
      scalarFrom = hi;
    }
    for (let o = scalarFrom; o < outW; o++) {
      store<i32>(sums + (<usize>o << 2), columnSum(row, load<i32>(colFirst + (<usize>o << 2)), load<i32>(colCount + (<usize>o << 2)), dilation, 1, 0));
    }
    return;
  }
  for (let o = 0; o < outW; o++) {
    const col = load<i32>(colFirst + (<usize>o << 2)), n = load<i32>(colCount + (<usize>o << 2));
    const out = sums + ((<usize>o * <usize>C) << 2);
    if (ASC_FEATURE_SIMD && C >= 4) {
      for (let g = 0; g < C; g += 4) {
        const c = min(g, C - 4);
        let acc = i32x4.splat(0);
        for (let j = 0; j < n; j++) acc = i32x4.add(acc, v128.load(row + (<usize>((col + j * dilation) * C + c) << 2)));
        v128.store(out + (<usize>c << 2), acc);
      }
      continue;
    }
    for (let c = 0; c < C; c++) store<i32>(out + (<usize>c << 2), columnSum(row, col, n, dilation, C, c));
  }
}

// ---- requantization -----------------------------------------------------------------------

/** One sum requantized: clamp(nearest(f32(sum - offset) * multiplier + zeroPoint)). */
@inline function requantize<T>(sum: i32, offset: i32, multiplier: f32, zeroPoint: f32): i32 {
  const q = <i32>nearest<f32>(<f32>(sum - offset) * multiplier + zeroPoint);
  return isSigned<T>() ? min(max(q, -128), 127) : min(max(q, 0), 255);
}

/** Four sums requantized and saturated to T, in the low four bytes. */
@inline function requantize4<T>(sums: v128, offsets: v128, multipliers: v128, zeroPoint: v128): v128 {
  const x = f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(sums, offsets)), multipliers), zeroPoint);
  const q = i32x4.trunc_sat_f32x4_s(f32x4.nearest(x));
  const words = i16x8.narrow_i32x4_s(q, q);
  return isSigned<T>() ? i8x16.narrow_i16x8_s(words, words) : i8x16.narrow_i16x8_u(words, words);
}

/**
 * Output row `dst` (outW*C) from its window sums; `offsets` (i32) and `multipliers` (f32) hold
 * one entry per output column of this row (shared by a pixel's channels).
 */
@inline function requantizeRow<T>(sums: usize, dst: usize, outW: i32, C: i32, offsets: usize, multipliers: usize, zeroPoint: f32): void {
  if (C == 1) {
    let o = 0;
    if (ASC_FEATURE_SIMD && outW >= 4) {
      const zp = f32x4.splat(zeroPoint);
      for (let g = 0; g < outW; g += 4) {
        o = min(g, outW - 4);
        const at = <usize>o << 2;
        const q = requantize4<T>(v128.load(sums + at), v128.load(offsets + at), v128.load(multipliers + at), zp);
        store<i32>(dst + <usize>o, i32x4.extract_lane(q, 0));
      }
      return;
    }
    for (; o < outW; o++) {
      const at = <usize>o << 2;
      store<T>(dst + <usize>o, <T>requantize<T>(load<i32>(sums + at), load<i32>(offsets + at), load<f32>(multipliers + at), zeroPoint));
    }
    return;
  }
  for (let o = 0; o < outW; o++) {
    const offset = load<i32>(offsets + (<usize>o << 2)), multiplier = load<f32>(multipliers + (<usize>o << 2));
    const pixel = <usize>o * <usize>C;
    if (ASC_FEATURE_SIMD && C >= 4) {
      const off4 = i32x4.splat(offset), mul4 = f32x4.splat(multiplier), zp = f32x4.splat(zeroPoint);
      for (let g = 0; g < C; g += 4) {
        const c = <usize>min(g, C - 4);
        const q = requantize4<T>(v128.load(sums + ((pixel + c) << 2)), off4, mul4, zp);
        store<i32>(dst + pixel + c, i32x4.extract_lane(q, 0));
      }
      continue;
    }
    for (let c: usize = 0; c < <usize>C; c++) {
      store<T>(dst + pixel + c, <T>requantize<T>(load<i32>(sums + ((pixel + c) << 2)), offset, multiplier, zeroPoint));
    }
  }
}

// ---- kernels ------------------------------------------------------------------------------

/**
 * Max pooling of every plane (planar: one channel plane; channels-last: one sample).
 * `scratch`: inW*C + 32 bytes.
 */
@inline function maxPoolBytes<T>(planPtr: usize, input: usize, output: usize, scratch: usize): void {
  const plan = changetype<Plan>(planPtr);
  const C = plan.channels, width = plan.inW * C, outRowBytes = <usize>plan.outW * <usize>C;
  for (let p = 0; p < plan.planes; p++) {
    const plane = input + <usize>p * <usize>plan.inPlane;
    for (let r = 0; r < plan.outRows; r++) {
      const t0 = load<i32>(plan.rowStarts + (<usize>r << 2)), t1 = load<i32>(plan.rowStarts + (<usize>r << 2), 4);
      verticalMax<T>(plane, plan.rowList, t0, t1, C, width, scratch);
      horizontalMax<T>(plan, scratch, output + <usize>p * <usize>plan.outPlane + <usize>r * outRowBytes);
    }
  }
}

/**
 * Average pooling: window sums requantized with the tables `offsets` (i32) and `multipliers`
 * (f32), one entry per output position of a plane (outRows*outW), and the output zero point.
 * `scratch`: (inW*C + 16 + outW*C + 4) * 4 bytes.
 */
@inline function avgPoolBytes<T>(planPtr: usize, input: usize, output: usize, scratch: usize, offsets: usize, multipliers: usize, zeroPoint: f32): void {
  const plan = changetype<Plan>(planPtr);
  const C = plan.channels, width = plan.inW * C, outW = plan.outW, outRowBytes = <usize>outW * <usize>C;
  const sums = scratch + ((<usize>width + 16) << 2);
  for (let p = 0; p < plan.planes; p++) {
    const plane = input + <usize>p * <usize>plan.inPlane;
    for (let r = 0; r < plan.outRows; r++) {
      const t0 = load<i32>(plan.rowStarts + (<usize>r << 2)), t1 = load<i32>(plan.rowStarts + (<usize>r << 2), 4);
      verticalSum<T>(plane, plan.rowList, t0, t1, C, width, scratch);
      horizontalSum(plan, scratch, sums);
      const table = (<usize>r * <usize>outW) << 2;
      requantizeRow<T>(sums, output + <usize>p * <usize>plan.outPlane + <usize>r * outRowBytes, outW, C, offsets + table, multipliers + table, zeroPoint);
    }
  }
}

/**
 * Max pooling with PyTorch's per-plane index of the first largest value, scanning each window
 * in order (rows, then columns): a tap replaces the best only when strictly larger.
 */
@inline function maxPoolBytesIndices<T>(planPtr: usize, input: usize, output: usize, indices: usize): void {
  const plan = changetype<Plan>(planPtr);
  const C = plan.channels, outW = plan.outW, dilation = plan.dilation;
  for (let p = 0; p < plan.planes; p++) {
    const plane = input + <usize>p * <usize>plan.inPlane;
    for (let r = 0; r < plan.outRows; r++) {
      const t0 = load<i32>(plan.rowStarts + (<usize>r << 2)), t1 = load<i32>(plan.rowStarts + (<usize>r << 2), 4);
      const firstRow = load<i32>(plan.rowInit + (<usize>r << 2));
      for (let o = 0; o < outW; o++) {
        const col = load<i32>(plan.colFirst + (<usize>o << 2)), n = load<i32>(plan.colCount + (<usize>o << 2));
        const at = <usize>p * <usize>plan.outPlane + (<usize>r * <usize>outW + <usize>o) * <usize>C;
        for (let c = 0; c < C; c++) {
          let best = lowest<T>(), bestIndex = firstRow + col;
          for (let t = t0; t < t1; t++) {
            const rowIndex = load<i32>(plan.rowList + (<usize>t << 2)) + col;
            for (let j = 0; j < n; j++) {
              const index = rowIndex + j * dilation;
              const v = <i32>load<T>(plane + <usize>(index * C + c));
              if (v > best) {
                best = v;
                bestIndex = index;
              }
            }
          }
          store<T>(output + at + <usize>c, <T>best);
          store<i32>(indices + ((at + <usize>c) << 2), bestIndex);
        }
      }
    }
  }
}

/** Global max of contiguous planes of `length` bytes. */
@inline function globalMaxBytes<T>(input: usize, output: usize, planes: i32, length: i32): void {
  for (let p = 0; p < planes; p++) {
    const plane = input + <usize>p * <usize>length;
    let best = lowest<T>();
    let i = 0;
    if (ASC_FEATURE_SIMD && length >= 16) {
      let acc = i8x16.splat(<i8>lowest<T>());
      for (; i + 16 <= length; i += 16) acc = maxBytes<T>(acc, v128.load(plane + <usize>i));
      acc = maxBytes<T>(acc, v128.load(plane + <usize>(length - 16))); // the ragged tail, overlapping
      acc = maxBytes<T>(acc, v128.shuffle<u8>(acc, acc, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
      acc = maxBytes<T>(acc, v128.shuffle<u8>(acc, acc, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3));
      acc = maxBytes<T>(acc, v128.shuffle<u8>(acc, acc, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1));
      acc = maxBytes<T>(acc, v128.shuffle<u8>(acc, acc, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0));
      best = isSigned<T>() ? <i32>i8x16.extract_lane_s(acc, 0) : <i32>i8x16.extract_lane_u(acc, 0);
      i = length;
    }
    for (; i < length; i++) best = max(best, <i32>load<T>(plane + <usize>i));
    store<T>(output + <usize>p, <T>best);
  }
}

/** Global average of contiguous planes: sums requantized with one offset and multiplier. */
@inline function globalAvgBytes<T>(input: usize, output: usize, planes: i32, length: i32, offset: i32, multiplier: f32, zeroPoint: f32): void {
  for (let p = 0; p < planes; p++) {
    const plane = input + <usize>p * <usize>length;
    let sum = 0;
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      let acc = i32x4.splat(0);
      for (; i + 16 <= length; i += 16) {
        const v = v128.load(plane + <usize>i);
        const pairs = isSigned<T>() ? i16x8.extadd_pairwise_i8x16_s(v) : i16x8.extadd_pairwise_i8x16_u(v);
        acc = i32x4.add(acc, i32x4.extadd_pairwise_i16x8_s(pairs));
      }
      sum = i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
    }
    for (; i < length; i++) sum += <i32>load<T>(plane + <usize>i);
    store<T>(output + <usize>p, <T>requantize<T>(sum, offset, multiplier, zeroPoint));
  }
}

export function maxPoolBytes_i8(plan: usize, input: usize, output: usize, scratch: usize): void {
  maxPoolBytes<i8>(plan, input, output, scratch);
}
export function maxPoolBytes_u8(plan: usize, input: usize, output: usize, scratch: usize): void {
  maxPoolBytes<u8>(plan, input, output, scratch);
}
export function maxPoolBytesIndices_i8(plan: usize, input: usize, output: usize, indices: usize): void {
  maxPoolBytesIndices<i8>(plan, input, output, indices);
}
export function maxPoolBytesIndices_u8(plan: usize, input: usize, output: usize, indices: usize): void {
  maxPoolBytesIndices<u8>(plan, input, output, indices);
}
export function avgPoolBytes_i8(plan: usize, input: usize, output: usize, scratch: usize, offsets: usize, multipliers: usize, zeroPoint: f32): void {
  avgPoolBytes<i8>(plan, input, output, scratch, offsets, multipliers, zeroPoint);
}
export function avgPoolBytes_u8(plan: usize, input: usize, output: usize, scratch: usize, offsets: usize, multipliers: usize, zeroPoint: f32): void {
  avgPoolBytes<u8>(plan, input, output, scratch, offsets, multipliers, zeroPoint);
}
export function globalMaxBytes_i8(input: usize, output: usize, planes: i32, length: i32): void {
  globalMaxBytes<i8>(input, output, planes, length);
}
export function globalMaxBytes_u8(input: usize, output: usize, planes: i32, length: i32): void {
  globalMaxBytes<u8>(input, output, planes, length);
}
export function globalAvgBytes_i8(input: usize, output: usize, planes: i32, length: i32, offset: i32, multiplier: f32, zeroPoint: f32): void {
  globalAvgBytes<i8>(input, output, planes, length, offset, multiplier, zeroPoint);
}
export function globalAvgBytes_u8(input: usize, output: usize, planes: i32, length: i32, offset: i32, multiplier: f32, zeroPoint: f32): void {
  globalAvgBytes<u8>(input, output, planes, length, offset, multiplier, zeroPoint);
}
