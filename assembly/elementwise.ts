// Element-wise power for Lp pooling: dst[i] = (src[i] * scale) ** exponent, four lanes at a time.
// The exponents PyTorch's pow special-cases get the same exact operations (1: copy, 2: x*x,
// 3: x*x*x, 0.5: sqrt). Any other (positive) exponent is a vector powf: exp2(y * log2|x|) in
// f64x2 lanes (errors far below float32's rounding), rounded once to float32, then IEEE pow's
// rules for zeros, infinities, NaN and negative bases.

const LN2: f64 = 0.6931471805599453;
const INV_LN2: f64 = 1.4426950408889634;
/** 1.5 * 2^52: adding it leaves a (small) integer in the low mantissa bits. */
const MAGIC: f64 = 6755399441055744.0;

/** c0 + c1*u (double lanes). */
@inline function lin(c0: f64, c1: f64, u: v128): v128 {
  return f64x2.add(f64x2.splat(c0), f64x2.mul(f64x2.splat(c1), u));
}

/** Natural log of m in [sqrt(1/2), sqrt(2)): 2s(1 + z/3 + ... + z^7/15), s = (m-1)/(m+1), z = s^2. */
@inline function lnReduced(m: v128): v128 {
  const one = f64x2.splat(1);
  const s = f64x2.div(f64x2.sub(m, one), f64x2.add(m, one));
  const z = f64x2.mul(s, s);
  const z2 = f64x2.mul(z, z);
  const z4 = f64x2.mul(z2, z2);
  // Estrin's scheme: short dependency chains, so neighbouring lanes' work overlaps.
  const p = f64x2.add(
    f64x2.add(lin(1, 1.0 / 3, z), f64x2.mul(z2, lin(1.0 / 5, 1.0 / 7, z))),
    f64x2.mul(z4, f64x2.add(lin(1.0 / 9, 1.0 / 11, z), f64x2.mul(z2, lin(1.0 / 13, 1.0 / 15, z)))),
  );
  return f64x2.mul(f64x2.add(s, s), p);
}

/** 2^t for |t| <= 200 (double lanes): 2^round(t) built in the exponent bits times exp(f*ln2). */
@inline function exp2Lanes(t: v128): v128 {
  const n = f64x2.nearest(t);
  const u = f64x2.mul(f64x2.sub(t, n), f64x2.splat(LN2)); // |u| <= 0.35: Taylor to u^11
  const u2 = f64x2.mul(u, u);
  const u4 = f64x2.mul(u2, u2);
  const u8 = f64x2.mul(u4, u4);
  const p = f64x2.add(
    f64x2.add(
      f64x2.add(lin(1, 1, u), f64x2.mul(u2, lin(1.0 / 2, 1.0 / 6, u))),
      f64x2.mul(u4, f64x2.add(lin(1.0 / 24, 1.0 / 120, u), f64x2.mul(u2, lin(1.0 / 720, 1.0 / 5040, u)))),
    ),
    f64x2.mul(u8, f64x2.add(lin(1.0 / 40320, 1.0 / 362880, u), f64x2.mul(u2, lin(1.0 / 3628800, 1.0 / 39916800, u)))),
  );
  const magic = f64x2.splat(MAGIC);
  const k = i64x2.sub(f64x2.add(n, magic), magic); // n as a 64-bit integer
  const scale = i64x2.add(i64x2.shl(k, 52), f64x2.splat(1));
  return f64x2.mul(p, scale);
}

/** |x|^y for two lanes of mantissa m in [sqrt(1/2), sqrt(2)) and exponent e (f64 lanes). */
@inline function powReduced(m: v128, e: v128, y: f64): v128 {
  const log2 = f64x2.add(e, f64x2.mul(lnReduced(m), f64x2.splat(INV_LN2)));
  const t = f64x2.pmax(f64x2.pmin(f64x2.mul(log2, f64x2.splat(y)), f64x2.splat(200)), f64x2.splat(-200));
  return exp2Lanes(t);
}

