// Max pooling over windows at column stride 1 and 4 to 16 wide (YOLO's SPPF, 5x5 / stride 1 /
// padding 2; 7x7 / stride 1), the full engine's: its kernels (assembly/row-folds.ts planar,
// assembly/pixel-folds.ts channels-last) fold each input row's windows once into scratch and
// share them between the output rows whose windows hold that row. The planar row loop folded
// every window's kh x kw taps and took its border columns one tap at a time (SPPF on 20x20
// planes ran 7x slower than channels-last); the channels-last per-pixel kernel folded every
// window's taps too.
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
 * cells in rows of `inW`, `outW` outputs a row, windows `kw` wide at column stride `stride`: a
 * padded row of the group-rounded output width times the stride plus the window, then one input plane's row folds, each row
 * `spread` input rows wide. (simdpool/parallel gives each work item its own: ../parallel/split.ts.)
 */
export function rowFoldBytes(inPlane: number, inW: number, outW: number, kw: number, stride: number): number {
  const groups = Math.ceil(outW / 4) * 4;
  const rowFloats = (groups * stride + kw + 6) & ~3;
  const spread = Math.ceil(groups / inW);
  return 4 * (rowFloats + inPlane * spread) + 16;
}

/**
 * The scratch assembly/pixel-folds.ts lays out (the same formula there) for samples of `inPlane`
 * values (pixels times channels) in rows of `inW` pixels, `outW` outputs a row: one sample's row
 * folds, each row `spread` input rows wide.
 */
export function pixelFoldBytes(inPlane: number, inW: number, outW: number): number {
  return 4 * inPlane * Math.ceil(outW / inW) + 16;
}

/** The step that runs a row-fold kernel with its scratch, for scratch of `bytes` (`pixels`: channels-last). */
function foldKernel(bytes: number, pixels: boolean): AroundKernel {
  return {
    bytes: () => bytes,
    kernel(ctx, call, _g, _axes, _kernel, s) {
      const scratch = call.block(bytes, 'row folds');
      const k = ctx.kernels;
      const run = pixels
        ? (s.nanMode === 'ignore' ? k.maxPoolPixelFoldsNoNaN_f32 : k.maxPoolPixelFolds_f32)
        : (s.nanMode === 'ignore' ? k.maxPoolRowFoldsNoNaN_f32 : k.maxPoolRowFolds_f32);
      return (plan, input, output) => run(plan, input, output, scratch);
    },
  };
}

/** The row-fold kernels' settings for a max pooling call they serve (none for others). */
export function rowFoldSettings(op: OperatorSpec, axes: readonly Axis[], g: Geometry): Partial<Settings> | undefined {
  const columns = axes[axes.length - 1];
  if (op.reduce !== 'max' || columns.stride > 2 || columns.dilation !== 1 || columns.kernel < 4 || columns.kernel > WIDEST) return undefined;
  const shape = planShapeOf(g), path = pathOf(shape, axes);
  const cells = axes.reduce((n, a) => n * a.size, 1);
  // (Planar planes too narrow for column lanes keep the plane-group kernel, pool.ts pathOf:
  // 13x13 planes ran 1.4x faster there. Channels-last at stride 1 only: its per-pixel kernel
  // already runs stride 2 at several times the planar speed.)
  const bytes = path === 'Rows' && columns.out >= 4 ? rowFoldBytes(cells, columns.size, columns.out, columns.kernel, columns.stride)
    : path === 'Channels' && columns.stride === 1 ? pixelFoldBytes(cells * shape.channels, columns.size, columns.out)
    : Infinity;
  return bytes <= SCRATCH_LIMIT ? { around: foldKernel(bytes, path === 'Channels') } : undefined;
}
