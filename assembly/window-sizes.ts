// PyTorch divides adaptive averages and their gradients by a window's size along one axis
// after another, rounding to float32 each time (sum / kH / kW): src/ops/window-sizes.ts decides
// when and lays out the sizes, this divides.

/**
 * dst[i] = src[i] / k0 (/ k1 (/ k2)) for `count` values: planes of `positions` values
 * (perPosition 1), or pixels of `perPosition` channels (channels-last), whole planes or samples
 * of `positions` each. `sizes` holds each axis's window sizes, one per position, axis after axis
 * (sizes[d * positions + q]); `dims` of them. A position's sizes divide every plane's values
 * there before the next position's, so divisions of different values overlap.
 */
export function divideBySizes_f32(src: usize, dst: usize, count: i32, positions: i32, perPosition: i32, sizes: usize, dims: i32): void {
  const planeBytes = <usize>(positions * perPosition) << 2;
  const planes = count / (positions * perPosition);
  // Planes: four positions at a time in the lanes; channels-last: one position, four channels at a time.
  const step = perPosition == 1 ? 4 : 1;
  for (let q = 0; q < positions; q += step) {
    const lanes = perPosition == 1 ? min(positions - q, 4) : perPosition;
    if (ASC_FEATURE_SIMD && lanes >= 4) {
      // The position's sizes, once for every plane: four positions' (planes), or one's in every lane.
      const k0 = sizeLanes(sizes, positions, 0, q, perPosition);
      const k1 = dims > 1 ? sizeLanes(sizes, positions, 1, q, perPosition) : k0;
      const k2 = dims > 2 ? sizeLanes(sizes, positions, 2, q, perPosition) : k0;
      const vec = lanes & ~3;
      for (let p = 0; p < planes; p++) {
        const at = <usize>p * planeBytes + (<usize>(q * perPosition) << 2);
        for (let i = 0; i < vec; i += 4) {
          const offset = at + (<usize>i << 2);
          let v = f32x4.div(v128.load(src + offset), k0);
          if (dims > 1) v = f32x4.div(v, k1);
          if (dims > 2) v = f32x4.div(v, k2);
          v128.store(dst + offset, v);
        }
      }
      if (vec == lanes) continue;
    }
    const from = ASC_FEATURE_SIMD && lanes >= 4 ? lanes & ~3 : 0;
    for (let p = 0; p < planes; p++) {
      const at = <usize>p * planeBytes + (<usize>(q * perPosition) << 2);
      for (let i = from; i < lanes; i++) {
        const offset = at + (<usize>i << 2);
        let v = load<f32>(src + offset);
        for (let d = 0; d < dims; d++) v /= load<f32>(sizeAt(sizes, positions, d, perPosition == 1 ? q + i : q));
        store<f32>(dst + offset, v);
      }
    }
  }
}

/** Axis d's sizes at positions q..q+3 (planes), or at q in every lane (channels-last). */
@inline function sizeLanes(sizes: usize, positions: i32, d: i32, q: i32, perPosition: i32): v128 {
  const at = sizeAt(sizes, positions, d, q);
  return perPosition == 1 ? v128.load(at) : f32x4.splat(load<f32>(at));
}

/** The address of axis d's window size at position q. */
@inline function sizeAt(sizes: usize, positions: i32, d: i32, q: i32): usize {
  return sizes + ((<usize>d * <usize>positions + <usize>q) << 2);
}
