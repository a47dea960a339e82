// Pooling of int8/uint8 tensors (kernels in assembly/bytes.ts): max pooling is exact and needs
// no quantization parameters; averages requantize integer window sums the way PyTorch's
// quantized CPU kernels (1.13) do, with one table entry per output position:
//   windowed (avg_pool1d/2d, PyTorch's contiguous kernel avg_pool2d_out_frame):
//     q = clamp(nearbyint(f32(sum - count * zeroPoint) * m + outZeroPoint)),
//   and avg_pool3d, whose kernel (any layout) adds the output zero point after rounding:
//     q = clamp(nearbyint(f32(sum - count * zeroPoint) * m) + outZeroPoint),
//     m = f32(scale / outScale / divisor), count = in-bounds cells, divisor as for float32;
//   adaptive and global (adaptive_avg_pool*, whose output keeps the input's scale and zero point):
//     q = nearbyint(f32(sum) * m), m = f32(...f32(f32(1 / k0) / k1)... / kLast) over the window's
//     per-axis sizes, the sum exact however large the window (PyTorch's contiguous kernel sums in
//     int64: windows of more than INT32_CELLS take assembly/bytes.ts adaptiveAvgBytesWide); except
//     3D ones to 1x1x1, which PyTorch takes as its quantized mean
//     (one division: q = nearbyint(f32(sum) / f32(cells)), assembly/bytes.ts meanBytes),
// all in float32 with round-half-to-even.
import type { Context } from '../context';
import { BoundedMap } from '../bounded-map';
import { describe } from '../describe';
import { adaptiveAxes, axisWindows, plainAxis, product, shapeWith, wholeAxes, type Axis } from '../shape';
import type { DType } from '../tensor';
import { planKey, divisorFactor, type Divisor } from './plan';
import { derivedPlanOf, planBytesBound, planDivisor, planOf, planShapeOf, type Outputs, type PlanRef, type Settings } from './pool';
import { QUANT_OPTIONS, type OperatorSpec } from './registry';
import { CallMemory, checkFits, type TensorArg } from './tensors';

/** Quantization parameters of an int8/uint8 average: real value = scale * (q - zeroPoint). */
export interface Quant {
  scale: number;
  zeroPoint: number;
  outScale: number;
  outZeroPoint: number;
}

type ByteDType = 'int8' | 'uint8';
const RANGE: Record<ByteDType, [number, number]> = { int8: [-128, 127], uint8: [0, 255] };
/**
 * The kernels read every byte as a signed code; uint8 ones biased by -128 (their top bit
 * flipped), which shifts a window's sum by -128 per cell: the offsets below add it back.
 */
const BIAS: Record<ByteDType, number> = { int8: 0, uint8: 128 };

/** `scale` and `zeroPoint` (required) and `outScale`/`outZeroPoint` (default: the input's). */
export function readQuant(op: string, bag: Record<string, unknown>, dtype: ByteDType): Quant {
  const scale = readScale(op, 'scale', bag.scale, dtype, undefined);
  const zeroPoint = readZeroPoint(op, 'zeroPoint', bag.zeroPoint, dtype, undefined);
  const outScale = readScale(op, 'outScale', bag.outScale, dtype, scale);
  const outZeroPoint = readZeroPoint(op, 'outZeroPoint', bag.outZeroPoint, dtype, zeroPoint);
  const ratio = Math.fround(scale / outScale);
  if (!(ratio > 0 && Number.isFinite(ratio))) {
    throw new RangeError(`${op}: scale / outScale must be a positive float32, got ${scale} / ${outScale}`);
  }
  return { scale, zeroPoint, outScale, outZeroPoint };
}

