// One plan kernel's call restricted to planes [p0, p0 + count), without any kernel change.
//
// Plan kernels (Rows, Channels, PlaneGroups) loop over `planes` and address every plane relative
// to the input and output pointers they are given; every table in the plan is per plane, and
// indices are flat indices within a plane. So a range of planes is a copy of the plan header
// with `planes` = count, run on pointers moved on by p0 planes: each output element is computed
// by the same code from the same inputs, bit for bit. simdpool/parallel makes its work items
// this way (src/parallel/split.ts), and end-to-end calls stream through wasm memory in such
// ranges (./stream.ts). Both also split a call by output rows (rowRange).
import { PLAN_FIELDS } from './plan';

type Field = (typeof PLAN_FIELDS)[number];
/** Index of each field in a plan header read as an Int32Array. */
export const FIELD = Object.fromEntries(PLAN_FIELDS.map((name, i) => [name, i])) as Record<Field, number>;
/** Bytes of one plan header copy (16-byte aligned). */
export const HEADER_BYTES = Math.ceil((PLAN_FIELDS.length * 4) / 16) * 16;

/** A plan's header fields (a copy), read from wasm memory at `plan`. */
export function readHeader(memory: WebAssembly.Memory, plan: number): Int32Array {
  return new Int32Array(memory.buffer, plan, PLAN_FIELDS.length).slice();
}

export interface PlaneRange {
  /** The header of a call over the range only. */
  fields: Int32Array;
  /** Bytes to move the input pointer on by, and the output (and indices) pointers. */
  inputOffset: number;
  outputOffset: number;
}

/** Planes [p0, p0 + count) of the call whose plan header is `header`. */
export function planeRange(header: Int32Array, p0: number, count: number): PlaneRange {
  const fields = header.slice();
  fields[FIELD.planes] = count;
  return { fields, inputOffset: p0 * header[FIELD.inPlane] * 4, outputOffset: p0 * header[FIELD.outPlane] * 4 };
}

/**
 * Sets `fields` (a header copy) to output rows [r0, r0 + rows) of every plane of the call whose
 * header is `header`: its per-row tables start r0 entries on (rowStarts holds absolute positions
 * in rowList, which stays shared). The output pointer must then move on by r0 rows.
 */
export function rowRange(fields: Int32Array, header: Int32Array, r0: number, rows: number): Int32Array {
  fields[FIELD.outRows] = rows;
  for (const table of [FIELD.rowStarts, FIELD.rowInit, FIELD.rowDiv]) fields[table] = header[table] + r0 * 4;
  return fields;
}
