// The window plan: the tables a pooling kernel walks, written into linear memory (layout in
// assembly/plan.ts). All spatial dims but the last are flattened into rows; the last is columns.
// Plans depend only on shapes and options, so the most recent ones are cached.
import { axisWindows, type Axis, type AxisWindows } from '../shape';
import type { LinearMemory } from '../memory';

/** Field order of assembly/plan.ts's Plan; every field is 32-bit. */
export const PLAN_FIELDS = [
  'planes', 'inPlane', 'outPlane', 'inW', 'channels', 'outRows', 'outW',
  'rowStarts', 'rowList', 'rowInit', 'rowDiv', 'colFirst', 'colCount', 'colDiv',
  'kw', 'stride', 'dilation', 'vecLo', 'vecHi', 'colOrigin', 'colMasks',
] as const;
type PlanField = (typeof PLAN_FIELDS)[number];

/**
 * How an average's divisor is formed (max pooling ignores that), and, for the argmax that max
 * gradients recompute, how a window with no in-bounds tap starts (noInputIndex).
 */
export interface Divisor {
  override?: number;
  /** Count padded cells (countIncludePad); otherwise only cells inside the input. */
  countPadding: boolean;
  /**
   * Divide by the first axis's window sizes only: adaptive averages that PyTorch divides axis
   * by axis (sum / kH / kW), the other axes divided after the kernel (./window-sizes.ts).
   */
  firstAxisOnly?: boolean;
  /**
   * (Max pooling's gradients.) A window with no in-bounds tap reports no input cell: its argmax
   * starts below 0 (NO_INPUT), where forward indices keep PyTorch's start index.
   */
  noInputIndex?: boolean;
}

/** What the kernel iterates over: planes of contiguous columns, or pixels of `channels` floats. */
export interface PlanShape {
  channelsLast: boolean;
  planes: number;
  channels: number;
}

export function planKey(shape: PlanShape, axes: readonly Axis[], divisor: Divisor): string {
  return JSON.stringify([
    shape.channelsLast, shape.planes, shape.channels, divisor.override, divisor.countPadding, !!divisor.firstAxisOnly, !!divisor.noInputIndex,
    axes.map((x) => [x.size, x.kernel, x.stride, x.dilation, x.padBefore, x.padAfter, x.out, !!x.adaptive]),
  ]);
}

/** Write the plan for `axes` into a fresh block of `memory`; returns its address. */
export function writePlan(memory: LinearMemory, shape: PlanShape, axes: readonly Axis[], divisor: Divisor): number {
  const windows = axes.map(axisWindows);
  const col = windows[windows.length - 1];
  const colAxis = axes[axes.length - 1];
  const rows = flattenRows(axes.slice(0, -1), windows.slice(0, -1), divisor, colAxis.size);

  // One block: the Plan struct, then the tables, each 16-byte aligned for vector loads.
  const parts: Array<[PlanField, Int32Array | Float32Array]> = [
    ['rowStarts', rows.starts],
    ['rowList', rows.list],
    ['rowInit', rows.init],
    ['rowDiv', rows.div],
    ['colFirst', divisor.noInputIndex ? col.first.map((first, o) => (col.count[o] === 0 ? NO_INPUT : first)) : col.first],
    ['colCount', col.count],
    ['colDiv', columnDivisors(col, divisor)],
    ['colMasks', columnMasks(colAxis)],
  ];
  let offset = align16(PLAN_FIELDS.length * 4);
  const offsets = parts.map(([, table]) => {
    const at = offset;
    offset = align16(offset + table.length * 4);
    return at;
  });
  const ptr = memory.alloc(offset, 'pooling plan');
  const bytes = new ArrayBuffer(offset);
  const channels = shape.channelsLast ? shape.channels : 1;
  // The struct's table fields (rowStarts ... colMasks) are the tables' addresses, set below.
  const fields = {
    planes: shape.planes,
    inPlane: axes.reduce((n, a) => n * a.size, 1) * channels,
    outPlane: axes.reduce((n, a) => n * a.out, 1) * channels,
    inW: colAxis.size,
    channels,
    outRows: rows.init.length,
    outW: colAxis.out,
    kw: colAxis.kernel,
    stride: colAxis.stride,
    dilation: colAxis.dilation,
    vecLo: col.interiorLo,
    vecHi: col.interiorHi,
    colOrigin: -colAxis.padBefore,
  } as Record<PlanField, number>;
  parts.forEach(([name, table], i) => {
    new (table.constructor as Int32ArrayConstructor)(bytes, offsets[i], table.length).set(table as Int32Array);
    fields[name] = ptr + offsets[i];
  });
  const header = new Int32Array(bytes, 0, PLAN_FIELDS.length);
  PLAN_FIELDS.forEach((name, i) => (header[i] = fields[name]));
  new Uint8Array(memory.memory.buffer, ptr, offset).set(new Uint8Array(bytes));
  return ptr;
}

interface RowTables {
  starts: Int32Array;
  list: Int32Array;
  init: Int32Array;
  div: Float32Array;
}

/**
 * The cartesian product of the leading axes' windows, in scan order: for every output row
 * (row-major over the leading axes), the flattened input rows it reads, as element offsets.
 * Built axis by axis in typed arrays (a row's first index and divisor in doubles, rounded once
 * at the end; TypedArray.from is not used, as it first lists its source in a JavaScript array):
 * an object and an array per row exhausted the JavaScript heap at 2^24 rows.
 */
