// Pooling with SIMD lanes along output columns: layouts whose columns are contiguous
// (NCW, NCHW, NCDHW, and channels-last with one channel). Output columns go four at a time.
//   Interior columns (every tap in bounds) run as groups back to back along the row,
//   specialised on kernel width, stride and number of input rows, with plain loads; a ragged
//   width's first step is short, so the second group overlaps the first (recomputing
//   identical outputs). Max pooling there is one pmax per tap, which keeps the earlier value
//   on ties but drops a NaN (only as its second operand), so a running sum of the inputs
//   watches for NaN (2x2 stride-2 windows: all but each window's first tap, whose NaN is always
//   the first operand); a row that meets one is redone exactly.
//   The border columns on each side (a group's worth at most) run as one group whose taps are
//   masked: a lane whose tap lies outside the row gets the reduction's neutral value
//   (-Infinity, or 0: exact, as PyTorch's sum starts at +0 and adding +0 changes nothing else),
//   with lane masks the plan carries (colMasks); wider borders go one column at a time.
//   When the interior is narrower than a group, every group loads its taps masked.
//   In the full build the specialised widths run whole planes in one tight row loop with one
//   NaN test per plane (rowPlanes; unpadded 2x2 stride-2 max pooling: twoRowPlanes): the
//   general row loop's bookkeeping cost as much as a third of a row of 28 columns.
//   Strides of 3 or more (full build) load a row's taps as 4x4 blocks and transpose them; windows
//   four wide at stride four without column padding run whole planes in four-wide.ts.
//   The exact path applies PyTorch's `v > best || isnan(v)` lane by lane, with indices. In the
//   full build max pooling with indices runs interior groups with a compare for the index and
//   pmax for the value, a group that meets a NaN redone exactly (poolIndices, indexRow).
//   With nanMode 'ignore' (MAX_NO_NAN) pmax taken tap by tap is already the exact rule, so no NaN watch.
import { Plan } from './plan';
import {
  AVG, MAX, MAX_NO_NAN, OpAvg, OpMax, OpMaxIndex, OpMaxIndexNoNaN, OpMaxNoNaN, foldTap, hasIndex, ignoresNaN, initial, opOf, positiveZero, takes,
  takesLanes,
} from './reduce';
import { fourWidePlanes } from './four-wide';
import { everyRowReadsTwo, pairedRows, rowsReadTwo } from './row-tables';
import {
  GUARD_FLOATS, Kernel2, Kernel3, KernelAny, Stride1, Stride2, StrideAny, column0, column1, column2, column3, laneOffsets, loadStrided,
} from './lanes';

/** rowGroups' type argument for windows over four input rows (others: its default). */
type FourRows = u32;

@inline function poolRows<O, K, S>(plan: Plan, input: usize, output: usize, indices: usize, inlineBorders: bool): void {
  const OP = opOf<O>();
  const planes = plan.planes, inPlane = plan.inPlane, outPlane = plan.outPlane;
  const outRows = plan.outRows, outW = plan.outW, inW = plan.inW;
  const kw = plan.kw, stride = plan.stride, dilation = plan.dilation, origin = plan.colOrigin;
  const vecLo = plan.vecLo, vecHi = plan.vecHi;
  // Groups whose every read (lanes, taps, the extra floats of Stride2 loads) stays within
  // GUARD_FLOATS of the row can run vectorised with masks.
  const reach = 3 * stride + (kw - 1) * dilation + 8;
  // Interior columns [vecLo, vecHi) run as groups back to back, the last one overlapping the
  // one before when the width is ragged; the few border columns around them go one by one.
  const useRun = !hasIndex(OP) && vecHi - vecLo >= 4;
  // With a specialised kernel width, the border columns on each side (at most a group's worth)
  // run as one masked group, with the lane masks of plan.colMasks.
  const edges = useRun && sizeof<K>() != 4 && vecLo <= 4 && outW - vecHi <= 4; // (useRun: outW >= 4)
  const left = origin, right = origin + (outW - 4) * stride;
  const edgesSafe = edges && left >= -GUARD_FLOATS && right + reach <= inW + GUARD_FLOATS;
  // The run leaves out the columns the masked border groups write anyway (0..3, outW-4..outW-1),
  // so a row of 28 with one padded column each side is 7 groups, not 7 + 2.
  let runLo = edgesSafe && vecLo != 0 ? 4 : vecLo, runHi = edgesSafe && vecHi != outW ? outW - 4 : vecHi;
  if (runHi - runLo < 4) {
    runLo = vecLo;
    runHi = vecHi;
  }
  const edgeL = edgesSafe && vecLo != 0, edgeR = edgesSafe && vecHi != outW;
  // Plan fields the row loop reads, once per call: read in the loop they are loaded again for
  // every row (the output stores might alias the plan, for all Binaryen and V8 know).
  const rowStarts = plan.rowStarts, rowList = plan.rowList, rowDivs = plan.rowDiv, colDivs = plan.colDiv;
  const colMasks = plan.colMasks, originBytes = <usize>origin << 2, strideBytes = <usize>stride << 2;
  // Unpadded 2x2 stride-2 windows (most max pooling): every plane in one tight row loop. Like
  // the inlined border groups, the full build only (`inlineBorders`): the core bundle is at its budget.
  if (sizeof<K>() == 1 && sizeof<S>() == 2 && (OP == MAX || OP == MAX_NO_NAN || OP == AVG) && inlineBorders && vecHi - vecLo == outW && useRun && everyRowReadsTwo(rowStarts, outRows)) {
    // (from the first row's input rows: a range of rows, src/ops/plane-range.ts rowRange, starts within rowList)
    twoRowPlanes<O, K, S>(plan, input, output, rowList + (<usize>load<i32>(rowStarts) << 2), rowDivs, colDivs, originBytes, strideBytes);
    return;
  }
  // Windows four wide at stride four, every column interior (k4 s4, adaptive 28 -> 7): every plane
  // in one row loop (four-wide.ts), the full build only, as above.
  if (sizeof<K>() == 4 && sizeof<S>() == 4 && (OP == MAX || OP == AVG) && inlineBorders && kw == 4 && stride == 4 && dilation == 1 && vecLo == 0 && vecHi == outW && outW >= 4) {
    fourWidePlanes<O>(plan, input, output, rowStarts, rowList, rowDivs, colDivs);
    return;
  }
  // The other specialised widths: every plane in one tight row loop (rowPlanes), the full build
  // only (`inlineBorders`), as it inlines the border groups: the core bundle is at its budget.
  if (sizeof<K>() != 4 && inlineBorders) {
    if (useRun && edgesSafe) {
      rowPlanes<O, K, S>(plan, input, output, runLo, runHi, edgeL, edgeR, rowStarts, rowList, rowDivs, colDivs, colMasks, originBytes, strideBytes);
    } else {
      // Narrow rows, or borders wider than a group: their columns go one by one or in masked
      // groups, which the any-width function does as well (one copy of that path, not three).
      poolRowsFunction<O, KernelAny, S>(plan, input, output, indices);
    }
    return;
  }
  for (let p = 0; p < planes; p++) {
    const inPlanePtr = input + ((<usize>p * <usize>inPlane) << 2);
    for (let r = 0; r < outRows; r++) {
      const outIndex = <usize>p * <usize>outPlane + <usize>r * <usize>outW;
      const outRow = output + (outIndex << 2);
      const idxRow = indices + (outIndex << 2);
      if (outW < 4) {
        for (let o = 0; o < outW; o++) rowsColumn(OP, plan, inPlanePtr, outRow, idxRow, r, o);
        continue;
      }
      if (useRun) {
        if (!interiorRun<K, S>(
          OP, plan, inPlanePtr, outRow, r, runLo, runHi, edgeL, edgeR, inlineBorders,
          rowStarts, rowList, rowDivs, colDivs, colMasks, originBytes, strideBytes, outW - 4,
        )) {
          rowExact<S>(OP, plan, inPlanePtr, outRow, idxRow, r, runLo, runHi, edgeL, edgeR, outW);
        }
        if (!edgesSafe) {
          for (let o = 0; o < vecLo; o++) rowsColumn(OP, plan, inPlanePtr, outRow, idxRow, r, o);
          for (let o = vecHi; o < outW; o++) rowsColumn(OP, plan, inPlanePtr, outRow, idxRow, r, o);
        }
        continue;
      }
      // Narrow interior (or indices wanted): every group masked, the last one overlapping.
      for (let g = 0; g < outW; g += 4) {
        const o = min(g, outW - 4);
        const first = origin + o * stride;
        if (first >= -GUARD_FLOATS && first + reach <= inW + GUARD_FLOATS) {
          if (hasIndex(OP) || !maskedGroup<S>(OP, plan, inPlanePtr, outRow, r, o)) {
            exactGroup<S>(OP, plan, inPlanePtr, outRow, idxRow, r, o);
          }
        } else {
          for (let c = o; c < o + 4; c++) rowsColumn(OP, plan, inPlanePtr, outRow, idxRow, r, c);
        }
      }
    }
  }
}

/**
 * Interior columns [lo, hi) (at least four) of output row r as groups back to back, the last
 * one moved back to end at hi when the width is ragged, with plain loads specialised on
 * kernel width and stride (and, in the core build, on 2 or 3 input rows); then, when edgeL /
 * edgeR, the masked border group (maskedGroup) at column 0 / `right` (outW-4).
 * The tables and byte counts are the plan's, read once by poolRows.
 * Max pooling is one pmax per tap, which keeps the earlier value on ties but drops a NaN, so
 * a running sum of every tap watches for NaN: on one (or on +Inf meeting -Inf) this returns
 * false and the caller redoes the row exactly.
 * Averages add every tap in scan order, as PyTorch does, so sums round the same way.
 */
