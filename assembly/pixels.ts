// int8/uint8 channels-last pixels (src/ops/bytes.ts): of 2, 3, 4 or 8 channels (RGB images, canvas
// RGBA) to planes and back, sixteen pixels a step, and of 5 to 15 others to sixteen-byte slots and
// back (repitch_u8). Shuffles that are not
// unpacks or lane transposes use swizzle masks loaded before the loop (static data, compiled only
// with SIMD): V8 builds a constant byte shuffle's masks again at every use, and the three-channel
// split ran 2.5x faster this way, 1.1-1.3x faster than with the masks loaded in the loop.
import { transposeStore } from './lanes';

/**
 * out[b][c][r] = in[b][r][c] for `batches` matrices of rows x cols bytes. Pixels to planes has
 * cols = channels, planes to pixels rows = channels; matrices of 16 rows and columns or more go
 * in 16x16 tiles; matrices of one row or column (one channel: toNCHW / toNHWC) are a copy; other
 * shapes and the ragged edges go a byte at a time, along the longer side.
 */
export function transpose_u8(input: usize, output: usize, batches: i32, rows: i32, cols: i32): void {
  const matrix = <usize>rows * <usize>cols;
  if (rows <= 1 || cols <= 1) {
    memory.copy(output, input, <usize>batches * matrix);
    return;
  }
  for (let b = 0; b < batches; b++) {
    const src = input + <usize>b * matrix, dst = output + <usize>b * matrix;
    let done = 0;
    if (ASC_FEATURE_SIMD && (cols >= 2 && cols <= 4 || cols == 8)) done = splitPixels(src, dst, rows, cols);
    else if (ASC_FEATURE_SIMD && (rows >= 2 && rows <= 4 || rows == 8)) done = mergePlanes(src, dst, cols, rows);
    else if (ASC_FEATURE_SIMD && rows >= 16 && cols >= 16) {
      tiles(src, dst, rows, cols);
      continue;
    }
    if (cols <= rows) {
      for (let c = 0; c < cols; c++) {
        for (let r = done; r < rows; r++) store<u8>(dst + <usize>c * <usize>rows + <usize>r, load<u8>(src + <usize>r * <usize>cols + <usize>c));
      }
    } else {
      for (let r = 0; r < rows; r++) {
        for (let c = done; c < cols; c++) store<u8>(dst + <usize>c * <usize>rows + <usize>r, load<u8>(src + <usize>r * <usize>cols + <usize>c));
      }
    }
  }
}

/** A matrix of at least 16 rows and columns in 16x16 tiles, its ragged edges a byte at a time. */
function tiles(src: usize, dst: usize, rows: i32, cols: i32): void {
  const rows16 = rows & ~15, cols16 = cols & ~15, inRow = <usize>cols, outRow = <usize>rows;
  for (let r = 0; r < rows16; r += 16) {
    for (let c = 0; c < cols16; c += 16) transpose16x16(src + <usize>r * inRow + <usize>c, inRow, dst + <usize>c * outRow + <usize>r, outRow);
    for (let c = cols16; c < cols; c++) {
      for (let k = r; k < r + 16; k++) store<u8>(dst + <usize>c * outRow + <usize>k, load<u8>(src + <usize>k * inRow + <usize>c));
    }
  }
  for (let r = rows16; r < rows; r++) {
    for (let c = 0; c < cols; c++) store<u8>(dst + <usize>c * outRow + <usize>r, load<u8>(src + <usize>r * inRow + <usize>c));
  }
}

/**
 * Sixteen rows of sixteen bytes `step` bytes apart, stored as sixteen rows `outStep` apart, row j
 * holding byte j of each: rows paired byte by byte (two-byte lanes, columns 0-7 and 8-15), then
 * an 8x8 transpose of those lanes for each half.
 */
