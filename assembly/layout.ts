// Layout conversion: channels-first <-> channels-last is a batch of matrix transposes
// (NCHW -> NHWC: rows = C, cols = H*W; NHWC -> NCHW: rows = H*W, cols = C).
// 4x4 blocks go through registers with shuffles; ragged edges go one float at a time.

@inline function transpose4x4(src: usize, srcRowBytes: usize, dst: usize, dstRowBytes: usize): void {
  const a = v128.load(src);
  const b = v128.load(src + srcRowBytes);
  const c = v128.load(src + 2 * srcRowBytes);
  const d = v128.load(src + 3 * srcRowBytes);
  const ab0 = v128.shuffle<f32>(a, b, 0, 4, 1, 5);
  const ab1 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
  const cd0 = v128.shuffle<f32>(c, d, 0, 4, 1, 5);
  const cd1 = v128.shuffle<f32>(c, d, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(ab0, cd0, 0, 1, 4, 5));
  v128.store(dst + dstRowBytes, v128.shuffle<f32>(ab0, cd0, 2, 3, 6, 7));
  v128.store(dst + 2 * dstRowBytes, v128.shuffle<f32>(ab1, cd1, 0, 1, 4, 5));
  v128.store(dst + 3 * dstRowBytes, v128.shuffle<f32>(ab1, cd1, 2, 3, 6, 7));
}

/** out[b][c][r] = in[b][r][c] for `batches` matrices of rows x cols floats. */
export function transpose_f32(input: usize, output: usize, batches: i32, rows: i32, cols: i32): void {
  if (!ASC_FEATURE_SIMD) {
    transposeScalar(input, output, batches, rows, cols);
    return;
  }
  const matrix = <usize>rows * <usize>cols;
  const inRowBytes = <usize>cols << 2;
  const outRowBytes = <usize>rows << 2;
  const rows4 = rows & ~3, cols4 = cols & ~3;
  for (let b = 0; b < batches; b++) {
    const src = input + ((<usize>b * matrix) << 2);
    const dst = output + ((<usize>b * matrix) << 2);
    for (let r = 0; r < rows4; r += 4) {
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