@inline function interiorRun<K, S>(
  OP: i32, plan: Plan, inPlanePtr: usize, outRow: usize, r: i32, lo: i32, hi: i32, edgeL: bool, edgeR: bool, inlineBorders: bool,
  rowStarts: usize, rowList: usize, rowDivs: usize, colDiv: usize, masks: usize, originBytes: usize, strideBytes: usize, right: i32,
): bool {
  const t0 = load<i32>(rowStarts + (<usize>r << 2));
  const t1 = load<i32>(rowStarts + (<usize>r << 2), 4);
  const base = inPlanePtr + originBytes;
  const rowDiv = f32x4.splat(load<f32>(rowDivs + (<usize>r << 2)));
  const neutral = f32x4.splat(initial(OP));
  // rowList holds each input row's element offset in the plane
  const row0 = base + (<usize>load<i32>(rowList + (<usize>t0 << 2)) << 2);
  const row1 = base + (<usize>load<i32>(rowList + (<usize>t0 << 2), 4) << 2);
  const row2 = base + (<usize>load<i32>(rowList + (<usize>t0 << 2), 8) << 2);
  const rows = t1 - t0;
  let check = f32x4.splat(0);
  // One induction variable, the group's first output column: every address derives from it.
  // A ragged width takes its short step first (the second group overlaps the first,
  // recomputing a few outputs), so the loop adds `step` and needs no ragged-end test.
  const last = hi - 4;
  let o = lo, step = ((hi - lo - 1) & 3) + 1;
  // Unrolled over rows for the specialised widths in the core build; the full build runs those
  // rows in rowPlanes, and here only rows rowPlanes does not take (a loop over rows serves).
  if (sizeof<K>() != 4 && !inlineBorders && rows == 2) {
    check = rowGroups<K, S>(OP, false, row0, row1, row1, outRow, lo, hi, strideBytes, rowDiv, colDiv, check);
  } else if (sizeof<K>() != 4 && !inlineBorders && rows == 3) {
    check = rowGroups<K, S>(OP, true, row0, row1, row2, outRow, lo, hi, strideBytes, rowDiv, colDiv, check);
  } else {
    const kw = plan.kw, dilationBytes = <usize>plan.dilation << 2;
    // Strides of 3 or more without dilation (full build): taps loaded as 4x4 blocks, transposed.
    const blocks = sizeof<K>() == 4 && sizeof<S>() == 4 && inlineBorders && plan.dilation == 1;
    // Three taps a row (3 / stride 3 or more): one block a row in straight-line code, in a loop
    // of its own (the block loop's bookkeeping and tap tests cost as much as its arithmetic:
    // 1.4-1.8x). SIMDPOOL_CORE (asconfig.json's `use`, 1 in the core targets) drops it there at
    // compile time: left to Binaryen, it moved simdpool/core's other code (its bundle 79 bytes more).
    if (!SIMDPOOL_CORE && blocks && kw == 3) {
      const list = rowList + (<usize>t0 << 2), listEnd = rowList + (<usize>t1 << 2);
      const stride2 = strideBytes << 1, stride3 = stride2 + strideBytes;
      for (;;) {
        const at = base + inputBytes<S>(o, strideBytes);
        let acc = neutral, sum = f32x4.splat(0);
        for (let t = list; t < listEnd; t += 4) {
          const p = at + (<usize>load<i32>(t) << 2);
          const a = v128.load(p), b = v128.load(p + strideBytes), c = v128.load(p + stride2), d = v128.load(p + stride3);
          const v0 = column0(a, b, c, d), v1 = column1(a, b, c, d), v2 = column2(a, b, c, d);
          acc = foldTap(OP, foldTap(OP, foldTap(OP, acc, v0), v1), v2);
          if (OP == MAX) sum = f32x4.add(sum, f32x4.add(f32x4.add(v0, v1), v2));
        }
        if (OP == MAX) check = f32x4.add(check, sum);
        storeResult(OP, outRow + (<usize>o << 2), acc, rowDiv, colDiv + (<usize>o << 2));
        if (o == last) break;
        o += step;
        step = 4;
      }
    } else for (;;) {
      const at = base + inputBytes<S>(o, strideBytes);
      let acc = neutral;
      for (let t = t0; t < t1; t++) {
        let p = at + (<usize>load<i32>(rowList + (<usize>t << 2)) << 2);
        if (blocks) {
          // Lane l's taps j..j+3 are the four floats at p + l*stride + j: four loads and a 4x4
          // transpose give four taps of all four columns (a gather takes four loads and three
          // lane inserts per tap). A last block of fewer than four taps reads up to three floats
          // past the window, within GUARD_FLOATS, and folds only the taps it needs.
          for (let j = 0; j < kw; j += 4) {
            const a = v128.load(p), b = v128.load(p + strideBytes);
            const c = v128.load(p + (strideBytes << 1)), d = v128.load(p + strideBytes * 3);
            const v0 = column0(a, b, c, d), v1 = column1(a, b, c, d), v2 = column2(a, b, c, d), v3 = column3(a, b, c, d);
            const left = kw - j;
            acc = foldTap(OP, acc, v0);
            if (OP == MAX) check = f32x4.add(check, v0);
            if (left > 1) {
              acc = foldTap(OP, acc, v1);
              if (OP == MAX) check = f32x4.add(check, v1);
            }
            if (left > 2) {
              acc = foldTap(OP, acc, v2);
              if (OP == MAX) check = f32x4.add(check, v2);
            }
            if (left > 3) {
              acc = foldTap(OP, acc, v3);
              if (OP == MAX) check = f32x4.add(check, v3);
            }
            p += 16;
          }
          continue;
        }
        if (sizeof<K>() == 4 && OP == MAX) {
          // Any width: each tap loaded once for the fold and the NaN watch (a strided gather
          // loaded twice made max pooling 1.8x the average's time)
          for (let j = 0; j < kw; j++) {
            const v = loadStrided<S>(p, strideBytes);
            acc = foldTap(OP, acc, v);
            check = f32x4.add(check, v);
            p += dilationBytes;
          }
          continue;
        }
        acc = foldRow<K, S>(OP, acc, p, kw, strideBytes, dilationBytes);
        if (OP == MAX) check = f32x4.add(check, rowSum<K, S>(p, kw, strideBytes, dilationBytes));
      }
      storeResult(OP, outRow + (<usize>o << 2), acc, rowDiv, colDiv + (<usize>o << 2));
      if (o == last) break;
      o += step;
      step = 4;
    }
  }
  // Border groups: maskedGroup, which returns false on a NaN as this function does.
  if (edgeL && !maskedGroup<S>(OP, plan, inPlanePtr, outRow, r, 0)) return false;
  if (edgeR && !maskedGroup<S>(OP, plan, inPlanePtr, outRow, r, right)) return false;
  return OP != MAX || !v128.any_true(f32x4.ne(check, check));
}

/**
 * Max pooling with indices in the full build, both NaN rules: rows whose interior columns make
 * a group through indexRow (stride 2, the common max pooling, with its two loads per tap; other
 * strides gather), narrower ones column by column. (The core build runs poolRows' exact groups.)
 */
function poolIndices(OP: i32, plan: Plan, input: usize, output: usize, indices: usize): void {
  const planes = plan.planes, inPlane = plan.inPlane, outPlane = plan.outPlane, outRows = plan.outRows, outW = plan.outW;
  const run = plan.vecHi - plan.vecLo >= 4, stride2 = plan.stride == 2;
  // Unpadded 2x2 stride-2 windows over input row pairs, output rows of whole groups: whole planes.
  const rowList = plan.rowList + (<usize>load<i32>(plan.rowStarts) << 2);
  if (plan.kw == 2 && stride2 && plan.dilation == 1 && plan.vecLo == 0 && plan.vecHi == outW &&
    everyRowReadsTwo(plan.rowStarts, outRows) && groupRowsOverPairs(plan, rowList)) {
    indexPlanes2x2(OP, plan, input, output, indices, load<i32>(rowList));
    return;
  }
  for (let p = 0; p < planes; p++) {
    const inPlanePtr = input + ((<usize>p * <usize>inPlane) << 2);
    for (let r = 0; r < outRows; r++) {
      const outIndex = <usize>p * <usize>outPlane + <usize>r * <usize>outW;
      const outRow = output + (outIndex << 2), idxRow = indices + (outIndex << 2);
      if (!run) exactRowInReach(OP, plan, inPlanePtr, outRow, idxRow, r);
      else if (stride2) indexRow<Stride2>(OP, plan, inPlanePtr, outRow, idxRow, r);
      else indexRow<StrideAny>(OP, plan, inPlanePtr, outRow, idxRow, r);
    }
  }
}

/**
 * Unpadded columns, output rows of whole groups of four, and output row r over input rows 2r and
 * 2r + 1 after the first (`rowList`: output row 0's entries): rows a plane loop walks with
 * pointers alone (flatPlane, indexPlanes2x2).
 */
@inline function groupRowsOverPairs(plan: Plan, rowList: usize): bool {
  return plan.colOrigin == 0 && (plan.outW & 3) == 0 && pairedRows(rowList, plan.outRows, plan.inW);
}

/**
 * Max pooling with indices over unpadded 2x2 stride-2 windows on input row pairs (2r, 2r+1 after
 * `firstRow`, an element offset), output rows of whole groups: every plane row by row with
 * pointers, no table reads but each row's first index. A group's taps in scan order (row 2r's
 * even and odd floats, then row 2r+1's), each lane taking a larger value with that tap's index:
 * PyTorch's rule but for NaN. With PyTorch's (MAX_INDEX), a plane whose taps after each window's
 * first held a NaN (or +Inf beside -Inf) is redone exactly (a first tap's NaN wins its window
 * already, with its index); with nanMode 'ignore' a NaN never wins (the first tap is taken from
 * -Infinity, as indexRow does).
 */
