// Layout conversion: channels-first <-> channels-last is a batch of matrix transposes
// (NCHW -> NHWC: rows = C, cols = H*W; NHWC -> NCHW: rows = H*W, cols = C).
// 4x4 blocks go through registers with shuffles; ragged edges go one float at a time.
import { transposeStore } from './lanes';

@inline function transpose4x4(src: usize, srcRowBytes: usize, dst: usize, dstRowBytes: usize): void {
  transposeStore(v128.load(src), v128.load(src + srcRowBytes), v128.load(src + 2 * srcRowBytes),
    v128.load(src + 3 * srcRowBytes), dst, dstRowBytes);
}

/** out[b][c][r] = in[b][r][c] for `batches` matrices of rows x cols floats (the full build's). */
export function transpose_f32(input: usize, output: usize, batches: i32, rows: i32, cols: i32): void {
  transposeMatrices(input, output, batches, rows, cols, true);
}

/**
 * transpose_f32, with (`narrow`) or without (simdpool/core, at its size budget) the paths for
 * matrices of 1, 2 or 3 rows or columns.
 */
@inline export function transposeMatrices(input: usize, output: usize, batches: i32, rows: i32, cols: i32, narrow: bool): void {
  // One channel (or one pixel): the layouts hold the same floats in the same order.
  if (narrow && (rows <= 1 || cols <= 1)) {
    memory.copy(output, input, (<usize>batches * <usize>rows * <usize>cols) << 2);
    return;
  }
  if (!ASC_FEATURE_SIMD) {
    transposeScalar(input, output, batches, rows, cols);
    return;
  }
  // Pixels of 2 or 3 channels to planes and back (RGB images; channels-last pooling of few
  // channels, src/ops/channel-planes.ts): the 4x4 blocks leave them to the float-at-a-time edges.
  if (narrow && (cols == 2 || cols == 3)) {
    narrowCols(input, output, batches, rows, cols);
    return;
  }
  if (narrow && (rows == 2 || rows == 3)) {
    narrowRows(input, output, batches, rows, cols);
    return;
  }
  const matrix = <usize>rows * <usize>cols;
  const inRowBytes = <usize>cols << 2;
  const outRowBytes = <usize>rows << 2;
  const rows4 = rows & ~3, cols4 = cols & ~3;
  // The full build takes input rows sixteen at a time, so that each output row's sixteen floats
  // (a 64-byte line) are written together rather than a quarter in each of four passes over the
  // output (toNHWC of 28x28 to 7x7 planes 2-2.8x, 56x56 1.3x, toNCHW of 96x96 pixels 1.7-2.6x
  // faster). Where the rows are a multiple of 2 KiB apart (512 columns or a multiple: 32x32,
  // 64x64, 96x96 and 224x224 planes, 512 or 2048 channels), sixteen of them share a few L1 sets
  // (0.8-0.9x there), and eight a step do better (1.05-1.27x over four). (`cols`, not inRowBytes,
  // in the test: simdpool/core's code then stays byte for byte as it was, and its packed bundle
  // with it.)
  const aliased = (cols & 511) == 0, tiled = narrow ? rows & (aliased ? ~7 : ~15) : 0;
  for (let b = 0; b < batches; b++) {
    const src = input + ((<usize>b * matrix) << 2);
    const dst = output + ((<usize>b * matrix) << 2);
    if (narrow) {
      if (aliased) rowTiles(src, dst, 0, tiled, 8, cols4, cols, inRowBytes, outRowBytes);
      else rowTiles(src, dst, 0, tiled, 16, cols4, cols, inRowBytes, outRowBytes);
    }
    // (four rows a step as rowTiles would take them, written out: inlined rowTiles gave
    // simdpool/core's code other locals, and its packed bundle 18 bytes more)
    for (let r = tiled; r < rows4; r += 4) {
      const srcRow = src + <usize>r * inRowBytes;
      for (let c = 0; c < cols4; c += 4) {
        transpose4x4(srcRow + (<usize>c << 2), inRowBytes, dst + <usize>c * outRowBytes + (<usize>r << 2), outRowBytes);
      }
      for (let c = cols4; c < cols; c++) {
        for (let k = r; k < r + 4; k++) {
          store<f32>(dst + <usize>c * outRowBytes + (<usize>k << 2), load<f32>(src + <usize>k * inRowBytes + (<usize>c << 2)));
        }
      }
    }
    for (let r = rows4; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        store<f32>(dst + <usize>c * outRowBytes + (<usize>r << 2), load<f32>(src + <usize>r * inRowBytes + (<usize>c << 2)));
      }
    }
  }
}

/**
 * Input rows [r0, r1) of a matrix, `tall` (8 or 16) at a time: 4x4 blocks one under the other
 * across the first `cols4` columns (cols & ~3), so that each output row's `tall` floats are
 * written together, then the ragged columns one float at a time.
 */
