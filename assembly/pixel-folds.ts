// Channels-last max pooling over windows at column stride 1 and 4 to 16 wide (SPPF in NHWC),
// the full build's: the channels-last twin of row-folds.ts. Each input row's window maxima
// ("row folds": output pixel o's taps of that row, folded channel by channel) are computed once
// into scratch, then every output pixel folds its window rows' folds, rows in order; the
// per-pixel kernel (channels.ts) folded every window's kh x kw taps.
//   Folds keep the earlier operand on ties (pmax) and go in scan order, column by column in a
//   row, then row by row: the first largest value in scan order, as PyTorch (-0 / +0 included).
//   A window's columns are its in-bounds ones (the plan's colFirst / colCount), so padding needs
//   no value. pmax drops a NaN as its second operand, so every input value is summed once per
//   sample, and a sample that meets a NaN is redone exactly (channels.ts exact4 / exact1) by
//   either NaN rule: both rules share one fast path (a NaN never reaches its folds' results).
// Scratch (src/ops/row-folds.ts sizes it): the row folds of every input row of a sample,
// `inW * spread` pixels apart, so that a row's pixel offset (rowList's entries) times `spread`
// is its row folds' pixel offset.
import { Plan } from './plan';
import { MAX, MAX_NO_NAN } from './reduce';
import { exact1, exact4, maxPoolChannelsNoNaN_f32, maxPoolChannels_f32 } from './channels';

/** Sixteen channels of one pixel's folds from `n` taps `pixelBytes` apart at `at` into `dst`. */
@inline function fold16(at: usize, n: i32, pixelBytes: usize, dst: usize): void {
  const neutral = f32x4.splat(-Infinity);
  let a0 = neutral, a1 = neutral, a2 = neutral, a3 = neutral;
  for (let j = 0; j < n; j++) {
    a0 = f32x4.pmax(a0, v128.load(at)); a1 = f32x4.pmax(a1, v128.load(at, 16));
    a2 = f32x4.pmax(a2, v128.load(at, 32)); a3 = f32x4.pmax(a3, v128.load(at, 48));
    at += pixelBytes;
  }
  v128.store(dst, a0); v128.store(dst, a1, 16); v128.store(dst, a2, 32); v128.store(dst, a3, 48);
}

/** Four channels' fold of `n` taps `pixelBytes` apart at `at` (the channels past the last 16). */
@inline function fold4(at: usize, n: i32, pixelBytes: usize): v128 {
  let acc = f32x4.splat(-Infinity);
  for (let j = 0; j < n; j++) {
    acc = f32x4.pmax(acc, v128.load(at));
    at += pixelBytes;
  }
  return acc;
}

/** One channel's fold of `n` taps `pixelBytes` apart at `at` (the channels past the last 4). */
@inline function fold1(at: usize, n: i32, pixelBytes: usize): f32 {
  let acc: f32 = -Infinity;
  for (let j = 0; j < n; j++) {
    const v = load<f32>(at);
    if (v > acc) acc = v; // (ties keep the first; a NaN never wins here: the sample is redone)
    at += pixelBytes;
  }
  return acc;
}