@inline function transpose16x16(src: usize, step: usize, dst: usize, outStep: usize): void {
  const r0 = v128.load(src), r1 = v128.load(src + step), r2 = v128.load(src + 2 * step), r3 = v128.load(src + 3 * step);
  const r4 = v128.load(src + 4 * step), r5 = v128.load(src + 5 * step), r6 = v128.load(src + 6 * step), r7 = v128.load(src + 7 * step);
  const r8 = v128.load(src + 8 * step), r9 = v128.load(src + 9 * step), r10 = v128.load(src + 10 * step), r11 = v128.load(src + 11 * step);
  const r12 = v128.load(src + 12 * step), r13 = v128.load(src + 13 * step), r14 = v128.load(src + 14 * step), r15 = v128.load(src + 15 * step);
  transpose8x8(interleaveLow(r0, r1), interleaveLow(r2, r3), interleaveLow(r4, r5), interleaveLow(r6, r7),
    interleaveLow(r8, r9), interleaveLow(r10, r11), interleaveLow(r12, r13), interleaveLow(r14, r15), dst, outStep);
  transpose8x8(interleaveHigh(r0, r1), interleaveHigh(r2, r3), interleaveHigh(r4, r5), interleaveHigh(r6, r7),
    interleaveHigh(r8, r9), interleaveHigh(r10, r11), interleaveHigh(r12, r13), interleaveHigh(r14, r15), dst + 8 * outStep, outStep);
}

/** Pixels of 2 to 4 or 8 channels into planes `pixels` bytes apart, sixteen pixels a step; returns the pixels done. */
@inline function splitPixels(src: usize, dst: usize, pixels: i32, channels: i32): i32 {
  const plane = <usize>pixels;
  let done = 0;
  if (channels == 2) {
    for (; done + 16 <= pixels; done += 16) {
      const p = src + (<usize>done << 1), at = dst + <usize>done;
      const a = v128.load(p), b = v128.load(p, 16);
      v128.store(at, i8x16.shuffle(a, b, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30));
      v128.store(at + plane, i8x16.shuffle(a, b, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31));
    }
  } else if (channels == 3) {
    // plane k's byte j is byte 3j + k of the 48 bytes a b c
    done = pixels & ~15;
    threeChannels(src, 16, 48, dst, plane, 16, done >> 4, threeChannelMasks(false));
  } else if (channels == 8) {
    // each vector's two pixels paired by channel (two-byte lanes), then an 8x8 lane transpose
    const pair = v128.load(memory.data<u8>([0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15], 16));
    for (; done + 16 <= pixels; done += 16) {
      const p = src + (<usize>done << 3);
      transpose8x8(i8x16.swizzle(v128.load(p), pair), i8x16.swizzle(v128.load(p, 16), pair),
        i8x16.swizzle(v128.load(p, 32), pair), i8x16.swizzle(v128.load(p, 48), pair),
        i8x16.swizzle(v128.load(p, 64), pair), i8x16.swizzle(v128.load(p, 80), pair),
        i8x16.swizzle(v128.load(p, 96), pair), i8x16.swizzle(v128.load(p, 112), pair), dst + <usize>done, plane);
    }
  } else {
    // each vector's bytes regrouped by channel (four-byte lanes), then a 4x4 lane transpose
    const regroup = v128.load(regroupMask());
    for (; done + 16 <= pixels; done += 16) {
      const p = src + (<usize>done << 2);
      transposeStore(i8x16.swizzle(v128.load(p), regroup), i8x16.swizzle(v128.load(p, 16), regroup),
        i8x16.swizzle(v128.load(p, 32), regroup), i8x16.swizzle(v128.load(p, 48), regroup), dst + <usize>done, plane);
    }
  }
  return done;
}

