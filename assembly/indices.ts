// Index formats: PyTorch's per-plane flat indices (what the max kernels write) rewritten in
// place as  n * batchStep + c * channelStep + scale * g(p)  where p is the per-plane index and
// g(p) is p (row-major) or the column-major flat index of the same position:
//   ONNX MaxPool, storage_order 0: batchStep C*S, channelStep S, scale 1, g = p
//   ONNX MaxPool, storage_order 1: the same with column-major g
//   TF max_pool_with_argmax:       batchStep S*C (or 0), channelStep 1, scale C, g = p
// S is the input's spatial size. Column-major: p = (i0*m1 + i1)*m2 + i2 is split into row-major
// coordinates (i0 never wrapped, so torch's out-of-plane index of a window lying entirely in
// padding maps by the same arithmetic) and g = i0*w0 + i1*w1 + i2*w2 with the column-major
// weights. 3D (D,H,W): m1 H, m2 W, weights 1, D, D*H. 2D (H,W): m1 2^31-1 (i0 = 0), m2 W,
// weights 0, 1, H. 1D needs no column-major pass.

/** floor(p / d) for non-negative lanes, exact through f64 division. */
@inline function divLanes(p: v128, d: i32): v128 {
  const dv = f64x2.splat(<f64>d);
  const lo = i32x4.trunc_sat_f64x2_s_zero(f64x2.div(f64x2.convert_low_i32x4_s(p), dv));
  const hi = i32x4.trunc_sat_f64x2_s_zero(f64x2.div(f64x2.convert_low_i32x4_s(v128.shuffle<i32>(p, p, 2, 3, 0, 1)), dv));
  return v128.shuffle<i32>(lo, hi, 0, 1, 4, 5);
}

@inline function columnMajor(p: v128, m1: i32, m2: i32, w0: i32, w1: i32, w2: i32): v128 {
  const q = divLanes(p, m2);
  const i2 = i32x4.sub(p, i32x4.mul(q, i32x4.splat(m2)));
  const i0 = divLanes(q, m1);
  const i1 = i32x4.sub(q, i32x4.mul(i0, i32x4.splat(m1)));
  return i32x4.add(i32x4.add(i32x4.mul(i0, i32x4.splat(w0)), i32x4.mul(i1, i32x4.splat(w1))), i32x4.mul(i2, i32x4.splat(w2)));
}

@inline function remap(COL: bool, p: v128, base: v128, scale: v128, m1: i32, m2: i32, w0: i32, w1: i32, w2: i32): v128 {
  const g = COL ? columnMajor(p, m1, m2, w0, w1, w2) : p;
  return i32x4.add(base, i32x4.mul(g, scale));
}

@inline function remapOne(COL: bool, ptr: usize, base: i32, scale: i32, m1: i32, m2: i32, w0: i32, w1: i32, w2: i32): void {
  const v = remap(COL, i32x4.splat(load<i32>(ptr)), i32x4.splat(base), i32x4.splat(scale), m1, m2, w0, w1, w2);
  store<i32>(ptr, i32x4.extract_lane(v, 0));
}

/** One index, without SIMD (the scalar build): the same arithmetic as remap(). */
@inline function remapScalar(COL: bool, ptr: usize, base: i32, scale: i32, m1: i32, m2: i32, w0: i32, w1: i32, w2: i32): void {
  const p = load<i32>(ptr);
  let g = p;
  if (COL) {
    const q = <i32>Math.floor(<f64>p / <f64>m2);
    const i2 = p - q * m2;
    const i0 = <i32>Math.floor(<f64>q / <f64>m1);
    const i1 = q - i0 * m1;
    g = i0 * w0 + i1 * w1 + i2 * w2;
  }
  store<i32>(ptr, base + g * scale);
}

@inline function remapIndices(
  COL: bool, ptr: usize, batches: i32, channels: i32, outPlane: i32, channelsLast: bool,
  batchStep: i32, channelStep: i32, scale: i32, m1: i32, m2: i32, w0: i32, w1: i32, w2: i32,
): void {
  if (!ASC_FEATURE_SIMD) {
    // One index at a time: (n, c, position) -> n*batchStep + c*channelStep + scale*g(p).
    for (let n = 0; n < batches; n++) {
      for (let c = 0; c < channels; c++) {
        for (let q = 0; q < outPlane; q++) {
          const at = channelsLast ? (n * outPlane + q) * channels + c : (n * channels + c) * outPlane + q;
          remapScalar(COL, ptr + (<usize>at << 2), n * batchStep + c * channelStep, scale, m1, m2, w0, w1, w2);
        }
      }
    }
    return;
  }
  const sv = i32x4.splat(scale);
  if (!channelsLast) {
    // One contiguous run of outPlane indices per (n, c).
    const vecPlane = outPlane & ~3;
    for (let n = 0; n < batches; n++) {
      for (let c = 0; c < channels; c++) {
        const base = n * batchStep + c * channelStep;
        const bv = i32x4.splat(base);
        const run = ptr + ((<usize>(n * channels + c) * <usize>outPlane) << 2);
        let i = 0;
        for (; i < vecPlane; i += 4) {
          const at = run + (<usize>i << 2);
          v128.store(at, remap(COL, v128.load(at), bv, sv, m1, m2, w0, w1, w2));
        }
        for (; i < outPlane; i++) remapOne(COL, run + (<usize>i << 2), base, scale, m1, m2, w0, w1, w2);
      }
    }
  } else {
    // One run of `channels` indices per (n, pixel); lanes are channels.
    const vecChannels = channels & ~3;
    let lanes = i32x4.splat(0);
    lanes = i32x4.replace_lane(lanes, 1, channelStep);
    lanes = i32x4.replace_lane(lanes, 2, 2 * channelStep);
    lanes = i32x4.replace_lane(lanes, 3, 3 * channelStep);
    for (let n = 0; n < batches; n++) {
      for (let q = 0; q < outPlane; q++) {
        const run = ptr + ((<usize>(n * outPlane + q) * <usize>channels) << 2);
        let c = 0;
        for (; c < vecChannels; c += 4) {
          const at = run + (<usize>c << 2);
          const bv = i32x4.add(i32x4.splat(n * batchStep + c * channelStep), lanes);
          v128.store(at, remap(COL, v128.load(at), bv, sv, m1, m2, w0, w1, w2));
        }
        for (; c < channels; c++) remapOne(COL, run + (<usize>c << 2), n * batchStep + c * channelStep, scale, m1, m2, w0, w1, w2);
      }
    }
  }
}

export function remapIndices_i32(
  ptr: usize, batches: i32, channels: i32, outPlane: i32, channelsLast: bool,
  batchStep: i32, channelStep: i32, scale: i32,
): void {
  remapIndices(false, ptr, batches, channels, outPlane, channelsLast, batchStep, channelStep, scale, 1, 1, 0, 0, 0);
}

export function remapIndicesColumnMajor_i32(
  ptr: usize, batches: i32, channels: i32, outPlane: i32, channelsLast: bool,
  batchStep: i32, channelStep: i32, scale: i32, m1: i32, m2: i32, w0: i32, w1: i32, w2: i32,
): void {
  remapIndices(true, ptr, batches, channels, outPlane, channelsLast, batchStep, channelStep, scale, m1, m2, w0, w1, w2);
}
