// Pooling of int8 / uint8 tensors, sixteen lanes per v128, from the same window plans as the
// float kernels (rows flattened, columns last, padding already clipped away), for planar and
// channels-last layouts alike: a planar plane is a channels-last plane with C = 1.
//
// One kernel body serves both dtypes: every byte is read as a signed code (byte-codes.ts), uint8
// ones with their top bit flipped, which keeps order and shifts sums by 128 per cell
// (src/ops/bytes.ts folds that into the requantization offsets).
//
// Integer max and integer sums are exact in any order, so a window is reduced in two passes:
//   vertical:   the window's input rows (whole rows of inW*C bytes, sixteen at a time) into one
//               scratch row, max as bytes or sums as i16/i32 lanes;
//   horizontal: each output column's taps along that row: a vector of output columns at a
//               time for planar rows (whole rows, the scratch row padded with the lowest code
//               or zero sums for the borders; from stride 3 on, windows at every column with
//               every stride-th picked), a vector of channels at a time for channels-last, one
//               at a time elsewhere (adaptive windows, wider strides; the sums' borders where
//               a tap lies past the padding). Averages over rows narrower than a vector keep a
//               plane's sums back to back and requantize them together.
// Max pooling of planar windows 2 or 3 wide at stride 1 or 2, and of channels-last windows up to 3
// wide over 16 channels or more, skips the scratch row (byte-max.ts).
// Averages of planar windows 2 or 3 wide at stride 1 or 2, and of channels-last windows up to 3
// wide over 16 channels or more, over up to 3 rows, sum straight from the input rows (byte-avg.ts).
// Averages then requantize each sum with a per-position table that TypeScript writes:
// q = clamp(nearbyint(f32(sum - offset) * multiplier + zeroPoint)), in f32 with
// round-half-to-even, as PyTorch's quantized kernels do. The first largest value's index
// (returnIndices) comes from a direct scan in PyTorch's order (maxPoolBytesIndices).
import { Plan } from './plan';
import { loadCode, loadCodes, storeCode, storeCodes } from './byte-codes';
import { evenBytes, pixelsMax, planarNarrow, planarNarrowFits } from './byte-max';
import { requantize, requantize4, saturate, unclampedFits } from './requantize';
import { pixelsAvg, planarAvg, planarAvgFits } from './byte-avg';

// ---- lanes picked at wider strides ----------------------------------------------------------

/** The widest column stride whose planar max rows go in groups of picked lanes (16 * 8 bytes a group). */
const PICK_STRIDE = 8;

/**
 * Swizzle indices that gather every stride-th lane of `size` bytes from a vector: lane k takes
 * lane k * stride. Lanes that lie in the v-th following vector take these indices less 16 * v;
 * indices past 15 give zero bytes, so a group ORs its `stride` swizzles together.
 */
@inline function pickLanes(stride: i32, size: i32): v128 {
  const bytes = i8x16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const within = v128.and(bytes, i8x16.splat(<i8>(size - 1)));
  const laneStart = i8x16.sub(bytes, within);
  let pick = within; // (lane start) * stride + byte within the lane
  for (let i = 0; i < stride; i++) pick = i8x16.add(pick, laneStart);
  return pick;
}

/**
 * A group of windows at a stride of 3 or more along a row of W lanes (i8: byte codes, `max`;
 * i16/i32: sums), the first window's first tap at `base`: the windows at every column of the
 * group's span, a vector at a time (`stride` vectors), every stride-th lane picked with the
 * indices of pickLanes.
 */
@inline function pickedWindows<W>(base: usize, kw: i32, dilation: i32, stride: i32, picks: v128, max: bool): v128 {
  const size = <usize>sizeof<W>();
  let acc = i32x4.splat(0), pick = picks;
  for (let v = 0; v < stride; v++) {
    const at = base + <usize>(v << 4);
    let m = v128.load(at);
    for (let j = 1; j < kw; j++) {
      const tap = v128.load(at + <usize>(j * dilation) * size);
      m = max ? i8x16.max_s(m, tap) : sizeof<W>() == 2 ? i16x8.add(m, tap) : i32x4.add(m, tap);
    }
    acc = v128.or(acc, i8x16.swizzle(m, pick));
    pick = i8x16.sub(pick, i8x16.splat(16));
  }
  return acc;
}

// ---- max ----------------------------------------------------------------------------------

/** Max over the rows rowList[t0..t1) of a plane, `width` bytes each, into `row` (signed). */
@inline function verticalMax(plane: usize, rowList: usize, t0: i32, t1: i32, C: i32, width: i32, row: usize, bias: i32): void {
  if (t1 == t0) {
    memory.fill(row, 0x80, width); // -128: a window with no in-bounds tap
    return;
  }
  const first = plane + <usize>load<i32>(rowList + (<usize>t0 << 2)) * <usize>C;
  if (ASC_FEATURE_SIMD) {
    const flip = i8x16.splat(<i8>bias);
    // The last group may read up to 15 bytes past the row (within the allocator's guard) and
    // writes them to the scratch row's slack; nothing uses them.
    for (let k = 0; k < width; k += 16) {
      let acc = loadCodes(first + k, flip);
      for (let t = t0 + 1; t < t1; t++) {
        acc = i8x16.max_s(acc, loadCodes(plane + <usize>load<i32>(rowList + (<usize>t << 2)) * <usize>C + k, flip));
      }
      v128.store(row + k, acc);
    }
    return;
  }
  for (let k = 0; k < width; k++) {
    let best = -128;
    for (let t = t0; t < t1; t++) best = max(best, loadCode(plane + <usize>load<i32>(rowList + (<usize>t << 2)) * <usize>C + k, bias));
    store<i8>(row + k, <i8>best);
  }
}

