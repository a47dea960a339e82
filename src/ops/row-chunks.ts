// Ranges of output rows for streaming a plane larger than a chunk (./stream.ts chunksOf): each
// range's input rows, copied in as one span, should stay in L2 while the kernel reads them, and
// the spans of consecutive ranges overlap where windows share input rows (3 / stride 2: one row
// in three), so longer ranges copy less twice.
import { FIELD } from './plane-range';

/** Output row r reads plane elements [lo[r], hi[r]); a row with no input row has lo > hi. */
export interface RowSpans {
  lo: Float64Array;
  hi: Float64Array;
}

export interface RowRange {
  r0: number;
  rows: number;
  /** Plane elements [lo, hi) the range reads. */
  lo: number;
  hi: number;
}

/**
 * Each output row's input span, from a plan in wasm memory (`heap` over its buffer, `header` its
 * fields): rowStarts/rowList give the row's input rows, as offsets within the plane in pixels of
 * `channels` elements (elements for planar plans, whose channels is 1), each inW pixels long.
 */
export function rowSpans(heap: Int32Array, header: Int32Array): RowSpans {
  const outRows = header[FIELD.outRows], channels = header[FIELD.channels], rowLength = header[FIELD.inW] * channels;
  const starts = header[FIELD.rowStarts] >> 2, list = header[FIELD.rowList] >> 2;
  const lo = new Float64Array(outRows).fill(Infinity), hi = new Float64Array(outRows).fill(-Infinity);
  for (let r = 0; r < outRows; r++) {
    for (let t = heap[starts + r]; t < heap[starts + r + 1]; t++) {
      const at = heap[list + t] * channels;
      lo[r] = Math.min(lo[r], at);
      hi[r] = Math.max(hi[r], at + rowLength);
    }
  }
  return { lo, hi };
}

/**
 * Consecutive ranges of rows, each reading at most `target` elements (or one row): the smallest
 * target from the given one up, doubling, whose ranges copy at most 1.25x the plane's
 * `planeElements` in all (3D windows read whole slices of rows, so short ranges would copy the
 * same rows many times); a single range of every row when none does.
 */
export function rowChunks(spans: RowSpans, target: number, planeElements: number): RowRange[] {
  for (; target < planeElements; target *= 2) {
    const ranges = greedyRanges(spans, target);
    if (ranges.reduce((n, r) => n + r.hi - r.lo, 0) <= 1.25 * planeElements) return ranges;
  }
  return greedyRanges(spans, Infinity);
}

/** Ranges grown row by row while their span stays within `target` elements. */
function greedyRanges(spans: RowSpans, target: number): RowRange[] {
  const ranges: RowRange[] = [];
  const rows = spans.lo.length;
  for (let r0 = 0; r0 < rows;) {
    let lo = spans.lo[r0], hi = spans.hi[r0], r1 = r0 + 1;
    for (; r1 < rows; r1++) {
      const l = Math.min(lo, spans.lo[r1]), h = Math.max(hi, spans.hi[r1]);
      if (h - l > target) break;
      lo = l;
      hi = h;
    }
    // (a range whose rows read nothing copies nothing)
    ranges.push(lo <= hi ? { r0, rows: r1 - r0, lo, hi } : { r0, rows: r1 - r0, lo: 0, hi: 0 });
    r0 = r1;
  }
  return ranges;
}