function indexPlanes2x2(OP: i32, plan: Plan, input: usize, output: usize, indices: usize, firstRow: i32): void {
  const outRows = plan.outRows, outW = plan.outW, inW = plan.inW;
  const inRowBytes = <usize>inW << 2, outRowBytes = <usize>outW << 2;
  const lanes = laneOffsets(2), right = i32x4.splat(1), below = i32x4.splat(inW), diagonal = i32x4.splat(inW + 1);
  const neutral = f32x4.splat(-Infinity);
  for (let p = 0; p < plan.planes; p++) {
    const inPlanePtr = input + ((<usize>p * <usize>plan.inPlane) << 2);
    const outPlane = <usize>p * <usize>plan.outPlane << 2;
    let at = inPlanePtr + (<usize>firstRow << 2), dst = output + outPlane, idst = indices + outPlane;
    let check = f32x4.splat(0);
    for (let r = 0; r < outRows; r++) {
      let index = i32x4.add(i32x4.splat(load<i32>(plan.rowInit + (<usize>r << 2))), lanes);
      const end = dst + outRowBytes;
      let a = at;
      do {
        const b = a + inRowBytes;
        const a0 = v128.load(a), a1 = v128.load(a, 16), b0 = v128.load(b), b1 = v128.load(b, 16);
        const v0 = v128.shuffle<f32>(a0, a1, 0, 2, 4, 6), v1 = v128.shuffle<f32>(a0, a1, 1, 3, 5, 7);
        const v2 = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6), v3 = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
        let acc = ignoresNaN(OP) ? f32x4.pmax(neutral, v0) : v0, best = index;
        best = v128.bitselect(i32x4.add(index, right), best, f32x4.gt(v1, acc));
        acc = f32x4.pmax(acc, v1);
        best = v128.bitselect(i32x4.add(index, below), best, f32x4.gt(v2, acc));
        acc = f32x4.pmax(acc, v2);
        best = v128.bitselect(i32x4.add(index, diagonal), best, f32x4.gt(v3, acc));
        acc = f32x4.pmax(acc, v3);
        check = f32x4.add(check, f32x4.add(v1, f32x4.add(v2, v3)));
        v128.store(dst, acc);
        v128.store(idst, best);
        index = i32x4.add(index, i32x4.splat(8));
        a += 32;
        dst += 16;
        idst += 16;
      } while (dst < end);
      at += inRowBytes << 1;
    }
    if (!ignoresNaN(OP) && v128.any_true(f32x4.ne(check, check))) {
      const outPtr = output + outPlane, idxPtr = indices + outPlane;
      for (let r = 0; r < outRows; r++) {
        rowExact<Stride2>(OP, plan, inPlanePtr, outPtr + <usize>r * outRowBytes, idxPtr + <usize>r * outRowBytes, r, 0, outW, false, false, outW);
      }
    }
  }
}

/**
 * Output row r exactly, for rows whose windows can read far outside the row (fewer than four
 * interior columns; row-folds.ts's rows, whose explicit padding has no limit): groups of four
 * exact lanes (masked taps, every lane's loaded), the last one overlapping, where their reads stay
 * within GUARD_FLOATS of the row; else, and for rows under four columns, column by column
 * (rowsColumn reads in-bounds taps only). rowExact loads every group's taps wherever they lie.
 */
export function exactRowInReach(OP: i32, plan: Plan, inPlanePtr: usize, outRow: usize, idxRow: usize, r: i32): void {
  const outW = plan.outW, stride = plan.stride, inW = plan.inW;
  const reach = 3 * stride + (plan.kw - 1) * plan.dilation + 8;
  for (let g = 0; g < outW; g += 4) {
    const o = min(g, outW - 4);
    const first = plan.colOrigin + o * stride;
    if (o >= 0 && first >= -GUARD_FLOATS && first + reach <= inW + GUARD_FLOATS) {
      exactGroup<StrideAny>(OP, plan, inPlanePtr, outRow, idxRow, r, o);
    } else {
      for (let c = max(g, 0); c < min(g + 4, outW); c++) rowsColumn(OP, plan, inPlanePtr, outRow, idxRow, r, c);
    }
  }
}

/**
 * Max pooling with indices, output row r: its interior columns (vecLo..vecHi, at least four) as
 * groups of four back to back, the last one moved back to end at vecHi, every tap in the row (no
 * masks), each lane taking a larger value with the tap's per-plane index (ties keep the first);
 * the border columns one by one (rowsColumn). Its own function, shared by both NaN rules.
 */
function indexRow<S>(OP: i32, plan: Plan, inPlanePtr: usize, outRow: usize, idxRow: usize, r: i32): void {
  const lo = plan.vecLo, hi = plan.vecHi, outW = plan.outW;
  for (let o = 0; o < lo; o++) rowsColumn(OP, plan, inPlanePtr, outRow, idxRow, r, o);
  for (let o = hi; o < outW; o++) rowsColumn(OP, plan, inPlanePtr, outRow, idxRow, r, o);
  const kw = plan.kw, stride = plan.stride, dilation = plan.dilation, rowList = plan.rowList;
  const strideBytes = <usize>stride << 2, dilationBytes = <usize>dilation << 2;
  const t0 = load<i32>(plan.rowStarts + (<usize>r << 2)), t1 = load<i32>(plan.rowStarts + (<usize>r << 2), 4);
  const lanes = laneOffsets(stride), step = i32x4.splat(dilation);
  const last = hi - 4;
  let o = lo, next = ((hi - lo - 1) & 3) + 1;
  for (;;) {
    const first = plan.colOrigin + o * stride;
    let acc = f32x4.splat(-Infinity), check = f32x4.splat(0);
    // (an interior window's first tap is in the row: each lane starts there, as PyTorch does)
    let best = i32x4.add(i32x4.splat(load<i32>(plan.rowInit + (<usize>r << 2)) + first), lanes);
    for (let t = t0; t < t1; t++) {
      const rowIndex = load<i32>(rowList + (<usize>t << 2)) + first;
      let at = inPlanePtr + (<usize>rowIndex << 2);
      let index = i32x4.add(i32x4.splat(rowIndex), lanes);
      for (let j = 0; j < kw; j++) {
        const v = loadStrided<S>(at, strideBytes);
        best = v128.bitselect(index, best, f32x4.gt(v, acc));
        acc = f32x4.pmax(acc, v); // (v > acc ? v : acc, the same update)
        check = f32x4.add(check, v);
        at += dilationBytes;
        index = i32x4.add(index, step);
      }
    }
    v128.store(outRow + (<usize>o << 2), acc);
    v128.store(idxRow + (<usize>o << 2), best);
    // A larger value wins, and NaN never does: nanMode 'ignore''s rule. With PyTorch's (a NaN
    // wins, the last one), a group whose taps held a NaN (or +Inf beside -Inf) is redone exactly.
    if (!ignoresNaN(OP) && v128.any_true(f32x4.ne(check, check))) exactGroup<StrideAny>(OP, plan, inPlanePtr, outRow, idxRow, r, o);
    if (o == last) break;
    o += next;
    next = 4;
  }
}

/**
 * Whether the call's input (planes of inPlane floats) passes 8 MiB, taken to be past the caches:
 * the loops that read several input rows a group at a time read them one row a pass instead
 * (flatPlane, streamedPairStride2). Near the bound the two ways are level within 10% either way
 * on this host.
 */
@inline function pastCaches(plan: Plan): bool {
  return <u64>plan.planes * <u64>plan.inPlane > 2 << 20;
}

/**
 * Every row of every plane when each output row reads two input rows and every column is
 * interior (no column padding: most 2x2 stride-2 max pooling): the row loop does only the
 * group loop of rowGroups, from two row offsets at 8r past the first row's in rowList, with no border groups
 * and one NaN test per plane instead of per row (that per-row work cost about a group per
 * row; rows are 4 to 16 groups wide in C, D and G). Rows of whole groups over input row
 * pairs 2r, 2r+1 (the common case) go through flatPlane instead, with no table reads at all.
 * A plane that meets a NaN is redone exactly, row by row. Averages come here too (their
 * divisors from the plan's tables, per row and per column, as in rowPlanes).
 */
function twoRowPlanes<O, K, S>(
  plan: Plan, input: usize, output: usize, rowList: usize, rowDivs: usize, colDiv: usize, originBytes: usize, strideBytes: usize,
): void {
  const OP = opOf<O>();
  const planes = plan.planes, outRows = plan.outRows, outW = plan.outW;
  const inPlaneBytes = <usize>plan.inPlane << 2, outPlaneBytes = <usize>plan.outPlane << 2, outRowBytes = <usize>outW << 2;
  let inPlanePtr = input, outPlanePtr = output;
  // Rows of whole groups over input row pairs 2r, 2r+1: one flat loop per plane (flatPlane), row
  // by row when the call's input is past the caches.
  const flat = groupRowsOverPairs(plan, rowList), streaming = pastCaches(plan);
  // Averages whose windows all have one divisor, a power of two (2x2 windows but for ceil mode's
  // last ones, unless divisorOverride says otherwise), multiply by its reciprocal instead: the
  // same bits, without the divisor tables' loads or a divide.
  const scale = OP == AVG ? reciprocalOfAll(rowDivs, outRows, colDiv, outW) : 0;
  for (let p = 0; p < planes; p++) {
    const base = inPlanePtr + originBytes;
    let check = f32x4.splat(0), outRow = outPlanePtr, rows = rowList;
    if (flat) {
      const first = inPlanePtr + (<usize>load<i32>(rowList) << 2), inRowBytes = <usize>plan.inW << 2;
      check = OP == AVG && scale != 0
        ? flatPlane(OP, first, outPlanePtr, outRows, outW, inRowBytes, rowDivs, colDiv, streaming, true, f32x4.splat(scale))
        : flatPlane(OP, first, outPlanePtr, outRows, outW, inRowBytes, rowDivs, colDiv, streaming, false, f32x4.splat(0));
    } else {
      for (let r = 0; r < outRows; r++) {
        const row0 = base + (<usize>load<i32>(rows) << 2), row1 = base + (<usize>load<i32>(rows, 4) << 2);
        if (OP == AVG && scale != 0) {
          rowGroups<K, S>(OP, false, row0, row1, row1, outRow, 0, outW, strideBytes, f32x4.splat(scale), colDiv, check, 0, true);
        } else {
          const rowDiv = OP == AVG ? f32x4.splat(load<f32>(rowDivs + (<usize>r << 2))) : check;
          check = rowGroups<K, S>(OP, false, row0, row1, row1, outRow, 0, outW, strideBytes, rowDiv, colDiv, check);
        }
        outRow += outRowBytes;
        rows += 8;
      }
    }
    if (OP == MAX && v128.any_true(f32x4.ne(check, check))) {
      for (let r = 0; r < outRows; r++) rowExact<S>(OP, plan, inPlanePtr, outPlanePtr + <usize>r * outRowBytes, 0, r, 0, outW, false, false, outW);
    }
    inPlanePtr += inPlaneBytes;
    outPlanePtr += outPlaneBytes;
  }
}