/** One output element's taps along a row of codes, one at a time. */
@inline function columnMax(row: usize, col: i32, n: i32, dilation: i32, C: i32, c: i32, bias: i32): i32 {
  let best = -128;
  for (let j = 0; j < n; j++) best = max(best, loadCode(row + <usize>((col + j * dilation) * C + c), bias));
  return best;
}

/**
 * Whether a planar row goes in groups, every column with its borders: regular windows (an
 * interior; adaptive plans have none), stride 1 or 2, or up to `widest` over rows of at least two
 * outputs per vector a group loads per tap (fewer measured slower than one at a time), every tap
 * within the 16 cells before the row and the `after` cells after it that hold the reduction's
 * neutral value (maxPoolBytes and avgPoolLanes write them).
 */
@inline function paddedRow(plan: Plan, widest: i32, after: i32): bool {
  const stride = plan.stride, origin = plan.colOrigin;
  return ASC_FEATURE_SIMD && plan.channels == 1 && plan.vecLo < plan.vecHi && origin >= -16 &&
    (stride <= 2 || (stride <= widest && plan.outW >= 2 * stride)) &&
    origin + (plan.outW - 1) * stride + (plan.kw - 1) * plan.dilation < plan.inW + after;
}

/**
 * paddedRow for horizontalMax: strides up to PICK_STRIDE, 32 lowest codes after the row. A
 * group's loads then end at most 16 * PICK_STRIDE + 31 bytes past the row, within its scratch
 * (rowElements + 192).
 */
@inline function paddedGroups(plan: Plan): bool {
  return paddedRow(plan, PICK_STRIDE, 32);
}

/**
 * The output row `dst` (outW*C codes) from the row of window maxima over the rows (signed).
 * `padded`: paddedGroups holds, and the row has its lowest codes around it.
 */
@inline function horizontalMax(plan: Plan, row: usize, dst: usize, bias: i32, padded: bool): void {
  const C = plan.channels, outW = plan.outW, dilation = plan.dilation, stride = plan.stride, kw = plan.kw;
  const colFirst = plan.colFirst, colCount = plan.colCount;
  if (ASC_FEATURE_SIMD && padded) {
    // Every column in groups of sixteen, borders included: a tap outside the row reads the lowest
    // code, the max of a window's in-bounds taps. A row of fewer than 16 outputs writes a whole
    // group, as byte-max.ts's narrow rows do: its extra lanes land on the next row, written after
    // it, or past the call's last row on the output's guard bytes (src/memory.ts GUARD_BYTES).
    const flip = i8x16.splat(<i8>bias), picks = pickLanes(stride, 1);
    for (let g = 0; g < outW; g += 16) {
      const o = outW < 16 ? 0 : min(g, outW - 16);
      const base = row + <usize>(plan.colOrigin + o * stride);
      let acc = i8x16.splat(-128);
      if (stride <= 2) {
        for (let j = 0; j < kw; j++) {
          const at = base + <usize>(j * dilation);
          acc = i8x16.max_s(acc, stride == 1 ? v128.load(at) : evenBytes(v128.load(at), v128.load(at, 16)));
        }
      } else {
        acc = pickedWindows<i8>(base, kw, dilation, stride, picks, true);
      }
      storeCodes(dst + <usize>o, acc, flip);
    }
    return;
  }
  // (others one output at a time; channels-last sixteen channels at a time from 16 on)
  if (C == 1) {
    for (let o = 0; o < outW; o++) {
      storeCode(dst + <usize>o, columnMax(row, load<i32>(colFirst + (<usize>o << 2)), load<i32>(colCount + (<usize>o << 2)), dilation, 1, 0, 0), bias);
    }
    return;
  }
  for (let o = 0; o < outW; o++) {
    const col = load<i32>(colFirst + (<usize>o << 2)), n = load<i32>(colCount + (<usize>o << 2));
    const out = dst + <usize>o * <usize>C;
    if (ASC_FEATURE_SIMD && C >= 16) {
      const flip = i8x16.splat(<i8>bias);
      // Sixteen channels at a time, the last group moved back to end at C.
      for (let g = 0; g < C; g += 16) {
        const c = min(g, C - 16);
        let acc = i8x16.splat(-128);
        for (let j = 0; j < n; j++) acc = i8x16.max_s(acc, v128.load(row + <usize>((col + j * dilation) * C + c)));
        storeCodes(out + <usize>c, acc, flip);
      }
      continue;
    }
    for (let c = 0; c < C; c++) storeCode(out + <usize>c, columnMax(row, col, n, dilation, C, c, 0), bias);
  }
}

/**
 * Max pooling of every plane (planar: one channel plane; channels-last: one sample).
 * `scratch`: inW*C + 192 bytes: the row of window maxima 16 bytes in, with room around it.
 */