@inline function rowTiles(
  src: usize, dst: usize, r0: i32, r1: i32, tall: i32, cols4: i32, cols: i32, inRowBytes: usize, outRowBytes: usize,
): void {
  for (let r = r0; r < r1; r += tall) {
    const srcRow = src + <usize>r * inRowBytes;
    for (let c = 0; c < cols4; c += 4) {
      const from = srcRow + (<usize>c << 2), to = dst + <usize>c * outRowBytes + (<usize>r << 2);
      transpose4x4(from, inRowBytes, to, outRowBytes);
      transpose4x4(from + 4 * inRowBytes, inRowBytes, to + 16, outRowBytes);
      if (tall == 16) {
        transpose4x4(from + 8 * inRowBytes, inRowBytes, to + 32, outRowBytes);
        transpose4x4(from + 12 * inRowBytes, inRowBytes, to + 48, outRowBytes);
      }
    }
    for (let c = cols4; c < cols; c++) {
      for (let k = r; k < r + tall; k++) {
        store<f32>(dst + <usize>c * outRowBytes + (<usize>k << 2), load<f32>(src + <usize>k * inRowBytes + (<usize>c << 2)));
      }
    }
  }
}

/** Matrices of 2 or 3 columns: four rows (8 or 12 contiguous floats) a step, split into 2 or 3 output rows. */
function narrowCols(input: usize, output: usize, batches: i32, rows: i32, cols: i32): void {
  const matrixBytes = <usize>rows * <usize>cols << 2, outRowBytes = <usize>rows << 2, rows4 = rows & ~3;
  for (let b = 0; b < batches; b++) {
    const src = input + <usize>b * matrixBytes, dst = output + <usize>b * matrixBytes;
    for (let r = 0; r < rows4; r += 4) {
      const p = src + <usize>(r * cols) * 4, q = dst + (<usize>r << 2);
      const v0 = v128.load(p), v1 = v128.load(p, 16);
      if (cols == 2) {
        v128.store(q, v128.shuffle<f32>(v0, v1, 0, 2, 4, 6));
        v128.store(q + outRowBytes, v128.shuffle<f32>(v0, v1, 1, 3, 5, 7));
      } else {
        // v0 v1 v2 = x0..x11, four rows of three: column j is x(j), x(j+3), x(j+6), x(j+9)
        const v2 = v128.load(p, 32);
        v128.store(q, v128.shuffle<f32>(v128.shuffle<f32>(v0, v1, 0, 3, 6, 7), v2, 0, 1, 2, 5));
        v128.store(q + outRowBytes, v128.shuffle<f32>(v128.shuffle<f32>(v0, v1, 1, 4, 7, 7), v2, 0, 1, 2, 6));
        v128.store(q + 2 * outRowBytes, v128.shuffle<f32>(v128.shuffle<f32>(v0, v1, 2, 5, 5, 5), v2, 0, 1, 4, 7));
      }
    }
    for (let r = rows4; r < rows; r++) {
      for (let c = 0; c < cols; c++) store<f32>(dst + <usize>c * outRowBytes + (<usize>r << 2), load<f32>(src + (<usize>(r * cols + c) << 2)));
    }
  }
}

/** Matrices of 2 or 3 rows: four columns a step, interleaved into 8 or 12 contiguous floats. */
function narrowRows(input: usize, output: usize, batches: i32, rows: i32, cols: i32): void {
  const matrixBytes = <usize>rows * <usize>cols << 2, inRowBytes = <usize>cols << 2, cols4 = cols & ~3;
  for (let b = 0; b < batches; b++) {
    const src = input + <usize>b * matrixBytes, dst = output + <usize>b * matrixBytes;
    for (let c = 0; c < cols4; c += 4) {
      const p = src + (<usize>c << 2), q = dst + <usize>(c * rows) * 4;
      const a = v128.load(p), bb = v128.load(p + inRowBytes);
      if (rows == 2) {
        v128.store(q, v128.shuffle<f32>(a, bb, 0, 4, 1, 5));
        v128.store(q, v128.shuffle<f32>(a, bb, 2, 6, 3, 7), 16);
      } else {
        // a0 b0 c0 a1 | b1 c1 a2 b2 | c2 a3 b3 c3
        const cc = v128.load(p + 2 * inRowBytes);
        v128.store(q, v128.shuffle<f32>(v128.shuffle<f32>(a, bb, 0, 4, 1, 5), cc, 0, 1, 4, 2));
        v128.store(q, v128.shuffle<f32>(v128.shuffle<f32>(a, bb, 5, 5, 2, 6), cc, 0, 5, 2, 3), 16);
        v128.store(q, v128.shuffle<f32>(v128.shuffle<f32>(a, bb, 3, 3, 3, 7), cc, 6, 0, 3, 7), 32);
      }
    }
    for (let c = cols4; c < cols; c++) {
      for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>(c * rows + r) << 2), load<f32>(src + <usize>r * inRowBytes + (<usize>c << 2)));
    }
  }
}

/** The scalar build (no SIMD): one float at a time. */
function transposeScalar(input: usize, output: usize, batches: i32, rows: i32, cols: i32): void {
  const matrix = <usize>rows * <usize>cols;
  for (let b = 0; b < batches; b++) {
    const src = input + ((<usize>b * matrix) << 2);
    const dst = output + ((<usize>b * matrix) << 2);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        store<f32>(dst + ((<usize>c * <usize>rows + <usize>r) << 2), load<f32>(src + ((<usize>r * <usize>cols + <usize>c) << 2)));
      }
    }
  }
}
