// int8/uint8 average pooling of the common windows straight from the input rows, sixteen
// outputs at a time, as byte-max.ts does for max: planar windows 2 or 3 wide at stride 1 or 2,
// and channels-last windows up to 3 wide over 16 channels or more, both over windows of at most
// 3 rows. bytes.ts avgPoolBytes picks these and keeps its separable passes for the rest.
//
// The window sums (at most 9 codes: i16 lanes) never leave registers: no scratch rows, no
// per-row tap loops or border columns one at a time. A window of fewer rows than the others
// (padding, the last row in ceil mode) reads a row of zero codes (`zero`: bias bytes, which
// flip to 0) in place of the missing ones, and taps outside a row are masked to 0 within their
// group: every sum is the sum of the window's in-bounds codes, as the separable passes take it.
// Sixteen sums are then requantized together (requantize16) with the same float32 steps.
import { Plan } from './plan';
import { rowAt } from './row-tables';
import { loadCodes } from './byte-codes';
import { requantize16 } from './requantize';

/**
 * Whether planarAvg takes a planar plan with windows of at most `rows` rows: 2 or 3 columns
 * wide at stride 1 or 2 without dilation, rows of at least 16 outputs, padding of at most one
 * column on the left, and on the right only what leaves the last window's first tap in the row.
 * Rows of fewer than 16 outputs too, one group a row as byte-max.ts takes them: at stride 1 with
 * the columns past the row masked in all three column-sum vectors, at stride 2 when no window
 * reaches past the row (the group's masks are for its output 15, a lane past such a row).
 */
@inline export function planarAvgFits(plan: Plan, rows: i32): bool {
  const kw = plan.kw, s = plan.stride, origin = plan.colOrigin, outW = plan.outW;
  // (an interior: regular windows; irregular adaptive ones have none)
  if (plan.channels != 1 || plan.dilation != 1 || (kw != 2 && kw != 3) || rows > 3 || plan.vecHi <= plan.vecLo || origin < -1) return false;
  if (outW < 16) return s == 1 || (s == 2 && 2 * (outW - 1) + kw <= plan.inW - origin);
  return (s == 1 || s == 2) && outW >= 16 && plan.inW - origin - s * (outW - 16) > 15 * s;
}

/** What rowSums takes of each row's sixteen codes, as eight i16 lanes. */
const LOW = 0, PAIRS = 1, EVENS = 2, ODDS = 3;

@inline function lanesOf(v: v128, what: i32): v128 {
  if (what == LOW) return i16x8.extend_low_i8x16_s(v); // columns 0 .. 7
  if (what == PAIRS) return i16x8.extadd_pairwise_i8x16_s(v); // columns 0+1, 2+3, .. 14+15
  if (what == ODDS) return i16x8.shr_s(v, 8); // columns 1, 3, .. 15
  return i16x8.shr_s(i16x8.shl(v, 8), 8); // columns 0, 2, .. 14
}

/** lanesOf the sixteen codes at offset k of two or three rows, summed. */
@inline function rowSums(r0: usize, r1: usize, r2: usize, k: usize, flip: v128, threeRows: bool, what: i32): v128 {
  let s = i16x8.add(lanesOf(loadCodes(r0 + k, flip), what), lanesOf(loadCodes(r1 + k, flip), what));
  if (threeRows) s = i16x8.add(s, lanesOf(loadCodes(r2 + k, flip), what));
  return s;
}

/** Stride 1: eight windows' sums from the column sums of their first eight columns (v) and the next ones (w). */
@inline function slideSums(v: v128, w: v128, three: bool): v128 {
  let s = i16x8.add(v, v128.shuffle<i16>(v, w, 1, 2, 3, 4, 5, 6, 7, 8));
  if (three) s = i16x8.add(s, v128.shuffle<i16>(v, w, 2, 3, 4, 5, 6, 7, 8, 9));
  return s;
}

/**
 * Planar averages for planarAvgFits plans: groups of sixteen outputs back to back over each row
 * (a ragged width's first step short, the second group recomputing a few identical outputs),
 * every group's bytes read as they are, then the columns outside the row taken back out of the
 * first and last groups' sums: column -1 (padded on the left) and those from `cut` on, which
 * planarAvgFits keeps to the last group's last 8 columns at stride 1 (masked in the column sums)
 * and its columns 31 and 32 at stride 2 (their sums subtracted from output 15's).
 * `zero`: a row of bias bytes from 16 bytes before column 0 to 64 past the row.
 */
