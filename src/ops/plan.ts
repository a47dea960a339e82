// The window plan: the tables a pooling kernel walks, written into linear memory (layout in
// assembly/plan.ts). All spatial dims but the last are flattened into rows; the last is columns.
// Plans depend only on shapes and options, so the most recent ones are cached.
import { axisWindows, product, type Axis, type AxisWindows } from '../shape';
import type { LinearMemory } from '../memory';

/** Field order of assembly/plan.ts's Plan; every field is 32-bit. */
export const PLAN_FIELDS = [
  'planes', 'inPlane', 'outPlane', 'inW', 'channels', 'outRows', 'outW',
  'rowStarts', 'rowList', 'rowInit', 'rowDiv', 'colFirst', 'colCount', 'colDiv',
  'kw', 'stride', 'dilation', 'vecLo', 'vecHi', 'colOrigin', 'colMasks',
] as const;

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

/**
 * Write the plan for `axes` into a fresh block of `memory`; returns its address. The tables go
 * straight into wasm memory through its views. Staged in typed arrays, a plan made some twenty of
 * them, each allocated outside V8's heap: a 2D plan of a few dozen rows took 47 us, 6 us now.
 * (Per-window JavaScript values kept for the whole plan would exhaust the heap on plans of
 * millions of rows: only one short list of input rows per output row lives at a time here.)
 */
export function writePlan(memory: LinearMemory, shape: PlanShape, axes: readonly Axis[], divisor: Divisor): number {
  const windows = axes.map(axisWindows);
  const lead = axes.length - 1, colAxis = axes[lead], col = windows[lead], width = colAxis.size, out = colAxis.out;
  const rows = product(axes.slice(0, -1).map((a) => a.out));
  // An output row reads every combination of its axes' window rows: all rows, the product of the sums.
  const taps = product(windows.slice(0, -1).map((w) => w.count.reduce((n, c) => n + c, 0)));
  // One block: the Plan struct, then the tables (their lengths in elements), each 16-byte
  // aligned for vector loads, the gaps zero.
  const lengths = { rowStarts: rows + 1, rowList: taps, rowInit: rows, rowDiv: rows, colFirst: out, colCount: out, colDiv: out, colMasks: 24 };
  const offsets: Record<string, number> = {};
  let bytes = align16(PLAN_FIELDS.length * 4);
  for (const [name, n] of Object.entries(lengths)) {
    offsets[name] = bytes;
    bytes += align16(n * 4);
  }
  const ptr = memory.alloc(bytes, 'pooling plan');
  const ints = memory.view(Int32Array), floats = memory.view(Float32Array);
  // (each table's first element in the views)
  const [starts, list, init, div, first, count, colDiv, masks] = Object.values(offsets).map((a) => (ptr + a) >>> 2);
  ints.fill(0, ptr >>> 2, (ptr + bytes) >>> 2);

  // Output rows in scan order (row-major over the leading axes). `from`: the input rows the axes
  // before this one give, as flattened indices; each row's first index and divisor are doubles,
  // rounded once when written. Rows read as element offsets in the plane (row * width).
  let r = 0, t = 0;
  const rowsOf = (i: number, from: readonly number[], start: number, d: number): void => {
    if (i === lead) {
      for (const k of from) ints[list + t++] = k * width;
      ints[init + r] = divisor.noInputIndex && !from.length ? NO_INPUT : start * width;
      floats[div + r] = divisor.override ?? d;
      ints[starts + ++r] = t;
      return;
    }
    const a = axes[i], w = windows[i];
    for (let o = 0; o < a.out; o++) {
      const next: number[] = [];
      for (const k of from) for (let j = 0; j < w.count[o]; j++) next.push(k * a.size + w.first[o] + j * a.dilation);
      rowsOf(i + 1, next, start * a.size + w.first[o], d * (divisor.firstAxisOnly && i > 0 ? 1 : divisorFactor(w, o, divisor)));
    }
  };
  rowsOf(0, [0], 0, 1);

  for (let o = 0; o < out; o++) {
    ints[first + o] = divisor.noInputIndex && !col.count[o] ? NO_INPUT : col.first[o];
    ints[count + o] = col.count[o];
    // (Columns are never the first axis of a firstAxisOnly plan: those have two or three.)
    floats[colDiv + o] = divisor.override !== undefined || divisor.firstAxisOnly ? 1 : divisorFactor(col, o, divisor);
  }
  // Lane masks of the first and the last group of four output columns (planar kernels' masked
  // border groups): for tap j = 0, 1, 2 of each, -1 in the lanes whose tap lies inside the input
  // row, else 0 (six vectors, first group's three then last group's). Columns past a row
  // narrower than four are outside.
  [0, out - 4].forEach((o, side) => {
    for (let j = 0; j < 3; j++) {
      for (let lane = 0; lane < 4; lane++) {
        const c = (o + lane) * colAxis.stride - colAxis.padBefore + j * colAxis.dilation;
        ints[masks + side * 12 + j * 4 + lane] = c >= 0 && c < width ? -1 : 0;
      }
    }
  });
  const channels = shape.channelsLast ? shape.channels : 1;
  // The struct, in PLAN_FIELDS order; its table fields are the tables' addresses.
  const fields: Record<string, number> = {
    planes: shape.planes,
    inPlane: product(axes.map((a) => a.size)) * channels,
    outPlane: rows * out * channels,
    inW: width,
    channels,
    outRows: rows,
    outW: out,
    kw: colAxis.kernel,
    stride: colAxis.stride,
    dilation: colAxis.dilation,
    vecLo: col.interiorLo,
    vecHi: col.interiorHi,
    colOrigin: -colAxis.padBefore,
  };
  for (const name in offsets) fields[name] = ptr + offsets[name];
  ints.set(PLAN_FIELDS.map((name) => fields[name]), ptr >>> 2);
  return ptr;
}

/**
 * The first index of a window with no in-bounds tap in a noInputIndex plan (its rowInit, or its
 * colFirst): the kernels start an argmax at rowInit + colFirst, which this keeps below 0
 * whatever the other is (a plane has at most 2^30 cells here), where PyTorch's start index can
 * lie in the plane (a window past a row's end starts on the next row).
 */
const NO_INPUT = -(2 ** 30);

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
    // After an allocation failed, every plan goes: small blocks left between large ones split the
    // free memory, and a call that fitted the limit failed at every try (a plan cached above a
    // 4 MiB tensor, disposed since, left no 5 MiB block under an 8 MiB limit). No call is running
    // here (a running one's plans, pinned by simdpool/parallel's workers, are freed when it ends).
    const keep = this.#memory.pressure ? 0 : 64;
    this.#memory.pressure = false;
    // (the common case, nothing to free, takes no iterator: every call ends here)
    while (this.#plans.size > keep || (this.#bytes > 2 ** 24 && this.#plans.size > 2)) {
      const [[oldest, ptr]] = this.#plans; // (the least recently used)
      this.#plans.delete(oldest);
      this.#bytes -= this.#memory.free(ptr);
      this.generation++;
    }
  }
}
