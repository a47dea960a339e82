// Queries of a plan's row tables (assembly/plan.ts: rowStarts, rowList) that kernels use to pick
// a path, shared by the float (rows.ts) and byte (byte-max.ts, byte-avg.ts) kernels.

/** Row-list entry t: an input row's element offset in the plane (planar) or pixel offset (channels-last). */
@inline export function rowAt(rowList: usize, t: i32): usize {
  return <usize>load<i32>(rowList + (<usize>t << 2));
}

/**
 * Whether every output row reads two input rows (rowStarts[r] == rowStarts[0] + 2r: a range of
 * rows, src/ops/plane-range.ts rowRange, starts at rowStarts[0] > 0, 1-row windows at r0 too).
 */
@inline export function everyRowReadsTwo(rowStarts: usize, outRows: i32): bool {
  const t0 = load<i32>(rowStarts);
  for (let r = 1; r <= outRows; r++) if (load<i32>(rowStarts + (<usize>r << 2)) - t0 != r << 1) return false;
  return true;
}

/**
 * Whether output rows read two input rows each, but for up to two rows cut to one by padding
 * (windows two rows high): the rows listed number 2 * outRows, less up to 2.
 */
@inline export function rowsReadTwo(rowStarts: usize, outRows: i32): bool {
  const listed = load<i32>(rowStarts + (<usize>outRows << 2)) - load<i32>(rowStarts);
  return listed <= outRows << 1 && listed >= (outRows << 1) - 2;
}

/**
 * Output row r reads input rows 2r and 2r + 1 after the first one (unpadded 2-high, stride-2
 * windows in 2D), `rowList` the first output row's entries.
 */
@inline export function pairedRows(rowList: usize, outRows: i32, inW: i32): bool {
  const first = load<i32>(rowList);
  for (let r = 0; r < outRows; r++) {
    if (load<i32>(rowList + (<usize>r << 3)) != first + 2 * r * inW || load<i32>(rowList + (<usize>r << 3), 4) != first + (2 * r + 1) * inW) return false;
  }
  return true;
}