export function maxPoolBytes(planPtr: usize, input: usize, output: usize, scratch: usize, bias: i32): void {
  const plan = changetype<Plan>(planPtr);
  const C = plan.channels, width = plan.inW * C, outRowBytes = <usize>plan.outW * <usize>C;
  // The common windows straight from the input rows (byte-max.ts).
  if (ASC_FEATURE_SIMD && planarNarrowFits(plan)) {
    planarNarrow(plan, input, output, bias);
    return;
  }
  if (ASC_FEATURE_SIMD && C >= 16 && plan.kw <= 3) {
    if (bias == 0) pixelsMax<i8>(plan, input, output, bias);
    else pixelsMax<u8>(plan, input, output, bias);
    return;
  }
  const row = scratch + 16, padded = paddedGroups(plan);
  // (lowest codes before the row; after it, again after each vertical pass, whose last group
  // writes up to 15 bytes past the row)
  if (ASC_FEATURE_SIMD && padded) v128.store(scratch, i8x16.splat(-128));
  for (let p = 0; p < plan.planes; p++) {
    const plane = input + <usize>p * <usize>plan.inPlane;
    for (let r = 0; r < plan.outRows; r++) {
      const t0 = load<i32>(plan.rowStarts + (<usize>r << 2)), t1 = load<i32>(plan.rowStarts + (<usize>r << 2), 4);
      const dst = output + <usize>p * <usize>plan.outPlane + <usize>r * outRowBytes;
      verticalMax(plane, plan.rowList, t0, t1, C, width, row, bias);
      if (ASC_FEATURE_SIMD && padded) {
        v128.store(row + <usize>width, i8x16.splat(-128));
        v128.store(row + <usize>width, i8x16.splat(-128), 16);
      }
      horizontalMax(plan, row, dst, bias, padded);
    }
  }
}

/**
 * Max pooling with PyTorch's per-plane index of the first largest value, scanning each window
 * in order (rows, then columns): a tap replaces the best only when strictly larger.
 */
export function maxPoolBytesIndices(planPtr: usize, input: usize, output: usize, indices: usize, bias: i32): void {
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
          let best = -128, bestIndex = firstRow + col;
          for (let t = t0; t < t1; t++) {
            const rowIndex = load<i32>(plan.rowList + (<usize>t << 2)) + col;
            for (let j = 0; j < n; j++) {
              const index = rowIndex + j * dilation;
              const v = loadCode(plane + <usize>(index * C + c), bias);
              if (v > best) {
                best = v;
                bestIndex = index;
              }
            }
          }
          storeCode(output + at + <usize>c, best, bias);
          store<i32>(indices + ((at + <usize>c) << 2), bestIndex);
        }
      }
    }
  }
}

