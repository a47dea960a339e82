// Planar max pooling over windows at column stride 1 and at least four wide (YOLO's SPPF, 5x5 /
// stride 1 / padding 2; 7x7 / stride 1), the full engine's: its kernel (assembly/row-folds.ts)
// folds each input row's windows once into scratch and shares them between the output rows
// whose windows hold that row. The general row loop folded every window's kh x kw taps, and
// took its border columns one tap at a time: 5x5 / stride 1 / padding 2 on 20x20 planes ran
// 7x slower than the same pooling channels-last.
// A step around the call's kernel (Settings.around), replacing it: end-to-end calls stream in
// chunks of whole planes (./stream.ts; a plane larger than a chunk is one chunk, not ranges of
// its rows), and simdpool/parallel splits them by planes, each item with a scratch block of its own.
import type { Axis, Geometry } from '../shape';
import { pathOf, planShapeOf, type AroundKernel, type Settings } from './pool';
import type { OperatorSpec } from './registry';

/** Widest window taken (wider ones are rare, and their border reads would pass the allocator's guard). */
const WIDEST = 16;
/** Scratch beyond this (planes of over a million cells) leaves the call to the general kernel. */
const SCRATCH_LIMIT = 16 << 20;

/**
 * The scratch assembly/row-folds.ts lays out (the same formulas there) for planes of `inPlane`
 * cells in rows of `inW`, `outW` outputs a row, windows `kw` wide: a padded row of the
 * group-rounded output width plus the window, then one input plane's row folds, each row
 * `spread` input rows wide. (simdpool/parallel gives each work item its own: ../parallel/split.ts.)
 */
export function rowFoldBytes(inPlane: number, inW: number, outW: number, kw: number): number {
  const groups = Math.ceil(outW / 4) * 4;
  const rowFloats = (groups + kw + 6) & ~3;
  const spread = Math.ceil(groups / inW);
  return 4 * (rowFloats + inPlane * spread) + 16;
}

function scratchBytes(axes: readonly Axis[]): number {
  const columns = axes[axes.length - 1];
  return rowFoldBytes(axes.reduce((n, a) => n * a.size, 1), columns.size, columns.out, columns.kernel);
}

const ROW_FOLDS: AroundKernel = {
  bytes: scratchBytes,
  kernel(ctx, call, _g, axes, _kernel, s) {
    const scratch = call.block(scratchBytes(axes), 'row folds');
    const k = s.nanMode === 'ignore' ? ctx.kernels.maxPoolRowFoldsNoNaN_f32 : ctx.kernels.maxPoolRowFolds_f32;
    return (plan, input, output) => k(plan, input, output, scratch);
  },
};

/** The row-fold kernel's settings for a planar max pooling call it serves (none for others). */
export function rowFoldSettings(op: OperatorSpec, axes: readonly Axis[], g: Geometry): Partial<Settings> | undefined {
  const columns = axes[axes.length - 1];
  // (Planes too narrow for column lanes keep the plane-group kernel, pool.ts pathOf: 13x13 planes
  // ran 1.4x faster there.)
  const serves = op.reduce === 'max' && pathOf(planShapeOf(g), axes) === 'Rows' && columns.stride === 1 &&
    columns.dilation === 1 && columns.kernel >= 4 && columns.kernel <= WIDEST && columns.out >= 4 && scratchBytes(axes) <= SCRATCH_LIMIT;
  return serves ? { around: ROW_FOLDS } : undefined;
}
