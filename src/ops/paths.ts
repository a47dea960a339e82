// The full engine's kernel path where it parts from pool.ts pathOf's (simdpool/core, at its size
// budget and without the whole-plane row loops, keeps pathOf's), for planar calls, windowed or
// adaptive (Context.windowSettings; adaptive windows that divide the input are planned as windows
// of kernel = stride). A/B of the routing in one process (bench/ab-dist.mjs: same .wasm, same
// outputs), sixteenth round:
//  - Fewer than four output columns (8 / stride 8 on 24 columns, adaptive pooling to 2x2, any
//    rank), with 4 planes or more: plane groups, where Rows takes the columns one at a time:
//    4–13x faster (1.6x with 4 planes; with 1 to 3 planes, sixteen lanes of mostly copies ran
//    0.4–0.8x).
//  - Windows that overlap along rows and columns at column stride 3 or more (5 / stride 3,
//    Inception's auxiliary average; 7 / stride 4), 16 planes or more: plane groups, which load
//    each tap as a vector of sixteen planes where Rows gathers every window's taps with
//    shuffles: 1.5–3.5x faster. Windows that do not overlap (3 / stride 3, 4 / stride 4), or
//    overlap along one axis only (1D), read each input at most twice, and Rows stays as fast or
//    1.1–2x faster.
//  - Narrow 2D planes (8 to 16 columns), 16 or more, whose every column window lies inside the
//    row, 2 or 3 wide at column stride 1 or 2, without indices: Rows, whose whole-plane row loops
//    (written after pathOf's measurement) run them 1.3–3.6x faster than plane groups (VGG's last
//    pooling, 14x14 k2 s2, 2.3x; AlexNet's, 13x13 k3 s2, 1.3x). Padded or partial windows, wider
//    or more strided ones, indices, and 3D (a 3 / stride 1 average: 0.7–0.8x) stay on plane
//    groups, which ran them 1.1–10x faster.
import type { Axis, Geometry } from '../shape';
import { groupsFit, pathOf, planShapeOf, type Settings } from './pool';

/** The path of a pooling call over `axes` where the full engine's differs from pathOf's; else undefined. */
export function pathSettings(bag: Record<string, unknown>, axes: readonly Axis[], g: Geometry): Partial<Settings> | undefined {
  const shape = planShapeOf(g), columns = axes[axes.length - 1];
  if (shape.channelsLast) return undefined;
  const path = pathOf(shape, axes);
  // (fewer than four output columns: Rows takes them one column at a time)
  if (columns.out < 4) return path === 'Rows' && shape.planes >= 4 && groupsFit(axes) ? { path: 'PlaneGroups' } : undefined;
  if (shape.planes < 16 || axes.length < 2) return undefined;
  const rows = axes[axes.length - 2];
  const overlaps = (a: Axis) => (a.kernel - 1) * a.dilation >= a.stride;
  if (columns.stride > 2) return overlaps(rows) && overlaps(columns) && groupsFit(axes) ? { path: 'PlaneGroups' } : undefined;
  // (every window inside the row: no padding on either side, no partial window from ceil mode)
  const inside = columns.padBefore === 0 && (columns.out - 1) * columns.stride + columns.kernel <= columns.size;
  const rowsFaster = axes.length === 2 && !columns.adaptive && inside && columns.dilation === 1 && columns.kernel <= 3 && columns.out >= 4 && columns.size >= 8 && bag.returnIndices !== true;
  return rowsFaster && path === 'PlaneGroups' ? { path: 'Rows' } : undefined;
}