export function planarAvg(
  plan: Plan, input: usize, output: usize, zero: usize, offsets: usize, multipliers: usize,
  zeroPointF: f32, outBias: i32, bias: i32, threeRows: bool,
): void {
  const zeroPoint = f32x4.splat(zeroPointF), rounderBits = i32x4.splat(0x4b400000 + outBias);
  const planes = plan.planes, outRows = plan.outRows, outW = plan.outW, origin = plan.colOrigin, s = plan.stride;
  const inPlane = <usize>plan.inPlane, outPlane = <usize>plan.outPlane, rowStarts = plan.rowStarts, rowList = plan.rowList;
  const three = plan.kw == 3, flip = i8x16.splat(<i8>bias), all = i8x16.splat(-1);
  // (narrow rows: one group a row as byte-max.ts takes them, its extra lanes on the next row or
  // the output's guard bytes, and its tables' extra entries the next row's or the guard's)
  const narrow = outW < 16, start = <usize>origin;
  const last: usize = narrow ? 0 : <usize>(outW - 16), first: usize = narrow ? 16 : <usize>(((outW - 1) & 15) + 1);
  // i16 lane masks: lane 0 (column -1), lane 7 (output 15 at stride 2), and at stride 1 the
  // last group's column-sum lanes before the row's end (`cut`: from the group's first column;
  // in its third vector only, but a narrow row's, whose one group is its last, may end sooner).
  const cut = plan.inW - origin - s * <i32>last;
  const lane0 = i16x8.replace_lane(i16x8.splat(0), 0, -1), lane7 = i16x8.replace_lane(i16x8.splat(0), 7, -1);
  const iota = i16x8(0, 1, 2, 3, 4, 5, 6, 7);
  const inRow0 = i16x8.gt_s(i16x8.splat(<i16>min(cut, 8)), iota), inRow1 = i16x8.gt_s(i16x8.splat(<i16>min(cut - 8, 8)), iota);
  const inRow2 = i16x8.gt_s(i16x8.splat(<i16>min(cut - 16, 8)), iota);
  // (output 15's corrections at stride 2: a narrow row has no output 15, and no window past it)
  const fix15 = !narrow && cut <= 31, keep32 = three && !narrow && cut <= 32 ? v128.not(lane7) : all;
  for (let p = 0; p < planes; p++) {
    const plane = input + <usize>p * inPlane + start; // (usize arithmetic wraps: origin may be -1)
    let dst = output + <usize>p * outPlane;
    let table: usize = 0;
    for (let r = 0; r < outRows; r++) {
      const t0 = load<i32>(rowStarts + (<usize>r << 2)), n = load<i32>(rowStarts + (<usize>r << 2), 4) - t0;
      const r0 = n > 0 ? plane + rowAt(rowList, t0) : zero + start;
      const r1 = n > 1 ? plane + rowAt(rowList, t0 + 1) : zero + start;
      const r2 = n > 2 ? plane + rowAt(rowList, t0 + 2) : zero + start;
      let o: usize = 0, step = first;
      for (;;) {
        const k = o * <usize>s, left = o == 0 && origin < 0, right = o == last;
        let lo: v128, hi: v128;
        if (s == 2) {
          // Pairs of columns (one extadd), 3 wide with the even columns one pair further on.
          lo = rowSums(r0, r1, r2, k, flip, threeRows, PAIRS);
          hi = rowSums(r0, r1, r2, k + 16, flip, threeRows, PAIRS);
          if (three) {
            lo = i16x8.add(lo, rowSums(r0, r1, r2, k + 2, flip, threeRows, EVENS));
            hi = i16x8.add(hi, v128.and(rowSums(r0, r1, r2, k + 18, flip, threeRows, EVENS), right ? keep32 : all));
          }
          if (left) lo = i16x8.sub(lo, v128.and(rowSums(r0, r1, r2, k, flip, threeRows, EVENS), lane0));
          if (right && fix15) hi = i16x8.sub(hi, v128.and(rowSums(r0, r1, r2, k + 16, flip, threeRows, ODDS), lane7));
        } else {
          // Column sums of the group's 24 columns, each output's taps from them.
          let v0 = rowSums(r0, r1, r2, k, flip, threeRows, LOW), v1 = rowSums(r0, r1, r2, k + 8, flip, threeRows, LOW);
          let v2 = rowSums(r0, r1, r2, k + 16, flip, threeRows, LOW);
          if (left) v0 = v128.andnot(v0, lane0);
          if (right) {
            v2 = v128.and(v2, inRow2);
            // (a narrow row may end, and its last windows reach past it, within the first 16 columns)
            if (narrow) {
              v0 = v128.and(v0, inRow0);
              v1 = v128.and(v1, inRow1);
            }
          }
          lo = slideSums(v0, v1, three);
          hi = slideSums(v1, v2, three);
        }
        const at = (table + o) << 2;
        v128.store(dst + o, requantize16(lo, hi, offsets + at, multipliers + at, true, 0, 0, zeroPoint, rounderBits, flip));
        if (o == last) break;
        o += step;
        step = 16;
      }
      dst += <usize>outW;
      table += <usize>outW;
    }
  }
}

