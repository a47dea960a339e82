// Global pooling over planar layouts: each plane is one contiguous run, reduced to one value.
// Planes go four at a time (four accumulators, then a 4x4 transpose folds them into one
// vector of four results), which keeps short planes (7x7) from paying a horizontal
// reduction each; the rest go one at a time. With nanMode 'ignore' (MAX_NO_NAN) pmax is the
// exact rule, so no NaN watch.
import { AVG, MAX, MAX_NO_NAN, foldTap, positiveZero, takes } from './reduce';

/** Fold each of a, b, c, d (four partial results of one plane each) into one lane. */
@inline function foldLanes(OP: i32, a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = v128.shuffle<f32>(a, b, 0, 4, 1, 5), ab2 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
  const cd = v128.shuffle<f32>(c, d, 0, 4, 1, 5), cd2 = v128.shuffle<f32>(c, d, 2, 6, 3, 7);
  const u = OP == AVG ? f32x4.add(ab, ab2) : f32x4.pmax(ab, ab2);
  const w = OP == AVG ? f32x4.add(cd, cd2) : f32x4.pmax(cd, cd2);
  const lo = v128.shuffle<f32>(u, w, 0, 1, 4, 5), hi = v128.shuffle<f32>(u, w, 2, 3, 6, 7);
  return OP == AVG ? f32x4.add(lo, hi) : f32x4.pmax(lo, hi);
}

@inline function reducePlanes(OP: i32, input: usize, output: usize, planes: i32, length: i32): void {
  if (!ASC_FEATURE_SIMD) {
    reducePlanesScalar(OP, input, output, planes, length);
    return;
  }
  const vecLength = length & ~3;
  const planeBytes = <usize>length << 2;
  let p = 0;
  for (; p + 4 <= planes; p += 4) {
    const b0 = input + <usize>p * planeBytes, b1 = b0 + planeBytes, b2 = b1 + planeBytes, b3 = b2 + planeBytes;
    const start = f32x4.splat(OP == AVG ? 0 : -Infinity);
    let a0 = start, a1 = start, a2 = start, a3 = start;
    let check = f32x4.splat(0);
    let i = 0;
    for (; i < vecLength; i += 4) {
      const off = <usize>i << 2;
      const v0 = v128.load(b0 + off), v1 = v128.load(b1 + off), v2 = v128.load(b2 + off), v3 = v128.load(b3 + off);
      a0 = foldTap(OP, a0, v0);
      a1 = foldTap(OP, a1, v1);
      a2 = foldTap(OP, a2, v2);
      a3 = foldTap(OP, a3, v3);
      if (OP == MAX) check = f32x4.add(check, f32x4.add(f32x4.add(v0, v1), f32x4.add(v2, v3)));
    }
    let folded = foldLanes(OP, a0, a1, a2, a3);
    // Ragged tails, one float per plane at a time, as a vector across the four planes.
    for (; i < length; i++) {
      const off = <usize>i << 2;
      let v = f32x4.splat(load<f32>(b0 + off));
      v = f32x4.replace_lane(v, 1, load<f32>(b1 + off));
      v = f32x4.replace_lane(v, 2, load<f32>(b2 + off));
      v = f32x4.replace_lane(v, 3, load<f32>(b3 + off));
      if (OP == AVG) folded = f32x4.add(folded, v);
      else {
        folded = f32x4.pmax(folded, v);
        if (OP == MAX) check = f32x4.add(check, v);
      }
    }
    const dst = output + (<usize>p << 2);
    if (OP == AVG) {
      v128.store(dst, positiveZero(f32x4.div(folded, f32x4.splat(<f32>length))));
    } else if ((OP == MAX && v128.any_true(f32x4.ne(check, check))) || v128.any_true(f32x4.eq(folded, f32x4.splat(0)))) {
      // A NaN, or a maximum of zero whose sign depends on scan order: settle each plane exactly.
      reduceOne(OP, b0, dst, length);
      reduceOne(OP, b1, dst + 4, length);
      reduceOne(OP, b2, dst + 8, length);
      reduceOne(OP, b3, dst + 12, length);
    } else {
      v128.store(dst, folded);
    }
  }
  for (; p < planes; p++) reduceOne(OP, input + <usize>p * planeBytes, output + (<usize>p << 2), length);
}