function readScale(op: string, name: string, value: unknown, dtype: ByteDType, fallback: number | undefined): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const what = `${op}: ${name} must be a positive finite number`;
  if (typeof value !== 'number') {
    const why = fallback === undefined ? `the ${dtype} average needs the input's quantization scale` : "the result's scale; absent: scale";
    throw new TypeError(`${what} (${why}), got ${describe(value)}`);
  }
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${what}, got ${describe(value)}`);
  return value;
}

function readZeroPoint(op: string, name: string, value: unknown, dtype: ByteDType, fallback: number | undefined): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const [lo, hi] = RANGE[dtype];
  const what = `${op}: ${name} must be an integer in [${lo}, ${hi}]`;
  if (typeof value !== 'number') {
    const why = fallback === undefined ? `the ${dtype} average needs the input's zero point` : "the result's zero point; absent: zeroPoint";
    throw new TypeError(`${what} (${why}), got ${describe(value)}`);
  }
  if (!Number.isInteger(value) || value < lo || value > hi) throw new RangeError(`${what}, got ${describe(value)}`);
  return value;
}

/** The per-position tables of an average: i32 offsets then f32 multipliers, and the zero point added. */
interface Tables {
  offsets: Int32Array;
  multipliers: Float32Array;
  zeroPoint: number;
}

/**
 * The most cells whose window sum fits the i32 kernels (avgPoolBytes, globalAvgBytes): a code
 * minus a zero point is within +-255, so 2^31 / 255. PyTorch's windowed averages sum in int32
 * too (a uint8 average of 3000x3000 cells of 255 gave 0), so theirs are a RangeError beyond it;
 * its contiguous adaptive kernel sums in int64, and so do ours beyond it (adaptiveAvgBytesWide).
 */
const INT32_CELLS = 8421504;

const tableCaches = new WeakMap<Context, BoundedMap<string, Tables>>();

function averageTables(ctx: Context, key: string, axes: readonly Axis[], divisor: Divisor, quant: Quant | undefined, bias: number): Tables {
  let cache = tableCaches.get(ctx);
  if (!cache) tableCaches.set(ctx, (cache = new BoundedMap(64)));
  const fullKey = `${key}|${bias}|${quant ? `${quant.scale},${quant.zeroPoint},${quant.outScale},${quant.outZeroPoint}` : 'adaptive'}`;
  let t = cache.get(fullKey);
  if (!t) {
    t = quant ? windowTables(axes, divisor, quant, bias) : adaptiveTables(axes, bias);
    cache.set(fullKey, t);
  }
  return t;
}

/** largestWindow by the axes it was computed for: a repeated call's axes are the same array (pool.ts keeps a call's resolution). */
const largestWindows = new WeakMap<readonly Axis[], number>();

/**
 * The cell count of the largest window over `axes` (windows are the product of each axis's),
 * kept for the axes: building every window of each axis took a quarter of a small average's call.
 */
function largestWindow(axes: readonly Axis[]): number {
  let cells = largestWindows.get(axes);
  if (cells === undefined) {
    cells = axes.reduce((n, a) => n * axisWindows(a).count.reduce((m, k) => Math.max(m, k), 0), 1);
    largestWindows.set(axes, cells);
  }
  return cells;
}

/**
 * An average's tables: every output position's offset and multiplier, row-major, from `entry`
 * (the window's cell count, and its cells and divisor factors per axis).
 */
function tablesOf(
  axes: readonly Axis[], divisor: Divisor, zeroPoint: number,
  entry: (count: number, cells: number[], divisors: number[]) => [number, number],
): Tables {
  const windows = axes.map(axisWindows);
  const total = axes.reduce((n, a) => n * a.out, 1);
  const offsets = new Int32Array(total);
  const multipliers = new Float32Array(total);
  const at = new Array<number>(axes.length).fill(0);
  for (let i = 0; i < total; i++) {
    const cells = windows.map((w, d) => w.count[at[d]]);
    const count = product(cells);
    [offsets[i], multipliers[i]] = entry(count, cells, windows.map((w, d) => divisorFactor(w, at[d], divisor)));
    for (let d = axes.length - 1; d >= 0 && ++at[d] === axes[d].out; d--) at[d] = 0;
  }
  return { offsets, multipliers, zeroPoint };
}

