// Planar max pooling over windows at least four wide at column stride 1 or 2 (SPPF's 5x5 /
// stride 1 / padding 2 in YOLO, 7x7 / stride 1, 5x5 / stride 2), the full build's: each input row's window
// maxima ("row folds": output column o's taps of that row, folded) are computed once into
// scratch, then every output row folds the row folds of its window's rows. A row's folds serve
// every output row whose window holds that row (five, for 5 / stride 1), where the general
// loop folded every window's kh x kw taps, one tap at a time.
//   Row folds read a copy of the row padded with -Infinity on both sides (the columns of the
//   window outside the row: never the first largest value), so border columns need no masks.
//   Folds keep the earlier operand on ties (pmax) and go in scan order, column by column in a
//   row, then row by row: the first largest value in scan order, as PyTorch (-0 / +0 included).
//   pmax drops a NaN as its second operand, so the copy sums every input value, and a plane that
//   meets a NaN is redone exactly by either NaN rule: both rules share one fast path.
// Scratch (src/ops/row-folds.ts sizes it): the padded row (rowFloats), then the row folds of
// every input row of a plane, `inW * spread` floats apart so that a row's element offset in the
// plane (rowList's entries) times `spread` is its row folds' offset.
import { Plan } from './plan';
import { MAX, MAX_NO_NAN } from './reduce';
import { Stride1, Stride2, loadStrided } from './lanes';
import { exactRowInReach, maxPoolRows_f32, maxPoolRowsNoNaN_f32 } from './rows';

/** Floats of the padded row: the group-rounded output width times the stride plus the window, rounded to a vector. */
@inline function rowFloats(outW: i32, kw: i32, stride: i32): i32 {
  return (((outW + 3) & ~3) * stride + kw + 6) & ~3;
}

/** How many input-row widths one row of folds takes (the group-rounded output width may pass inW). */
@inline function spreadOf(inW: i32, outW: i32): i32 {
  return (((outW + 3) & ~3) + inW - 1) / inW;
}

/**
 * One row's folds into `dst`: output column o's kw taps at padded[o * stride ..][0..kw), in
 * column order, four columns at a time (Stride2: each tap's four lanes the even floats of eight).
 */
@inline function foldRow<S>(padded: usize, dst: usize, groups: i32, kw: i32): void {
  const strideBytes: usize = sizeof<S>() == 1 ? 4 : 8;
  for (let o = 0; o < groups; o += 4) {
    let at = padded + <usize>o * strideBytes;
    let acc = loadStrided<S>(at, strideBytes);
    for (let j = 1; j < kw; j++) {
      at += 4;
      acc = f32x4.pmax(acc, loadStrided<S>(at, strideBytes));
    }
    v128.store(dst + (<usize>o << 2), acc);
  }
}

/** Every plane; a plane that meets a NaN is redone exactly by `OP`'s rule (MAX or MAX_NO_NAN). */
function rowFoldPlanes(OP: i32, planPtr: usize, input: usize, output: usize, scratch: usize): void {
  const plan = changetype<Plan>(planPtr);
  const planes = plan.planes, inW = plan.inW, outW = plan.outW, outRows = plan.outRows, kw = plan.kw;
  const inPlaneBytes = <usize>plan.inPlane << 2, outPlaneBytes = <usize>plan.outPlane << 2, outRowBytes = <usize>outW << 2;
  const inRows = plan.inPlane / inW, origin = plan.colOrigin, spread = spreadOf(inW, outW);
  const stride = plan.stride, span = rowFloats(outW, kw, stride), padded = scratch, folds = scratch + (<usize>span << 2);
  const foldRowBytes = <usize>(inW * spread) << 2, groups = (outW + 3) & ~3;
  // The padded row: -Infinity, then each row's columns [lo, hi) at lo - origin (every row
  // writes the same span, so the padding is written once).
  const neutral = f32x4.splat(-Infinity);
  for (let i = 0; i < span; i += 4) v128.store(padded + (<usize>i << 2), neutral);
  const lo = max(0, origin), hi = min(inW, origin + span), count = hi - lo;
  const copyTo = padded + (<usize>(lo - origin) << 2);
  const rowStarts = plan.rowStarts, rowList = plan.rowList;
  let inPlanePtr = input, outPlanePtr = output;
  for (let p = 0; p < planes; p++) {
    let check = f32x4.splat(0);
    for (let row = 0; row < inRows; row++) {
      const from = inPlanePtr + <usize>(row * inW + lo) * 4;
      // The copy, four floats at a time, the last four ending at the span's end (overlapping).
      if (count >= 4) {
        for (let i = 0; i < count; i += 4) {
          const at = <usize>min(i, count - 4) << 2;
          const v = v128.load(from + at);
          check = f32x4.add(check, v);
          v128.store(copyTo + at, v);
        }
      } else {
        for (let i = 0; i < count; i++) {
          const v = load<f32>(from + (<usize>i << 2));
          check = f32x4.add(check, f32x4.splat(v));
          store<f32>(copyTo + (<usize>i << 2), v);
        }
      }
      const dst = folds + <usize>row * foldRowBytes;
      if (stride == 1) foldRow<Stride1>(padded, dst, groups, kw);
      else foldRow<Stride2>(padded, dst, groups, kw);
    }
    // Output rows: their window rows' folds, in order. (outW >= 4: the last group overlaps.)
    let outRow = outPlanePtr;
    for (let r = 0; r < outRows; r++) {
      const t0 = load<i32>(rowStarts + (<usize>r << 2)), t1 = load<i32>(rowStarts + (<usize>r << 2), 4);
      for (let g = 0; g < outW; g += 4) {
        const at = <usize>min(g, outW - 4) << 2;
        let acc = neutral;
        for (let t = t0; t < t1; t++) {
          // rowList holds each input row's element offset in the plane
          acc = f32x4.pmax(acc, v128.load(folds + (<usize>(load<i32>(rowList + (<usize>t << 2)) * spread) << 2) + at));
        }
        v128.store(outRow + at, acc);
      }
      outRow += outRowBytes;
    }
    // (exactRowInReach: explicit padding can put a window's taps anywhere, far outside the plane)
    if (v128.any_true(f32x4.ne(check, check))) {
      for (let r = 0; r < outRows; r++) exactRowInReach(OP, plan, inPlanePtr, outPlanePtr + <usize>r * outRowBytes, 0, r);
    }
    inPlanePtr += inPlaneBytes;
    outPlanePtr += outPlaneBytes;
  }
}

// (The scalar build: the plan's own kernel, as src/ops/row-folds.ts asks for these in either build.)
export function maxPoolRowFolds_f32(plan: usize, input: usize, output: usize, scratch: usize): void {
  if (ASC_FEATURE_SIMD) rowFoldPlanes(MAX, plan, input, output, scratch);
  else maxPoolRows_f32(plan, input, output);
}

export function maxPoolRowFoldsNoNaN_f32(plan: usize, input: usize, output: usize, scratch: usize): void {
  if (ASC_FEATURE_SIMD) rowFoldPlanes(MAX_NO_NAN, plan, input, output, scratch);
  else maxPoolRowsNoNaN_f32(plan, input, output);
}
