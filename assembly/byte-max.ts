// int8/uint8 max pooling straight from the input rows (no scratch row, no flipping): planar
// windows 2 or 3 columns wide at stride 1 or 2 (rows of 16 outputs or more, or narrower ones as one
// group a row whose extra lanes the next row overwrites, or past the last row the output's
// guard bytes: src/memory.ts GUARD_BYTES; simdpool/parallel runs byte kernels whole, so no other
// worker writes the next row), and channels-last windows up to 3 columns wide over 16 channels or
// more. bytes.ts maxPoolBytes picks these and keeps its separable passes for the rest.
//
// U (i8 or u8) is the max's byte order, so raw bytes go in and out as they are; borders and
// windows with no tap give the code -128 as before (raw 0x80 for int8, 0 for uint8).
// A window of 1 to 3 rows takes the same straight-line code with its last row repeated
// (max(x, x) = x); more rows go three at a time, folding into the output row. The per-row and
// per-group loops carry little but pointers: the separable passes spent far more cycles on
// row-list loads, tap loops and stride tests than on their vector work (C: ~65 cycles per row
// of 28 outputs).
import { Plan } from './plan';
import { everyRowReadsTwo, pairedRows, rowAt } from './row-tables';
import { loadCodes, storeCodes } from './byte-codes';
import { Stride1, Stride2 } from './lanes';

@inline export function maxOf<U>(a: v128, b: v128): v128 {
  return isSigned<U>() ? i8x16.max_s(a, b) : i8x16.max_u(a, b);
}