function windowTables(axes: readonly Axis[], divisor: Divisor, q: Quant, bias: number): Tables {
  const ratio = q.scale / q.outScale; // double, as PyTorch's scale_factor
  return tablesOf(axes, divisor, q.outZeroPoint, (count, cells, divisors) => [
    count * (q.zeroPoint - bias), // sum - count*zeroPoint, from the biased sum
    Math.fround(ratio / (divisor.override ?? product(divisors))),
  ]);
}

function adaptiveTables(axes: readonly Axis[], bias: number): Tables {
  return tablesOf(axes, { countPadding: false }, 0, (count, cells) => [
    -bias * count, // the plain sum, from the biased sum (unused past INT32_CELLS: adaptiveAvgBytesWide reads the multipliers only)
    // f32 division axis by axis (one float rounding each), as PyTorch's kDr, kDHr, kDHWr.
    cells.reduce((m, k) => Math.fround(m / k), 1),
  ]);
}

/** runPool for int8/uint8 inputs: same plans, byte kernels, results in the input's dtype. */
export function runPoolBytes(
  ctx: Context, op: OperatorSpec, arg: TensorArg, axes: readonly Axis[], s: Settings, bag: Outputs, cached?: PlanRef,
): unknown {
  const dtype = arg.dtype as ByteDType;
  const g = arg.g;
  const outSizes = axes.map((a) => a.out);
  const outShape = shapeWith(g, outSizes);
  const resident = arg.tensor !== undefined;
  const outPlane = product(outSizes);
  const pixels = product(g.spatial);
  const inElements = g.batch * g.channels * pixels, outElements = g.batch * g.channels * outPlane;
  const work = g.batch > 0 && outPlane > 0;
  const bias = BIAS[dtype];
  const divisor = planDivisor(s);
  // A 3D adaptive or global average to 1x1x1: PyTorch's quantized mean.
  const mean = s.reduce === 'avg' && !s.quant && axes.length === 3 && outPlane === 1;
  // Averages other than the mean run on per-position tables (built once the call is known to fit).
  const tabled = work && s.reduce === 'avg' && !mean;
  // Windows too large for i32 sums: a windowed average's would wrap, as PyTorch's int32 sums do;
  // an adaptive one's are exact (wide), as PyTorch's int64 sums.
  const largest = tabled ? largestWindow(axes) : 0;
  if (s.quant && largest > INT32_CELLS) {
    throw new RangeError(`${op.name}: a window of ${largest} cells is over the int8/uint8 windowed average's ${INT32_CELLS} (its int32 sum could wrap, as PyTorch's does)`);
  }
  const wide = largest > INT32_CELLS;
  // Channels-last pixels of 2 to 4 or 8 channels (RGB images, canvas RGBA) go as planes: transposed
  // into scratch sixteen pixels a step (assembly/pixels.ts transpose_u8), pooled by the planar
  // kernels (sixteen outputs a vector) and transposed back, where the channel-lane paths go
  // sixteen channels at a time (a 2x2 max took 16-18x its NCHW time). Not with indices, nor for
  // the exact sums of means and huge windows, nor for rows of fewer than 8 outputs, where the
  // planar kernels' vectors go mostly empty (max 14x14 -> 7 and 8x8 -> 4 0.8-0.95x). Max gains
  // from 8 since the planar kernels take narrow rows a group a row (1.25-2.5x at 8 to 15 outputs,
  // where the separable passes had made 28x28 0.6-0.9x), but not in 1D, whose planes are one row
  // (0.9x); averages of 2 to 4 channels, whose channel lanes cost more, from 8 too (1.2-1.4x);
  // averages of 8 channels from 16 (14x14 0.7-0.85x).
  const stageable = work && !s.returnIndices && !mean && !wide, row = axes[axes.length - 1];
  const fewestOutputs = s.reduce === 'avg' ? (g.channels === 8 ? 16 : 8) : axes.length > 1 ? 8 : 16;
  const asPlanes = stageable && g.channelsLast && (g.channels >= 2 && g.channels <= 4 || g.channels === 8) &&
    row.out >= fewestOutputs;
  // Channels-first calls of 16 channels or more, in 2D and 3D, go as pixels the other way round
  // (transpose_u8 in 16x16 tiles), pooled by the channel-lane kernels, sixteen channels a vector,
  // where the planar kernels take rows of fewer than 16 outputs with a part of their lanes, and
  // windows they do not take straight from the rows (irregular adaptive ones, wider than 3, at a
  // stride over 2, dilated) through the separable passes, narrow rows a column at a time: adaptive
  // 13 -> 6 3-5.9x, 28 -> 7 1.8-3x, 7x7 averages 1.9-3.4x, 14x14 1.1-1.6x, 7x7 3 / stride 1 max
  // 2.3x; wider rows: 5 / stride 1 max (YOLOv5's SPPF) 20x20 1.6-1.7x, 40x40 1.2-1.4x, 3 / stride 3
  // 1.7x, dilated 1.4x. Not max over windows the planar kernels take at stride 2 (2x2 0.2-0.6x,
  // 3 wide level), nor windows of more than 64 cells an output (adaptive 112 -> 6 0.84x), nor
  // samples of more than 1 MiB, whose transposes leave the caches (4 / stride 4 on 224x224x64
  // 0.83x), nor wider rows of windows the planar kernels take (2x2 on 56 columns 0.3x, 3 / stride 2
  // on 112 0.66x), nor 1D, whose planes are single rows the planar kernels take back to back
  // (0.45-0.6x).
  const direct = !row.adaptive && row.kernel <= 3 && row.stride <= 2 && row.dilation === 1;
  const asPixels = stageable && !g.channelsLast && g.channels >= 16 && axes.length > 1 && pixels <= 64 * outPlane &&
    (row.out < 16 ? !(s.reduce === 'max' && direct && row.stride === 2) : !direct && g.channels * pixels <= 1 << 20);
  // Pixels of 5 to 15 other channels are widened to sixteen bytes in scratch (assembly/pixels.ts
  // repitch_u8), pooled by the sixteen-channel lane kernels (the extra lanes' bytes stay in their
  // lanes) and packed back, where their own channel lanes went a byte at a time (2x2 max 13-19x
  // their NCHW time). Not for fewer than 128 outputs, nor windows of more than 32 cells, where
  // the widening costs more than it saves (0.55-0.9x). (The cells bound comes from the kernel
  // sizes, an adaptive axis's being its windows' bound, not largestWindow, which builds every
  // window of the call.)
  const asSixteen = stageable && g.channelsLast && g.channels > 4 && g.channels < 16 && g.channels !== 8 && g.batch * outPlane >= 128 &&
    axes.reduce((n, a) => n * a.kernel, 1) <= 32;
  const shape = planShapeOf(asPlanes ? { ...g, channelsLast: false } : asPixels ? { ...g, channelsLast: true } : asSixteen ? { ...g, channels: 16 } : g);
  const rowElements = row.size * shape.channels, outRowElements = row.out * shape.channels;
  // max: one byte row; avg: an i32 row of sums over rows, one of window sums, and the tables;
  // exact sums (mean, wide): i32 strip sums and f64 sums per channel.
  const sumsBytes = shape.channels * 12 + 64;
  // (averages over planar rows of fewer than 16 outputs keep a plane's window sums, assembly/bytes.ts avgPoolLanes)
  const sumsElements = shape.channels === 1 && row.out < 16 ? outPlane : outRowElements;
  const scratchBytes = mean || wide ? sumsBytes : s.reduce === 'avg' ? (rowElements + 16 + sumsElements + 16) * 4 + 320 : rowElements + 192;
  const tableBytes = tabled ? outPlane * 8 : 0;
  const stageIn = asPlanes || asPixels ? inElements : asSixteen ? g.batch * pixels * 16 : 0;
  const stageOut = asPlanes || asPixels ? outElements : asSixteen ? g.batch * outPlane * 16 : 0;
  checkFits(op.name, outShape, outElements * (s.returnIndices ? 5 : 1) + (resident ? 0 : inElements) +
    (work ? (mean ? sumsBytes : scratchBytes + tableBytes + planBytesBound(axes) + stageIn + stageOut) : 0));
  const call = new CallMemory(ctx, op.name);
  try {
    // (`out` checked before a plain input is copied in: a wrong one grows no memory)
    const out = call.output('out', dtype, outShape, g.layout, resident, bag.out, [arg]);
    const idx = s.returnIndices
      ? call.output('outIndices', 'int32', outShape, g.layout, resident, bag.outIndices, [arg])
      : undefined;
    const input = call.input(arg);
    if (work && mean) {
      ctx.kernels.meanBytes(input, out.ptr, shape.planes, pixels, shape.channels, bias, call.block(sumsBytes, 'mean sums'));
    } else if (work) {
      const plan = stageIn ? derivedPlanOf(ctx, cached, shape, axes, divisor) : planOf(ctx, shape, axes, divisor, cached);
      const k = ctx.kernels;
      // (staged: the kernels read and write scratch, planes, pixels or sixteen-byte pixels, made
      // from the input and made into the output)
      const from = stageIn ? call.block(stageIn, 'staged input') : input;
      const to = stageIn ? call.block(stageOut, 'staged output') : out.ptr;
      if (asPlanes) k.transpose_u8(input, from, g.batch, pixels, g.channels);
      else if (asPixels) k.transpose_u8(input, from, g.batch, g.channels, pixels);
      else if (asSixteen) k.repitch_u8(input, from, g.batch * pixels, g.channels, 16);
      if (idx) {
        k.maxPoolBytesIndices(plan, input, out.ptr, idx.ptr, bias);
        ctx.interop?.remapIndices(k, g, outPlane, idx.ptr, s.indexFormat);
      } else if (!tabled) {
        k.maxPoolBytes(plan, from, to, call.block(scratchBytes, 'row scratch'), bias);
      } else {
        const tables = averageTables(ctx, cached?.planKey ?? planKey(shape, axes, divisor), axes, divisor, s.quant, bias);
        const tablePtr = writeTables(ctx, call, tables);
        const multipliers = tablePtr + tables.offsets.byteLength;
        if (wide) k.adaptiveAvgBytesWide(plan, input, out.ptr, multipliers, bias, call.block(scratchBytes, 'window sums'));
        else {
          // PyTorch's quantized avg_pool3d adds the output zero point after rounding, avg_pool1d/2d before.
          const after = axes.length === 3 && s.quant ? tables.zeroPoint : 0;
          k.avgPoolBytes(plan, from, to, call.block(scratchBytes, 'row scratch'), tablePtr, multipliers, tables.zeroPoint - after, bias, after);
        }
      }
      if (asPlanes) k.transpose_u8(to, out.ptr, g.batch, g.channels, outPlane);
      else if (asPixels) k.transpose_u8(to, out.ptr, g.batch, outPlane, g.channels);
      else if (asSixteen) k.repitch_u8(to, out.ptr, g.batch * outPlane, 16, g.channels);
    }
    call.finish();
    return idx ? { output: out.result, indices: idx.result } : out.result;
  } finally {
    call.release();
  }
}

