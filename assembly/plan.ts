// The window plan that TypeScript writes into linear memory before calling a pooling kernel.
// Fields are 32-bit and laid out in declaration order; src/ops/plan.ts writes them in the same
// order (PLAN_FIELDS) and checks the total size against planBytes() at start-up.
//
// Every spatial dim but the last is flattened into "rows"; the last dim is "columns".
//   rowStarts[r]..rowStarts[r+1] index rowList: the input rows of output row r, in scan order,
//   each as its first element's offset in the plane (row * inW, which is also the row part of
//   PyTorch's per-plane index).
//   rowInit[r]: the same for the first tap's row (PyTorch's start index, even for a window with no row).
//   rowDiv[r], colDiv[o]: the row and column parts of an average's divisor.
//   colFirst[o], colCount[o]: first in-bounds input column of output column o, and how many.
// Columns [vecLo, vecHi) are interior: all kw taps in bounds and colFirst advancing by stride.
// Output column o's taps sit at colOrigin + o*stride + j*dilation; planar kernels use that to
// run border columns four at a time, masking the lanes of taps outside [0, inW); colMasks holds
// those masks for the first and the last group of a row.
// Kernels never see padding, ceil mode or divisor rules: those are all in these tables.
@unmanaged export class Plan {
  planes: i32;      // batches for channels-last kernels, batches*channels for planar ones
  inPlane: i32;     // elements per input plane (per sample, channels-last)
  outPlane: i32;    // elements per output plane
  inW: i32;         // input columns
  channels: i32;    // channels-last: channels per pixel; planar: 1
  outRows: i32;
  outW: i32;
  rowStarts: usize;
  rowList: usize;
  rowInit: usize;
  rowDiv: usize;
  colFirst: usize;
  colCount: usize;
  colDiv: usize;
  kw: i32;
  stride: i32;      // column stride
  dilation: i32;    // column dilation
  vecLo: i32;
  vecHi: i32;
  colOrigin: i32;   // input column of output column 0's first tap (-padding before); may be < 0
  colMasks: usize;  // lane masks (-1: tap inside the row) of taps 0..2 of columns 0..3, then of outW-4..outW-1
}

export function planBytes(): i32 {
  return <i32>offsetof<Plan>();
}
