// PyTorch divides adaptive averages (and their gradients) by a window's size along one axis
// after another, rounding each time (sum / kH / kW), except where every output size is 1: those
// it pools as a mean, divided by the cell count at once (as the plans' divisors do). Where that
// rounds differently, this pass divides: forward, the output by the sizes of every axis but the
// first, which the pooling kernel divided by (plan.ts Divisor.firstAxisOnly); backward, the
// gradient by all of them before it is spread with a divisor of 1. The division itself is a
// kernel (assembly/window-sizes.ts), so simdpool/parallel queues it like any other.
import type { Context } from '../context';
import { axisWindows, type Axis, type Geometry } from '../shape';
import { planShapeOf, type AroundKernel, type CallKernel, type Settings } from './pool';
import type { CallMemory } from './tensors';

/**
 * Whether an adaptive average over `axes` needs the division axis by axis to round as PyTorch.
 * Not in 1D, nor where every output size is 1 (a mean), nor where at most one axis has window
 * sizes that are not powers of two: dividing by a power of two is exact, so one division by the
 * cell count rounds as the sequence does (for results of normal magnitude; one below 2^-126,
 * subnormal, may differ from PyTorch's in its last bits: the campaign of
 * scripts/torch-differential.py saw up to 3 units of 2^-149 in a gradient).
 */
export function dividesByAxis(axes: readonly Axis[]): boolean {
  if (axes.every((a) => a.out === 1)) return false;
  return axes.filter(uneven).length > 1;
}

/**
 * Whether an adaptive axis may have a window size that is not a power of two, from its sizes
 * alone (no window tables: outputSize may be huge, and is checked later). An evenly dividing
 * axis has windows of `kernel`; another has sizes floor(n/m)+1 and floor(n/m)+2 (PyTorch's
 * floor/ceil bounds), both powers of two only when they are 1 and 2 (upsampling).
 */
function uneven(a: Axis): boolean {
  const pow2 = (k: number) => (k & (k - 1)) === 0;
  return a.adaptive ? a.size > a.out : !pow2(a.kernel);
}

/**
 * A division of values laid out as the output of an adaptive pooling over `axes` (planes, or
 * pixels of `channels` values when `channelsLast`): each value by its window's sizes (the
 * axes' window counts, shape.ts axisWindows) one axis after another, from axis `from` on. The
 * sizes table is a scratch block of `call`, written now; the returned function divides `count`
 * values (whole planes, or samples) from `src` into `dst` (wasm addresses).
 */
export function windowSizeDivision(
  ctx: Context, call: CallMemory, axes: readonly Axis[], channelsLast: boolean, channels: number, from = 0,
): (src: number, dst: number, count: number) => void {
  const dims = axes.length - from;
  const counts = axes.slice(from).map((a) => axisWindows(a).count);
  const positions = axes.reduce((n, a) => n * a.out, 1);
  const table = call.block(positions * dims * 4, 'window sizes');
  const sizes = new Float32Array(ctx.memory.memory.buffer, table, positions * dims);
  for (let q = 0; q < positions; q++) {
    for (let d = axes.length - 1, rest = q; d >= from; d--) {
      sizes[(d - from) * positions + q] = counts[d - from][rest % axes[d].out];
      rest = Math.floor(rest / axes[d].out);
    }
  }
  const perPosition = channelsLast ? channels : 1;
  return (src, dst, count) => ctx.kernels.divideBySizes_f32(src, dst, count, positions, perPosition, table, dims);
}

/**
 * The settings of an adaptive average over `axes` that divides axis by axis (none for the
 * others): its plan divides by the first axis's sizes, DIVIDED_AFTER by the rest's.
 */
export function adaptiveSettings(axes: readonly Axis[]): Partial<Settings> | undefined {
  return dividesByAxis(axes) ? { divisor: { countPadding: false, firstAxisOnly: true }, around: DIVIDED_AFTER } : undefined;
}

/** The wasm memory dividedAfter's sizes table takes. */
function tableBytes(axes: readonly Axis[]): number {
  return axes.reduce((n, a) => n * a.out, 1) * (axes.length - 1) * 4 + 16;
}

/** A pooling call's kernel (geometry `g`, adaptive `axes`), then its output divided by every axis's sizes but the first's. */
function dividedAfter(ctx: Context, call: CallMemory, g: Geometry, axes: readonly Axis[], kernel: CallKernel): CallKernel {
  const shape = planShapeOf(g);
  const divide = windowSizeDivision(ctx, call, axes, shape.channelsLast, shape.channels, 1);
  const planeFloats = axes.reduce((n, a) => n * a.out, 1) * shape.channels;
  return (plan, input, output, indices, planes) => {
    kernel(plan, input, output, indices, planes);
    divide(output, output, planes * planeFloats);
  };
}

/** Around the kernel of an adaptive average that divides axis by axis. */
const DIVIDED_AFTER: AroundKernel = { bytes: tableBytes, kernel: dividedAfter };