/** Copy an average's tables into a scratch block: offsets, then multipliers. */
function writeTables(ctx: Context, call: CallMemory, t: Tables): number {
  const bytes = t.offsets.byteLength + t.multipliers.byteLength;
  const ptr = call.block(bytes, 'requantization tables');
  const buffer = ctx.memory.memory.buffer;
  new Int32Array(buffer, ptr, t.offsets.length).set(t.offsets);
  new Float32Array(buffer, ptr + t.offsets.byteLength, t.multipliers.length).set(t.multipliers);
  return ptr;
}

/** Global max/avg pooling of an int8/uint8 tensor (no options but `out`, `nanMode`). */
export function globalPoolBytes(ctx: Context, op: OperatorSpec, arg: TensorArg, bag: Record<string, unknown>): unknown {
  const dtype = arg.dtype as ByteDType;
  const g = arg.g;
  const shape = planShapeOf(g);
  const axes = wholeAxes(g.spatial);
  const length = product(g.spatial);
  if (shape.channelsLast || (op.reduce === 'avg' && (axes.length === 3 || length > INT32_CELLS))) {
    // Channels-last: one window over every pixel, through the plan kernels (channel lanes);
    // 3D averages: PyTorch's quantized mean; planes too large for i32 sums: exact ones (runPoolBytes).
    const settings = { reduce: op.reduce, divisor: { countPadding: false }, returnIndices: false, indexFormat: { kind: 'plane' } };
    return runPoolBytes(ctx, op, arg, axes, settings as Settings, bag);
  }
  const outShape = shapeWith(g, g.spatial.map(() => 1));
  const call = new CallMemory(ctx, op.name);
  try {
    const out = call.output('out', dtype, outShape, g.layout, arg.tensor !== undefined, bag.out, [arg]);
    const input = call.input(arg);
    if (g.batch > 0) {
      // Planar: each plane is one contiguous run.
      const k = ctx.kernels;
      const bias = BIAS[dtype];
      if (op.reduce === 'max') k.globalMaxBytes(input, out.ptr, shape.planes, length, bias);
      else {
        const t = adaptiveTables(axes, bias);
        k.globalAvgBytes(input, out.ptr, shape.planes, length, t.offsets[0], t.multipliers[0], 0, bias);
      }
    }
    call.finish();
    return out.result;
  } finally {
    call.release();
  }
}

