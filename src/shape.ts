// Shape math shared by every pooling operator: layouts, output sizes, padding modes and the
// per-axis window tables. Pure functions, no wasm.
import { describe } from './describe';
import type { Layout } from './tensor';

/** Layout names by number of spatial dims: [channels-first, channels-last]. */
export const LAYOUTS: Record<number, readonly [Layout, Layout]> = {
  1: ['NCW', 'NWC'],
  2: ['NCHW', 'NHWC'],
  3: ['NCDHW', 'NDHWC'],
};

/** Names of the before/after padding sides per spatial dim, for the explicit object form. */
export const PADDING_SIDES: Record<number, readonly (readonly [string, string])[]> = {
  1: [['left', 'right']],
  2: [['top', 'bottom'], ['left', 'right']],
  3: [['front', 'back'], ['top', 'bottom'], ['left', 'right']],
};

/** A tensor's shape read as batch, channels and spatial sizes. */
export interface Geometry {
  batch: number;
  channels: number;
  spatial: number[];
  channelsLast: boolean;
  /** False for an unbatched input (rank = spatial dims + 1); results keep that rank. */
  batched: boolean;
  layout: Layout;
}

/** The number of elements of a shape (or of cells in a window): the product of its sizes. */
export const product = (sizes: readonly number[]): number => sizes.reduce((a, b) => a * b, 1);

/**
 * Whether two shapes are equal, size by size. A loop, not `a.some(...)`: a tensor's shape is a
 * frozen array, and V8 11 (Node 20) runs some/every/slice/join on frozen arrays through a slow
 * path, which was a third of a small call given `out`.
 */