/** Global max of contiguous planes of `length` codes. */
export function globalMaxBytes(input: usize, output: usize, planes: i32, length: i32, bias: i32): void {
  for (let p = 0; p < planes; p++) {
    const plane = input + <usize>p * <usize>length;
    let best = -128;
    let i = 0;
    if (ASC_FEATURE_SIMD && length >= 16) {
      const flip = i8x16.splat(<i8>bias);
      let acc = loadCodes(plane + <usize>(length - 16), flip); // the ragged tail, overlapping
      for (; i + 16 <= length; i += 16) acc = i8x16.max_s(acc, loadCodes(plane + <usize>i, flip));
      acc = i8x16.max_s(acc, v128.shuffle<u8>(acc, acc, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
      acc = i8x16.max_s(acc, v128.shuffle<u8>(acc, acc, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3));
      acc = i8x16.max_s(acc, v128.shuffle<u8>(acc, acc, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1));
      acc = i8x16.max_s(acc, v128.shuffle<u8>(acc, acc, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0));
      best = i8x16.extract_lane_s(acc, 0);
      i = length;
    }
    for (; i < length; i++) best = max(best, loadCode(plane + <usize>i, bias));
    storeCode(output + <usize>p, best, bias);
  }
}

// ---- averages: sums in lanes of W (i16 when a window has at most 128 cells, else i32) -----

/** Lanes of W per v128. */
@inline function lanes<W>(): i32 {
  return 16 / sizeof<W>();
}

@inline function addLanes<W>(a: v128, b: v128): v128 {
  return sizeof<W>() == 2 ? i16x8.add(a, b) : i32x4.add(a, b);
}

/** The even lanes of a then b: the taps of one vector of output columns with stride 2. */
@inline function evenLanes<W>(a: v128, b: v128): v128 {
  return sizeof<W>() == 2 ? v128.shuffle<i16>(a, b, 0, 2, 4, 6, 8, 10, 12, 14) : v128.shuffle<i32>(a, b, 0, 2, 4, 6);
}

/** Part `part` (0 .. 16/lanes) of sixteen signed bytes, widened to W lanes. */
@inline function widen<W>(v: v128, part: i32): v128 {
  const half = part < (sizeof<W>() == 2 ? 1 : 2) ? i16x8.extend_low_i8x16_s(v) : i16x8.extend_high_i8x16_s(v);
  if (sizeof<W>() == 2) return half;
  return (part & 1) == 0 ? i32x4.extend_low_i16x8_s(half) : i32x4.extend_high_i16x8_s(half);
}

/**
 * Sums over the rows rowList[t0..t1) of a plane, `width` bytes each, into the W row `row`:
 * sixteen columns at a time, the accumulators held in registers across the rows. The last
 * group may read past the row (within the allocator's guard) into the row's slack.
 */
@inline function verticalSum<W>(plane: usize, rowList: usize, t0: i32, t1: i32, C: i32, width: i32, row: usize, bias: i32): void {
  if (t1 == t0) {
    memory.fill(row, 0, <usize>(width + 16) * sizeof<W>());
    return;
  }
  const first = plane + <usize>load<i32>(rowList + (<usize>t0 << 2)) * <usize>C;
  if (ASC_FEATURE_SIMD) {
    const flip = i8x16.splat(<i8>bias);
    for (let k = 0; k < width; k += 16) {
      const v = loadCodes(first + k, flip);
      let a0 = widen<W>(v, 0), a1 = widen<W>(v, 1), a2 = widen<W>(v, 2), a3 = widen<W>(v, 3);
      for (let t = t0 + 1; t < t1; t++) {
        const u = loadCodes(plane + <usize>load<i32>(rowList + (<usize>t << 2)) * <usize>C + k, flip);
        a0 = addLanes<W>(a0, widen<W>(u, 0));
        a1 = addLanes<W>(a1, widen<W>(u, 1));
        if (sizeof<W>() == 4) {
          a2 = addLanes<W>(a2, widen<W>(u, 2));
          a3 = addLanes<W>(a3, widen<W>(u, 3));
        }
      }
      const at = row + <usize>k * sizeof<W>();
      v128.store(at, a0);
      v128.store(at, a1, 16);
      if (sizeof<W>() == 4) {
        v128.store(at, a2, 32);
        v128.store(at, a3, 48);
      }
    }
    return;
  }
  for (let k = 0; k < width; k++) {
    let sum = 0;
    for (let t = t0; t < t1; t++) sum += loadCode(plane + <usize>load<i32>(rowList + (<usize>t << 2)) * <usize>C + k, bias);
    store<W>(row + <usize>k * sizeof<W>(), <W>sum);
  }
}

/** One output element's taps along a row of W sums, one at a time. */
@inline function columnSum<W>(row: usize, col: i32, n: i32, dilation: i32, C: i32, c: i32): i32 {
  let sum = 0;
  for (let j = 0; j < n; j++) sum += <i32>load<W>(row + <usize>((col + j * dilation) * C + c) * sizeof<W>());
  return sum;
}

/**
 * paddedRow for horizontalSum: strides below the lanes (picked lanes pay while a group loads
 * fewer vectors per tap than it has outputs), 16 zero sums after the row (a zero adds nothing,
 * and the tables divide by the in-bounds count).
 */
@inline function paddedSums<W>(plan: Plan): bool {
  return paddedRow(plan, lanes<W>() - 1, 16);
}

/**
 * The sums of L = lanes<W>() windows along a row of W sums, the first window's first tap at
 * `base`: a vector of taps at a time for stride 1 or 2, picked windows for wider ones.
 */
@inline function sumGroup<W>(base: usize, kw: i32, dilation: i32, stride: i32, picks: v128): v128 {
  const size = <usize>sizeof<W>();
  let acc = i32x4.splat(0);
  if (stride <= 2) {
    for (let j = 0; j < kw; j++) {
      const at = base + <usize>(j * dilation) * size;
      acc = addLanes<W>(acc, stride == 1 ? v128.load(at) : evenLanes<W>(v128.load(at), v128.load(at, 16)));
    }
    return acc;
  }
  return pickedWindows<W>(base, kw, dilation, stride, picks, false);
}

/**
 * The window sums `sums` (outW*C, lanes of W) from the row of sums over the rows. `padded`:
 * paddedSums holds and the row has its zero sums around it; a row of fewer than L outputs then
 * writes a whole group (avgPoolLanes keeps such rows' sums back to back: the next row's
 * overwrite the extra lanes).
 */
@inline function horizontalSum<W>(plan: Plan, row: usize, sums: usize, padded: bool): void {
  const C = plan.channels, outW = plan.outW, dilation = plan.dilation, stride = plan.stride, kw = plan.kw;
  const colFirst = plan.colFirst, colCount = plan.colCount;
  const lo = plan.vecLo, hi = plan.vecHi, L = lanes<W>(), size = <usize>sizeof<W>();
  if (C == 1) {
    // Groups over [from, to): padded, every column; else the interior (picked lanes pay while a
    // group loads fewer vectors per tap than it has outputs), its borders one column at a time.
    // The last group moves back to end at `to`; its loads end at most stride - 1 columns past
    // the last tap of the row's groups, within the row's slack. (padded: a row narrower than a
    // group has one, at 0.)
    const grouped = ASC_FEATURE_SIMD && (padded || (hi - lo >= L && (stride <= 2 || stride < L)));
    const from = padded ? 0 : lo, to = padded ? outW : hi;
    if (grouped) {
      const picks = pickLanes(stride, <i32>size);
      for (let g = from; g < to; g += L) {
        const o = to - from < L ? from : min(g, to - L);
        v128.store(sums + <usize>o * size, sumGroup<W>(row + <usize>(plan.colOrigin + o * stride) * size, kw, dilation, stride, picks));
      }
    }
    // (the columns outside the groups one at a time)
    for (let o = 0; o < outW;) {
      if (grouped && o == from) {
        o = to;
        continue;
      }
      store<W>(sums + <usize>o * size, <W>columnSum<W>(row, load<i32>(colFirst + (<usize>o << 2)), load<i32>(colCount + (<usize>o << 2)), dilation, 1, 0));
      o++;
    }
    return;
  }
  for (let o = 0; o < outW; o++) {
    const col = load<i32>(colFirst + (<usize>o << 2)), n = load<i32>(colCount + (<usize>o << 2));
    const out = sums + <usize>o * <usize>C * size;
    if (ASC_FEATURE_SIMD && C >= L) {
      // L channels at a time, the last group moved back to end at C.
      for (let g = 0; g < C; g += L) {
        const c = min(g, C - L);
        let acc = i32x4.splat(0);
        for (let j = 0; j < n; j++) acc = addLanes<W>(acc, v128.load(row + <usize>((col + j * dilation) * C + c) * size));
        v128.store(out + <usize>c * size, acc);
      }
      continue;
    }
    for (let c = 0; c < C; c++) store<W>(out + <usize>c * size, <W>columnSum<W>(row, col, n, dilation, C, c));
  }
}

// ---- requantization (requantize.ts) -----------------------------------------------------

/** The L = lanes<W>() sums at `sums` requantized into L codes at `dst`; offsets/multipliers loaded, or splat. */
@inline function requantizeLanes<W>(
  sums: usize, dst: usize, offsets: usize, multipliers: usize, perLane: bool, offset: i32, multiplier: f32,
  zp: v128, rounderBits: v128, flip: v128,
): void {
  const s = v128.load(sums);
  const off0 = perLane ? v128.load(offsets) : i32x4.splat(offset);
  const mul0 = perLane ? v128.load(multipliers) : f32x4.splat(multiplier);
  if (sizeof<W>() == 2) {
    const off1 = perLane ? v128.load(offsets, 16) : off0;
    const mul1 = perLane ? v128.load(multipliers, 16) : mul0;
    const q0 = requantize4(i32x4.extend_low_i16x8_s(s), off0, mul0, zp, rounderBits);
    const q1 = requantize4(i32x4.extend_high_i16x8_s(s), off1, mul1, zp, rounderBits);
    v128.store64_lane(dst, saturate(q0, q1, flip), 0);
  } else {
    const q = requantize4(s, off0, mul0, zp, rounderBits);
    v128.store32_lane(dst, saturate(q, q, flip), 0);
  }
}

/**
 * Output row `dst` (outW*C codes) from its window sums (lanes of W); `offsets` (i32) and
 * `multipliers` (f32) hold one entry per output column of this row (shared by a pixel's channels).
 */
@inline function requantizeRow<W>(
  sums: usize, dst: usize, outW: i32, C: i32, offsets: usize, multipliers: usize, zeroPoint: f32, bias: i32, zeroPointAfter: i32,
): void {
  const L = lanes<W>(), size = <usize>sizeof<W>();
  // zeroPointAfter joins after rounding, with the bias (the integer taken off the rounded value).
  const outBias = bias - zeroPointAfter;
  if (ASC_FEATURE_SIMD && (C == 1 ? outW >= L : C >= L)) {
    const zp = f32x4.splat(zeroPoint), rounderBits = i32x4.splat(0x4b400000 + outBias), flip = i8x16.splat(<i8>bias);
    if (C == 1) {
      for (let g = 0; g < outW; g += L) {
        const o = <usize>min(g, outW - L);
        requantizeLanes<W>(sums + o * size, dst + o, offsets + (o << 2), multipliers + (o << 2), true, 0, 0, zp, rounderBits, flip);
      }
      return;
    }
    for (let o = 0; o < outW; o++) {
      const offset = load<i32>(offsets + (<usize>o << 2)), multiplier = load<f32>(multipliers + (<usize>o << 2));
      const pixel = <usize>o * <usize>C;
      for (let g = 0; g < C; g += L) {
        const c = <usize>min(g, C - L);
        requantizeLanes<W>(sums + (pixel + c) * size, dst + pixel + c, 0, 0, false, offset, multiplier, zp, rounderBits, flip);
      }
    }
    return;
  }
  for (let o: usize = 0; o < <usize>outW; o++) {
    const offset = load<i32>(offsets + (o << 2)), multiplier = load<f32>(multipliers + (o << 2));
    for (let c: usize = 0; c < <usize>C; c++) {
      const at = o * <usize>C + c;
      storeCode(dst + at, requantize(<i32>load<W>(sums + at * size), offset, multiplier, zeroPoint, outBias), bias);
    }
  }
}

// ---- average kernels ----------------------------------------------------------------------

/**
 * Average pooling: window sums requantized with the tables `offsets` (i32) and `multipliers`
 * (f32), one entry per output position of a plane (outRows*outW), the output zero point added
 * before rounding (`zeroPoint`, PyTorch's avg_pool1d/2d) or after it (`zeroPointAfter`, its
 * avg_pool3d: nearbyint(x * m) + zeroPoint, which rounds ties differently) and the bias. Sums run in i16 lanes (eight per v128) when no window has more than 128 cells
 * (|sum| <= 128 * 128 fits), else in i32 lanes. `scratch`: (inW*C + 16 + S + 16) * 4 + 320 bytes,
 * S = outRows*outW for planar rows of fewer than 16 outputs, else outW*C (avgPoolLanes; its groups
 * read up to 256 bytes past the sums, into lanes they do not use).
 */
export function avgPoolBytes(
  planPtr: usize, input: usize, output: usize, scratch: usize, offsets: usize, multipliers: usize, zeroPoint: f32, bias: i32, zeroPointAfter: i32,
): void {
  const plan = changetype<Plan>(planPtr);
  let rows = 0;
  for (let r = 0; r < plan.outRows; r++) {
    rows = max(rows, load<i32>(plan.rowStarts + (<usize>r << 2), 4) - load<i32>(plan.rowStarts + (<usize>r << 2)));
  }
  const C = plan.channels, table = plan.outRows * plan.outW;
  if (ASC_FEATURE_SIMD && rows <= 3 && (planarAvgFits(plan, rows) || (C >= 16 && plan.kw <= 3)) &&
    unclampedFits(multipliers, table, rows * plan.kw, zeroPoint + <f32>zeroPointAfter)) {
    // The common windows straight from the input rows (byte-avg.ts), a row of zero codes for
    // windows of fewer rows.
    const zero = scratch + 16, threeRows = rows == 3;
    memory.fill(scratch, <u8>bias, <usize>(plan.inW * C + 80));
    // (zeroPointAfter joins after rounding, with the bias: the integer taken off the rounded value)
    if (C == 1) planarAvg(plan, input, output, zero, offsets, multipliers, zeroPoint, bias - zeroPointAfter, bias, threeRows);
    else pixelsAvg(plan, input, output, zero, offsets, multipliers, zeroPoint, bias - zeroPointAfter, bias, threeRows);
    return;
  }
  if (<i64>rows * <i64>plan.kw <= 128) avgPoolLanes<i16>(plan, input, output, scratch, offsets, multipliers, zeroPoint, bias, zeroPointAfter);
  else avgPoolLanes<i32>(plan, input, output, scratch, offsets, multipliers, zeroPoint, bias, zeroPointAfter);
}

/**
 * avgPoolLanes' scratch: 64 bytes (zero sums before the row), the row of sums over the rows
 * (width + 16 lanes of W), then the window sums: a row's, or with `planeSums` every row's of a
 * plane back to back (outRows*outW + 16 lanes); src/ops/bytes.ts sizes it.
 */
@inline function avgPoolLanes<W>(
  plan: Plan, input: usize, output: usize, scratch: usize, offsets: usize, multipliers: usize, zeroPoint: f32, bias: i32, zeroPointAfter: i32,
): void {
  const C = plan.channels, width = plan.inW * C, outW = plan.outW, outRowBytes = <usize>outW * <usize>C, size = <usize>sizeof<W>();
  const row = scratch + 64, sums = row + <usize>(width + 16) * size, padded = paddedSums<W>(plan);
  // Rows of fewer than L outputs: their sums back to back, requantized as one run of the plane's
  // positions (the tables hold one entry per position), where each row went one column at a time.
  const positions = plan.outRows * outW, planeSums = padded && outW < lanes<W>() && positions >= lanes<W>();
  if (padded) memory.fill(scratch, 0, 64);
  for (let p = 0; p < plan.planes; p++) {
    const plane = input + <usize>p * <usize>plan.inPlane, outPlane = output + <usize>p * <usize>plan.outPlane;
    for (let r = 0; r < plan.outRows; r++) {
      const t0 = load<i32>(plan.rowStarts + (<usize>r << 2)), t1 = load<i32>(plan.rowStarts + (<usize>r << 2), 4);
      verticalSum<W>(plane, plan.rowList, t0, t1, C, width, row, bias);
      // (zeros again after the row: the vertical pass's last group writes up to 15 lanes past it)
      if (ASC_FEATURE_SIMD && padded) {
        const after = row + <usize>width * size, zero = i32x4.splat(0);
        v128.store(after, zero);
        v128.store(after, zero, 16);
        if (size == 4) {
          v128.store(after, zero, 32);
          v128.store(after, zero, 48);
        }
      }
      horizontalSum<W>(plan, row, planeSums ? sums + <usize>r * <usize>outW * size : sums, padded);
      if (planeSums && r < plan.outRows - 1) continue;
      // (planeSums: the whole plane, after its last row)
      const at: usize = planeSums ? 0 : <usize>r * <usize>outW;
      requantizeRow<W>(
        sums, outPlane + at * <usize>C, planeSums ? positions : outW, C, offsets + (at << 2), multipliers + (at << 2), zeroPoint, bias, zeroPointAfter,
      );
    }
  }
}

/** The i32 sum of sixteen signed bytes' pairwise sums, folded into acc. */
@inline function addBytes(acc: v128, v: v128): v128 {
  return i32x4.add(acc, i32x4.extadd_pairwise_i16x8_s(i16x8.extadd_pairwise_i8x16_s(v)));
}

/** The sum of the codes [from, length) of a plane, one at a time. */
@inline function tailSum(plane: usize, from: i32, length: i32, bias: i32): i32 {
  let sum = 0;
  for (let i = from; i < length; i++) sum += loadCode(plane + <usize>i, bias);
  return sum;
}

/** The sums of the codes of four planes of `length` (at b0, b0 + length, ...), one per lane. */
@inline function fourPlaneSums(b0: usize, length: i32, flip: v128, bias: i32): v128 {
  const vecLength = length & ~15;
  const b1 = b0 + <usize>length, b2 = b1 + <usize>length, b3 = b2 + <usize>length;
  let a0 = i32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
  for (let i = 0; i < vecLength; i += 16) {
    a0 = addBytes(a0, loadCodes(b0 + <usize>i, flip));
    a1 = addBytes(a1, loadCodes(b1 + <usize>i, flip));
    a2 = addBytes(a2, loadCodes(b2 + <usize>i, flip));
    a3 = addBytes(a3, loadCodes(b3 + <usize>i, flip));
  }
  const t0 = i32x4.add(v128.shuffle<i32>(a0, a1, 0, 4, 1, 5), v128.shuffle<i32>(a0, a1, 2, 6, 3, 7));
  const t1 = i32x4.add(v128.shuffle<i32>(a2, a3, 0, 4, 1, 5), v128.shuffle<i32>(a2, a3, 2, 6, 3, 7));
  let sums = i32x4.add(v128.shuffle<i32>(t0, t1, 0, 1, 4, 5), v128.shuffle<i32>(t0, t1, 2, 3, 6, 7));
  if (vecLength < length) {
    let tails = i32x4.splat(tailSum(b0, vecLength, length, bias));
    tails = i32x4.replace_lane(tails, 1, tailSum(b1, vecLength, length, bias));
    tails = i32x4.replace_lane(tails, 2, tailSum(b2, vecLength, length, bias));
    tails = i32x4.replace_lane(tails, 3, tailSum(b3, vecLength, length, bias));
    sums = i32x4.add(sums, tails);
  }
  return sums;
}

/**
 * Global average of contiguous planes: sums requantized with one offset and multiplier.
 * Planes go four at a time (short planes such as 7x7 would otherwise pay a horizontal sum and
 * a scalar requantization each): four accumulators, folded by a transpose into one vector of
 * four sums, requantized together.
 */
export function globalAvgBytes(input: usize, output: usize, planes: i32, length: i32, offset: i32, multiplier: f32, zeroPoint: f32, bias: i32): void {
  globalAvgPlanes(input, output, planes, length, offset, multiplier, zeroPoint, bias, false);
}

/**
 * globalAvgBytes, or with `mean` PyTorch's quantized mean of planes short enough for exact i32
 * and f32 sums (meanBytes): nearbyint(f32(sum - offset) / f32(length)). One copy of the loop
 * for both; the flag is read once per four planes.
 */
function globalAvgPlanes(
  input: usize, output: usize, planes: i32, length: i32, offset: i32, multiplier: f32, zeroPoint: f32, bias: i32, mean: bool,
): void {
  const cells = <f32>length;
  let p = 0;
  if (ASC_FEATURE_SIMD) {
    const off = i32x4.splat(offset), mul = f32x4.splat(multiplier), zp = f32x4.splat(zeroPoint);
    const rounderBits = i32x4.splat(0x4b400000 + bias), flip = i8x16.splat(<i8>bias);
    for (; p + 4 <= planes; p += 4) {
      const sums = fourPlaneSums(input + <usize>p * <usize>length, length, flip, bias);
      const q = mean
        ? i32x4.sub(i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.div(f32x4.convert_i32x4_s(i32x4.sub(sums, off)), f32x4.splat(cells)))), i32x4.splat(bias))
        : requantize4(sums, off, mul, zp, rounderBits);
      v128.store32_lane(output + <usize>p, saturate(q, q, flip), 0);
    }
  }
  for (; p < planes; p++) {
    const sum = tailSum(input + <usize>p * <usize>length, 0, length, bias);
    const q = mean ? <i32>nearest<f32>(<f32>(sum - offset) / cells) - bias : requantize(sum, offset, multiplier, zeroPoint, bias);
    storeCode(output + <usize>p, q, bias);
  }
}