/** x ** y for four lanes, y > 0 not special-cased above (IEEE pow semantics). */
@inline function powGeneral(x: v128, y: f32, isInteger: bool, isOdd: bool): v128 {
  const ax = f32x4.abs(x);
  // Subnormals: scale by 2^24 so the exponent field is meaningful.
  const sub = f32x4.lt(ax, f32x4.splat(1.17549435e-38));
  const bits = v128.bitselect(f32x4.mul(ax, f32x4.splat(16777216)), ax, sub);
  let e = i32x4.add(i32x4.sub(i32x4.shr_u(bits, 23), i32x4.splat(127)), v128.and(sub, i32x4.splat(-24)));
  let m = v128.or(v128.and(bits, i32x4.splat(0x7fffff)), i32x4.splat(0x3f800000)); // [1, 2)
  const big = f32x4.gt(m, f32x4.splat(1.41421356));
  m = v128.bitselect(f32x4.mul(m, f32x4.splat(0.5)), m, big);
  e = i32x4.sub(e, big); // a true mask is -1
  const yd = <f64>y;
  const lo = powReduced(f64x2.promote_low_f32x4(m), f64x2.convert_low_i32x4_s(e), yd);
  const hi = powReduced(
    f64x2.promote_low_f32x4(v128.shuffle<f32>(m, m, 2, 3, 0, 1)),
    f64x2.convert_low_i32x4_s(v128.shuffle<i32>(e, e, 2, 3, 0, 1)),
    yd,
  );
  let r = v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
  // pow(+-0, y>0) = +0 (-0 for odd integer y); pow(+-inf, y>0) = +inf (-inf for odd integer y).
  r = v128.bitselect(f32x4.splat(Infinity), r, f32x4.eq(ax, f32x4.splat(Infinity)));
  r = v128.bitselect(f32x4.splat(0), r, f32x4.eq(ax, f32x4.splat(0)));
  // Negative bases: NaN unless y is an integer (-inf gives +inf); odd integers keep the sign.
  const negative = f32x4.lt(x, f32x4.splat(0));
  if (!isInteger) r = v128.bitselect(f32x4.splat(NaN), r, v128.and(negative, f32x4.ne(ax, f32x4.splat(Infinity))));
  if (isOdd) {
    r = v128.bitselect(f32x4.neg(r), r, negative);
    r = v128.bitselect(x, r, f32x4.eq(x, f32x4.splat(0))); // -0 stays -0
  }
  return v128.bitselect(x, r, f32x4.ne(x, x)); // NaN stays NaN
}

/** x ** exponent; isInteger/isOdd describe the exponent (computed once per call). */
@inline function powLanes(x: v128, exponent: f32, isInteger: bool, isOdd: bool): v128 {
  if (exponent == 1) return x;
  if (exponent == 2) return f32x4.mul(x, x);
  if (exponent == 3) return f32x4.mul(f32x4.mul(x, x), x);
  if (exponent == 0.5) return f32x4.sqrt(x);
  return powGeneral(x, exponent, isInteger, isOdd);
}

/** One element without SIMD (the scalar build): the same special cases, pow in double precision. */
@inline function powScalar(x: f32, exponent: f32): f32 {
  if (exponent == 1) return x;
  if (exponent == 2) return x * x;
  if (exponent == 3) return x * x * x;
  if (exponent == 0.5) return Mathf.sqrt(x);
  return <f32>Math.pow(<f64>x, <f64>exponent);
}

export function powElements_f32(src: usize, dst: usize, length: i32, scale: f32, exponent: f32): void {
  if (!ASC_FEATURE_SIMD) {
    for (let i = 0; i < length; i++) {
      const at = <usize>i << 2;
      store<f32>(dst + at, powScalar(load<f32>(src + at) * scale, exponent));
    }
    return;
  }
  const vecLength = length & ~3;
  const s = f32x4.splat(scale);
  const isInteger = Mathf.trunc(exponent) == exponent;
  const isOdd = isInteger && Math.abs(<f64>exponent % 2) == 1;
  let i = 0;
  for (; i < vecLength; i += 4) {
    const at = <usize>i << 2;
    const x = scale == 1 ? v128.load(src + at) : f32x4.mul(v128.load(src + at), s);
    v128.store(dst + at, powLanes(x, exponent, isInteger, isOdd));
  }
  for (; i < length; i++) {
    const at = <usize>i << 2;
    const x = f32x4.splat(load<f32>(src + at) * scale);
    store<f32>(dst + at, f32x4.extract_lane(powLanes(x, exponent, isInteger, isOdd), 0));
  }
}