export function sameShape(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Interpret `shape` in `layout` for an operator with `dims` spatial dims. */
export function readGeometry(op: string, shape: readonly number[], layout: Layout, dims: number, name = 'x'): Geometry {
  const [first, last] = LAYOUTS[dims];
  if (layout !== first && layout !== last) {
    throw new RangeError(`${op}: ${name}.layout must be '${first}' or '${last}', got ${describe(layout)}`);
  }
  const rank = shape.length;
  if (rank !== dims + 1 && rank !== dims + 2) {
    throw new RangeError(
      `${op}: ${name}.shape must have rank ${dims + 2} (batched) or ${dims + 1} (unbatched), got ${describe(shape)}`,
    );
  }
  const channelsLast = layout === last;
  const batched = rank === dims + 2;
  const s = batched ? [...shape] : [1, ...shape];
  const batch = s[0];
  const channels = channelsLast ? s[dims + 1] : s[1];
  const spatial = channelsLast ? s.slice(1, dims + 1) : s.slice(2);
  return { batch, channels, spatial, channelsLast, batched, layout };
}

/** The shape of a tensor with `g`'s batch, channels and layout but other spatial sizes. */
export function shapeWith(g: Geometry, spatial: readonly number[]): number[] {
  const inner = g.channelsLast ? [...spatial, g.channels] : [g.channels, ...spatial];
  return g.batched ? [g.batch, ...inner] : inner;
}

/** One spatial axis of a pooling window, fully resolved. */
export interface Axis {
  size: number;
  kernel: number;
  stride: number;
  dilation: number;
  padBefore: number;
  padAfter: number;
  out: number;
  /**
   * Adaptive windows (PyTorch's adaptive pooling): window o is [floor(o*size/out),
   * ceil((o+1)*size/out)); kernel/stride/padding are unused. Only set when out does not divide
   * size: a dividing size is plain pooling with kernel = stride = size/out.
   */
  adaptive?: boolean;
  /** Windows computed elsewhere (int8/uint8 adaptive averages' float32 bounds: ops/bytes.ts). */
  windows?: AxisWindows;
}

export type PaddingSpec =
  | { kind: 'symmetric'; pad: number[] }
  | { kind: 'explicit'; before: number[]; after: number[] }
  | { kind: 'same' };

export interface WindowSpec {
  kernel: number[];
  stride: number[];
  dilation: number[];
  padding: PaddingSpec;
  ceilMode: boolean;
}

/**
 * Output size of one axis with explicit padding, as PyTorch computes it (asymmetric padding
 * generalises `2p` to before + after): with ceil mode, a last window that would start in the
 * right padding is dropped.
 */
export function pooledSize(size: number, k: number, s: number, d: number, before: number, after: number, ceil: boolean): number {
  const span = size + before + after - d * (k - 1) - 1;
  let out = Math.floor((span + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= size + before) out -= 1;
  return out;
}

/**
 * Resolve padding and output sizes for every spatial axis; RangeError when impossible or when an
 * output size is below `least` (0 where PyTorch gives an empty tensor).
 */
export function resolveAxes(op: string, spatial: readonly number[], w: WindowSpec, least = 1): Axis[] {
  const axes = spatial.map((size, i): Axis => {
    const k = w.kernel[i];
    const s = w.stride[i];
    const d = w.dilation[i];
    const p = w.padding;
    let before: number;
    let after: number;
    let out: number;
    if (p.kind === 'same') {
      // TF/ONNX SAME_UPPER: out = ceil(in / s), the odd padding cell goes at the end.
      out = Math.ceil(size / s);
      const total = Math.max((out - 1) * s + d * (k - 1) + 1 - size, 0);
      before = Math.floor(total / 2);
      after = total - before;
    } else {
      if (p.kind === 'symmetric') {
        before = after = p.pad[i];
        if (before > Math.floor(k / 2)) {
          throw new RangeError(
            `${op}: padding should be at most half of kernelSize, got padding ${before} for kernelSize ${k}`,
          );
        }
      } else {
        // Explicit (possibly asymmetric) padding has no half-kernel limit, as in ONNX; a window
        // that lies entirely in padding yields -Infinity (max) or 0 (average).
        before = p.before[i];
        after = p.after[i];
      }
      out = pooledSize(size, k, s, d, before, after, w.ceilMode);
    }
    // The plan's offsets are int32: windows reaching past 2^31 cells would wrap (a trap or wrong values).
    const reach = (out - 1) * s - before + d * (k - 1);
    if (reach > 2 ** 31 - 64) throw new RangeError(`${op}: windows reach cell ${reach}, past 2^31 - 64`);
    return { size, kernel: k, stride: s, dilation: d, padBefore: before, padAfter: after, out };
  });
  if (axes.some((a) => a.out < least)) {
    throw new RangeError(
      `${op}: output size is too small: input size (${spatial.join('x')}) gives output size ` +
        `(${axes.map((a) => a.out).join('x')})`,
    );
  }
  return axes;
}

/** Per-output-position windows of one axis. */
export interface AxisWindows {
  /** First in-bounds tap (PyTorch's start index, even for a window with no in-bounds tap). */
  first: Int32Array;
  /** In-bounds taps, `dilation` apart. */
  count: Int32Array;
  /** Cells inside input+padding (what countIncludePad divides by). */
  padded: Int32Array;
  /** Positions [interiorLo, interiorHi) have every tap in bounds. */
  interiorLo: number;
  interiorHi: number;
}

/** An axis without padding or dilation. */
export function plainAxis(size: number, kernel: number, stride: number, out: number): Axis {
  return { size, kernel, stride, dilation: 1, padBefore: 0, padAfter: 0, out };
}

/** One window over the whole of each spatial axis (global pooling). */
export function wholeAxes(spatial: readonly number[]): Axis[] {
  return spatial.map((size) => plainAxis(size, size, 1, 1));
}

/** Axes of adaptive pooling from input and output sizes (windows as PyTorch's adaptive pooling). */
export function adaptiveAxes(spatial: readonly number[], outSizes: readonly number[]): Axis[] {
  return spatial.map((size, i): Axis => {
    const out = outSizes[i];
    const k = out > 0 && size % out === 0 ? size / out : 0;
    return k > 0 ? plainAxis(size, k, k, out) : { ...plainAxis(size, Math.ceil(size / Math.max(out, 1)) + 1, 1, out), adaptive: true };
  });
}

export function axisWindows(a: Axis): AxisWindows {
  if (a.windows) return a.windows;
  if (a.adaptive) {
    const first = Int32Array.from({ length: a.out }, (_, o) => Math.floor((o * a.size) / a.out));
    const count = Int32Array.from({ length: a.out }, (_, o) => Math.ceil(((o + 1) * a.size) / a.out) - first[o]);
    // Irregular windows: no interior for the strided column lanes.
    return { first, count, padded: count.slice(), interiorLo: 0, interiorHi: 0 };
  }
  const first = new Int32Array(a.out);
  const count = new Int32Array(a.out);
  const padded = new Int32Array(a.out);
  let interiorLo = a.out;
  let interiorHi = a.out;
  for (let o = 0; o < a.out; o++) {
    const start = o * a.stride - a.padBefore;
    const skip = start < 0 ? Math.ceil(-start / a.dilation) : 0;
    const end = Math.min(a.kernel, Math.ceil((a.size - start) / a.dilation));
    first[o] = start + skip * a.dilation;
    count[o] = Math.max(0, end - skip);
    padded[o] = Math.min(start + a.dilation * (a.kernel - 1) + 1, a.size + a.padAfter) - start;
    const interior = count[o] === a.kernel && skip === 0;
    if (interior && interiorLo === a.out) interiorLo = o;
    if (!interior && interiorLo < a.out && interiorHi === a.out) interiorHi = o;
  }
  return { first, count, padded, interiorLo, interiorHi };
}
