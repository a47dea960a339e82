// Splitting one kernel call into independent work items, without any kernel change.
//
// Plan kernels (maxPool*/avgPool* Rows and Channels) loop `for p < planes, for r < outRows`
// and address everything relative to the pointers and counts in the plan header, so a work
// item is a copy of the header with one of two edits:
//
//  * planes [p0, p1): planes = p1 - p0; input += p0*inPlane floats; output (and indices)
//    += p0*outPlane. Every table is per plane, and indices are flat indices *within* a plane
//    (rowInit/rowList/colFirst are plane-relative), so nothing else changes. Planar kernels
//    have planes = batch*channels, channels-last kernels planes = batch. (../ops/plane-range.ts
//    makes this header; end-to-end calls stream in the same ranges, ../ops/stream.ts.)
//  * output rows [r0, r1) of every plane: rowStarts, rowInit, rowDiv += r0 entries (rowStarts
//    holds absolute positions in rowList, so rowList itself is shared unchanged); outRows =
//    r1 - r0; output (and indices) += r0*outW*channels floats. The kernels compute a pixel's
//    address as p*outPlane + (r*outW + o)*channels with r counted from the item's first row,
//    and outPlane stays the full plane, so the shifted base lands every row where the whole
//    call would have written it. The input pointer and the index tables are untouched, so
//    returned indices are the same per-plane flat indices.
//
// Each output element is computed from the same inputs by the same rule in either case, so
// results are bit-identical to one call over everything. (The channel-lane max kernel reads an
// item's first output row without the previous row's shared maxima, assembly/channels.ts
// maxRowInterior: a max is the same whichever way its rows are grouped.)
//
// PlaneGroups kernels (narrow or adaptive planar windows) take the same plan plus a scratch
// block they interleave sixteen planes into: items are plane ranges in whole groups of 16, each
// with a plan copy and a scratch block of its own: the call's for the first item, the others'
// allocated by the engine (`scratchBytes`).
//
// The row-fold kernels (wide stride-1 max, ../ops/row-folds.ts) take the same plan plus a
// scratch block of one plane's (channels-last: one sample's) row folds: items are plane (sample)
// ranges, each with a scratch block of its own, as above.
//
// Global planar kernels take (input, output, planes, length): items are plane ranges.
// transpose_f32 takes (input, output, batches, rows, cols): items are batch ranges (one
// matrix cannot be split without a kernel change: its output row stride is `rows`).
// transpose_u8 splits the same way, its pointers moved on by bytes.
//
// The other int8/uint8 kernels (../ops/bytes.ts) are not split: the last group of a row stores up
// to 15 bytes past it, rewritten by the next row's (the call's last row's land in its output's
// guard bytes), so an item's last row would write into the next item's first while that item
// runs. They run on the calling thread, or whole on a worker after a split transpose_u8.
import { PLAN_FIELDS } from '../ops/plan';
import { FIELD as F, planeRange, rowRange } from '../ops/plane-range';
import { groupBytesOf } from '../ops/pool';
import { pixelFoldBytes, rowFoldBytes } from '../ops/row-folds';

export { HEADER_BYTES } from '../ops/plane-range';

export interface WorkItem {
  fn: string;
  args: number[];
  /** Index of the header copy this item needs in the call's header block, or -1. */
  header: number;
  /** The header copy's fields, when header >= 0. */
  fields?: Int32Array;
  /** Bytes of scratch this item needs of its own (its last argument), when it needs any. */
  scratchBytes?: number;
}

// (nanMode 'ignore' runs the NoNaN variants: the same arguments, split the same way.)
const PLAN_KERNELS = new Set([
  'maxPoolRows_f32', 'maxPoolRowsIndices_f32', 'avgPoolRows_f32',
  'maxPoolChannels_f32', 'maxPoolChannelsIndices_f32', 'avgPoolChannels_f32',
  'maxPoolRowsNoNaN_f32', 'maxPoolRowsIndicesNoNaN_f32', 'maxPoolChannelsNoNaN_f32', 'maxPoolChannelsIndicesNoNaN_f32',
]);
const GROUP_KERNELS = new Set([
  'maxPoolPlaneGroups_f32', 'maxPoolPlaneGroupsIndices_f32', 'avgPoolPlaneGroups_f32',
  'maxPoolPlaneGroupsNoNaN_f32', 'maxPoolPlaneGroupsIndicesNoNaN_f32',
]);
// (each with its scratch bytes from the plan header)
const planarFolds = (h: Int32Array) => rowFoldBytes(h[F.inPlane], h[F.inW], h[F.outW], h[F.kw], h[F.stride]);
const pixelFolds = (h: Int32Array) => pixelFoldBytes(h[F.inPlane], h[F.inW], h[F.outW]);
const ROW_FOLD_KERNELS = new Map([
  ['maxPoolRowFolds_f32', planarFolds], ['maxPoolRowFoldsNoNaN_f32', planarFolds],
  ['maxPoolPixelFolds_f32', pixelFolds], ['maxPoolPixelFoldsNoNaN_f32', pixelFolds],
]);
const PLANE_KERNELS = new Set(['globalMaxPlanes_f32', 'globalMaxPlanesNoNaN_f32', 'globalAvgPlanes_f32']);
// (bytes per element)
const BATCH_KERNELS = new Map([['transpose_f32', 4], ['transpose_u8', 1]]);