// ---- exact sums: the quantized mean and adaptive averages over huge windows ----------------

/** Pixels summed in i32 before moving to f64: 2^16 codes of at most 128 cannot wrap. */
const STRIP: i32 = 1 << 16;

/**
 * PyTorch's quantized mean over the middle axis of [planes, length, C], which is what its 3D
 * averages to 1x1x1 are (2D and 1D ones multiply, as globalAvgBytes): the int64 sum of the codes,
 * as float32, divided by float32(length), rounded half to even: `output[p * C + c]`, with the
 * input's scale and zero point. Sums run exact in f64 (addPixelSums), so a plane of more
 * than 2^24 codes does not wrap as the i32 window sums do (as PyTorch's do, too). Planar planes
 * are C = 1; channels-last ones sum sixteen channels at a time into `scratch` (C * 12 + 64 bytes).
 */
export function meanBytes(input: usize, output: usize, planes: i32, length: i32, C: i32, bias: i32, scratch: usize): void {
  const partial = scratch, sums = scratch + ((<usize>C * 4 + 15) & ~15);
  const cells = <f32>length;
  if (C == 1 && length <= STRIP) {
    globalAvgPlanes(input, output, planes, length, -bias * length, 0, 0, bias, true);
    return;
  }
  for (let p = 0; p < planes; p++) {
    startSums(sums, C, <f64>length, bias);
    addPixelSums(input + <usize>p * <usize>length * <usize>C, length, C, partial, sums, bias);
    for (let c = 0; c < C; c++) {
      store<u8>(output + <usize>p * <usize>C + <usize>c, <i32>nearest<f32>(<f32>load<f64>(sums + (<usize>c << 3)) / cells));
    }
  }
}