/** The even bytes of a then b: the taps of sixteen output columns with stride 2. */
@inline export function evenBytes(a: v128, b: v128): v128 {
  return v128.shuffle<u8>(a, b, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
}

/** The odd bytes of a then b: the second taps of sixteen stride-2 output columns. */
@inline export function oddBytes(a: v128, b: v128): v128 {
  return v128.shuffle<u8>(a, b, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
}

/** Max of the three rows' sixteen bytes at offset k. */
@inline function rows3<U>(r0: usize, r1: usize, r2: usize, k: usize): v128 {
  return maxOf<U>(maxOf<U>(v128.load(r0 + k), v128.load(r1 + k)), v128.load(r2 + k));
}

/**
 * Whether planarNarrow takes a planar plan: regular windows 2 or 3 columns wide at stride 1 or 2
 * without dilation, rows of at least 16 outputs, padding of at most one column on the left, and on the
 * right only what leaves the last window's first tap in the row (PyTorch's windows with one
 * column of padding, in floor or ceil mode; not wider explicit padding). At stride 1 only the last
 * window may reach past the row: a ragged row's first group covers the windows before it without
 * the last group's masks, and windows of more than 3 rows fold that group's outputs in again.
 * Rows of 1 to 15 outputs too (narrowRow; one group, so no group folds another's outputs), with
 * the bytes past the row in its first vector masked as well (at stride 2 a row of fewer than 8
 * outputs may end there; 14 -> 7 columns took the separable passes, 2.6x slower at 2x2).
 */
@inline export function planarNarrowFits(plan: Plan): bool {
  const kw = plan.kw, s = plan.stride, origin = plan.colOrigin, outW = plan.outW;
  // (regular windows only: an adaptive plan's irregular windows have no interior, and its kw is
  // their bound, wider than most of them)
  if (plan.channels != 1 || plan.dilation != 1 || (kw != 2 && kw != 3) || origin < -1 || plan.vecHi <= plan.vecLo) return false;
  if (outW < 16) {
    const cut = plan.inW - origin; // (where the row ends, from the group's first column)
    return s == 2 ? 2 * (outW - 1) < cut : s == 1 && outW - 1 < cut;
  }
  return (s == 1 || s == 2) && outW >= 16 && plan.inW - origin - s * (outW - 16) > (s == 1 ? 13 + kw : 30);
}

/** Whether a plan's rows are narrower than a group: one group a row, its extra lanes on the next row. */
@inline function narrowRow(plan: Plan): bool {
  return plan.outW < 16;
}

/**
 * Planar max pooling for planarNarrowFits plans: sixteen output columns per group from 32 bytes
 * of each window row (stride 2, 3 wide: and the next byte, from a load at +32 that may read up
 * to 15 bytes past the row, within the allocator's guard; stride 1: the taps one and two further
 * on from the next 16 bytes), groups back to back over the whole row, a ragged width's first step
 * short (the second group overlaps it, recomputing identical outputs). The border columns come
 * with their groups: the first group's tap at column -1 and the last one's taps past the row are
 * masked to the lowest code (one byte of `a`; from byte `cut` of `b` on, byte 0 of `c`), which is
 * the max of a window's in-bounds taps, as the separable passes take it.
 * Unpadded 2-wide windows at stride 2 over row pairs take pairRows.
 */
export function planarNarrow(plan: Plan, input: usize, output: usize, bias: i32): void {
  const planes = plan.planes, outRows = plan.outRows, outW = plan.outW, inW = plan.inW;
  const inPlane = <usize>plan.inPlane, outPlane = <usize>plan.outPlane, rowStarts = plan.rowStarts, rowList = plan.rowList;
  const firstRows = rowList + (<usize>load<i32>(rowStarts) << 2); // (output row 0's entries)
  if (
    plan.kw == 2 && plan.stride == 2 && plan.colOrigin == 0 && plan.vecHi - plan.vecLo == outW &&
    everyRowReadsTwo(rowStarts, outRows) && pairedRows(firstRows, outRows, inW)
  ) {
    const top = rowAt(firstRows, 0);
    // Planes of an even number of rows, all read: one run of row pairs through every plane.
    const whole = top == 0 && inPlane == <usize>(2 * outRows * inW);
    const runs = whole ? 1 : planes, rows = whole ? planes * outRows : outRows;
    for (let p = 0; p < runs; p++) {
      const src = input + <usize>p * inPlane + top, dst = output + <usize>p * outPlane;
      if (bias == 0) pairRows<i8>(src, dst, rows, inW, outW);
      else pairRows<u8>(src, dst, rows, inW, outW);
    }
    return;
  }
  // Masks (-1: a tap outside the row): lane 0 of the first group's `a` when padded on the left;
  // the last group's bytes at or past `cut` (stride 2: 31 or 32 when padded on the right, 48:
  // none; stride 1: 16 or 17, or more: none). A narrow row's one group is its last: the row ends
  // `cut` bytes in (16 to 31: its valid lanes' taps past the row are all in `b`).
  const origin = plan.colOrigin, lastStart = narrowRow(plan) ? 0 : plan.stride * (outW - 16);
  const cut = <i8>min(inW - origin - lastStart, 48);
  // (a narrow row's one group is its first too: the left mask also takes `a`'s bytes past the row,
  // at stride 1; at stride 2 `cut` is 16 or more and there are none)
  let left = i8x16.replace_lane(i8x16.splat(0), 0, origin < 0 ? -1 : 0);
  if (narrowRow(plan)) left = v128.or(left, i8x16.ge_s(i8x16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), i8x16.splat(cut)));
  const rightB = i8x16.ge_s(i8x16(16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31), i8x16.splat(cut));
  const rightC = i8x16.replace_lane(i8x16.splat(0), 0, cut <= 32 ? -1 : 0);
  if (plan.stride == 1) {
    if (bias == 0) planarRows<i8, Stride1>(plan, input, output, bias, left, rightB, rightC);
    else planarRows<u8, Stride1>(plan, input, output, bias, left, rightB, rightC);
  } else if (bias == 0) {
    planarRows<i8, Stride2>(plan, input, output, bias, left, rightB, rightC);
  } else {
    planarRows<u8, Stride2>(plan, input, output, bias, left, rightB, rightC);
  }
}

/** planarNarrow's rows in general (any row windows, padding), U the byte order, S the stride. */
function planarRows<U, S>(plan: Plan, input: usize, output: usize, bias: i32, leftMask: v128, rightB: v128, rightC: v128): void {
  const stride1 = sizeof<S>() == 1;
  const planes = plan.planes, outRows = plan.outRows, outW = plan.outW, origin = plan.colOrigin;
  const inPlane = <usize>plan.inPlane, outPlane = <usize>plan.outPlane;
  const rowStarts = plan.rowStarts, rowList = plan.rowList, three = plan.kw == 3;
  const low = i8x16.splat(isSigned<U>() ? -128 : 0);
  // (narrow: one group a row, its extra lanes on the next row, or the output's guard bytes)
  const narrow = narrowRow(plan), start = <usize>origin;
  const last: usize = narrow ? 0 : <usize>(outW - 16), first: usize = narrow ? 16 : <usize>(((outW - 1) & 15) + 1);
  for (let p = 0; p < planes; p++) {
    const plane = input + <usize>p * inPlane + start; // (usize arithmetic wraps: origin may be -1)
    let dst = output + <usize>p * outPlane;
    for (let r = 0; r < outRows; r++) {
      const t0 = load<i32>(rowStarts + (<usize>r << 2)), t1 = load<i32>(rowStarts + (<usize>r << 2), 4);
      if (t1 == t0) memory.fill(dst, <u8>(0x80 ^ bias), outW); // no row in bounds: -128
      for (let t = t0; t < t1; t += 3) {
        const r0 = plane + rowAt(rowList, t);
        const r1 = plane + rowAt(rowList, min(t + 1, t1 - 1));
        const r2 = plane + rowAt(rowList, min(t + 2, t1 - 1));
        const fold = t != t0;
        let o: usize = 0, step = first;
        for (;;) {
          const k = stride1 ? o : o << 1;
          let a = rows3<U>(r0, r1, r2, k), b = rows3<U>(r0, r1, r2, k + 16), c = stride1 ? a : rows3<U>(r0, r1, r2, k + 32);
          if (o == 0) a = v128.bitselect(low, a, leftMask);
          if (o == last) {
            b = v128.bitselect(low, b, rightB);
            if (!stride1) c = v128.bitselect(low, c, rightC);
          }
          let m: v128;
          if (stride1) {
            // the taps one and two columns on: a's bytes shifted, b's first ones coming in
            m = maxOf<U>(a, v128.shuffle<u8>(a, b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16));
            if (three) m = maxOf<U>(m, v128.shuffle<u8>(a, b, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17));
          } else {
            const even = evenBytes(a, b);
            m = maxOf<U>(even, oddBytes(a, b));
            // 3 wide: the third taps, the even bytes one further on, the last from byte 32
            if (three) m = maxOf<U>(m, v128.shuffle<u8>(even, c, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16));
          }
          if (fold) m = maxOf<U>(m, v128.load(dst + o));
          v128.store(dst + o, m);
          if (o == last) break;
          o += step;
          step = 16;
        }
      }
      dst += <usize>outW;
    }
  }
}

/**
 * `rows` output rows of unpadded 2x2 stride-2 windows, each from the next two input rows at src
 * (every column interior): nothing per row but pointer steps (the table reads and loops of the
 * general rows cost about two groups per row, and rows of C and D are one or two groups wide).
 */
function pairRows<U>(src: usize, dst: usize, rows: i32, inW: i32, outW: i32): void {
  const below = <usize>inW, pair = <usize>inW << 1;
  if (outW < 16) {
    // One group a row, its extra lanes on the next row (or the output's guard bytes).
    for (let r = 0; r < rows; r++) {
      const a = maxOf<U>(v128.load(src), v128.load(src + below)), b = maxOf<U>(v128.load(src, 16), v128.load(src + below, 16));
      v128.store(dst, maxOf<U>(evenBytes(a, b), oddBytes(a, b)));
      src += pair;
      dst += <usize>outW;
    }
    return;
  }
  const last = <usize>(outW - 16), first = <usize>(((outW - 1) & 15) + 1);
  for (let r = 0; r < rows; r++) {
    let o: usize = 0, step = first;
    for (;;) {
      const at = src + (o << 1);
      const a = maxOf<U>(v128.load(at), v128.load(at + below)), b = maxOf<U>(v128.load(at, 16), v128.load(at + below, 16));
      v128.store(dst + o, maxOf<U>(evenBytes(a, b), oddBytes(a, b)));
      if (o == last) break;
      o += step;
      step = 16;
    }
    src += pair;
    dst += <usize>outW;
  }
}

/**
 * Channels-last max pooling with at least 16 channels and windows 1 to 3 columns wide:
 * sixteen channels at a time (the last group moved back to end at C) along the row's interior
 * pixels, a window's three columns as offsets (a 2-wide window's second one twice), 3 wide at
 * stride 2 carrying a pixel's last column over as the next one's first (H: 1.7x faster than
 * loading it again); border pixels over their in-bounds taps. Wider windows share more through
 * the separable passes (5 wide at stride 2 ran 1.3x slower here).
 */
export function pixelsMax<U>(plan: Plan, input: usize, output: usize, bias: i32): void {
  const batches = plan.planes, outRows = plan.outRows, outW = plan.outW, lo = plan.vecLo, hi = plan.vecHi, kw = plan.kw;
  const C = <usize>plan.channels, inPlane = <usize>plan.inPlane, outPlane = <usize>plan.outPlane;
  const rowStarts = plan.rowStarts, rowList = plan.rowList, rowBytes = <usize>outW * C;
  const tap = <usize>plan.dilation * C, tap1 = kw > 1 ? tap : 0, tap2 = <usize>(kw - 1) * tap, step = <usize>plan.stride * C, lastGroup = C - 16;
  const origin = <usize>(plan.colOrigin + plan.stride * lo) * C;
  const count = <usize>max(hi - lo, 0), shared = kw == 3 && plan.stride == 2 && plan.dilation == 1;
  for (let b = 0; b < batches; b++) {
    const sample = input + <usize>b * inPlane;
    let dst = output + <usize>b * outPlane;
    for (let r = 0; r < outRows; r++) {
      const t0 = load<i32>(rowStarts + (<usize>r << 2)), t1 = load<i32>(rowStarts + (<usize>r << 2), 4);
      if (t1 == t0) memory.fill(dst, <u8>(0x80 ^ bias), rowBytes); // no row in bounds: -128
      for (let t = t0; count != 0 && t < t1; t += 3) {
        const r0 = sample + origin + rowAt(rowList, t) * C;
        const r1 = sample + origin + rowAt(rowList, min(t + 1, t1 - 1)) * C;
        const r2 = sample + origin + rowAt(rowList, min(t + 2, t1 - 1)) * C;
        const fold = t != t0;
        for (let g: usize = 0; g < C; g += 16) {
          const c = min(g, lastGroup);
          let to = dst + <usize>lo * C + c, k = c, left = rows3<U>(r0, r1, r2, c);
          for (let o: usize = 0; o < count; o++) {
            // a pixel's first column (3 wide at stride 2: the last pixel's last, kept in `left`)
            if (!shared && o != 0) left = rows3<U>(r0, r1, r2, k);
            const right = rows3<U>(r0, r1, r2, k + tap2);
            let m = maxOf<U>(maxOf<U>(left, rows3<U>(r0, r1, r2, k + tap1)), right);
            if (fold) m = maxOf<U>(m, v128.load(to));
            v128.store(to, m);
            left = right;
            k += step;
            to += C;
          }
        }
      }
      // border pixels: [0, lo), then [hi, outW)
      for (let o = lo == 0 ? hi : 0; o < outW; o = o + 1 == lo ? hi : o + 1) edgePixel(plan, sample, dst, o, t0, t1, bias);
      dst += rowBytes;
    }
  }
}

/**
 * Output pixel o of a channels-last row over window rows t0..t1 and its in-bounds columns, as
 * signed codes (uint8 flipped by `bias`): one function for both dtypes, a few pixels a row.
 */
function edgePixel(plan: Plan, sample: usize, dst: usize, o: i32, t0: i32, t1: i32, bias: i32): void {
  const C = <usize>plan.channels, tap = <usize>plan.dilation * C, flip = i8x16.splat(<i8>bias);
  const col = <usize>load<i32>(plan.colFirst + (<usize>o << 2)), n = load<i32>(plan.colCount + (<usize>o << 2));
  const out = dst + <usize>o * C;
  for (let g: usize = 0; g < C; g += 16) {
    const c = min(g, C - 16);
    let m = i8x16.splat(-128);
    for (let t = t0; t < t1; t++) {
      let at = sample + (rowAt(plan.rowList, t) + col) * C + c;
      for (let j = 0; j < n; j++) {
        m = i8x16.max_s(m, loadCodes(at, flip));
        at += tap;
      }
    }
    storeCodes(out + c, m, flip);
  }
}