/**
 * What the full engine hands its operators for int8/uint8 inputs (Context.bytes); simdpool/core
 * leaves it out, so its bundle carries none of this file.
 */
export const BYTE_OPS = { quantOf, runPool: runPoolBytes, globalPool: globalPoolBytes, adaptiveAxes: byteAdaptiveAxes };

/**
 * Axes of adaptive pooling (shape.ts adaptiveAxes) in the full engine. An int8/uint8 average's:
 * PyTorch's quantized kernel bounds its windows in float32,
 * [floor(f32(o*size) / out), ceil(f32((o+1)*size) / out)), clamped here to the input (PyTorch reads
 * past it). An axis with size*out <= 2^24 has exactly float32 pooling's integer bounds (a quotient
 * below an integer by k/out, k >= 1, stays below it in float32 there), so it keeps adaptiveAxes'
 * axis; a longer one gets its windows computed here, and a kernel bound of two cells more (a window
 * can round one cell wider at each end), which also keeps its plans apart from the exact ones.
 */
function byteAdaptiveAxes(spatial: readonly number[], outSizes: readonly number[], dtype: DType, reduce: string): Axis[] {
  const exact = adaptiveAxes(spatial, outSizes);
  return spatial.map((size, i) => {
    const out = outSizes[i];
    if (dtype === 'float32' || reduce !== 'avg' || size * out <= 2 ** 24) return exact[i];
    const at = (o: number) => Math.fround(Math.fround(o * size) / out);
    const first = Int32Array.from({ length: out }, (_, o) => Math.floor(at(o)));
    const count = Int32Array.from({ length: out }, (_, o) => Math.min(Math.ceil(at(o + 1)), size) - first[o]);
    const kernel = Math.ceil(size / out) + 3;
    return { ...plainAxis(size, kernel, 1, out), adaptive: true, windows: { first, count, padded: count.slice(), interiorLo: 0, interiorHi: 0 } };
  });
}

/**
 * The quantization of a pooling call (ops/pool.ts): read for int8/uint8 windowed averages;
 * anywhere else its options are a TypeError (rejectQuant).
 */
function quantOf(op: OperatorSpec, bag: Record<string, unknown>, dtype: DType): Quant | undefined {
  if ((dtype === 'int8' || dtype === 'uint8') && op.kind === 'pool' && op.reduce === 'avg') return readQuant(op.name, bag, dtype);
  rejectQuant(op.name, bag, dtype);
  return undefined;
}

/** TypeError for quantization options where they do not apply (float32 inputs, max, adaptive). */
function rejectQuant(op: string, bag: Record<string, unknown>, dtype: string): void {
  for (const name of QUANT_OPTIONS) {
    if (bag[name] !== undefined) {
      throw new TypeError(`${op}: ${name} applies to int8/uint8 inputs of windowed averages only (x is ${dtype})`);
    }
  }
}
export type ByteOps = typeof BYTE_OPS;