/**
 * Adaptive average pooling over windows too large for avgPoolBytes' i32 sums (more than
 * 2^31 / 255 cells), as PyTorch's contiguous quantized kernel, which sums in int64:
 * q = nearbyint(f32(sum) * multiplier), each window's sum exact in f64 (addPixelSums), one
 * window at a time along the plan's rows and columns (adaptive windows are runs: dilation 1);
 * `multipliers` (f32) holds one entry per output position of a plane. A rare path (windows of
 * millions of cells), kept simple. `scratch`: C * 12 + 64 bytes, as meanBytes'.
 */
export function adaptiveAvgBytesWide(planPtr: usize, input: usize, output: usize, multipliers: usize, bias: i32, scratch: usize): void {
  const plan = changetype<Plan>(planPtr);
  const C = plan.channels, outW = plan.outW;
  const partial = scratch, sums = scratch + ((<usize>C * 4 + 15) & ~15);
  for (let p = 0; p < plan.planes; p++) {
    const plane = input + <usize>p * <usize>plan.inPlane;
    for (let r = 0; r < plan.outRows; r++) {
      const t0 = load<i32>(plan.rowStarts + (<usize>r << 2)), t1 = load<i32>(plan.rowStarts + (<usize>r << 2), 4);
      for (let o = 0; o < outW; o++) {
        const col = load<i32>(plan.colFirst + (<usize>o << 2)), n = load<i32>(plan.colCount + (<usize>o << 2));
        startSums(sums, C, <f64>(t1 - t0) * <f64>n, bias);
        for (let t = t0; t < t1; t++) {
          addPixelSums(plane + (<usize>load<i32>(plan.rowList + (<usize>t << 2)) + <usize>col) * <usize>C, n, C, partial, sums, bias);
        }
        const at = <usize>r * <usize>outW + <usize>o, multiplier = load<f32>(multipliers + (at << 2));
        const dst = output + <usize>p * <usize>plan.outPlane + at * <usize>C;
        for (let c = 0; c < C; c++) store<u8>(dst + <usize>c, <i32>nearest<f32>(<f32>load<f64>(sums + (<usize>c << 3)) * multiplier));
      }
    }
  }
}