/**
 * One plane of unpadded 2x2 stride-2 max or average pooling whose rows are whole groups (outW
 * a multiple of four) over input row pairs: pointers step through the plane with no per-row
 * table reads or ragged-group logic (max: C and D 1.06-1.1x, rows of 7 and 4 groups; averages
 * 1.15-1.35x on planes in cache). The same folds as rowGroups, so the same bits; returns, for
 * max pooling, the sum of every tap a fold could drop a NaN from (laterTaps2x2's: the first
 * row's odd floats and the second row's).
 * `streaming` (calls too large for the caches): each output row in two passes, one input row
 * each, the first row's folds into the output row (in L1), the second's folded into them.
 * Reading the two rows a group at a time, two streams 512 bytes apart, ran at a third of the
 * memory's speed once the input left the caches (G, 8x64x128x128: max 2.1x, averages 2.8x
 * faster in two passes), but in cache two short loops a row cost more (C and D 0.76x).
 * `scaled` (averages; a constant at each call, so that the walk tests nothing): every group's sums
 * multiplied by `scale`, the one reciprocal divisor of twoRowPlanes' reciprocalOfAll, instead of
 * divided by the divisor tables'.
 */
@inline function flatPlane(
  OP: i32, input: usize, output: usize, outRows: i32, outW: i32, inRowBytes: usize, rowDivs: usize, colDiv: usize, streaming: bool,
  scaled: bool, scale: v128,
): v128 {
  const neutral = f32x4.splat(initial(OP));
  let src = input, dst = output, check = f32x4.splat(0);
  for (let r = 0; r < outRows; r++) {
    const end = dst + (<usize>outW << 2);
    const rowDiv = OP == AVG ? f32x4.splat(load<f32>(rowDivs + (<usize>r << 2))) : check; // (max: unused)
    let at = src, divs = colDiv;
    if (streaming) {
      let out = dst;
      do {
        // the first row's folds, its watch before the store (after a store V8 loads the taps again)
        const a = v128.load(at), b = v128.load(at, 16);
        const odd = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
        if (OP == MAX) check = f32x4.add(check, odd);
        v128.store(out, foldVectors(OP, neutral, true, false, v128.shuffle<f32>(a, b, 0, 2, 4, 6), odd, neutral));
        at += 32;
        out += 16;
      } while (out < end);
      at = src + inRowBytes;
      do {
        // the second row's, folded in
        const c = v128.load(at), d = v128.load(at, 16);
        if (OP == MAX) check = f32x4.add(check, f32x4.add(c, d));
        const acc = foldVectors(OP, v128.load(dst), false, false, v128.shuffle<f32>(c, d, 0, 2, 4, 6), v128.shuffle<f32>(c, d, 1, 3, 5, 7), neutral);
        if (OP == AVG && scaled) v128.store(dst, positiveZero(f32x4.mul(acc, scale)));
        else storeResult(OP, dst, acc, rowDiv, divs);
        at += 32;
        dst += 16;
        divs += 16;
      } while (dst < end);
    } else {
      do {
        // rowGroups' group, at pointers instead of column offsets
        const below = at + inRowBytes;
        let acc = foldTaps<Kernel2, Stride2>(OP, neutral, true, at, false, neutral, neutral, neutral);
        acc = foldTaps<Kernel2, Stride2>(OP, acc, false, below, false, neutral, neutral, neutral);
        if (OP == MAX) check = f32x4.add(check, laterTaps2x2(at, below));
        if (OP == AVG && scaled) v128.store(dst, positiveZero(f32x4.mul(acc, scale)));
        else storeResult(OP, dst, acc, rowDiv, divs);
        at += 32;
        dst += 16;
        divs += 16;
      } while (dst < end);
    }
    src += inRowBytes << 1;
  }
  return check;
}

/**
 * Every row of every plane for the specialised widths (runs of at least four interior
 * columns, border columns one masked group each side): rows that read two input rows, three
 * (windows 3 wide) or four (2-wide windows at stride 2 without border groups: 3D 2x2x2) go
 * through rowGroups and the inlined border groups, with one NaN test per plane (max pooling)
 * instead of per row; a plane that meets a NaN is redone exactly, row by row. Other rows (one
 * input row, or more) call otherRow.
 * A function of its own with little else in its row loop: inside poolRows, whose other
 * paths call functions, V8 kept the row loop's values on the stack, and that per-row work
 * cost as much as a third of a row of 28 columns (here E, 3x3 stride 1, ran 1.14-1.19x and
 * G-avg, 2x2 stride 2, 1.19x faster).
 */
function rowPlanes<O, K, S>(
  plan: Plan, input: usize, output: usize, lo: i32, hi: i32, edgeL: bool, edgeR: bool,
  rowStarts: usize, rowList: usize, rowDivs: usize, colDiv: usize, masks: usize, originBytes: usize, strideBytes: usize,
): void {
  const OP = opOf<O>();
  const planes = plan.planes, outRows = plan.outRows, outW = plan.outW, right = outW - 4;
  const inPlaneBytes = <usize>plan.inPlane << 2, outPlaneBytes = <usize>plan.outPlane << 2, outRowBytes = <usize>outW << 2;
  let inPlanePtr = input, outPlanePtr = output;
  // 3-wide stride-2 max windows with one padded column on the left (kernel 3, stride 2,
  // padding 1): the left border group's only tap outside the row is lane 0's first (padOneGroup).
  const padOne = OP == MAX && sizeof<K>() == 2 && sizeof<S>() == 2 && plan.colOrigin == -1 && plan.inW >= 8;
  // 3x3 stride-1 windows with one padded column each side: row pairs with no masked border groups
  const paddedPairs = sizeof<K>() == 2 && sizeof<S>() == 1 && edgeL && edgeR && plan.colOrigin == -1 && plan.inW == outW && outW >= 8;
  // 3-wide stride-2 max row pairs one input row a pass past the caches (streamedPairStride2)
  const streaming = OP == MAX && sizeof<K>() == 2 && sizeof<S>() == 2 && pastCaches(plan);
  for (let p = 0; p < planes; p++) {
    const base = inPlanePtr + originBytes;
    let check = f32x4.splat(0), outRow = outPlanePtr;
    for (let r = 0; r < outRows; r++) {
      const at = <usize>r << 2;
      const t0 = load<i32>(rowStarts + at), rows = load<i32>(rowStarts + at, 4) - t0;
      // rowList holds each input row's element offset in the plane
      const list = rowList + (<usize>t0 << 2);
      const row0 = base + (<usize>load<i32>(list) << 2), row1 = base + (<usize>load<i32>(list, 4) << 2);
      const rowDiv = OP == AVG ? f32x4.splat(load<f32>(rowDivs + at)) : check; // (max: unused)
      if (rows == 2) {
        check = rowGroups<K, S>(OP, false, row0, row1, row1, outRow, lo, hi, strideBytes, rowDiv, colDiv, check);
        if (edgeL) check = f32x4.add(check, edgeGroup<K, S>(OP, row0, row1, row1, false, 0, strideBytes, masks, outRow, rowDiv, colDiv));
        if (edgeR) check = f32x4.add(check, edgeGroup<K, S>(OP, row0, row1, row1, false, right, strideBytes, masks + 48, outRow, rowDiv, colDiv));
      } else if (sizeof<K>() == 2 && rows == 3) {
        const row2 = base + (<usize>load<i32>(list, 8) << 2);
        // 3x3 stride 1: when the next output row reads this one's last two input rows and one
        // more, both rows go in one pass, the shared rows loaded once (E: 1.2x faster). Max
        // pooling at row stride 2 likewise when the next row starts on this one's last row.
        // (the next row's input rows, read for the pair test)
        // (stride 2: only where the border groups are padOneGroup's or none, so the pair path
        // inlines no masked border group of its own)
        const pairs = sizeof<S>() == 1 || (sizeof<S>() == 2 && OP == MAX && !edgeR && (padOne || !edgeL));
        const next = pairs ? rowList + (<usize>load<i32>(rowStarts + at, 4) << 2) : 0;
        const thisRow = outRow, thisDiv = rowDiv;
        if (
          pairs && r + 1 < outRows && load<i32>(rowStarts + at, 8) - load<i32>(rowStarts + at, 4) == 3 &&
          (sizeof<S>() == 1 ? load<i32>(next) == load<i32>(list, 4) && load<i32>(next, 4) == load<i32>(list, 8) : load<i32>(next) == load<i32>(list, 8))
        ) {
          const next0 = base + (<usize>load<i32>(next) << 2), next1 = base + (<usize>load<i32>(next, 4) << 2), next2 = base + (<usize>load<i32>(next, 8) << 2);
          const nextDiv = OP == AVG ? f32x4.splat(load<f32>(rowDivs + at, 4)) : check;
          outRow += outRowBytes;
          r++;
          if (sizeof<S>() == 1) {
            check = rowPairGroups(OP, row0, row1, row2, next2, thisRow, outRow, lo, hi, thisDiv, nextDiv, colDiv, check);
            if (paddedPairs) {
              check = f32x4.add(check, paddedPairBorders<O>(row0, row1, row2, next2, thisRow, outRow, outW, thisDiv, nextDiv, colDiv));
              outRow += outRowBytes;
              continue;
            }
            if (edgeL) check = f32x4.add(check, edgeGroup<K, S>(OP, next0, next1, next2, true, 0, strideBytes, masks, outRow, nextDiv, colDiv));
            if (edgeR) check = f32x4.add(check, edgeGroup<K, S>(OP, next0, next1, next2, true, right, strideBytes, masks + 48, outRow, nextDiv, colDiv));
          } else {
            check = streaming
              ? streamedPairStride2(row0, row1, row2, next1, next2, thisRow, outRow, lo, hi, check)
              : rowPairGroupsStride2(row0, row1, row2, next1, next2, thisRow, outRow, lo, hi, check);
            if (edgeL) check = f32x4.add(check, padOneGroup(next0, next1, next2, outRow));
          }
        } else {
          check = rowGroups<K, S>(OP, true, row0, row1, row2, thisRow, lo, hi, strideBytes, thisDiv, colDiv, check);
        }
        if (edgeL && padOne) check = f32x4.add(check, padOneGroup(row0, row1, row2, thisRow));
        else if (edgeL) check = f32x4.add(check, edgeGroup<K, S>(OP, row0, row1, row2, true, 0, strideBytes, masks, thisRow, thisDiv, colDiv));
        if (edgeR) check = f32x4.add(check, edgeGroup<K, S>(OP, row0, row1, row2, true, right, strideBytes, masks + 48, thisRow, thisDiv, colDiv));
      } else if (sizeof<K>() == 1 && sizeof<S>() == 2 && rows == 4 && !edgeL && !edgeR) {
        // 2x2 windows over two depth slices (3D 2x2x2 / stride 2: 1.2-1.5x on inputs in cache)
        const row2 = base + (<usize>load<i32>(list, 8) << 2), row3 = base + (<usize>load<i32>(list, 12) << 2);
        check = rowGroups<K, S, FourRows>(OP, false, row0, row1, row2, outRow, lo, hi, strideBytes, rowDiv, colDiv, check, row3);
      } else {
        otherRow<O, K, S>(plan, inPlanePtr, outRow, r, lo, hi, edgeL, edgeR, rowStarts, rowList, rowDivs, colDiv, masks, originBytes, strideBytes);
      }
      outRow += outRowBytes;
    }
    if (OP == MAX && v128.any_true(f32x4.ne(check, check))) {
      for (let r = 0; r < outRows; r++) {
        rowExact<S>(OP, plan, inPlanePtr, outPlanePtr + <usize>r * outRowBytes, 0, r, lo, hi, edgeL, edgeR, outW);
      }
    }
    inPlanePtr += inPlaneBytes;
    outPlanePtr += outPlaneBytes;
  }
}

