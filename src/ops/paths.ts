// The full engine's kernel path where it parts from pool.ts pathOf's (simdpool/core, at its size
// budget and without the whole-plane row loops, keeps pathOf's), for planar calls of 16 planes or
// more, windowed or adaptive (Context.windowSettings; adaptive windows that divide the input are
// planned as windows of kernel = stride). A/B of the routing in one process (same .wasm, same
// outputs), sixteenth round:
//  - Windows that overlap along rows and columns at column stride 3 or more (5 / stride 3,
//    Inception's auxiliary average; 7 / stride 4): plane groups, which load each tap as a vector
//    of sixteen planes where Rows gathers every window's taps with shuffles: 1.5–3.5x faster.
//    Windows that do not overlap (3 / stride 3, 4 / stride 4), or overlap along one axis only
//    (1D), read each input at most twice, and Rows stays as fast or 1.1–2x faster.
//  - Narrow 2D planes (8 to 16 columns) whose every column window lies inside the row, 2 or 3
//    wide at column stride 1 or 2, without indices: Rows, whose whole-plane row loops (written after
//    pathOf's measurement) run them 1.3–3.6x faster than plane groups (VGG's last pooling,
//    14x14 k2 s2, 2.3x; AlexNet's, 13x13 k3 s2, 1.3x). Padded or partial windows, wider or more
//    strided ones, indices, and 3D (a 3 / stride 1 average: 0.7–0.8x) stay on plane groups, which
//    ran them 1.1–10x faster.
import type { Axis, Geometry } from '../shape';
import { groupsFit, pathOf, planShapeOf, type Settings } from './pool';

/** The path of a windowed call over `axes` where the full engine's differs from pathOf's; else undefined. */
export function pathSettings(bag: Record<string, unknown>, axes: readonly Axis[], g: Geometry): Partial<Settings> | undefined {
  const shape = planShapeOf(g), columns = axes[axes.length - 1];
  if (shape.channelsLast || shape.planes < 16 || axes.length < 2) return undefined;
  const rows = axes[axes.length - 2];
  const overlaps = (a: Axis) => (a.kernel - 1) * a.dilation >= a.stride;
  if (columns.stride > 2) return overlaps(rows) && overlaps(columns) && groupsFit(axes) ? { path: 'PlaneGroups' } : undefined;
  // (every window inside the row: no padding on either side, no partial window from ceil mode)
  const inside = columns.padBefore === 0 && (columns.out - 1) * columns.stride + columns.kernel <= columns.size;
  const rowsFaster = axes.length === 2 && !columns.adaptive && inside && columns.dilation === 1 && columns.kernel <= 3 && columns.out >= 4 && columns.size >= 8 && bag.returnIndices !== true;
  return rowsFaster && pathOf(shape, axes) === 'PlaneGroups' ? { path: 'Rows' } : undefined;
}