/** C f64 sums of `cells` codes each, started at what uint8's bias takes off them (128 per cell). */
@inline function startSums(sums: usize, C: i32, cells: f64, bias: i32): void {
  for (let c = 0; c < C; c++) store<f64>(sums + (<usize>c << 3), <f64>bias * cells);
}

/**
 * Adds each channel's sum over n pixels of C codes at `at` to its f64 at `sums`: strips of STRIP
 * pixels summed in i32 lanes (which cannot wrap there), added up exactly in f64 (below 2^53).
 */
function addPixelSums(at: usize, n: i32, C: i32, partial: usize, sums: usize, bias: i32): void {
  for (let s = 0; s < n; s += STRIP) {
    const m = min(STRIP, n - s);
    if (C == 1) {
      store<f64>(sums, load<f64>(sums) + <f64>runSum(at + <usize>s, m, bias));
      continue;
    }
    pixelSums(at + <usize>s * <usize>C, m, C, partial, bias);
    for (let c = 0; c < C; c++) {
      const sum = sums + (<usize>c << 3);
      store<f64>(sum, load<f64>(sum) + <f64>load<i32>(partial + (<usize>c << 2)));
    }
  }
}

/** The sum of n contiguous codes (a strip of a planar plane). */
@inline function runSum(at: usize, n: i32, bias: i32): i32 {
  let i = 0, sum = 0;
  if (ASC_FEATURE_SIMD) {
    const flip = i8x16.splat(<i8>bias);
    let acc = i32x4.splat(0);
    for (; i + 16 <= n; i += 16) acc = addBytes(acc, loadCodes(at + <usize>i, flip));
    sum = i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
  }
  return sum + tailSum(at, i, n, bias);
}