export function canSplit(fn: string): boolean {
  return PLAN_KERNELS.has(fn) || GROUP_KERNELS.has(fn) || ROW_FOLD_KERNELS.has(fn) || PLANE_KERNELS.has(fn) || BATCH_KERNELS.has(fn);
}

/** Rough cost of a call: window taps plus floats read (same unit for every kernel). */
export function workOf(heap: Int32Array, fn: string, args: readonly number[]): number {
  if (PLAN_KERNELS.has(fn) || GROUP_KERNELS.has(fn) || ROW_FOLD_KERNELS.has(fn)) {
    const h = args[0] >> 2;
    const planes = heap[h + F.planes], channels = heap[h + F.channels];
    const outRows = heap[h + F.outRows], outW = heap[h + F.outW];
    const rowTaps = heap[(heap[h + F.rowStarts] >> 2) + outRows] - heap[heap[h + F.rowStarts] >> 2];
    return planes * (channels * outW * rowTaps * heap[h + F.kw] + heap[h + F.inPlane]);
  }
  if (PLANE_KERNELS.has(fn)) return args[2] * args[3];
  // (a byte a quarter of a float's work, as the bytes a float)
  if (BATCH_KERNELS.has(fn)) return 2 * args[2] * args[3] * args[4] * BATCH_KERNELS.get(fn)! / 4;
  return Infinity;
}

/** Split a call into at most `n` items (fewer when it has fewer planes/rows/batches). */
export function split(heap: Int32Array, fn: string, args: readonly number[], n: number): WorkItem[] {
  if (PLAN_KERNELS.has(fn)) {
    const h = args[0] >> 2;
    const header = heap.slice(h, h + PLAN_FIELDS.length);
    const planes = header[F.planes], outRows = header[F.outRows];
    const hasIndices = args.length > 3;
    if (planes >= n || outRows < 2) {
      return ranges(planes, n).map(([p0, count], i) => planeItem(fn, args, header, hasIndices, p0, count, i));
    }
    const rowFloats = header[F.outW] * header[F.channels];
    return ranges(outRows, n).map(([r0, count], i) => {
      const fields = rowRange(header.slice(), header, r0, count);
      const a = [0, args[1], args[2] + r0 * rowFloats * 4];
      if (hasIndices) a.push(args[3] + r0 * rowFloats * 4);
      return { fn, args: a, header: i, fields };
    });
  }
  if (GROUP_KERNELS.has(fn)) {
    const h = args[0] >> 2;
    const header = heap.slice(h, h + PLAN_FIELDS.length);
    const planes = header[F.planes];
    const scratchBytes = groupBytesOf(header[F.inPlane], header[F.outPlane]);
    return ranges(Math.ceil(planes / 16), n).map(([g0, groups], i) => {
      const p0 = g0 * 16;
      return withScratch(planeItem(fn, args, header, args.length > 4, p0, Math.min(groups * 16, planes - p0), i), args, scratchBytes);
    });
  }
  if (ROW_FOLD_KERNELS.has(fn)) {
    const h = args[0] >> 2;
    const header = heap.slice(h, h + PLAN_FIELDS.length);
    const scratchBytes = ROW_FOLD_KERNELS.get(fn)!(header);
    return ranges(header[F.planes], n).map(([p0, count], i) => withScratch(planeItem(fn, args, header, false, p0, count, i), args, scratchBytes));
  }
  if (PLANE_KERNELS.has(fn)) {
    const [input, output, planes, length] = args;
    return ranges(planes, n).map(([p0, count]) => ({
      fn, args: [input + p0 * length * 4, output + p0 * 4, count, length], header: -1,
    }));
  }
  if (BATCH_KERNELS.has(fn)) {
    const [input, output, batches, rows, cols] = args;
    const matrix = rows * cols * BATCH_KERNELS.get(fn)!;
    return ranges(batches, n).map(([b0, count]) => ({
      fn, args: [input + b0 * matrix, output + b0 * matrix, count, rows, cols], header: -1,
    }));
  }
  return [{ fn, args: [...args], header: -1 }];
}

/** Planes [p0, p0 + count) of a plan kernel's call: a header copy, and pointers moved on (../ops/plane-range.ts). */
function planeItem(fn: string, args: readonly number[], header: Int32Array, hasIndices: boolean, p0: number, count: number, i: number): WorkItem {
  const { fields, inputOffset, outputOffset } = planeRange(header, p0, count);
  const a = [0, args[1] + inputOffset, args[2] + outputOffset];
  if (hasIndices) a.push(args[3] + outputOffset);
  return { fn, args: a, header: i, fields };
}

/** A plane item of a kernel whose last argument is scratch: the call's own for the first item (header 0), the engine allocates the others'. */
function withScratch(item: WorkItem, args: readonly number[], scratchBytes: number): WorkItem {
  if (item.header === 0) {
    item.args.push(args[args.length - 1]);
    return item;
  }
  item.args.push(0);
  return { ...item, scratchBytes };
}

/** `total` split into at most n contiguous, non-empty [start, count] ranges of near-equal size. */
export function ranges(total: number, n: number): Array<[number, number]> {
  const parts = Math.max(1, Math.min(n, total));
  const out: Array<[number, number]> = [];
  let start = 0;
  for (let i = 0; i < parts; i++) {
    const count = Math.floor(total / parts) + (i < total % parts ? 1 : 0);
    out.push([start, count]);
    start += count;
  }
  return out;
}