/** Planes `columns` bytes apart (2 to 4 or 8 of them) into pixels, sixteen columns a step; returns the columns done. */
@inline function mergePlanes(src: usize, dst: usize, columns: i32, channels: i32): i32 {
  const plane = <usize>columns;
  let done = 0;
  if (channels == 2) {
    for (; done + 16 <= columns; done += 16) {
      const at = src + <usize>done, q = dst + (<usize>done << 1);
      const a = v128.load(at), b = v128.load(at + plane);
      v128.store(q, interleaveLow(a, b));
      v128.store(q, interleaveHigh(a, b), 16);
    }
  } else if (channels == 3) {
    // byte k of the 48 pixel bytes is byte k / 3 of plane k % 3
    done = columns & ~15;
    threeChannels(src, plane, 16, dst, 16, 48, done >> 4, threeChannelMasks(true));
  } else if (channels == 8) {
    // an 8x8 transpose of two-byte lanes (a channel of two pixels), then each vector's pairs unpaired
    const unpair = v128.load(memory.data<u8>([0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15], 16));
    for (; done + 16 <= columns; done += 16) {
      const at = src + <usize>done;
      transpose8x8(v128.load(at), v128.load(at + plane), v128.load(at + 2 * plane), v128.load(at + 3 * plane),
        v128.load(at + 4 * plane), v128.load(at + 5 * plane), v128.load(at + 6 * plane), v128.load(at + 7 * plane),
        dst + (<usize>done << 3), 16, true, unpair);
    }
  } else {
    // bytes of R and G, B and A interleaved into pairs, then the pairs into pixels (unpacks)
    for (; done + 16 <= columns; done += 16) {
      const at = src + <usize>done, q = dst + (<usize>done << 2);
      const r = v128.load(at), g = v128.load(at + plane), b = v128.load(at + 2 * plane), a = v128.load(at + 3 * plane);
      const rgLow = interleaveLow(r, g);
      const rgHigh = interleaveHigh(r, g);
      const baLow = interleaveLow(b, a);
      const baHigh = interleaveHigh(b, a);
      v128.store(q, v128.shuffle<u16>(rgLow, baLow, 0, 8, 1, 9, 2, 10, 3, 11));
      v128.store(q, v128.shuffle<u16>(rgLow, baLow, 4, 12, 5, 13, 6, 14, 7, 15), 16);
      v128.store(q, v128.shuffle<u16>(rgHigh, baHigh, 0, 8, 1, 9, 2, 10, 3, 11), 32);
      v128.store(q, v128.shuffle<u16>(rgHigh, baHigh, 4, 12, 5, 13, 6, 14, 7, 15), 48);
    }
  }
  return done;
}

/**
 * The transpose of eight vectors of 16-bit lanes (unpacks of 16-, 32- and 64-bit lanes), stored
 * as eight vectors `step` bytes apart: store k holds lane k of r0..r7, its bytes swizzled by
 * `bytes` first with `regroup` (inlined twice, 0.7 KB each: a function for both ways, the
 * swizzles under a run-time test, ran 1.5-2.3x slower).
 */
