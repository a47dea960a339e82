// What a pooling window computes. Kernels take one of these as a compile-time constant
// (every caller passes a literal into an @inline body), so each exported kernel is
// specialised and the branches below fold away.

/** Largest value; NaN wins. Value only. */
export const MAX: i32 = 0;
/** Largest value and its per-plane flat index (PyTorch's `indices`). */
export const MAX_INDEX: i32 = 1;
/** Sum divided by a divisor supplied by the plan. */
export const AVG: i32 = 2;
/** MAX, but a NaN never wins (TensorFlow's rule): the update is just `v > best`. */
export const MAX_NO_NAN: i32 = 4;
/** MAX_INDEX with MAX_NO_NAN's rule. */
export const MAX_INDEX_NO_NAN: i32 = 5;

/**
 * The ops as type arguments, for kernels compiled as one wasm function per (op, kernel width,
 * stride): AssemblyScript instantiates a generic function once per distinct type argument but
 * has no constant generic parameters, so each op is a distinct primitive type (never used as
 * data) and opOf<O>() maps it back to its constant at compile time. Separate functions let
 * V8's lazy compilation compile only the specialisation a call uses.
 */
export type OpMax = i8;
export type OpMaxIndex = i16;
export type OpAvg = i32;
export type OpMaxNoNaN = u8;
export type OpMaxIndexNoNaN = u16;

/** The op constant (MAX, AVG, ...) of an op type argument. */
@inline export function opOf<O>(): i32 {
  if (isSigned<O>()) return sizeof<O>() == 1 ? MAX : sizeof<O>() == 2 ? MAX_INDEX : AVG;
  return sizeof<O>() == 1 ? MAX_NO_NAN : MAX_INDEX_NO_NAN;
}

/** The op keeps indices. */
@inline export function hasIndex(op: i32): bool {
  return (op & 1) != 0;
}

/** The op is a max whose NaNs never win. */
@inline export function ignoresNaN(op: i32): bool {
  return (op & 4) != 0;
}

/** Neutral start of a window for `op`. */
@inline export function initial(op: i32): f32 {
  return op == AVG ? 0 : -Infinity;
}

/**
 * The max update, one lane at a time: take `v` when it is larger, or (PyTorch) when it is NaN.
 * Ties keep the earlier value (so -0/+0 keep whichever came first) and the last NaN wins.
 */
@inline export function takes(op: i32, v: f32, best: f32): bool {
  return ignoresNaN(op) ? v > best : v > best || v != v;
}

/** The same rule for four lanes: a mask of the lanes where `v` replaces `best`. */
@inline export function takesLanes(op: i32, v: v128, best: v128): v128 {
  return ignoresNaN(op) ? f32x4.gt(v, best) : v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
}

/**
 * A window's running value after one more tap: the sum (AVG), or pmax, which keeps the earlier
 * value on ties (PyTorch's order) and a NaN already held, but drops a NaN in `v`: that is
 * MAX_NO_NAN's rule as it stands, and MAX's kernels watch for NaN on their own.
 */
@inline export function foldTap(op: i32, acc: v128, v: v128): v128 {
  return op == AVG ? f32x4.add(acc, v) : f32x4.pmax(acc, v);
}

/** x + 0: PyTorch's averages never return -0 (a zero sum over a negative divisor gives +0). */
@inline export function positiveZero(x: v128): v128 {
  return f32x4.add(x, f32x4.splat(0));
}