/**
 * Channels-last averages with at least 16 channels, windows 1 to 3 columns wide and up to 3
 * rows: each pixel's in-bounds taps along its rows, sixteen channels at a time (the last group
 * moved back to end at C) summed in two i16 halves, requantized with the pixel's offset and
 * multiplier. `zero`: a row of bias bytes, inW * C + 64.
 */
export function pixelsAvg(
  plan: Plan, input: usize, output: usize, zero: usize, offsets: usize, multipliers: usize,
  zeroPointF: f32, outBias: i32, bias: i32, threeRows: bool,
): void {
  const zeroPoint = f32x4.splat(zeroPointF), rounderBits = i32x4.splat(0x4b400000 + outBias);
  const batches = plan.planes, outRows = plan.outRows, outW = plan.outW;
  const C = <usize>plan.channels, inPlane = <usize>plan.inPlane, outPlane = <usize>plan.outPlane;
  const rowStarts = plan.rowStarts, rowList = plan.rowList, colFirst = plan.colFirst, colCount = plan.colCount;
  const tap = <usize>plan.dilation * C, lastGroup = C - 16, flip = i8x16.splat(<i8>bias);
  for (let b = 0; b < batches; b++) {
    const sample = input + <usize>b * inPlane;
    let dst = output + <usize>b * outPlane, table = offsets, m = multipliers;
    for (let r = 0; r < outRows; r++) {
      const t0 = load<i32>(rowStarts + (<usize>r << 2)), n = load<i32>(rowStarts + (<usize>r << 2), 4) - t0;
      const r0 = n > 0 ? sample + rowAt(rowList, t0) * C : zero;
      const r1 = n > 1 ? sample + rowAt(rowList, t0 + 1) * C : zero;
      const r2 = n > 2 ? sample + rowAt(rowList, t0 + 2) * C : zero;
      for (let o: usize = 0; o < <usize>outW; o++) {
        const offset = load<i32>(table), multiplier = load<f32>(m), taps = load<i32>(colCount + (o << 2));
        const pixel = <usize>load<i32>(colFirst + (o << 2)) * C;
        for (let g: usize = 0; g < C; g += 16) {
          const c = min(g, lastGroup);
          let lo = i16x8.splat(0), hi = lo, at = pixel + c;
          for (let j = 0; j < taps; j++) {
            const v0 = loadCodes(r0 + at, flip), v1 = loadCodes(r1 + at, flip);
            lo = i16x8.add(lo, i16x8.add(i16x8.extend_low_i8x16_s(v0), i16x8.extend_low_i8x16_s(v1)));
            hi = i16x8.add(hi, i16x8.add(i16x8.extend_high_i8x16_s(v0), i16x8.extend_high_i8x16_s(v1)));
            if (threeRows) {
              const v2 = loadCodes(r2 + at, flip);
              lo = i16x8.add(lo, i16x8.extend_low_i8x16_s(v2));
              hi = i16x8.add(hi, i16x8.extend_high_i8x16_s(v2));
            }
            at += tap;
          }
          v128.store(dst + c, requantize16(lo, hi, 0, 0, false, offset, multiplier, zeroPoint, rounderBits, flip));
        }
        dst += C;
        table += 4;
        m += 4;
      }
    }
  }
}
