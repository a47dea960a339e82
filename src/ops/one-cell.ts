// Pooling whose every window is one cell (kernel 1 and stride 1 without padding, or adaptive
// pooling to the input's own size: VGG's and AlexNet's classifier heads) runs elementwise
// (assembly/one-cell.ts): max pooling copies the input, an average adds +0 to it. The window
// kernels' bookkeeping per window cost up to 9x a copy there. The full single-thread engine's
// (Context.oneCell); simdpool/core keeps the window kernels, its bundle held to 48 KB.
import type { Context } from '../context';
import type { Axis, Geometry } from '../shape';
import { planShapeOf, type CallKernel, type Settings } from './pool';

/** The elementwise kernel of a call with windows of one cell, or undefined. */
export function oneCellKernel(ctx: Context, g: Geometry, axes: readonly Axis[], s: Settings): CallKernel | undefined {
  // Not for a NaN-ignoring max (a NaN alone gives -Infinity), a divisor override, Lp's powers,
  // nor indices (callKernel has taken those); nor in simdpool/parallel (ctx.defer), which splits
  // the window kernels over its workers, where this would run on the calling thread.
  if (ctx.defer || s.around || s.nanMode === 'ignore' || (s.divisor.override ?? 1) !== 1) return undefined;
  if (!oneCellWindows(axes)) return undefined;
  const cells = planShapeOf(g).channels * axes.reduce((n, a) => n * a.size, 1);
  const avg = +(s.reduce === 'avg');
  return (plan, input, output, indices, planes) => ctx.kernels.poolOneCell_f32(input, output, planes * cells, avg);
}

/** Whether every window is one cell: kernel 1 and stride 1 without padding, not adaptive. */
export function oneCellWindows(axes: readonly Axis[]): boolean {
  return axes.every((a) => !a.adaptive && a.kernel === 1 && a.stride === 1 && a.padBefore + a.padAfter === 0);
}