/**
 * A row rowPlanes does not unroll (one input row, more than three, or three under a 2-wide
 * window), through interiorRun's loop over its input rows; redone exactly on a NaN.
 */
function otherRow<O, K, S>(
  plan: Plan, inPlanePtr: usize, outRow: usize, r: i32, lo: i32, hi: i32, edgeL: bool, edgeR: bool,
  rowStarts: usize, rowList: usize, rowDivs: usize, colDiv: usize, masks: usize, originBytes: usize, strideBytes: usize,
): void {
  const OP = opOf<O>();
  if (!interiorRun<K, S>(
    OP, plan, inPlanePtr, outRow, r, lo, hi, edgeL, edgeR, true,
    rowStarts, rowList, rowDivs, colDiv, masks, originBytes, strideBytes, plan.outW - 4,
  )) {
    rowExact<S>(OP, plan, inPlanePtr, outRow, 0, r, lo, hi, edgeL, edgeR, plan.outW);
  }
}

/**
 * Interior columns [lo, hi) of two output rows of 3x3 stride-1 windows, over input rows 0-2
 * and 1-3, as groups back to back (see interiorRun): each input row's taps loaded once per
 * group, each output's taps folded in its own scan order. Returns `check` with the four
 * rows' taps added (max pooling).
 */
@inline function rowPairGroups(
  OP: i32, row0: usize, row1: usize, row2: usize, row3: usize, outRow: usize, nextRow: usize, lo: i32, hi: i32,
  rowDiv: v128, nextDiv: v128, colDiv: usize, check: v128,
): v128 {
  const last = hi - 4;
  // (interior columns: every window whole across, so one column divisor, multiplied once per
  // row pair rather than loaded and multiplied per group: E 1.02-1.04x)
  const interior = OP == AVG ? v128.load(colDiv + (<usize>lo << 2)) : rowDiv; // (max: unused)
  const thisDivisor = f32x4.mul(rowDiv, interior), nextDivisor = f32x4.mul(nextDiv, interior);
  let o = lo, step = ((hi - lo - 1) & 3) + 1;
  for (;;) {
    const at = <usize>o << 2;
    check = f32x4.add(check, pairGroup(OP, INSIDE, row0 + at, row1 + at, row2 + at, row3 + at, outRow + at, nextRow + at, thisDivisor, nextDivisor));
    if (o == last) break;
    o += step;
    step = 4;
  }
  if (OP == MAX) {
    const at = <usize>last << 2;
    const tails = f32x4.add(
      f32x4.add(rowTail<Kernel3, Stride1>(row0 + at), rowTail<Kernel3, Stride1>(row1 + at)),
      f32x4.add(rowTail<Kernel3, Stride1>(row2 + at), rowTail<Kernel3, Stride1>(row3 + at)),
    );
    check = f32x4.add(check, tails);
  }
  return check;
}

/**
 * The border groups (output columns 0-3 and outW-4 to outW-1) of two output rows of 3x3
 * stride-1 windows with one padded column each side (kernel 3, stride 1, padding 1: E,
 * Inception's max pooling), rows at input column -1: pair groups with the one tap outside
 * the row, column -1 or inW, shuffled in as the neutral value. Masked border groups, a row at
 * a time, cost as much as 4 more pair groups on a row of 28. Same sums in the same order as
 * edgeGroup's (its masked taps read the neutral value too), so the same bits. Returns, for the
 * NaN watch, the sum of columns 0-3 and outW-4 to outW-1 of the four rows (rowPairGroups'
 * run watches the columns between).
 */
function paddedPairBorders<O>(
  row0: usize, row1: usize, row2: usize, row3: usize, outRow: usize, nextRow: usize, outW: i32, rowDiv: v128, nextDiv: v128, colDiv: usize,
): v128 {
  const OP = opOf<O>();
  const at = <usize>(outW - 4) << 2;
  const leftDiv = OP == AVG ? v128.load(colDiv) : rowDiv, rightDiv = OP == AVG ? v128.load(colDiv + at) : rowDiv; // (max: unused)
  const left = pairGroup(OP, PAD_LEFT, row0, row1, row2, row3, outRow, nextRow, f32x4.mul(rowDiv, leftDiv), f32x4.mul(nextDiv, leftDiv));
  return f32x4.add(left, pairGroup(OP, PAD_RIGHT, row0 + at, row1 + at, row2 + at, row3 + at, outRow + at, nextRow + at, f32x4.mul(rowDiv, rightDiv), f32x4.mul(nextDiv, rightDiv)));
}

/** pairGroup's taps: all inside the row, or the first group's column -1 or the last's column inW outside it. */
const INSIDE = 0, PAD_LEFT = 1, PAD_RIGHT = 2;

/**
 * One group of four output columns of two output rows of 3x3 stride-1 windows (input rows
 * a-c and b-d, pointers at the group's first tap), stored; returns, for max pooling's NaN
 * watch, floats 0-3 of each row's taps (INSIDE: the rest is the next group's, or rowTail's),
 * or of the row itself (a border group: its taps inside the row but for what the run between
 * reads).
 */
@inline function pairGroup(
  OP: i32, pad: i32, a: usize, b: usize, c: usize, d: usize, outAt: usize, nextAt: usize, thisDivisor: v128, nextDivisor: v128,
): v128 {
  const neutral = f32x4.splat(initial(OP));
  const a1 = v128.load(a, 4), b1 = v128.load(b, 4), c1 = v128.load(c, 4), d1 = v128.load(d, 4);
  const a0 = pad == PAD_LEFT ? shiftInFirst(neutral, a1) : v128.load(a), a2 = pad == PAD_RIGHT ? shiftInLast(a1, neutral) : v128.load(a, 8);
  const b0 = pad == PAD_LEFT ? shiftInFirst(neutral, b1) : v128.load(b), b2 = pad == PAD_RIGHT ? shiftInLast(b1, neutral) : v128.load(b, 8);
  const c0 = pad == PAD_LEFT ? shiftInFirst(neutral, c1) : v128.load(c), c2 = pad == PAD_RIGHT ? shiftInLast(c1, neutral) : v128.load(c, 8);
  const d0 = pad == PAD_LEFT ? shiftInFirst(neutral, d1) : v128.load(d), d2 = pad == PAD_RIGHT ? shiftInLast(d1, neutral) : v128.load(d, 8);
  let acc = foldVectors(OP, neutral, true, true, a0, a1, a2);
  acc = foldVectors(OP, foldVectors(OP, acc, false, true, b0, b1, b2), false, true, c0, c1, c2);
  let next = foldVectors(OP, foldVectors(OP, neutral, true, true, b0, b1, b2), false, true, c0, c1, c2);
  next = foldVectors(OP, next, false, true, d0, d1, d2);
  // each output's watch before its store: after a store V8 loads the taps again
  let watch = f32x4.splat(0);
  if (OP == MAX) watch = pad == INSIDE ? f32x4.add(f32x4.add(a0, b0), f32x4.add(c0, d0)) : f32x4.add(f32x4.add(a1, b1), f32x4.add(c1, d1));
  storeDivided(OP, outAt, acc, thisDivisor);
  storeDivided(OP, nextAt, next, nextDivisor);
  return watch;
}

/** [x, v0, v1, v2]: taps one column left of v, x in lane 0. */
@inline function shiftInFirst(x: v128, v: v128): v128 {
  return v128.shuffle<f32>(x, v, 3, 4, 5, 6);
}

/** [v1, v2, v3, x]: taps one column right of v, x in lane 3. */
@inline function shiftInLast(v: v128, x: v128): v128 {
  return v128.shuffle<f32>(v, x, 1, 2, 3, 4);
}

/**
 * Interior columns [lo, hi) of two output rows of 3-wide stride-2 max windows over three input
 * rows each, the second's first the first's last (row2): as groups back to back (see
 * interiorRun), each input row's taps folded once per group in column order (foldTaps) and
 * row2's fold shared, the rows then folded in order, so pmax keeps PyTorch's first maximum.
 * 2.5 row folds per output row instead of 3. Returns `check` with the five rows' taps added.
 */
