// PyTorch's adaptive average gradients are divided by a window's size along one axis after
// another, rounding to float32 each time (gradient / kH / kW): src/ops/window-sizes.ts decides
// when and lays out the sizes, this divides.

/**
 * dst[i] = src[i] / k0 / k1 / ... for `count` values: planes of `positions` values
 * (perPosition 1), or `positions` pixels of `perPosition` channels (channels-last). `sizes`
 * holds each axis's window sizes, one per position, axis after axis (sizes[d * positions + q]).
 */
export function divideBySizes_f32(src: usize, dst: usize, count: i32, positions: i32, perPosition: i32, sizes: usize, dims: i32): void {
  for (let e = 0; e < count; ) {
    for (let q = 0; q < positions; ) {
      // Planes: four positions at a time; channels-last: four channels of one position.
      const lanes = perPosition == 1 ? min(positions - q, 4) : perPosition;
      let i = 0;
      if (ASC_FEATURE_SIMD) {
        for (; i + 4 <= lanes; i += 4) {
          const at = <usize>(e + i) << 2;
          let v = v128.load(src + at);
          for (let d = 0; d < dims; d++) {
            v = f32x4.div(v, perPosition == 1 ? v128.load(sizeAt(sizes, positions, d, q)) : f32x4.splat(load<f32>(sizeAt(sizes, positions, d, q))));
          }
          v128.store(dst + at, v);
        }
      }
      for (; i < lanes; i++) {
        const at = <usize>(e + i) << 2;
        let v = load<f32>(src + at);
        for (let d = 0; d < dims; d++) v /= load<f32>(sizeAt(sizes, positions, d, perPosition == 1 ? q + i : q));
        store<f32>(dst + at, v);
      }
      e += lanes;
      q += perPosition == 1 ? lanes : 1;
    }
  }
}

/** The address of axis d's window size at position q. */
@inline function sizeAt(sizes: usize, positions: i32, d: i32, q: i32): usize {
  return sizes + ((<usize>d * <usize>positions + <usize>q) << 2);
}
