// Max unpooling: scatter values into a zero-filled output by per-plane index. Indices are
// checked in a separate pass first (./index-range.ts).

function zero(output: usize, length: usize): void {
  memory.fill(output, 0, length << 2);
}

/** Planar layouts: plane p's value i goes to output[p * outPlane + indices[i]]. */
export function unpoolPlanes_f32(values: usize, indices: usize, output: usize, planes: i32, inPlane: i32, outPlane: i32): void {
  zero(output, <usize>planes * <usize>outPlane);
  const vecPlane = ASC_FEATURE_SIMD ? inPlane & ~3 : 0; // the scalar build goes one by one
  for (let p = 0; p < planes; p++) {
    const src = (<usize>p * <usize>inPlane) << 2;
    const dst = output + ((<usize>p * <usize>outPlane) << 2);
    let i = 0;
    if (ASC_FEATURE_SIMD) for (; i < vecPlane; i += 4) {
      const at = src + (<usize>i << 2);
      const v = v128.load(values + at);
      const to = i32x4.shl(v128.load(indices + at), 2);
      // Lanes in scan order, so a repeated index keeps the last value, as PyTorch.
      store<f32>(dst + <usize>i32x4.extract_lane(to, 0), f32x4.extract_lane(v, 0));
      store<f32>(dst + <usize>i32x4.extract_lane(to, 1), f32x4.extract_lane(v, 1));
      store<f32>(dst + <usize>i32x4.extract_lane(to, 2), f32x4.extract_lane(v, 2));
      store<f32>(dst + <usize>i32x4.extract_lane(to, 3), f32x4.extract_lane(v, 3));
    }
    for (; i < inPlane; i++) {
      const at = src + (<usize>i << 2);
      store<f32>(dst + (<usize>load<i32>(indices + at) << 2), load<f32>(values + at));
    }
  }
}

/** Channels-last layouts: pixel q's channel c goes to output pixel indices[q][c], channel c. */
export function unpoolChannels_f32(
  values: usize, indices: usize, output: usize, batches: i32, inPixels: i32, outPixels: i32, channels: i32,
): void {
  zero(output, <usize>batches * <usize>outPixels * <usize>channels);
  const vecChannels = ASC_FEATURE_SIMD ? channels & ~3 : 0; // the scalar build goes one by one
  for (let b = 0; b < batches; b++) {
    const dst = output + ((<usize>b * <usize>outPixels * <usize>channels) << 2);
    for (let q = 0; q < inPixels; q++) {
      const src = ((<usize>b * <usize>inPixels + <usize>q) * <usize>channels) << 2;
      let c = 0;
      if (ASC_FEATURE_SIMD) for (; c < vecChannels; c += 4) {
        const ch = i32x4.splat(channels);
        const lanes = v128(0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0);
        const at = src + (<usize>c << 2);
        const v = v128.load(values + at);
        // Lanes are different channels, hence different planes: no two write the same place.
        const to = i32x4.shl(i32x4.add(i32x4.mul(v128.load(indices + at), ch), i32x4.add(lanes, i32x4.splat(c))), 2);
        store<f32>(dst + <usize>i32x4.extract_lane(to, 0), f32x4.extract_lane(v, 0));
        store<f32>(dst + <usize>i32x4.extract_lane(to, 1), f32x4.extract_lane(v, 1));
        store<f32>(dst + <usize>i32x4.extract_lane(to, 2), f32x4.extract_lane(v, 2));
        store<f32>(dst + <usize>i32x4.extract_lane(to, 3), f32x4.extract_lane(v, 3));
      }
      for (; c < channels; c++) {
        const at = src + (<usize>c << 2);
        store<f32>(dst + ((<usize>load<i32>(indices + at) * <usize>channels + <usize>c) << 2), load<f32>(values + at));
      }
    }
  }
}
