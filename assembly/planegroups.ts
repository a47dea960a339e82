// Planar pooling with irregular column windows (adaptive pooling with a non-dividing size, NCW,
// NCHW, NCDHW): sixteen planes at a time are interleaved into pixels of sixteen channels in a
// scratch block (4x4 register transposes), pooled by the channel-lane kernel (channels.ts, whose
// sixteen-channel blocks then apply), and the results de-interleaved back into the planes.
// Every tap is then one contiguous vector load, whatever the windows; sums keep each plane's
// own row-major order.
import { Plan } from './plan';
import { poolChannels } from './channels';
import { transposeStore } from './lanes';
import { poolRowsScalar } from './rows';
import { AVG, MAX, MAX_INDEX, MAX_INDEX_NO_NAN, MAX_NO_NAN } from './reduce';

/** Planes p, p+1, ... (`count` of them, `planeBytes` apart; the last repeats to fill 16) as pixels of 16 channels. */
@inline function interleave(src: usize, planeBytes: usize, count: i32, length: i32, dst: usize): void {
  const vec = length & ~3;
  const last = count - 1;
  for (let g = 0; g < 16; g += 4) {
    const a = src + <usize>min(g, last) * planeBytes;
    const b = src + <usize>min(g + 1, last) * planeBytes;
    const c = src + <usize>min(g + 2, last) * planeBytes;
    const d = src + <usize>min(g + 3, last) * planeBytes;
    const out = dst + (<usize>g << 2);
    let i = 0;
    for (; i < vec; i += 4) {
      const at = <usize>i << 2;
      transposeStore(v128.load(a + at), v128.load(b + at), v128.load(c + at), v128.load(d + at), out + (at << 4), 64);
    }
    for (; i < length; i++) {
      const at = <usize>i << 2;
      let v = f32x4.splat(load<f32>(a + at));
      v = f32x4.replace_lane(v, 1, load<f32>(b + at));
      v = f32x4.replace_lane(v, 2, load<f32>(c + at));
      v = f32x4.replace_lane(v, 3, load<f32>(d + at));
      v128.store(out + (at << 4), v);
    }
  }
}

/** `length` pixels of 16 channels at src into the first `count` planes at dst, `planeBytes` apart. */
@inline function deinterleave(src: usize, length: i32, dst: usize, planeBytes: usize, count: i32): void {
  const vec = length & ~3;
  for (let g = 0; g < count; g += 4) {
    const rows = min(4, count - g);
    const from = src + (<usize>g << 2);
    const to = dst + <usize>g * planeBytes;
    let i = 0;
    if (rows == 4) {
      for (; i < vec; i += 4) {
        const at = <usize>i << 2;
        // The transpose of four pixels' four channels is four runs of one plane each.
        transposeStore(v128.load(from + (at << 4)), v128.load(from + (at << 4), 64), v128.load(from + (at << 4), 128),
          v128.load(from + (at << 4), 192), to + at, planeBytes);
      }
    }
    for (; i < length; i++) {
      const at = <usize>i << 2;
      const v = v128.load(from + (at << 4));
      store<i32>(to + at, i32x4.extract_lane(v, 0));
      if (rows > 1) store<i32>(to + planeBytes + at, i32x4.extract_lane(v, 1));
      if (rows > 2) store<i32>(to + 2 * planeBytes + at, i32x4.extract_lane(v, 2));
      if (rows > 3) store<i32>(to + 3 * planeBytes + at, i32x4.extract_lane(v, 3));
    }
  }
}

// Scratch layout (src/ops/pool.ts sizes it): a Plan (rounded up to 16 bytes), then 16 input
// planes as pixels (inPlane * 64 bytes), 16 output planes (outPlane * 64) and 16 index planes
// (outPlane * 64).
/** Type arguments of poolPlaneGroups: the full build's channel-lane index blocks (channels.ts indexBlock16), or not (simdpool/core). */
type Full = u8;
type Lean = u16;

@inline function poolPlaneGroups<F>(OP: i32, planPtr: usize, input: usize, output: usize, indices: usize, scratch: usize): void {
  const plan = changetype<Plan>(planPtr);
  // The scalar build has no vector lanes to win back: the plan itself, one column at a time.
  if (!ASC_FEATURE_SIMD) poolRowsScalar(OP, plan, input, output, indices);
  else poolPlaneGroupsSimd<F>(OP, plan, input, output, indices, scratch);
}

@inline function poolPlaneGroupsSimd<F>(OP: i32, plan: Plan, input: usize, output: usize, indices: usize, scratch: usize): void {
  const planPtr = changetype<usize>(plan);
  const planes = plan.planes, inPlane = plan.inPlane, outPlane = plan.outPlane;
  // The same windows over one "sample" of 4 channels.
  const local = changetype<Plan>(scratch);
  memory.copy(scratch, planPtr, offsetof<Plan>());
  local.planes = 1;
  local.channels = 16;
  local.inPlane = inPlane << 4;
  local.outPlane = outPlane << 4;
  const pixels = scratch + ((offsetof<Plan>() + 15) & ~15);
  const results = pixels + (<usize>inPlane << 6);
  const resultIndices = results + (<usize>outPlane << 6);
  const inBytes = <usize>inPlane << 2, outBytes = <usize>outPlane << 2;
  for (let p = 0; p < planes; p += 16) {
    // Fewer than 16 planes left: the last one fills the spare lanes (read, never written back).
    const count = min(16, planes - p);
    interleave(input + <usize>p * inBytes, inBytes, count, inPlane, pixels);
    // (the full build's index blocks; not maxRowInterior: its row-wise passes do not pay on planes this narrow)
    if (sizeof<F>() == 1) poolChannels(OP, local, pixels, results, resultIndices, true);
    else poolChannels(OP, local, pixels, results, resultIndices, false);
    deinterleave(results, outPlane, output + <usize>p * outBytes, outBytes, count);
    if (OP == MAX_INDEX || OP == MAX_INDEX_NO_NAN) {
      deinterleave(resultIndices, outPlane, indices + <usize>p * outBytes, outBytes, count);
    }
  }
}

export function maxPoolPlaneGroups_f32(plan: usize, input: usize, output: usize, scratch: usize): void {
  poolPlaneGroups<Lean>(MAX, plan, input, output, 0, scratch);
}

/** simdpool/core's (assembly/core.ts): without the sixteen-channel index blocks. */
export function maxPoolPlaneGroupsIndices_f32(plan: usize, input: usize, output: usize, indices: usize, scratch: usize): void {
  poolPlaneGroups<Lean>(MAX_INDEX, plan, input, output, indices, scratch);
}

/** The full build's (assembly/index.ts exports it as maxPoolPlaneGroupsIndices_f32). */
export function maxPoolPlaneGroupsIndicesFull_f32(plan: usize, input: usize, output: usize, indices: usize, scratch: usize): void {
  poolPlaneGroups<Full>(MAX_INDEX, plan, input, output, indices, scratch);
}

export function maxPoolPlaneGroupsNoNaN_f32(plan: usize, input: usize, output: usize, scratch: usize): void {
  poolPlaneGroups<Lean>(MAX_NO_NAN, plan, input, output, 0, scratch);
}

export function maxPoolPlaneGroupsIndicesNoNaN_f32(plan: usize, input: usize, output: usize, indices: usize, scratch: usize): void {
  poolPlaneGroups<Full>(MAX_INDEX_NO_NAN, plan, input, output, indices, scratch);
}

export function avgPoolPlaneGroups_f32(plan: usize, input: usize, output: usize, scratch: usize): void {
  poolPlaneGroups<Lean>(AVG, plan, input, output, 0, scratch);
}
