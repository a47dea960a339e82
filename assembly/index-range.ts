// Index arguments (unpooling's and the max gradients') are checked in a pass of their own before
// any kernel reads them, so a bad index is reported before anything is written.

/** Position of the first index outside [lowest, end), or -1. */
export function firstIndexOutside_i32(indices: usize, length: i32, lowest: i32, end: i32): i32 {
  // Unsigned compare of index - lowest: anything below lowest wraps to a huge value.
  const span = <u32>(end - lowest);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vecLength = length & ~3;
    const low = i32x4.splat(lowest), lim = i32x4.splat(span);
    for (; i < vecLength; i += 4) {
      if (v128.any_true(i32x4.ge_u(i32x4.sub(v128.load(indices + (<usize>i << 2)), low), lim))) break;
    }
  }
  for (; i < length; i++) {
    if (<u32>(load<i32>(indices + (<usize>i << 2)) - lowest) >= span) return i;
  }
  return -1;
}
