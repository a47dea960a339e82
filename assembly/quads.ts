// Planar pooling with irregular column windows (adaptive pooling with a non-dividing size, NCW,
// NCHW, NCDHW): four planes at a time are interleaved into pixels of four channels in a small
// scratch block (4x4 register transposes), pooled by the channel-lane kernel (channels.ts), and
// the results de-interleaved back into the four output planes. Every tap is then one contiguous
// vector load, whatever the windows; sums keep each plane's own row-major order.
import { Plan } from './plan';
import { poolChannels } from './channels';
import { AVG, MAX, MAX_INDEX, MAX_INDEX_NO_NAN, MAX_NO_NAN } from './reduce';

/** Four vectors a..d (one per plane, four positions each) as four pixels of four channels. */
@inline function transposeStore(a: v128, b: v128, c: v128, d: v128, dst: usize, dstStep: usize): void {
  const ab0 = v128.shuffle<f32>(a, b, 0, 4, 1, 5);
  const ab1 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
  const cd0 = v128.shuffle<f32>(c, d, 0, 4, 1, 5);
  const cd1 = v128.shuffle<f32>(c, d, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(ab0, cd0, 0, 1, 4, 5));
  v128.store(dst + dstStep, v128.shuffle<f32>(ab0, cd0, 2, 3, 6, 7));
  v128.store(dst + 2 * dstStep, v128.shuffle<f32>(ab1, cd1, 0, 1, 4, 5));
  v128.store(dst + 3 * dstStep, v128.shuffle<f32>(ab1, cd1, 2, 3, 6, 7));
}

/** Planes a..d (`length` floats each) into `length` pixels of 4 channels at dst. */
@inline function interleave(a: usize, b: usize, c: usize, d: usize, length: i32, dst: usize): void {
  const vec = length & ~3;
  let i = 0;
  for (; i < vec; i += 4) {
    const at = <usize>i << 2;
    transposeStore(v128.load(a + at), v128.load(b + at), v128.load(c + at), v128.load(d + at), dst + (at << 2), 16);
  }
  for (; i < length; i++) {
    const at = <usize>i << 2;
    let v = f32x4.splat(load<f32>(a + at));
    v = f32x4.replace_lane(v, 1, load<f32>(b + at));
    v = f32x4.replace_lane(v, 2, load<f32>(c + at));
    v = f32x4.replace_lane(v, 3, load<f32>(d + at));
    v128.store(dst + (at << 2), v);
  }
}

/** `length` pixels of 4 channels at src into `count` (1-4) planes starting at dst, `planeBytes` apart. */
@inline function deinterleave(src: usize, length: i32, dst: usize, planeBytes: usize, count: i32): void {
  const vec = count == 4 ? length & ~3 : 0;
  let i = 0;
  for (; i < vec; i += 4) {
    const at = <usize>i << 2;
    // The transpose of four pixels is four runs of one plane each.
    transposeStore(v128.load(src + (at << 2)), v128.load(src + (at << 2), 16), v128.load(src + (at << 2), 32),
      v128.load(src + (at << 2), 48), dst + at, planeBytes);
  }
  for (; i < length; i++) {
    const at = <usize>i << 2;
    const v = v128.load(src + (at << 2));
    store<i32>(dst + at, i32x4.extract_lane(v, 0));
    if (count > 1) store<i32>(dst + planeBytes + at, i32x4.extract_lane(v, 1));
    if (count > 2) store<i32>(dst + 2 * planeBytes + at, i32x4.extract_lane(v, 2));
    if (count > 3) store<i32>(dst + 3 * planeBytes + at, i32x4.extract_lane(v, 3));
  }
}

// Scratch layout (src/ops/pool.ts sizes it): a Plan (rounded up to 16 bytes), then 4 input
// planes as pixels (inPlane * 16 bytes), 4 output planes (outPlane * 16) and 4 index planes
// (outPlane * 16).
@inline function poolQuads(OP: i32, planPtr: usize, input: usize, output: usize, indices: usize, scratch: usize): void {
  const plan = changetype<Plan>(planPtr);
  const planes = plan.planes, inPlane = plan.inPlane, outPlane = plan.outPlane;
  // The same windows over one "sample" of 4 channels.
  const local = changetype<Plan>(scratch);
  memory.copy(scratch, planPtr, offsetof<Plan>());
  local.planes = 1;
  local.channels = 4;
  local.inPlane = inPlane << 2;
  local.outPlane = outPlane << 2;
  const pixels = scratch + ((offsetof<Plan>() + 15) & ~15);
  const results = pixels + (<usize>inPlane << 4);
  const resultIndices = results + (<usize>outPlane << 4);
  const inBytes = <usize>inPlane << 2, outBytes = <usize>outPlane << 2;
  for (let p = 0; p < planes; p += 4) {
    const count = min(4, planes - p);
    // Fewer than 4 planes left: the last one fills the spare lanes (read, never written back).
    const a = input + <usize>p * inBytes;
    const b = a + (count > 1 ? inBytes : 0);
    const c = a + <usize>(count > 2 ? 2 : count - 1) * inBytes;
    const d = a + <usize>(count - 1) * inBytes;
    interleave(a, b, c, d, inPlane, pixels);
    poolChannels(OP, local, pixels, results, resultIndices);
    deinterleave(results, outPlane, output + <usize>p * outBytes, outBytes, count);
    if (OP == MAX_INDEX || OP == MAX_INDEX_NO_NAN) {
      deinterleave(resultIndices, outPlane, indices + <usize>p * outBytes, outBytes, count);
    }
  }
}

export function maxPoolQuads_f32(plan: usize, input: usize, output: usize, scratch: usize): void {
  poolQuads(MAX, plan, input, output, 0, scratch);
}

export function maxPoolQuadsIndices_f32(plan: usize, input: usize, output: usize, indices: usize, scratch: usize): void {
  poolQuads(MAX_INDEX, plan, input, output, indices, scratch);
}

export function maxPoolQuadsNoNaN_f32(plan: usize, input: usize, output: usize, scratch: usize): void {
  poolQuads(MAX_NO_NAN, plan, input, output, 0, scratch);
}

export function maxPoolQuadsIndicesNoNaN_f32(plan: usize, input: usize, output: usize, indices: usize, scratch: usize): void {
  poolQuads(MAX_INDEX_NO_NAN, plan, input, output, indices, scratch);
}

export function avgPoolQuads_f32(plan: usize, input: usize, output: usize, scratch: usize): void {
  poolQuads(AVG, plan, input, output, 0, scratch);
}
