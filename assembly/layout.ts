// Layout conversion: channels-first <-> channels-last is a batch of matrix transposes
// (NCHW -> NHWC: rows = C, cols = H*W; NHWC -> NCHW: rows = H*W, cols = C).
// 4x4 blocks go through registers with shuffles; ragged edges go one float at a time.
import { transposeStore } from './lanes';

@inline function transpose4x4(src: usize, srcRowBytes: usize, dst: usize, dstRowBytes: usize): void {
  transposeStore(v128.load(src), v128.load(src + srcRowBytes), v128.load(src + 2 * srcRowBytes),
    v128.load(src + 3 * srcRowBytes), dst, dstRowBytes);
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