/** Each channel's sum over n pixels of C codes, into `partial` (C i32). */
@inline function pixelSums(at: usize, n: i32, C: i32, partial: usize, bias: i32): void {
  memory.fill(partial, 0, <usize>C << 2);
  for (let i = 0; i < n; i++) {
    const pixel = at + <usize>i * <usize>C;
    let c = 0;
    if (ASC_FEATURE_SIMD) {
      const flip = i8x16.splat(<i8>bias);
      for (; c + 16 <= C; c += 16) {
        const v = loadCodes(pixel + <usize>c, flip);
        const lo = i16x8.extend_low_i8x16_s(v), hi = i16x8.extend_high_i8x16_s(v);
        const dst = partial + (<usize>c << 2);
        v128.store(dst, i32x4.add(v128.load(dst), i32x4.extend_low_i16x8_s(lo)));
        v128.store(dst, i32x4.add(v128.load(dst, 16), i32x4.extend_high_i16x8_s(lo)), 16);
        v128.store(dst, i32x4.add(v128.load(dst, 32), i32x4.extend_low_i16x8_s(hi)), 32);
        v128.store(dst, i32x4.add(v128.load(dst, 48), i32x4.extend_high_i16x8_s(hi)), 48);
      }
    }
    for (; c < C; c++) {
      const dst = partial + (<usize>c << 2);
      store<i32>(dst, load<i32>(dst) + loadCode(pixel + <usize>c, bias));
    }
  }
}