/** Every sample; a sample that meets a NaN is redone exactly by `OP`'s rule (MAX or MAX_NO_NAN). */
function pixelFoldSamples(OP: i32, planPtr: usize, input: usize, output: usize, scratch: usize): void {
  const plan = changetype<Plan>(planPtr);
  const batches = plan.planes, channels = plan.channels, inW = plan.inW, outW = plan.outW, outRows = plan.outRows;
  const pixelBytes = <usize>channels << 2, inPlaneBytes = <usize>plan.inPlane << 2, outPlaneBytes = <usize>plan.outPlane << 2;
  const inRows = plan.inPlane / (inW * channels), spread = (outW + inW - 1) / inW;
  // Sixteen channels at a time, then four; channels % 4 left over go as the last four (see
  // channels.ts), under four channels one at a time.
  const foldRowBytes = <usize>(inW * spread) * pixelBytes, wide = channels & ~15, four = channels >= 4 ? channels : 0;
  const colFirst = plan.colFirst, colCount = plan.colCount, rowStarts = plan.rowStarts, rowList = plan.rowList;
  let sample = input, outSample = output;
  for (let b = 0; b < batches; b++) {
    let check = f32x4.splat(0);
    for (let row = 0; row < inRows; row++) {
      const rowPtr = sample + <usize>(row * inW) * pixelBytes;
      {
        // every input value once, for the NaN watch
        const end = <usize>inW * pixelBytes;
        let i: usize = 0;
        for (; i + 16 <= end; i += 16) check = f32x4.add(check, v128.load(rowPtr + i));
        for (; i < end; i += 4) check = f32x4.add(check, f32x4.splat(load<f32>(rowPtr + i)));
      }
      const folds = scratch + <usize>row * foldRowBytes;
      for (let o = 0; o < outW; o++) {
        const src = rowPtr + <usize>load<i32>(colFirst + (<usize>o << 2)) * pixelBytes;
        const n = load<i32>(colCount + (<usize>o << 2));
        const dst = folds + <usize>o * pixelBytes;
        let c = 0;
        for (; c < wide; c += 16) fold16(src + (<usize>c << 2), n, pixelBytes, dst + (<usize>c << 2));
        for (; c < four; c += 4) {
          const k = <usize>min(c, channels - 4) << 2;
          v128.store(dst + k, fold4(src + k, n, pixelBytes));
        }
        for (; c < channels; c++) store<f32>(dst + (<usize>c << 2), fold1(src + (<usize>c << 2), n, pixelBytes));
      }
    }
    // Output pixels: their window rows' folds, rows in order (a fold of -Infinity starts them).
    for (let r = 0; r < outRows; r++) {
      const t0 = load<i32>(rowStarts + (<usize>r << 2)), t1 = load<i32>(rowStarts + (<usize>r << 2), 4);
      const outRow = outSample + <usize>(r * outW) * pixelBytes;
      for (let o = 0; o < outW; o++) {
        const at = <usize>o * pixelBytes, dst = outRow + at;
        let c = 0;
        for (; c < wide; c += 16) {
          const k = <usize>c << 2;
          const neutral = f32x4.splat(-Infinity);
          let a0 = neutral, a1 = neutral, a2 = neutral, a3 = neutral;
          for (let t = t0; t < t1; t++) {
            // rowList holds each input row's pixel offset in the sample
            const p = scratch + <usize>(load<i32>(rowList + (<usize>t << 2)) * spread) * pixelBytes + at + k;
            a0 = f32x4.pmax(a0, v128.load(p)); a1 = f32x4.pmax(a1, v128.load(p, 16));
            a2 = f32x4.pmax(a2, v128.load(p, 32)); a3 = f32x4.pmax(a3, v128.load(p, 48));
          }
          v128.store(dst + k, a0); v128.store(dst + k, a1, 16); v128.store(dst + k, a2, 32); v128.store(dst + k, a3, 48);
        }
        for (; c < four; c += 4) {
          const k = <usize>min(c, channels - 4) << 2;
          let acc = f32x4.splat(-Infinity);
          for (let t = t0; t < t1; t++) {
            acc = f32x4.pmax(acc, v128.load(scratch + <usize>(load<i32>(rowList + (<usize>t << 2)) * spread) * pixelBytes + at + k));
          }
          v128.store(dst + k, acc);
        }
        for (; c < channels; c++) {
          let acc: f32 = -Infinity;
          for (let t = t0; t < t1; t++) {
            const v = load<f32>(scratch + <usize>(load<i32>(rowList + (<usize>t << 2)) * spread) * pixelBytes + at + (<usize>c << 2));
            if (v > acc) acc = v;
          }
          store<f32>(dst + (<usize>c << 2), acc);
        }
      }
    }
    if (v128.any_true(f32x4.ne(check, check))) {
      for (let r = 0; r < outRows; r++) {
        const t0 = load<i32>(rowStarts + (<usize>r << 2)), rowCount = load<i32>(rowStarts + (<usize>r << 2), 4) - t0;
        const rows = rowList + (<usize>t0 << 2), firstRow = load<i32>(plan.rowInit + (<usize>r << 2));
        for (let o = 0; o < outW; o++) {
          const col = load<i32>(colFirst + (<usize>o << 2)), cols = load<i32>(colCount + (<usize>o << 2));
          const dst = outSample + <usize>(r * outW + o) * pixelBytes;
          let c = 0;
          for (; c < four; c += 4) {
            const k = <usize>min(c, channels - 4) << 2;
            exact4(OP, sample + k, dst + k, 0, rows, rowCount, col, cols, firstRow + col, 1, pixelBytes, 1);
          }
          for (; c < channels; c++) exact1(OP, sample + (<usize>c << 2), dst + (<usize>c << 2), 0, rows, rowCount, col, cols, firstRow + col, 1, pixelBytes, 1);
        }
      }
    }
    sample += inPlaneBytes;
    outSample += outPlaneBytes;
  }
}

// (The scalar build: the plan's own kernel, as src/ops/row-folds.ts asks for these in either build.)
export function maxPoolPixelFolds_f32(plan: usize, input: usize, output: usize, scratch: usize): void {
  if (ASC_FEATURE_SIMD) pixelFoldSamples(MAX, plan, input, output, scratch);
  else maxPoolChannels_f32(plan, input, output);
}

export function maxPoolPixelFoldsNoNaN_f32(plan: usize, input: usize, output: usize, scratch: usize): void {
  if (ASC_FEATURE_SIMD) pixelFoldSamples(MAX_NO_NAN, plan, input, output, scratch);
  else maxPoolChannelsNoNaN_f32(plan, input, output);
}