/** One plane. */
function reduceOne(OP: i32, base: usize, dst: usize, length: i32): void {
  const vecLength = length & ~3;
  let acc = f32x4.splat(OP == AVG ? 0 : -Infinity);
  let nan = i32x4.splat(0);
  let i = 0;
  for (; i < vecLength; i += 4) {
    const v = v128.load(base + (<usize>i << 2));
    acc = foldTap(OP, acc, v);
    if (OP == MAX) nan = v128.or(nan, f32x4.ne(v, v));
  }
  let result: f32;
  if (OP != AVG) {
    // Lanes hold interleaved positions, so their order is not scan order. That only matters
    // for a tie between -0 and +0, which the first zero of the plane settles below.
    result = f32x4.extract_lane(acc, 0);
    result = max(result, f32x4.extract_lane(acc, 1));
    result = max(result, f32x4.extract_lane(acc, 2));
    result = max(result, f32x4.extract_lane(acc, 3));
    for (; i < length; i++) {
      const v = load<f32>(base + (<usize>i << 2));
      if (takes(OP, v, result)) result = v;
    }
    if (OP == MAX && v128.any_true(nan)) result = NaN;
    else if (result == 0) result = firstZero(base, length);
  } else {
    // The same combine order as foldLanes, so a plane's sum has the same bits whichever path
    // (four planes or one) it takes: results cannot depend on how planes are split up.
    result = (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 2))
      + (f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 3));
    for (; i < length; i++) result += load<f32>(base + (<usize>i << 2));
    result = result / <f32>length + 0; // never -0, as PyTorch
  }
  store<f32>(dst, result);
}

/**
 * The scalar build (no SIMD). Max: one element at a time, in scan order. Average: four partial
 * sums combined as the SIMD lanes are, so both builds give the same bits.
 */
@inline function reducePlanesScalar(OP: i32, input: usize, output: usize, planes: i32, length: i32): void {
  const vecLength = length & ~3;
  for (let p = 0; p < planes; p++) {
    const base = input + ((<usize>p * <usize>length) << 2);
    let result: f32;
    let i = 0;
    if (OP == AVG) {
      let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
      for (; i < vecLength; i += 4) {
        const at = base + (<usize>i << 2);
        s0 += load<f32>(at);
        s1 += load<f32>(at, 4);
        s2 += load<f32>(at, 8);
        s3 += load<f32>(at, 12);
      }
      result = (s0 + s2) + (s1 + s3);
      for (; i < length; i++) result += load<f32>(base + (<usize>i << 2));
      result = result / <f32>length + 0; // never -0, as PyTorch
    } else {
      result = -Infinity;
      for (; i < length; i++) {
        const v = load<f32>(base + (<usize>i << 2));
        if (takes(OP, v, result)) result = v;
      }
    }
    store<f32>(output + (<usize>p << 2), result);
  }
}

/** The first element equal to zero (either sign): PyTorch keeps the first of tied maxima. */
function firstZero(base: usize, length: i32): f32 {
  for (let i = 0; i < length; i++) {
    const v = load<f32>(base + (<usize>i << 2));
    if (v == 0) return v;
  }
  return 0;
}

export function globalMaxPlanes_f32(input: usize, output: usize, planes: i32, length: i32): void {
  reducePlanes(MAX, input, output, planes, length);
}

export function globalAvgPlanes_f32(input: usize, output: usize, planes: i32, length: i32): void {
  reducePlanes(AVG, input, output, planes, length);
}

export function globalMaxPlanesNoNaN_f32(input: usize, output: usize, planes: i32, length: i32): void {
  reducePlanes(MAX_NO_NAN, input, output, planes, length);
}
