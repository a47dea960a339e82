// Global pooling over planar layouts: each plane is one contiguous run, reduced to one value.
import { AVG, MAX, takes } from './reduce';

@inline function reducePlanes(OP: i32, input: usize, output: usize, planes: i32, length: i32): void {
  const vecLength = length & ~3;
  for (let p = 0; p < planes; p++) {
    const base = input + ((<usize>p * <usize>length) << 2);
    let acc = f32x4.splat(OP == AVG ? 0 : -Infinity);
    let nan = i32x4.splat(0);
    let i = 0;
    for (; i < vecLength; i += 4) {
      const v = v128.load(base + (<usize>i << 2));
      if (OP == MAX) {
        acc = f32x4.pmax(acc, v);
        nan = v128.or(nan, f32x4.ne(v, v));
      } else {
        acc = f32x4.add(acc, v);
      }
    }
    let result: f32;
    if (OP == MAX) {
      // Lanes hold interleaved positions, so their order is not scan order. That only matters
      // for a tie between -0 and +0, which the first zero of the plane settles below.
      result = f32x4.extract_lane(acc, 0);
      result = max(result, f32x4.extract_lane(acc, 1));
      result = max(result, f32x4.extract_lane(acc, 2));
      result = max(result, f32x4.extract_lane(acc, 3));
      for (; i < length; i++) {
        const v = load<f32>(base + (<usize>i << 2));
        if (takes(v, result)) result = v;
      }
      if (v128.any_true(nan)) result = NaN;
      else if (result == 0) result = firstZero(base, length);
    } else {
      result = (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1))
        + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
      for (; i < length; i++) result += load<f32>(base + (<usize>i << 2));
      result = result / <f32>length + 0; // never -0, as PyTorch
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