@inline function rowPairGroupsStride2(
  row0: usize, row1: usize, row2: usize, row3: usize, row4: usize, outRow: usize, nextRow: usize, lo: i32, hi: i32, check: v128,
): v128 {
  const neutral = f32x4.splat(-Infinity); // (unused: a first row's fold starts from its first tap)
  const last = hi - 4;
  let o = lo, step = ((hi - lo - 1) & 3) + 1;
  for (;;) {
    const at = <usize>o << 3, dst = <usize>o << 2;
    const a = row0 + at, b = row1 + at, c = row2 + at, d = row3 + at, e = row4 + at;
    const shared = foldTaps<Kernel3, Stride2>(MAX, neutral, true, c, false, neutral, neutral, neutral);
    const top = foldTaps<Kernel3, Stride2>(MAX, neutral, true, a, false, neutral, neutral, neutral);
    const mid = foldTaps<Kernel3, Stride2>(MAX, neutral, true, b, false, neutral, neutral, neutral);
    // each output's watch before its store: after a store V8 loads the taps again
    const w = f32x4.add(f32x4.add(rowHead<Kernel3, Stride2>(a), rowHead<Kernel3, Stride2>(b)), rowHead<Kernel3, Stride2>(c));
    v128.store(outRow + dst, f32x4.pmax(f32x4.pmax(top, mid), shared));
    const below = foldTaps<Kernel3, Stride2>(MAX, neutral, true, d, false, neutral, neutral, neutral);
    const bottom = foldTaps<Kernel3, Stride2>(MAX, neutral, true, e, false, neutral, neutral, neutral);
    check = f32x4.add(check, f32x4.add(w, f32x4.add(rowHead<Kernel3, Stride2>(d), rowHead<Kernel3, Stride2>(e))));
    v128.store(nextRow + dst, f32x4.pmax(f32x4.pmax(shared, below), bottom));
    if (o == last) break;
    o += step;
    step = 4;
  }
  const at = <usize>last << 3;
  const tails = f32x4.add(f32x4.add(rowTail<Kernel3, Stride2>(row0 + at), rowTail<Kernel3, Stride2>(row1 + at)), rowTail<Kernel3, Stride2>(row2 + at));
  return f32x4.add(check, f32x4.add(tails, f32x4.add(rowTail<Kernel3, Stride2>(row3 + at), rowTail<Kernel3, Stride2>(row4 + at))));
}

/**
 * rowPairGroupsStride2 for calls too large for the caches (rowPlanes' `streaming`): the five input
 * rows one pass each (streamedFold), each fold taken into the output rows in the same order, so
 * the same bits (a group that overlaps the one before folds some outputs twice: pmax(pmax(x, y), y)
 * is pmax(x, y)). Reading the five rows a group at a time ran at a fifth of the memory's speed
 * past the caches (8x64x128x128: 7.5 GB/s).
 */
@inline function streamedPairStride2(
  row0: usize, row1: usize, row2: usize, row3: usize, row4: usize, outRow: usize, nextRow: usize, lo: i32, hi: i32, check: v128,
): v128 {
  const watch = f32x4.add(streamedFold(row0, outRow, 0, lo, hi, STORE_FOLD), streamedFold(row1, outRow, 0, lo, hi, TAKE_FOLD));
  const shared = f32x4.add(streamedFold(row2, outRow, nextRow, lo, hi, SHARE_FOLD), streamedFold(row3, nextRow, 0, lo, hi, TAKE_FOLD));
  return f32x4.add(check, f32x4.add(f32x4.add(watch, shared), streamedFold(row4, nextRow, 0, lo, hi, TAKE_FOLD)));
}

/** streamedFold's modes: the fold stored, taken into the output (pmax), or taken in and stored into `also`. */
const STORE_FOLD = 0, TAKE_FOLD = 1, SHARE_FOLD = 2;

/**
 * One input row's 3-wide stride-2 folds over interior columns [lo, hi), groups as in interiorRun,
 * into `out` (and `also`) by `mode`. Returns the sum of the row's taps (the NaN watch).
 */
function streamedFold(row: usize, out: usize, also: usize, lo: i32, hi: i32, mode: i32): v128 {
  const neutral = f32x4.splat(-Infinity); // (unused: the fold starts from its first tap)
  const last = hi - 4;
  let o = lo, step = ((hi - lo - 1) & 3) + 1, watch = f32x4.splat(0);
  for (;;) {
    const at = row + (<usize>o << 3), dst = <usize>o << 2;
    const fold = foldTaps<Kernel3, Stride2>(MAX, neutral, true, at, false, neutral, neutral, neutral);
    watch = f32x4.add(watch, rowHead<Kernel3, Stride2>(at));
    v128.store(out + dst, mode == STORE_FOLD ? fold : f32x4.pmax(v128.load(out + dst), fold));
    if (mode == SHARE_FOLD) v128.store(also + dst, fold);
    if (o == last) break;
    o += step;
    step = 4;
  }
  return f32x4.add(watch, rowTail<Kernel3, Stride2>(row + (<usize>last << 3)));
}

/**
 * Interior columns [lo, hi) (at least four) of one output row over two input rows, or three
 * (`three`: row2 too), or four (R = FourRows: row2 and row3, for 2-wide windows over two depth
 * slices in 3D), as groups back to back (see interiorRun); returns `check` with the row's taps
 * added (max pooling).
 */
@inline function rowGroups<K, S, R = u8>(
  OP: i32, three: bool, row0: usize, row1: usize, row2: usize, outRow: usize, lo: i32, hi: i32, strideBytes: usize,
  rowDiv: v128, colDiv: usize, check: v128, row3: usize = 0, scaled: bool = false,
): v128 {
  const four = sizeof<R>() == sizeof<FourRows>();
  const neutral = f32x4.splat(initial(OP));
  const last = hi - 4;
  let o = lo, step = ((hi - lo - 1) & 3) + 1;
  for (;;) {
    const at = inputBytes<S>(o, strideBytes);
    const a = row0 + at, b = row1 + at, c = row2 + at;
    let acc = foldTaps<K, S>(OP, neutral, true, a, false, neutral, neutral, neutral);
    acc = foldTaps<K, S>(OP, acc, false, b, false, neutral, neutral, neutral);
    if (three) acc = foldTaps<K, S>(OP, acc, false, c, false, neutral, neutral, neutral);
    if (four) {
      // (2x2 windows at stride 2 only: laterTaps2x2's watch)
      const d = row3 + at;
      acc = foldTaps<K, S>(OP, foldTaps<K, S>(OP, acc, false, c, false, neutral, neutral, neutral), false, d, false, neutral, neutral, neutral);
      if (OP == MAX) check = f32x4.add(check, f32x4.add(laterTaps2x2(a, b), f32x4.add(rowHead<K, S>(c), rowHead<K, S>(d))));
    } else if (OP == MAX && sizeof<K>() == 1 && sizeof<S>() == 2) {
      const later = laterTaps2x2(a, b);
      check = f32x4.add(check, three ? f32x4.add(later, rowHead<K, S>(c)) : later);
    } else if (OP == MAX) {
      // one add per group on the running check, the rest off its dependency chain
      const heads = f32x4.add(rowHead<K, S>(a), rowHead<K, S>(b));
      check = f32x4.add(check, three ? f32x4.add(heads, rowHead<K, S>(c)) : heads);
    }
    // (scaled: rowDiv holds twoRowPlanes' one reciprocal divisor)
    if (OP == AVG && scaled) v128.store(outRow + (<usize>o << 2), positiveZero(f32x4.mul(acc, rowDiv)));
    else storeResult(OP, outRow + (<usize>o << 2), acc, rowDiv, colDiv + (<usize>o << 2));
    if (o == last) break;
    o += step;
    step = 4;
  }
  if (OP == MAX && !(sizeof<K>() == 1 && sizeof<S>() == 2)) { // (kernel 2, stride 2: rowHead loads every tap)
    const at = inputBytes<S>(last, strideBytes);
    const tails = f32x4.add(rowTail<K, S>(row0 + at), rowTail<K, S>(row1 + at));
    check = f32x4.add(check, three ? f32x4.add(tails, rowTail<K, S>(row2 + at)) : tails);
  }
  return check;
}

/** A row whose run met a NaN, redone exactly (PyTorch's rule lane by lane). */
export function rowExact<S>(
  OP: i32, plan: Plan, inPlanePtr: usize, outRow: usize, idxRow: usize, r: i32, runLo: i32, runHi: i32, edgeL: bool, edgeR: bool, outW: i32,
): void {
  for (let g = runLo; g < runHi; g += 4) exactGroup<S>(OP, plan, inPlanePtr, outRow, idxRow, r, min(g, runHi - 4));
  if (edgeL) exactGroup<S>(OP, plan, inPlanePtr, outRow, idxRow, r, 0);
  if (edgeR) exactGroup<S>(OP, plan, inPlanePtr, outRow, idxRow, r, outW - 4);
}

/** Byte offset of output column o's first tap from column origin's: o * stride floats. */
@inline function inputBytes<S>(o: i32, strideBytes: usize): usize {
  if (sizeof<S>() == 1) return <usize>o << 2;
  if (sizeof<S>() == 2) return <usize>o << 3;
  return <usize>o * strideBytes;
}

/**
 * The taps of one input row for four output columns at `at`, for the specialised widths
 * (kernel 2 stride 2: the even and the odd floats of eight; kernel 3 stride 2: those and the
 * evens moved on by one; kernel 3 stride 1: three overlapping loads), folded into `acc`.
 * `masked`: tap j's lanes outside the row (mask mj false) read the neutral value, which never
 * wins a max, and adds +0 to a sum (exact: PyTorch's sum starts at +0, so it is never -0).
 * `first` (the window's first row) starts from the first tap rather than from `acc`: the same
 * result (a sum of 0 + x differs from x only in a zero's sign, which positiveZero settles; a
 * NaN that max keeps here is one the NaN check sees anyway), one operation fewer.
 * MAX_NO_NAN keeps the neutral start: its first tap must not be a NaN that wins.
 */
@inline function foldTaps<K, S>(OP: i32, acc: v128, first: bool, at: usize, masked: bool, m0: v128, m1: v128, m2: v128): v128 {
  const three = sizeof<K>() == 2;
  let v0: v128, v1: v128, v2 = f32x4.splat(0);
  if (sizeof<S>() == 2) {
    const a = v128.load(at), b = v128.load(at, 16);
    v0 = v128.shuffle<f32>(a, b, 0, 2, 4, 6);
    v1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
    if (three) v2 = v128.shuffle<f32>(v0, v128.load(at, 32), 1, 2, 3, 4);
  } else {
    v0 = v128.load(at);
    v1 = v128.load(at, 4);
    if (three) v2 = v128.load(at, 8);
  }
  if (masked) {
    v0 = neutralOutside(OP, v0, m0);
    v1 = neutralOutside(OP, v1, m1);
    if (three) v2 = neutralOutside(OP, v2, m2);
  }
  return foldVectors(OP, acc, first, three, v0, v1, v2);
}

