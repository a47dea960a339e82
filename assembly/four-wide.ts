// Planar windows four wide at stride four whose every column is interior (kernel 4 / stride 4
// without column padding; adaptive pooling 28 -> 7, whose dividing windows are planned as such):
// every plane in one row loop, as rows.ts's whole-plane loops do for the narrower windows.
// A group of four output columns reads sixteen contiguous floats of each input row: lane l's
// taps are floats 4l..4l+3, so four plain loads hold a row's taps of all four columns.
//   Max: each row's taps folded pairwise in place, (x0 x1) then (x2 x3), then the two pairs,
//   two shuffles per pmax, three pmax: six shuffles a row where the transposed taps took eight.
//   Every fold keeps the earlier taps as pmax's first operand, so ties keep the first largest
//   value in scan order (-0 / +0 as PyTorch); a NaN is dropped as a second operand, so a sum of
//   every tap watches for NaN and a plane that meets one is redone exactly.
//   Averages: the taps transposed (rows.ts interiorRun's 4x4 blocks) and added one by one in
//   scan order, so sums round as PyTorch's.
// The full build only (rows.ts poolRows): simdpool/core's kernels have no bytes to spare.
import { Plan } from './plan';
import { AVG, MAX, initial, opOf } from './reduce';
import { StrideAny, column0, column1, column2, column3 } from './lanes';
import { rowExact, storeResult } from './rows';

/** Every row of every plane (O: max or average); the row and column divisors from the plan's tables. */
export function fourWidePlanes<O>(plan: Plan, input: usize, output: usize, rowStarts: usize, rowList: usize, rowDivs: usize, colDiv: usize): void {
  const OP = opOf<O>();
  const planes = plan.planes, outRows = plan.outRows, outW = plan.outW;
  const inPlaneBytes = <usize>plan.inPlane << 2, outPlaneBytes = <usize>plan.outPlane << 2, outRowBytes = <usize>outW << 2;
  const neutral = f32x4.splat(initial(OP));
  // A ragged width's first step is short, the second group overlapping the first (rows.ts interiorRun).
  const last = outW - 4, firstStep = ((outW - 1) & 3) + 1;
  let inPlanePtr = input, outPlanePtr = output;
  for (let p = 0; p < planes; p++) {
    let check = f32x4.splat(0), outRow = outPlanePtr;
    for (let r = 0; r < outRows; r++) {
      const t0 = load<i32>(rowStarts + (<usize>r << 2)), t1 = load<i32>(rowStarts + (<usize>r << 2), 4);
      const rowDiv = OP == AVG ? f32x4.splat(load<f32>(rowDivs + (<usize>r << 2))) : check; // (max: unused)
      let o = 0, step = firstStep;
      for (;;) {
        const at = inPlanePtr + (<usize>o << 4); // (four floats per output column)
        let acc = neutral, taps = f32x4.splat(0);
        for (let t = t0; t < t1; t++) {
          // rowList holds each input row's element offset in the plane
          const q = at + (<usize>load<i32>(rowList + (<usize>t << 2)) << 2);
          const a = v128.load(q), b = v128.load(q, 16), c = v128.load(q, 32), d = v128.load(q, 48);
          if (OP == MAX) {
            acc = f32x4.pmax(acc, rowMax(a, b, c, d));
            taps = f32x4.add(taps, f32x4.add(f32x4.add(a, b), f32x4.add(c, d)));
          } else {
            acc = addInOrder(acc, a, b, c, d);
          }
        }
        // (one add per group on the running check, the rest off its dependency chain)
        if (OP == MAX) check = f32x4.add(check, taps);
        storeResult(OP, outRow + (<usize>o << 2), acc, rowDiv, colDiv + (<usize>o << 2));
        if (o == last) break;
        o += step;
        step = 4;
      }
      outRow += outRowBytes;
    }
    if (OP == MAX && v128.any_true(f32x4.ne(check, check))) {
      for (let r = 0; r < outRows; r++) {
        rowExact<StrideAny>(OP, plan, inPlanePtr, outPlanePtr + <usize>r * outRowBytes, 0, r, 0, outW, false, false, outW);
      }
    }
    inPlanePtr += inPlaneBytes;
    outPlanePtr += outPlaneBytes;
  }
}

/**
 * Lane l: the largest of the four floats of `a`, `b`, `c`, `d` (lane 0 of them `a`'s), the first
 * of equal ones in order (NaN-free): pairs (x0 x1) and (x2 x3) first, then the pairs.
 */
@inline function rowMax(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.pmax(v128.shuffle<f32>(a, b, 0, 2, 4, 6), v128.shuffle<f32>(a, b, 1, 3, 5, 7)); // a01 a23 b01 b23
  const cd = f32x4.pmax(v128.shuffle<f32>(c, d, 0, 2, 4, 6), v128.shuffle<f32>(c, d, 1, 3, 5, 7));
  return f32x4.pmax(v128.shuffle<f32>(ab, cd, 0, 2, 4, 6), v128.shuffle<f32>(ab, cd, 1, 3, 5, 7));
}

/** `acc` plus, lane l, the four floats of the l-th of `a`, `b`, `c`, `d`, one at a time in order. */
@inline function addInOrder(acc: v128, a: v128, b: v128, c: v128, d: v128): v128 {
  acc = f32x4.add(acc, column0(a, b, c, d));
  acc = f32x4.add(acc, column1(a, b, c, d));
  acc = f32x4.add(acc, column2(a, b, c, d));
  return f32x4.add(acc, column3(a, b, c, d));
}