@inline function transpose8x8(r0: v128, r1: v128, r2: v128, r3: v128, r4: v128, r5: v128, r6: v128, r7: v128,
  dst: usize, step: usize, regroup: bool = false, bytes: v128 = i32x4.splat(0)): void {
  const t0 = v128.shuffle<u16>(r0, r1, 0, 8, 1, 9, 2, 10, 3, 11), t1 = v128.shuffle<u16>(r0, r1, 4, 12, 5, 13, 6, 14, 7, 15);
  const t2 = v128.shuffle<u16>(r2, r3, 0, 8, 1, 9, 2, 10, 3, 11), t3 = v128.shuffle<u16>(r2, r3, 4, 12, 5, 13, 6, 14, 7, 15);
  const t4 = v128.shuffle<u16>(r4, r5, 0, 8, 1, 9, 2, 10, 3, 11), t5 = v128.shuffle<u16>(r4, r5, 4, 12, 5, 13, 6, 14, 7, 15);
  const t6 = v128.shuffle<u16>(r6, r7, 0, 8, 1, 9, 2, 10, 3, 11), t7 = v128.shuffle<u16>(r6, r7, 4, 12, 5, 13, 6, 14, 7, 15);
  const u0 = v128.shuffle<u32>(t0, t2, 0, 4, 1, 5), u1 = v128.shuffle<u32>(t0, t2, 2, 6, 3, 7);
  const u2 = v128.shuffle<u32>(t1, t3, 0, 4, 1, 5), u3 = v128.shuffle<u32>(t1, t3, 2, 6, 3, 7);
  const u4 = v128.shuffle<u32>(t4, t6, 0, 4, 1, 5), u5 = v128.shuffle<u32>(t4, t6, 2, 6, 3, 7);
  const u6 = v128.shuffle<u32>(t5, t7, 0, 4, 1, 5), u7 = v128.shuffle<u32>(t5, t7, 2, 6, 3, 7);
  storeLanes(dst, v128.shuffle<u64>(u0, u4, 0, 2), regroup, bytes);
  storeLanes(dst + step, v128.shuffle<u64>(u0, u4, 1, 3), regroup, bytes);
  storeLanes(dst + 2 * step, v128.shuffle<u64>(u1, u5, 0, 2), regroup, bytes);
  storeLanes(dst + 3 * step, v128.shuffle<u64>(u1, u5, 1, 3), regroup, bytes);
  storeLanes(dst + 4 * step, v128.shuffle<u64>(u2, u6, 0, 2), regroup, bytes);
  storeLanes(dst + 5 * step, v128.shuffle<u64>(u2, u6, 1, 3), regroup, bytes);
  storeLanes(dst + 6 * step, v128.shuffle<u64>(u3, u7, 0, 2), regroup, bytes);
  storeLanes(dst + 7 * step, v128.shuffle<u64>(u3, u7, 1, 3), regroup, bytes);
}

@inline function storeLanes(at: usize, v: v128, regroup: bool, bytes: v128): void {
  v128.store(at, regroup ? i8x16.swizzle(v, bytes) : v);
}

/** Bytes of four 4-byte lanes regrouped by position: byte j of lane i to byte i of lane j (its own inverse). */
@inline function regroupMask(): usize {
  return memory.data<u8>([0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15], 16);
}