/** The fold of foldTaps over taps already loaded: v0, v1 and (`three`) v2, in scan order. */
@inline function foldVectors(OP: i32, acc: v128, first: bool, three: bool, v0: v128, v1: v128, v2: v128): v128 {
  if (OP == AVG) {
    let sum = first ? f32x4.add(v0, v1) : f32x4.add(f32x4.add(acc, v0), v1);
    return three ? f32x4.add(sum, v2) : sum;
  }
  if (OP == MAX_NO_NAN) {
    // pmax drops a NaN only as its second operand: MAX_NO_NAN takes the taps one by one.
    const m = f32x4.pmax(f32x4.pmax(first ? f32x4.splat(initial(OP)) : acc, v0), v1);
    return three ? f32x4.pmax(m, v2) : m;
  }
  let m = f32x4.pmax(v0, v1);
  if (three) m = f32x4.pmax(m, v2);
  return first ? m : f32x4.pmax(acc, m);
}

/** v where mask is set, else the op's neutral value (-Infinity or 0). */
@inline function neutralOutside(OP: i32, v: v128, mask: v128): v128 {
  return OP == AVG ? v128.and(v, mask) : v128.bitselect(v, f32x4.splat(initial(OP)), mask);
}

/** The taps of one input row for four interior output columns, folded into `acc`. */
@inline function foldRow<K, S>(OP: i32, acc: v128, at: usize, kw: i32, strideBytes: usize, dilationBytes: usize): v128 {
  if (sizeof<K>() != 4) return foldTaps<K, S>(OP, acc, false, at, false, acc, acc, acc);
  for (let j = 0; j < kw; j++) {
    const v = loadStrided<S>(at, strideBytes);
    acc = foldTap(OP, acc, v);
    at += dilationBytes;
  }
  return acc;
}

/**
 * For max pooling's NaN watch over a group of 2x2 stride-2 windows on rows a and b: the sum of
 * every tap but each window's first (the even floats of row a). pmax keeps a NaN in its first
 * operand, and foldTaps makes that tap the first operand of every fold, so a NaN there wins
 * its window (PyTorch's result) without the watch: one add per group fewer than summing all
 * four loads (C 1.01-1.14x, median 1.05x; G max 1.20-1.35x; D within noise).
 */
@inline function laterTaps2x2(a: usize, b: usize): v128 {
  const odd = v128.shuffle<f32>(v128.load(a), v128.load(a, 16), 1, 3, 5, 7);
  return f32x4.add(odd, f32x4.add(v128.load(b), v128.load(b, 16)));
}

/**
 * For the runs of interiorRun: the sum of a group's taps in one row that the next group, four
 * columns on, does not load again (a NaN among them shows in it). Each group starts at or
 * before the end of this part of the one before (the last, ragged group overlaps), so these
 * parts cover the run's taps up to the last group's, whose rest rowTail adds once.
 */
@inline function rowHead<K, S>(at: usize): v128 {
  if (sizeof<S>() == 2) return f32x4.add(v128.load(at), v128.load(at, 16)); // floats 0-7 of 0-8 (kernel 3) or 0-7 (kernel 2)
  return v128.load(at); // kernel 3, stride 1: floats 0-3 of 0-5
}

/** The taps of the last group in one row that rowHead leaves to a next group. */
@inline function rowTail<K, S>(at: usize): v128 {
  if (sizeof<K>() == 2 && sizeof<S>() == 2) return v128.load32_zero(at, 32); // float 8
  if (sizeof<K>() == 2 && sizeof<S>() == 1) return v128.load64_zero(at, 16); // floats 4, 5
  if (sizeof<K>() == 1 && sizeof<S>() == 1) return v128.load32_zero(at, 16); // float 4 (kernel 2, stride 1)
  return f32x4.splat(0); // kernel 2, stride 2: rowHead loads every tap
}

/** The sum of what foldRow loads (a NaN among the taps shows in it). */
@inline function rowSum<K, S>(at: usize, kw: i32, strideBytes: usize, dilationBytes: usize): v128 {
  if (sizeof<K>() == 1 && sizeof<S>() == 2) return f32x4.add(v128.load(at), v128.load(at, 16));
  if (sizeof<K>() == 2 && sizeof<S>() == 2) return f32x4.add(f32x4.add(v128.load(at), v128.load(at, 16)), v128.load(at, 32));
  if (sizeof<K>() == 2 && sizeof<S>() == 1) return f32x4.add(v128.load(at), v128.load(at, 8));
  let sum = loadStrided<S>(at, strideBytes);
  for (let j = 1; j < kw; j++) {
    at += dilationBytes;
    sum = f32x4.add(sum, loadStrided<S>(at, strideBytes));
  }
  return sum;
}

/**
 * A border group of a window of 2 or 3 (`three`) rows at output column o over the input rows
 * of interiorRun: foldTaps with the taps outside the row masked (lane masks of taps 0..2 at
 * `masks`), stored. Returns, for max pooling's NaN watch, the sum of its taps inside the row
 * (+0 outside).
 */
@inline function edgeGroup<K, S>(
  OP: i32, row0: usize, row1: usize, row2: usize, three: bool, o: i32, strideBytes: usize, masks: usize,
  outRow: usize, rowDiv: v128, colDiv: usize,
): v128 {
  const m0 = v128.load(masks), m1 = v128.load(masks, 16), m2 = v128.load(masks, 32);
  const at = inputBytes<S>(o, strideBytes);
  let acc = foldTaps<K, S>(OP, m0, true, row0 + at, true, m0, m1, m2);
  acc = foldTaps<K, S>(OP, acc, false, row1 + at, true, m0, m1, m2);
  if (three) acc = foldTaps<K, S>(OP, acc, false, row2 + at, true, m0, m1, m2);
  storeResult(OP, outRow + (<usize>o << 2), acc, rowDiv, colDiv + (<usize>o << 2));
  if (OP != MAX) return f32x4.splat(0);
  const sum = f32x4.add(tapsInside<K, S>(row0 + at, m0, m1, m2), tapsInside<K, S>(row1 + at, m0, m1, m2));
  return three ? f32x4.add(sum, tapsInside<K, S>(row2 + at, m0, m1, m2)) : sum;
}

/**
 * The left border group (output columns 0-3) of 3x3 stride-2 max windows over rows a, b, c
 * (pointers at input column -1) when only lane 0's first tap, column -1, lies outside the row:
 * foldTaps' fold with that tap -Infinity (never the first maximum: edgeGroup's result) at one
 * lane insert per row instead of masking every tap. Returns, for the NaN watch, the sum of
 * columns 0-6 of each row (column 7 on is the next group's).
 */
@inline function padOneGroup(a: usize, b: usize, c: usize, outRow: usize): v128 {
  let acc = padOneRow(a, f32x4.splat(-Infinity), true);
  acc = padOneRow(b, acc, false);
  acc = padOneRow(c, acc, false);
  v128.store(outRow, acc);
  return f32x4.add(f32x4.add(padOneWatch(a), padOneWatch(b)), padOneWatch(c));
}

/** One row of padOneGroup folded into acc (`first`: the window's first row, acc unused). */
@inline function padOneRow(at: usize, acc: v128, first: bool): v128 {
  const x = v128.load(at), y = v128.load(at, 16), evens = v128.shuffle<f32>(x, y, 0, 2, 4, 6);
  const v0 = f32x4.replace_lane(evens, 0, -Infinity);
  const v1 = v128.shuffle<f32>(x, y, 1, 3, 5, 7);
  const v2 = v128.shuffle<f32>(evens, v128.load(at, 32), 1, 2, 3, 4);
  return foldVectors(MAX, acc, first, true, v0, v1, v2);
}

/** Columns 0-6 of a row at column -1, summed into one vector (column -1 as +0). */
@inline function padOneWatch(at: usize): v128 {
  return f32x4.add(f32x4.replace_lane(v128.load(at), 0, 0), v128.load(at, 16));
}

/** The sum of one row's taps of a border group, those outside the row as +0. */
@inline function tapsInside<K, S>(at: usize, m0: v128, m1: v128, m2: v128): v128 {
  return foldTaps<K, S>(AVG, m0, true, at, true, m0, m1, m2);
}

@inline export function storeResult(OP: i32, dst: usize, acc: v128, rowDiv: v128, divs: usize): void {
  if (OP == AVG) v128.store(dst, positiveZero(f32x4.div(acc, f32x4.mul(rowDiv, v128.load(divs)))));
  else v128.store(dst, acc);
}

/**
 * The reciprocal of the divisor of every window of a call whose `rows` row divisors and `cols`
 * column divisors are each one value, and their product a power of two from 1 to 2^62; else 0.
 * x * 2^-k and x / 2^k round the same real number, so they are the same float.
 */
function reciprocalOfAll(rowDivs: usize, rows: i32, colDivs: usize, cols: i32): f32 {
  const row = load<f32>(rowDivs), col = load<f32>(colDivs);
  for (let i = 1; i < rows; i++) if (load<f32>(rowDivs + (<usize>i << 2)) != row) return 0;
  for (let i = 1; i < cols; i++) if (load<f32>(colDivs + (<usize>i << 2)) != col) return 0;
  const divisor = row * col, bits = reinterpret<u32>(divisor);
  return (bits & 0x807fffff) == 0 && bits >= 0x3f800000 && bits <= <u32>(127 + 62) << 23 ? 1 / divisor : 0;
}

/**
 * The group's result stored: an average divided by `divisor` (the row's times the column's), a
 * maximum as it is. (storeResult keeps its own copy of the line: through this one, simdpool/core's
 * .wasm grew 92 bytes, past its bundle's budget.)
 */
@inline function storeDivided(OP: i32, dst: usize, acc: v128, divisor: v128): void {
  if (OP == AVG) v128.store(dst, positiveZero(f32x4.div(acc, divisor)));
  else v128.store(dst, acc);
}

/**
 * Four border output columns with masked loads: lanes whose tap lies outside the row read the
 * neutral value. Returns false for max pooling that meets a NaN (the exact path decides).
 */
