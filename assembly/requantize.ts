// Requantization of int8/uint8 window sums, shared by the average kernels (bytes.ts, byte-avg.ts):
// q = clamp(nearbyint(f32(sum - offset) * multiplier + zeroPoint)) in float32, round half to
// even, as PyTorch's quantized kernels; the result as a signed code (uint8: flipped by the bias).

/** One sum requantized to a signed code: clamp(nearbyint(f32(sum - offset) * multiplier + zeroPoint) - bias). */
@inline export function requantize(sum: i32, offset: i32, multiplier: f32, zeroPoint: f32, bias: i32): i32 {
  // (clamped before the bias is taken off: a huge multiplier saturates the conversion to i32)
  const q = min(max(<i32>nearest<f32>(<f32>(sum - offset) * multiplier + zeroPoint), -1024), 1024) - bias;
  return min(max(q, -128), 127);
}

/** 1.5 * 2^23: adding it rounds a float32 below 2^22 in magnitude to an integer, half to even. */
const ROUNDER: f32 = 12582912;

/**
 * Four i32 sums requantized to i32 lanes: nearbyint(f32(sum - offset) * multiplier + zeroPoint)
 * - bias, with the float32 steps of the scalar formula. Rounding adds 1.5 * 2^23 (one addps,
 * where nearest + trunc_sat cost several instructions on x86) after clamping to +-2^22, beyond
 * which the result saturates anyway; the integer is then the float's bits minus ROUNDER's.
 */
@inline export function requantize4(sums: v128, offsets: v128, multipliers: v128, zeroPoint: v128, rounderBits: v128, clamp: bool = true): v128 {
  let x = f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(sums, offsets)), multipliers), zeroPoint);
  if (clamp) x = f32x4.pmax(f32x4.pmin(x, f32x4.splat(4194304)), f32x4.splat(-4194304));
  return i32x4.sub(f32x4.add(x, f32x4.splat(ROUNDER)), rounderBits);
}

/** i32 lanes a then b saturated to signed codes and flipped back, in the low bytes. */
@inline export function saturate(a: v128, b: v128, flip: v128): v128 {
  const words = i16x8.narrow_i32x4_s(a, b);
  return v128.xor(i8x16.narrow_i16x8_s(words, words), flip);
}


/**
 * Sixteen i16 window sums (lanes 0-7 in lo, 8-15 in hi) requantized to sixteen codes, flipped
 * back: requantize4 on each quarter, with per-lane offsets and multipliers read from the tables
 * (`perLane`) or one pair for all (channels-last pixels share theirs). Unclamped: only for calls
 * whose every f32(sum - offset) * multiplier + zeroPoint is known to stay within +-2^22
 * (unclampedFits).
 */
@inline export function requantize16(
  lo: v128, hi: v128, offsets: usize, multipliers: usize, perLane: bool, offset: i32, multiplier: f32,
  zeroPoint: v128, rounderBits: v128, flip: v128,
): v128 {
  const off = i32x4.splat(offset), mul = f32x4.splat(multiplier);
  const q0 = requantize4(i32x4.extend_low_i16x8_s(lo), perLane ? v128.load(offsets) : off, perLane ? v128.load(multipliers) : mul, zeroPoint, rounderBits, false);
  const q1 = requantize4(i32x4.extend_high_i16x8_s(lo), perLane ? v128.load(offsets, 16) : off, perLane ? v128.load(multipliers, 16) : mul, zeroPoint, rounderBits, false);
  const q2 = requantize4(i32x4.extend_low_i16x8_s(hi), perLane ? v128.load(offsets, 32) : off, perLane ? v128.load(multipliers, 32) : mul, zeroPoint, rounderBits, false);
  const q3 = requantize4(i32x4.extend_high_i16x8_s(hi), perLane ? v128.load(offsets, 48) : off, perLane ? v128.load(multipliers, 48) : mul, zeroPoint, rounderBits, false);
  return v128.xor(i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(q0, q1), i16x8.narrow_i32x4_s(q2, q3)), flip);
}

/**
 * Whether requantize16 may skip the clamp: |sum - offset| <= 255 * cells for windows of at most
 * `cells` codes, so |x| stays below 2^22 when 255 * cells * max|multiplier| + |zeroPoint| does
 * (with a margin for float32 rounding).
 */
export function unclampedFits(multipliers: usize, count: i32, cells: i32, zeroPoint: f32): bool {
  let largest: f32 = 0;
  for (let i = 0; i < count; i++) largest = max(largest, abs(load<f32>(multipliers + (<usize>i << 2))));
  return <f64>255 * <f64>cells * <f64>largest + <f64>abs(zeroPoint) < 4000000;
}