function flattenRows(axes: readonly Axis[], windows: readonly AxisWindows[], divisor: Divisor, width: number): RowTables {
  let starts: ArrayLike<number> = [0, 1], list: ArrayLike<number> = [0], init: Float64Array | number[] = [0], div: Float64Array | number[] = [1];
  axes.forEach((a, i) => {
    const w = windows[i], rows = init.length * a.out;
    const S = new Float64Array(rows + 1), L = new Int32Array(list.length * w.count.reduce((n, c) => n + c, 0));
    const I = new Float64Array(rows), V = new Float64Array(rows);
    for (let e = 0, r = 0, t = 0; e < init.length; e++) {
      for (let o = 0; o < a.out; o++, r++) {
        for (let k = starts[e]; k < starts[e + 1]; k++) for (let j = 0; j < w.count[o]; j++) L[t++] = list[k] * a.size + w.first[o] + j * a.dilation;
        S[r + 1] = t;
        I[r] = init[e] * a.size + w.first[o];
        V[r] = div[e] * (divisor.firstAxisOnly && i > 0 ? 1 : divisorFactor(w, o, divisor));
      }
    }
    starts = S, list = L, init = I, div = V;
  });
  // Kernels take rows as element offsets in the plane (row * width).
  return {
    starts: new Int32Array(starts),
    list: new Int32Array(list).map((row) => row * width),
    init: new Int32Array(init.map((first, r) => (divisor.noInputIndex && starts[r + 1] === starts[r] ? NO_INPUT : first * width))),
    div: new Float32Array(div.map((d) => divisor.override ?? d)),
  };
}

/**
 * The first index of a window with no in-bounds tap in a noInputIndex plan (its rowInit, or its
 * colFirst): the kernels start an argmax at rowInit + colFirst, which this keeps below 0
 * whatever the other is (a plane has at most 2^30 cells here), where PyTorch's start index can
 * lie in the plane (a window past a row's end starts on the next row).
 */
const NO_INPUT = -(2 ** 30);

function columnDivisors(w: AxisWindows, divisor: Divisor): Float32Array {
  // (Columns are never the first axis of a firstAxisOnly plan: those have two or three.)
  // (count.map: Float32Array.from would list the counts in a JavaScript array first)
  return new Float32Array(w.count.map((_, o) => (divisor.override !== undefined || divisor.firstAxisOnly ? 1 : divisorFactor(w, o, divisor))));
}

/**
 * Lane masks of the first and the last group of four output columns (planar kernels' masked
 * border groups): for tap j = 0, 1, 2 of each, -1 in the lanes whose tap lies inside the input
 * row, else 0 (six vectors, first group's three then last group's). Columns past a row
 * narrower than four are outside.
 */
export function columnMasks(a: Axis): Int32Array {
  const masks = new Int32Array(24);
  [0, a.out - 4].forEach((o, side) => {
    for (let j = 0; j < 3; j++) {
      for (let lane = 0; lane < 4; lane++) {
        const col = (o + lane) * a.stride - a.padBefore + j * a.dilation;
        masks[side * 12 + j * 4 + lane] = col >= 0 && col < a.size ? -1 : 0;
      }
    }
  });
  return masks;
}

/** One axis' part of an average's divisor. A window with no cell to count sums to 0 and stays 0. */
export function divisorFactor(w: AxisWindows, o: number, divisor: Divisor): number {
  const cells = divisor.countPadding ? w.padded[o] : w.count[o];
  return cells === 0 ? 1 : cells;
}

function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}

/**
 * Plans by key, least recently used first. When a call ends (trim, from CallMemory) the oldest are
 * freed while there are more than 64, or more than two and their bytes pass 16 MiB: plans of CNN
 * layers take a few KB, but a plan takes 12 bytes an output column, and the plans of a few very
 * wide rows (1D signals of millions of samples) held hundreds of MB between calls, until new
 * shapes ran wasm memory out with no tensor live. Two are kept, and never freed during a call:
 * a call may take two (channel planes' own, ./channel-planes.ts), and hold one from its signature.
 */
export class PlanCache {
  readonly #plans = new Map<string, number>();
  readonly #memory: LinearMemory;
  #bytes = 0;
  /** Changes whenever a plan is freed: an address obtained in the same generation is still live. */
  generation = 0;
  constructor(memory: LinearMemory) {
    this.#memory = memory;
  }

  get(shape: PlanShape, axes: readonly Axis[], divisor: Divisor, key = planKey(shape, axes, divisor)): number {
    let ptr = this.#plans.get(key);
    if (ptr !== undefined) {
      this.#plans.delete(key);
    } else {
      ptr = writePlan(this.#memory, shape, axes, divisor);
      this.#bytes += this.#memory.size(ptr);
    }
    this.#plans.set(key, ptr);
    return ptr;
  }

  trim(): void {
    // (the common case, nothing to free, takes no iterator: every call ends here)
    while (this.#plans.size > 64 || (this.#bytes > 2 ** 24 && this.#plans.size > 2)) {
      const [[oldest, ptr]] = this.#plans; // (the least recently used)
      this.#plans.delete(oldest);
      this.#bytes -= this.#memory.free(ptr);
      this.generation++;
    }
  }
}