function maskedGroup<S>(OP: i32, plan: Plan, inPlanePtr: usize, outRow: usize, r: i32, o: i32): bool {
  const inW = plan.inW, rowList = plan.rowList, kw = plan.kw, dilation = plan.dilation;
  const strideBytes = <usize>plan.stride << 2, dilationBytes = <usize>dilation << 2;
  const first = plan.colOrigin + o * plan.stride;
  const lanes = i32x4.add(i32x4.splat(first), laneOffsets(plan.stride));
  const width = i32x4.splat(inW);
  const neutral = f32x4.splat(initial(OP));
  const t0 = load<i32>(plan.rowStarts + (<usize>r << 2));
  const t1 = load<i32>(plan.rowStarts + (<usize>r << 2), 4);
  let acc = neutral;
  let check = f32x4.splat(0);
  for (let t = t0; t < t1; t++) {
    let at = inPlanePtr + ((<usize>(load<i32>(rowList + (<usize>t << 2)) + first)) << 2);
    let cols = lanes;
    for (let j = 0; j < kw; j++) {
      const inside = v128.and(i32x4.ge_s(cols, i32x4.splat(0)), i32x4.lt_s(cols, width));
      const v = v128.or(v128.and(loadStrided<S>(at, strideBytes), inside), v128.andnot(neutral, inside));
      acc = foldTap(OP, acc, v);
      if (OP == MAX) check = f32x4.add(check, v);
      at += dilationBytes;
      cols = i32x4.add(cols, i32x4.splat(dilation));
    }
  }
  // -Infinity lanes of masked taps add up harmlessly; a NaN input (or +Inf meeting -Inf) shows.
  if (OP == MAX && v128.any_true(f32x4.ne(check, check))) return false;
  storeResult(OP, outRow + (<usize>o << 2), acc, f32x4.splat(load<f32>(plan.rowDiv + (<usize>r << 2))), plan.colDiv + (<usize>o << 2));
  return true;
}

/**
 * Four output columns, exactly: taps outside the row are masked (never win a max, add nothing
 * to a sum), and max applies PyTorch's `v > best || isnan(v)` lane by lane, with indices.
 */
function exactGroup<S>(OP: i32, plan: Plan, inPlanePtr: usize, outRow: usize, idxRow: usize, r: i32, o: i32): void {
  const inW = plan.inW, rowList = plan.rowList, kw = plan.kw, dilation = plan.dilation;
  const strideBytes = <usize>plan.stride << 2, dilationBytes = <usize>dilation << 2;
  const first = plan.colOrigin + o * plan.stride;
  const lanes = laneOffsets(plan.stride);
  const width = i32x4.splat(inW);
  const neutral = f32x4.splat(initial(OP));
  const t0 = load<i32>(plan.rowStarts + (<usize>r << 2));
  const t1 = load<i32>(plan.rowStarts + (<usize>r << 2), 4);
  const firstRow = load<i32>(plan.rowInit + (<usize>r << 2));
  let acc = neutral;
  // Each lane starts at its window's first in-bounds tap, as PyTorch does.
  let best = i32x4.add(i32x4.splat(firstRow), v128.load(plan.colFirst + (<usize>o << 2)));
  for (let t = t0; t < t1; t++) {
    const rowIndex = load<i32>(rowList + (<usize>t << 2));
    let at = inPlanePtr + ((<usize>(rowIndex + first)) << 2);
    let cols = i32x4.add(i32x4.splat(first), lanes);
    for (let j = 0; j < kw; j++) {
      const inside = v128.and(i32x4.ge_s(cols, i32x4.splat(0)), i32x4.lt_s(cols, width));
      const v = v128.bitselect(loadStrided<S>(at, strideBytes), neutral, inside);
      if (OP == AVG) {
        acc = f32x4.add(acc, v);
      } else {
        const m = takesLanes(OP, v, acc);
        acc = v128.bitselect(v, acc, m);
        if (hasIndex(OP)) best = v128.bitselect(i32x4.add(cols, i32x4.splat(rowIndex)), best, m);
      }
      at += dilationBytes;
      cols = i32x4.add(cols, i32x4.splat(dilation));
    }
  }
  const dst = outRow + (<usize>o << 2);
  storeResult(OP, dst, acc, f32x4.splat(load<f32>(plan.rowDiv + (<usize>r << 2))), plan.colDiv + (<usize>o << 2));
  if (hasIndex(OP)) v128.store(idxRow + (<usize>o << 2), best);
}

/** One output column, one lane: outputs narrower than a group, and windows far outside the row. */
function rowsColumn(OP: i32, plan: Plan, inPlanePtr: usize, outRow: usize, idxRow: usize, r: i32, o: i32): void {
  const inW = plan.inW, dilation = plan.dilation, rowList = plan.rowList;
  const t0 = load<i32>(plan.rowStarts + (<usize>r << 2));
  const t1 = load<i32>(plan.rowStarts + (<usize>r << 2), 4);
  const c0 = load<i32>(plan.colFirst + (<usize>o << 2));
  const n = load<i32>(plan.colCount + (<usize>o << 2));
  let best = initial(OP);
  let bestIndex = load<i32>(plan.rowInit + (<usize>r << 2)) + c0;
  for (let t = t0; t < t1; t++) {
    const base = load<i32>(rowList + (<usize>t << 2)) + c0;
    for (let j = 0; j < n; j++) {
      const index = base + j * dilation;
      const v = load<f32>(inPlanePtr + (<usize>index << 2));
      if (OP == AVG) {
        best += v;
      } else if (takes(OP, v, best)) {
        best = v;
        bestIndex = index;
      }
    }
  }
  if (OP == AVG) {
    best = best / (load<f32>(plan.rowDiv + (<usize>r << 2)) * load<f32>(plan.colDiv + (<usize>o << 2))) + 0;
  }
  store<f32>(outRow + (<usize>o << 2), best);
  if (hasIndex(OP)) store<i32>(idxRow + (<usize>o << 2), bestIndex);
}

/** The scalar build (no SIMD): every output column through rowsColumn. */
@inline export function poolRowsScalar(OP: i32, plan: Plan, input: usize, output: usize, indices: usize): void {
  const planes = plan.planes, inPlane = plan.inPlane, outPlane = plan.outPlane;
  const outRows = plan.outRows, outW = plan.outW;
  for (let p = 0; p < planes; p++) {
    const inPlanePtr = input + ((<usize>p * <usize>inPlane) << 2);
    for (let r = 0; r < outRows; r++) {
      const outIndex = <usize>p * <usize>outPlane + <usize>r * <usize>outW;
      const outRow = output + (outIndex << 2);
      const idxRow = indices + (outIndex << 2);
      for (let o = 0; o < outW; o++) rowsColumn(OP, plan, inPlanePtr, outRow, idxRow, r, o);
    }
  }
}

/**
 * poolRows as a wasm function of its own, one per (op O, kernel width K, stride S) rather than
 * inlined into the export: V8 compiles wasm lazily, function by function on first call, so a
 * first call compiles its export's small dispatcher and the one specialisation it uses.
 */
function poolRowsFunction<O, K, S>(plan: Plan, input: usize, output: usize, indices: usize): void {
  poolRows<O, K, S>(plan, input, output, indices, true);
}

/**
 * poolRows<O, K, S> as its own function (`separate`) or inlined into the caller; inlined (the
 * core build) it also leaves the border groups to maskedGroup, to stay under 32 KB of wasm.
 */
@inline function poolRowsAs<O, K, S>(separate: bool, plan: Plan, input: usize, output: usize, indices: usize): void {
  if (separate) poolRowsFunction<O, K, S>(plan, input, output, indices);
  else poolRows<O, K, S>(plan, input, output, indices, false);
}

/**
 * Pick the specialisation for the column kernel width, stride and dilation. `everyStride` false
 * (the core build, assembly/core.ts) leaves all but the common windows (2 / stride 2, 3 / stride 2,
 * 3 / stride 1) to the any-stride kernel: 7 KB less wasm, at most 1.8x slower on the others.
 * `separate` false keeps the specialisations inlined into the export, as the core build does:
 * separate functions deflate less well, and its bundle has no bytes to spare (nor its border
 * groups inlined: poolRowsAs).
 */
@inline export function poolRowsSpecialised<O>(
  planPtr: usize, input: usize, output: usize, indices: usize, everyStride: bool = true, separate: bool = true,
): void {
  const OP = opOf<O>();
  const plan = changetype<Plan>(planPtr);
  if (!ASC_FEATURE_SIMD) {
    poolRowsScalar(OP, plan, input, output, indices);
    return;
  }
  if (hasIndex(OP) && separate) {
    poolIndices(OP, plan, input, output, indices);
    return;
  }
  const kw = plan.kw, stride = plan.stride, dense = plan.dilation == 1;
  if (!hasIndex(OP) && dense && kw == 2 && stride == 2) poolRowsAs<O, Kernel2, Stride2>(separate, plan, input, output, indices);
  else if (!hasIndex(OP) && dense && kw == 3 && stride == 2) poolRowsAs<O, Kernel3, Stride2>(separate, plan, input, output, indices);
  else if (!hasIndex(OP) && dense && kw == 3 && stride == 1) poolRowsAs<O, Kernel3, Stride1>(separate, plan, input, output, indices);
  // 2x2 at stride 1 along rows, max only (the full build's: YOLOv3-tiny's k2 s1 'same'; 3.3-3.9x
  // faster than the any-width loop, 1.6 KB of .wasm per op, so not for averages or nanMode
  // 'ignore'; windows of 1 or 3 rows ran 0.9x in it)
  else if (OP == MAX && dense && everyStride && kw == 2 && stride == 1 && rowsReadTwo(plan.rowStarts, plan.outRows)) {
    poolRowsAs<O, Kernel2, Stride1>(separate, plan, input, output, indices);
  }
  else if (everyStride && stride == 1) poolRowsAs<O, KernelAny, Stride1>(separate, plan, input, output, indices);
  else if (everyStride && stride == 2) poolRowsAs<O, KernelAny, Stride2>(separate, plan, input, output, indices);
  else poolRowsAs<O, KernelAny, StrideAny>(separate, plan, input, output, indices);
}

export function maxPoolRows_f32(plan: usize, input: usize, output: usize): void {
  poolRowsSpecialised<OpMax>(plan, input, output, 0);
}

export function maxPoolRowsIndices_f32(plan: usize, input: usize, output: usize, indices: usize): void {
  poolRowsSpecialised<OpMaxIndex>(plan, input, output, indices);
}

export function avgPoolRows_f32(plan: usize, input: usize, output: usize): void {
  poolRowsSpecialised<OpAvg>(plan, input, output, 0);
}

export function maxPoolRowsNoNaN_f32(plan: usize, input: usize, output: usize): void {
  poolRowsSpecialised<OpMaxNoNaN>(plan, input, output, 0);
}

export function maxPoolRowsIndicesNoNaN_f32(plan: usize, input: usize, output: usize, indices: usize): void {
  poolRowsSpecialised<OpMaxIndexNoNaN>(plan, input, output, indices);
}
