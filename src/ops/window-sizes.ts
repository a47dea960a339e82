// PyTorch's adaptive average gradients are divided by a window's size along one axis after
// another, rounding each time (gradient / kH / kW), where every output size is not 1; those it
// pools as a mean, whose gradient is divided by the cell count at once (as the plans' divisors
// do). The division itself is a kernel (assembly/window-sizes.ts), so simdpool/parallel queues
// it with the backward kernels like any other. (Its forward adaptive averages divide the same
// way; simdpool's forward kernels divide by the cell count, within an ulp: dividing in a second
// pass cost up to 3x on evenly dividing sizes, see docs/performance.md.)
import type { Context } from '../context';
import { axisWindows, type Axis } from '../shape';
import type { CallMemory } from './tensors';

/** Whether PyTorch divides an adaptive average with these output sizes axis by axis. */
export function dividesByAxis(outSizes: readonly number[]): boolean {
  return outSizes.length > 1 && outSizes.some((n) => n !== 1);
}

/**
 * A division of values laid out as the output of an adaptive pooling over `axes` (planes, or
 * pixels of `channels` values when `channelsLast`): each value by its window's sizes (the
 * axes' window counts, shape.ts axisWindows) one axis after another. The sizes table is a
 * scratch block of `call`, written now; the returned function divides `count` values from
 * `src` into `dst` (wasm addresses).
 */
export function windowSizeDivision(
  ctx: Context, call: CallMemory, axes: readonly Axis[], channelsLast: boolean, channels: number,
): (src: number, dst: number, count: number) => void {
  const dims = axes.length;
  const counts = axes.map((a) => axisWindows(a).count);
  const positions = axes.reduce((n, a) => n * a.out, 1);
  const table = call.block(positions * dims * 4, 'window sizes');
  const sizes = new Float32Array(ctx.memory.memory.buffer, table, positions * dims);
  for (let q = 0; q < positions; q++) {
    for (let d = dims - 1, rest = q; d >= 0; d--) {
      sizes[d * positions + q] = counts[d][rest % axes[d].out];
      rest = Math.floor(rest / axes[d].out);
    }
  }
  const perPosition = channelsLast ? channels : 1;
  return (src, dst, count) => ctx.kernels.divideBySizes_f32(src, dst, count, positions, perPosition, table, dims);
}
