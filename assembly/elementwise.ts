// Element-wise power for Lp pooling: dst[i] = (src[i] * scale) ** exponent, four lanes at a time.
// The exponents PyTorch's pow special-cases get the same exact operations (1: copy, 2: x*x,
// 3: x*x*x, 0.5: sqrt); any other exponent is a per-lane powf inside the vector loop.

@inline function powLanes(x: v128, exponent: f32): v128 {
  if (exponent == 1) return x;
  if (exponent == 2) return f32x4.mul(x, x);
  if (exponent == 3) return f32x4.mul(f32x4.mul(x, x), x);
  if (exponent == 0.5) return f32x4.sqrt(x);
  let y = f32x4.splat(Mathf.pow(f32x4.extract_lane(x, 0), exponent));
  y = f32x4.replace_lane(y, 1, Mathf.pow(f32x4.extract_lane(x, 1), exponent));
  y = f32x4.replace_lane(y, 2, Mathf.pow(f32x4.extract_lane(x, 2), exponent));
  return f32x4.replace_lane(y, 3, Mathf.pow(f32x4.extract_lane(x, 3), exponent));
}

export function powElements_f32(src: usize, dst: usize, length: i32, scale: f32, exponent: f32): void {
  const vecLength = length & ~3;
  const s = f32x4.splat(scale);
  let i = 0;
  for (; i < vecLength; i += 4) {
    const at = <usize>i << 2;
    const x = scale == 1 ? v128.load(src + at) : f32x4.mul(v128.load(src + at), s);
    v128.store(dst + at, powLanes(x, exponent));
  }
  for (; i < length; i++) {
    const at = <usize>i << 2;
    const x = f32x4.splat(load<f32>(src + at) * scale);
    store<f32>(dst + at, f32x4.extract_lane(powLanes(x, exponent), 0));
  }
}
