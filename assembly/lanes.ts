// Loads of four output columns' taps when SIMD lanes run along columns (planar layouts).
// Output column o reads input column o*stride + tap, so lane l sits `stride` floats after lane l-1.

/**
 * Kernels may read this many floats before or after the elements they use (and mask them out);
 * the allocator (src/memory.ts GUARD_BYTES) keeps that much slack around every block.
 */
export const GUARD_FLOATS: i32 = 32;

/** Kernel-width classes, as type arguments (see Stride1 below). */
export type Kernel2 = u8;
export type Kernel3 = u16;
export type KernelAny = u32;

/** Column-stride classes, as type arguments so each instantiation is compiled on its own. */
export type Stride1 = u8;
export type Stride2 = u16;
export type StrideAny = u32;

/**
 * Four floats at p, p+stride, p+2*stride, p+3*stride (stride in floats, strideBytes = 4*stride).
 * S is Stride1 or Stride2 for contiguous loads, StrideAny to gather. (A type argument rather
 * than a constant parameter: Binaryen folds the arms of a constant dispatch back together.)
 * With Stride2 the second load reads one float past the last lane (within GUARD_FLOATS).
 */
@inline export function loadStrided<S>(p: usize, strideBytes: usize): v128 {
  if (sizeof<S>() == 1) return v128.load(p);
  if (sizeof<S>() == 2) return v128.shuffle<f32>(v128.load(p), v128.load(p, 16), 0, 2, 4, 6);
  let v = f32x4.splat(load<f32>(p));
  v = f32x4.replace_lane(v, 1, load<f32>(p + strideBytes));
  v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * strideBytes));
  return f32x4.replace_lane(v, 3, load<f32>(p + 3 * strideBytes));
}

/** Column offsets of the four lanes: 0, s, 2s, 3s. */
@inline export function laneOffsets(stride: i32): v128 {
  let v = i32x4.splat(0);
  v = i32x4.replace_lane(v, 1, stride);
  v = i32x4.replace_lane(v, 2, 2 * stride);
  return i32x4.replace_lane(v, 3, 3 * stride);
}

// Columns of a 4x4 block whose rows are the vectors a..d: column k holds lane k of a, b, c and
// d. Two shuffles each; a block's columns 0 and 1 (2 and 3) share their first two, which
// Binaryen's common-subexpression pass computes once when the calls are inlined side by side.
@inline export function column0(a: v128, b: v128, c: v128, d: v128): v128 {
  return v128.shuffle<f32>(v128.shuffle<f32>(a, b, 0, 4, 1, 5), v128.shuffle<f32>(c, d, 0, 4, 1, 5), 0, 1, 4, 5);
}
@inline export function column1(a: v128, b: v128, c: v128, d: v128): v128 {
  return v128.shuffle<f32>(v128.shuffle<f32>(a, b, 0, 4, 1, 5), v128.shuffle<f32>(c, d, 0, 4, 1, 5), 2, 3, 6, 7);
}
@inline export function column2(a: v128, b: v128, c: v128, d: v128): v128 {
  return v128.shuffle<f32>(v128.shuffle<f32>(a, b, 2, 6, 3, 7), v128.shuffle<f32>(c, d, 2, 6, 3, 7), 0, 1, 4, 5);
}
@inline export function column3(a: v128, b: v128, c: v128, d: v128): v128 {
  return v128.shuffle<f32>(v128.shuffle<f32>(a, b, 2, 6, 3, 7), v128.shuffle<f32>(c, d, 2, 6, 3, 7), 2, 3, 6, 7);
}

/**
 * The transpose of four vectors a..d (rows of a 4x4 block) stored as four vectors `dstStep`
 * bytes apart: store k holds lane k of a, b, c and d.
 */
@inline export function transposeStore(a: v128, b: v128, c: v128, d: v128, dst: usize, dstStep: usize): void {
  v128.store(dst, column0(a, b, c, d));
  v128.store(dst + dstStep, column1(a, b, c, d));
  v128.store(dst + 2 * dstStep, column2(a, b, c, d));
  v128.store(dst + 3 * dstStep, column3(a, b, c, d));
}