/** The bytes of the low halves of a and b alternated: a0 b0 a1 b1 .. a7 b7. */
@inline function interleaveLow(a: v128, b: v128): v128 {
  return i8x16.shuffle(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
}

/** The bytes of the high halves of a and b alternated: a8 b8 .. a15 b15. */
@inline function interleaveHigh(a: v128, b: v128): v128 {
  return i8x16.shuffle(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
}

/**
 * Three-channel pixels to planes or back, sixteen pixels a step: three vectors a, b, c loaded
 * `loadStep` apart, and three stored `storeStep` apart, store k the or of a, b and c swizzled by
 * masks k (48 bytes each, at `masks`: threeChannelMasks; loaded once, before the loop).
 */
@inline function threeChannels(src: usize, loadStep: usize, srcAdvance: usize, dst: usize, storeStep: usize, dstAdvance: usize, steps: i32, masks: usize): void {
  const k0a = v128.load(masks), k0b = v128.load(masks, 16), k0c = v128.load(masks, 32);
  const k1a = v128.load(masks, 48), k1b = v128.load(masks, 64), k1c = v128.load(masks, 80);
  const k2a = v128.load(masks, 96), k2b = v128.load(masks, 112), k2c = v128.load(masks, 128);
  for (let i = 0; i < steps; i++, src += srcAdvance, dst += dstAdvance) {
    const a = v128.load(src), b = v128.load(src + loadStep), c = v128.load(src + 2 * loadStep);
    v128.store(dst, pick3(a, k0a, b, k0b, c, k0c));
    v128.store(dst + storeStep, pick3(a, k1a, b, k1b, c, k1c));
    v128.store(dst + 2 * storeStep, pick3(a, k2a, b, k2b, c, k2c));
  }
}

/**
 * threeChannels' masks: splitting (`merge` false), then merging (at + 144). Vector k of a step or-s
 * a, b and c (v = 0, 1, 2) swizzled by the 16 bytes at 48k + 16v, whose lane j picks the byte that
 * the output's lane j takes from v, or none (128). Splitting, output k is plane k, whose byte j is
 * byte 3j + k of the 48 pixel bytes; merging, output k is pixel bytes 16k to 16k + 15, byte b of
 * them byte b / 3 of plane b % 3. Constant data, not written at run time: the threads build
 * applies its data segments again whenever a worker thread starts.
 */
function threeChannelMasks(merge: bool): usize {
  return memory.data<u8>([
    0, 3, 6, 9, 12, 15, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128,
    128, 128, 128, 128, 128, 128, 2, 5, 8, 11, 14, 128, 128, 128, 128, 128,
    128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 1, 4, 7, 10, 13,
    1, 4, 7, 10, 13, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128,
    128, 128, 128, 128, 128, 0, 3, 6, 9, 12, 15, 128, 128, 128, 128, 128,
    128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 2, 5, 8, 11, 14,
    2, 5, 8, 11, 14, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128,
    128, 128, 128, 128, 128, 1, 4, 7, 10, 13, 128, 128, 128, 128, 128, 128,
    128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 0, 3, 6, 9, 12, 15,
    0, 128, 128, 1, 128, 128, 2, 128, 128, 3, 128, 128, 4, 128, 128, 5,
    128, 0, 128, 128, 1, 128, 128, 2, 128, 128, 3, 128, 128, 4, 128, 128,
    128, 128, 0, 128, 128, 1, 128, 128, 2, 128, 128, 3, 128, 128, 4, 128,
    128, 128, 6, 128, 128, 7, 128, 128, 8, 128, 128, 9, 128, 128, 10, 128,
    5, 128, 128, 6, 128, 128, 7, 128, 128, 8, 128, 128, 9, 128, 128, 10,
    128, 5, 128, 128, 6, 128, 128, 7, 128, 128, 8, 128, 128, 9, 128, 128,
    128, 11, 128, 128, 12, 128, 128, 13, 128, 128, 14, 128, 128, 15, 128, 128,
    128, 128, 11, 128, 128, 12, 128, 128, 13, 128, 128, 14, 128, 128, 15, 128,
    10, 128, 128, 11, 128, 128, 12, 128, 128, 13, 128, 128, 14, 128, 128, 15,
  ], 16) + (merge ? 144 : 0);
}

/** Bytes of a, b and c picked by their masks (lanes of 128 give 0) and or-ed together. */
@inline function pick3(a: v128, ka: v128, b: v128, kb: v128, c: v128, kc: v128): v128 {
  return v128.or(v128.or(i8x16.swizzle(a, ka), i8x16.swizzle(b, kb)), i8x16.swizzle(c, kc));
}

/**
 * Pixels of `from` bytes copied into slots of `to` bytes (one of them 16, the other 5 to 15):
 * channels-last pixels widened for the sixteen-channel kernels and packed back (src/ops/bytes.ts).
 * A vector a pixel, in order, so that a packing store's extra bytes are rewritten by the next
 * pixel's; the last pixels, whose vector would pass the end of the packed side, a byte at a time.
 */
export function repitch_u8(input: usize, output: usize, pixels: i32, from: i32, to: i32): void {
  const bytes = <usize>min(from, to), end = input + <usize>pixels * <usize>from;
  const packedEnd = <usize>pixels * bytes;
  let src = input, dst = output, packed: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; packed + 16 <= packedEnd; packed += bytes, src += <usize>from, dst += <usize>to) v128.store(dst, v128.load(src));
  }
  for (; src < end; src += <usize>from, dst += <usize>to) memory.copy(dst, src, bytes);
}
