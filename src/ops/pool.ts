// Windowed pooling (max, average, Lp) and adaptive pooling for any number of spatial dims and
// both layout families: validate options -> resolve axes -> plan -> run one kernel (Lp: three,
// ./lp.ts). Repeated calls (same operator, shapes and options) reuse what validation resolved.
// What only the full engine does (Lp pooling, int8/uint8 tensors, streaming, interop options)
// its hooks do (../context.ts): simdpool/core's bundle leaves their code out.
import type { Context } from '../context';
import type { Kernels } from '../kernels';
import { adaptiveAxes, product, resolveAxes, shapeWith, type Axis, type Geometry } from '../shape';
import { Tensor, dtypeOf, elementCount, tensorAddress, type DType } from '../tensor';
import type { ByteOps, Quant } from './bytes';
import { PLAN_FIELDS, planKey, type Divisor, type PlanShape } from './plan';
import {
  readAvgDivisor, readBool, readOptionBag, rejectInherited, readOutputSize, readWindowSpec, type IndexFormat, type NanMode,
} from './options';
import type { OperatorSpec } from './registry';
import { readCall, type CallRead } from './signature';
import type { Chunks } from './stream';
import { CallMemory, checkFits, inputDType, outsideMemory, readTensorArg, type TensorArg } from './tensors';

/** Channels-last tensors with several channels take the channel-lane kernels; all else the row-lane ones. */
export function planShapeOf(g: Geometry): PlanShape {
  return g.channelsLast && g.channels > 1
    ? { channelsLast: true, planes: g.batch, channels: g.channels }
    : { channelsLast: false, planes: g.batch * g.channels, channels: 1 };
}

/** Everything about a pooling call but its windows. */
export interface Settings {
  reduce: 'max' | 'avg' | 'lp';
  divisor: Divisor;
  returnIndices: boolean;
  indexFormat: IndexFormat;
  nanMode: NanMode;
  /** int8/uint8 windowed averages: the quantization parameters (src/ops/bytes.ts). */
  quant?: Quant;
  /** Lp pooling: p, and PyTorch's factor (the product of the kernel sizes). */
  normType?: number;
  lpScale?: number;
  /**
   * A step around the float32 pooling kernel (the full engine's): Lp pooling's powers (./lp.ts),
   * adaptive averages divided axis by axis (./window-sizes.ts).
   */
  around?: AroundKernel;
  /** The kernel path, where the full engine picks it (./paths.ts); else pathOf's. */
  path?: Path;
}

/** What runs around a call's pooling kernel (Settings.around), and the wasm memory it takes. */
export interface AroundKernel {
  /** Its scratch bytes in a call over `axes` with `inElements` input values. */
  bytes(axes: readonly Axis[], inElements: number): number;
  /** The call's `kernel` with this step around it (its scratch taken from `call` now). */
  kernel(ctx: Context, call: CallMemory, g: Geometry, axes: readonly Axis[], kernel: CallKernel, s: Settings): CallKernel;
}

/** What a call's shapes and options resolve to (cached by call signature). */
interface Resolved extends PlanRef {
  g: Geometry;
  dtype: DType;
  /** A plain input's validated shape, and its element count. */
  shape: readonly number[];
  size: number;
  axes: Axis[];
  settings: Settings;
}

/** A resolved call's plan: its key, and its address while the plan cache's generation is planGeneration. */
export interface PlanRef {
  planKey: string;
  plan: number;
  planGeneration: number;
  /** What runPool derived from the call's shapes and settings, kept for the next call. */
  sizes?: CallSizes;
}

/** A call's output tensors, as given (checked where they are used). */
export interface Outputs {
  out?: unknown;
  outIndices?: unknown;
}

/** Operators of kind 'pool' and 'adaptive'. */
export function pool(ctx: Context, op: OperatorSpec, x: unknown, opts: unknown): unknown {
  // Repeated calls (same shapes and options) skip re-validating options and re-planning; the
  // tensor itself (and its dtype, which the signature does not hold) is checked every time.
  // Shapes and options are read once (CallRead): the signature and validation see the same values.
  rejectInherited(op, opts);
  const read = (ctx.readCall ?? readCall)(op.name, x, opts);
  // The output tensors are not in the signature: this call's, as its read took them (taken out of
  // it, so a read kept for later calls holds none); checked where they are used.
  const outputs: Outputs = read.outputs!;
  read.outputs = undefined;
  let r = read.key === undefined ? undefined : (ctx.resolved.get(read.key) as Resolved | undefined);
  const input = x instanceof Tensor ? x : plainInput(x, read);
  let arg = r === undefined ? undefined : sameTensorArg(ctx, op.name, input, r);
  if (r === undefined || arg === undefined) {
    ({ r, arg } = resolve(ctx, op, input, read.opts));
    if (read.key !== undefined) ctx.resolved.set(read.key, r);
  }
  // (null, as every option's, is not given)
  if (!r.settings.returnIndices && outputs.outIndices != null) {
    throw new TypeError(`${op.name}: outIndices is only accepted with returnIndices: true`);
  }
  return runPool(ctx, op, arg, r.axes, r.settings, outputs, r);
}

/** A plain input as the call reads it: its data, and the shape and layout of its read. */
function plainInput(x: unknown, read: CallRead): unknown {
  return typeof x === 'object' && x !== null ? { data: (x as { data?: unknown }).data, shape: read.shape, layout: read.layout } : x;
}

/** Full validation of a call: options, tensor, windows (`x` and `opts` as the call read them). */
function resolve(ctx: Context, op: OperatorSpec, x: unknown, opts: unknown): { r: Resolved; arg: TensorArg } {
  const bag = readOptionBag(op, opts, op.kind === 'adaptive' ? 'outputSize' : 'kernelSize');
  const { arg } = readInput(ctx, op, x);
  const dtype = arg.dtype;
  const reduce = op.reduce!;
  let axes: Axis[];
  let divisor: Divisor = { countPadding: false };
  if (op.kind === 'adaptive') {
    // (int8/uint8 averages bound their windows as PyTorch's quantized kernel: ./bytes.ts.)
    axes = (ctx.bytes?.adaptiveAxes ?? adaptiveAxes)(arg.g.spatial, readOutputSize(op.name, bag.outputSize, arg.g.spatial), dtype, reduce);
  } else {
    const spec = readWindowSpec(op, bag);
    // (int8/uint8 averages of output size 0 are empty, as PyTorch's quantized kernels; its float
    // and quantized max pooling reject them.)
    axes = resolveAxes(op.name, arg.g.spatial, spec, dtype !== 'float32' && reduce === 'avg' ? 0 : 1);
    if (dtype === 'float32') ctx.kernelWithinInput?.(op, arg.g.spatial, spec);
    if (reduce === 'avg') divisor = readAvgDivisor(op.name, bag, spec.padding.kind === 'same');
  }
  // The full engine's settings (its hook, engine.ts): Lp pooling's p, adaptive averages divided
  // axis by axis, the row-fold kernel, its own kernel paths. simdpool/core has none of them.
  const more = ctx.windowSettings?.(op, bag, axes, arg.g);
  const returnIndices = reduce === 'max' && readBool(op.name, 'returnIndices', bag.returnIndices, false);
  const settings: Settings = {
    reduce,
    divisor,
    returnIndices,
    // (The full engine's options: simdpool/core rejects them as unknown, and pool() checks outIndices.)
    indexFormat: ctx.interop?.readIndexFormat(op.name, bag, returnIndices) ?? { kind: 'plane' },
    nanMode: ctx.interop?.readNanMode(op.name, bag.nanMode) ?? 'propagate',
    // (int8/uint8 averages' quantization, a TypeError for its options elsewhere: ./bytes.ts.)
    quant: ctx.bytes?.quantOf(op, bag, dtype),
    ...more,
  };
  const size = product(arg.shape);
  const key = planKey(planShapeOf(arg.g), axes, planDivisor(settings));
  return { r: { g: arg.g, dtype, shape: arg.shape, size, axes, settings, planKey: key, plan: 0, planGeneration: -1 }, arg };
}

/** The tensor argument of a call whose signature resolved before, if it is still valid as such. */
function sameTensorArg(ctx: Context, op: string, x: unknown, r: Resolved): TensorArg | undefined {
  if (x instanceof Tensor) {
    if (x.dtype !== r.dtype) return undefined;
    // A look-alike (a Proxy of a tensor, an object from its prototype), a foreign or a disposed
    // tensor throws, as in a first call (x.disposed would be V8's private-member error for a look-alike).
    tensorAddress(x, ctx.memory, `${op}: x`);
    return { g: r.g, dtype: r.dtype, shape: x.shape, tensor: x };
  }
  const { data } = x as { data?: unknown };
  if (dtypeOf(data) !== r.dtype || elementCount(data as Float32Array) !== r.size) return undefined;
  return { g: r.g, dtype: r.dtype, shape: r.shape, data: outsideMemory(ctx, data as Float32Array) };
}

/** The plan's address; a resolved call keeps it while no plan has been freed since. */
export function planOf(ctx: Context, shape: PlanShape, axes: readonly Axis[], divisor: Divisor, cached?: PlanRef): number {
  if (!cached) return ctx.plans.get(shape, axes, divisor);
  if (cached.planGeneration !== ctx.plans.generation) {
    cached.plan = ctx.plans.get(shape, axes, divisor, cached.planKey);
    cached.planGeneration = ctx.plans.generation;
  }
  return cached.plan;
}

// Plans of a shape a call signature derives from its own (channels-last pixels pooled as planes or
// widened), kept by an object of the signature (its settings or its plan): the key is built once,
// and the plan looked up again only when the cache has freed one (small calls spent a third of
// their time building the key).
const derivedPlans = new WeakMap<object, PlanRef>();

/** The plan of `shape`, derived from the call whose signature `owner` belongs to (one shape per owner). */
export function derivedPlanOf(ctx: Context, owner: object | undefined, shape: PlanShape, axes: readonly Axis[], divisor: Divisor): number {
  if (owner === undefined) return ctx.plans.get(shape, axes, divisor);
  let ref = derivedPlans.get(owner);
  if (ref === undefined) derivedPlans.set(owner, ref = { planKey: planKey(shape, axes, divisor), plan: 0, planGeneration: -1 });
  return planOf(ctx, shape, axes, divisor, ref);
}

/** The divisor a plan is built with (max pooling ignores it). */
export function planDivisor(s: Settings): Divisor {
  return s.reduce === 'max' ? { countPadding: false } : s.divisor;
}

export function runPool(
  ctx: Context, op: OperatorSpec, arg: TensorArg, axes: readonly Axis[], s: Settings, bag: Outputs, cached?: PlanRef,
): unknown {
  if (arg.dtype !== 'float32') return ctx.bytes!.runPool(ctx, op, arg, axes, s, bag, cached);
  const g = arg.g;
  const resident = arg.tensor !== undefined;
  // (A cached call has the same shapes, settings and residency: its signature holds them.)
  const sizes = cached?.sizes ?? callSizes(ctx, g, axes, s, resident);
  if (cached) cached.sizes = sizes;
  // Streamed (the full engine's ./stream.ts): plain results only; `out` tensors (not part of the
  // call's signature) take the whole-call path.
  if (sizes.chunks && bag.out == null && bag.outIndices == null) return ctx.stream!.run(ctx, op.name, arg, axes, s, sizes, cached);
  const { outShape, outPlane, shape, path, groupBytes, work } = sizes;
  checkFits(op.name, outShape, sizes.bytes);
  const call = new CallMemory(ctx, op.name);
  try {
    // (`out` checked before a plain input is copied in: a wrong one grows no memory)
    const out = call.output('out', 'float32', outShape, g.layout, resident, bag.out, [arg]);
    const idx = s.returnIndices
      ? call.output('outIndices', 'int32', outShape, g.layout, resident, bag.outIndices, [arg])
      : undefined;
    const input = call.input(arg);
    if (work) {
      const plan = planOf(ctx, shape, axes, planDivisor(s), cached);
      const scratch = groupBytes > 0 ? call.block(groupBytes, 'plane groups') : 0;
      callKernel(ctx, call, g, axes, path, s, scratch)(plan, input, out.ptr, idx ? idx.ptr : 0, shape.planes);
      if (idx) ctx.interop?.remapIndices(ctx.kernels, g, outPlane, idx.ptr, s.indexFormat);
    }
    call.finish();
    return idx ? { output: out.result, indices: idx.result } : out.result;
  } finally {
    call.release();
  }
}

/** The sizes and kernel path of a float32 pooling call, and the wasm memory it needs in all. */
export interface CallSizes {
  outShape: number[];
  outPlane: number;
  shape: PlanShape;
  path: Path;
  /** The PlaneGroups path's scratch bytes (groupBytesOf); 0 on the others. */
  groupBytes: number;
  work: boolean;
  /** The result's bytes (and its indices'), wherever it is held. */
  resultBytes: number;
  bytes: number;
  /** Set when a call with plain results streams in chunks; its bytes are then all it needs. */
  chunks?: Chunks;
}

function callSizes(ctx: Context, g: Geometry, axes: readonly Axis[], s: Settings, resident: boolean): CallSizes {
  const outSizes = axes.map((a) => a.out);
  const outPlane = product(outSizes);
  const inPlane = product(g.spatial);
  const inElements = g.batch * g.channels * inPlane;
  const shape = planShapeOf(g);
  const path = s.path ?? pathOf(shape, axes);
  const groupBytes = path === 'PlaneGroups' ? groupBytesOf(inPlane, outPlane) : 0;
  const work = g.batch > 0 && outPlane > 0;
  const kernelBytes = work
    ? groupBytes + planBytesBound(axes) + (s.around?.bytes(axes, inElements) ?? 0)
    : 0;
  const resultBytes = g.batch * g.channels * outPlane * 4 * (s.returnIndices ? 2 : 1);
  const bytes = resultBytes + (resident ? 0 : inElements * 4) + kernelBytes;
  // Plain inputs with work to do may stream in chunks (ops/stream.ts decides; the full engine's).
  const chunks = !resident && work
    ? ctx.stream?.callChunks(ctx, s, shape.planes, inElements, g.batch * g.channels * outPlane, path, kernelBytes, axes)
    : undefined;
  return { outShape: shapeWith(g, outSizes), outPlane, shape, path, groupBytes, work, resultBytes, bytes, chunks };
}

export type Path = 'Rows' | 'Channels' | 'PlaneGroups';

/**
 * Channels-last: lanes along channels. Planar: lanes along output columns (Rows), except for
 * irregular (adaptive) windows and rows too narrow for column lanes to pay — at most 16 input
 * columns with at least 16 planes, where interleaving sixteen planes into channel lanes
 * (PlaneGroups) measured 1.1–7.7x faster (7–14 wide planes, k2/k3 windows) and Rows wins from
 * about 20 columns on. (The full engine, with its faster row kernels, parts from this choice for
 * some windows: ./paths.ts.)
 */
export function pathOf(shape: PlanShape, axes: readonly Axis[]): Path {
  if (shape.channelsLast) return 'Channels';
  const columns = axes[axes.length - 1];
  if (!columns.adaptive && !(columns.size <= NARROW_COLUMNS && shape.planes >= 16)) return 'Rows';
  // Planes too large for PlaneGroups' scratch (sixteen of them as 64-byte pixels: adaptive pooling
  // that upsamples 7x7 to 2048x2048 would take 0.5 GB): the channel-lane kernel, each plane a run
  // of one-channel pixels, which is the same plan.
  return groupsFit(axes) ? 'PlaneGroups' : 'Channels';
}
const NARROW_COLUMNS = 16;
const GROUP_SCRATCH_LIMIT = 32 << 20;

/** PlaneGroups' scratch for planes over `axes` is within GROUP_SCRATCH_LIMIT. */
export function groupsFit(axes: readonly Axis[]): boolean {
  return groupBytesOf(axes.reduce((n, a) => n * a.size, 1), axes.reduce((n, a) => n * a.out, 1)) <= GROUP_SCRATCH_LIMIT;
}

/**
 * Scratch of the PlaneGroups path: 16 planes interleaved into a block (assembly/planegroups.ts),
 * a plan header, then 16 planes of input, output and indices.
 */
export function groupBytesOf(inPlane: number, outPlane: number): number {
  return Math.ceil(PLAN_FIELDS.length / 4) * 16 + (inPlane + 2 * outPlane) * 64;
}

/**
 * An upper bound on a window plan's bytes (plan.ts): per output row its input rows, per column
 * three entries; the header, the column masks (96 bytes) and alignment in the constant.
 */
export function planBytesBound(axes: readonly Axis[]): number {
  const lead = axes.slice(0, -1);
  const rows = lead.reduce((n, a) => n * a.out, 1);
  const list = lead.reduce((n, a) => n * a.out * Math.min(a.kernel, a.size), 1);
  return 4 * (3 * rows + list + 3 * axes[axes.length - 1].out) + 512;
}

// Kernel export names spelled out once: building them per call showed in profiles of small calls.
const PATHS: readonly Path[] = ['Rows', 'Channels', 'PlaneGroups'];
const names = (f: (path: Path, nan: string) => string) =>
  Object.fromEntries(PATHS.map((path) => [path, [f(path, ''), f(path, 'NoNaN')]])) as Record<Path, [string, string]>;
const AVG_KERNELS = names((path, nan) => `avgPool${path}${nan}_f32`);
// (Lp pooling averages powers: ./lp.ts.)
const POOL_KERNELS = { max: names((path, nan) => `maxPool${path}${nan}_f32`), avg: AVG_KERNELS, lp: AVG_KERNELS };
const POOL_INDICES_KERNELS = names((path, nan) => `maxPool${path}Indices${nan}_f32`);

/**
 * The exported kernel for a layout path, reduction and NaN mode (names as in assembly/index.ts).
 * Only the PlaneGroups kernels take the trailing scratch argument; the others ignore it.
 */
export function poolKernel(k: Kernels, path: Path, reduce: Settings['reduce'], ignoreNaN: boolean) {
  return k[POOL_KERNELS[reduce][path][ignoreNaN ? 1 : 0] as 'maxPoolPlaneGroups_f32'];
}

export function poolIndicesKernel(k: Kernels, path: Path, ignoreNaN: boolean) {
  return k[POOL_INDICES_KERNELS[path][ignoreNaN ? 1 : 0] as 'maxPoolPlaneGroupsIndices_f32'];
}

/** A plan kernel bound to its trailing arguments, over `planes` planes of the call (a chunk or all of them). */
export type CallKernel = (plan: number, input: number, output: number, indices: number, planes: number) => void;

/**
 * The pooling kernel of a float32 call (the indices one when it returns them) for its path and
 * NaN mode, with its PlaneGroups scratch bound, and the step around it if any (Settings.around):
 * what whole and streamed calls run.
 */
export function callKernel(ctx: Context, call: CallMemory, g: Geometry, axes: readonly Axis[], path: Path, s: Settings, scratch: number): CallKernel {
  const ignoreNaN = s.nanMode === 'ignore';
  if (s.returnIndices) {
    const withIndices = poolIndicesKernel(ctx.kernels, path, ignoreNaN);
    return (plan, input, output, indices) => withIndices(plan, input, output, indices, scratch);
  }
  // (Windows of one cell run elementwise in the full engine: ./one-cell.ts.)
  const one = ctx.oneCell?.(ctx, g, axes, s);
  if (one) return one;
  const plain = poolKernel(ctx.kernels, path, s.reduce, ignoreNaN);
  // (Closures left unnamed: the Node bundle keeps names, and naming one costs a call per call.)
  if (!s.around) return (plan, input, output) => plain(plan, input, output, scratch);
  return s.around.kernel(ctx, call, g, axes, (plan, input, output) => plain(plan, input, output, scratch), s);
}

/** What the full engine's pooling takes (messages list them). */
const FLOAT_OR_BYTES: readonly DType[] = ['float32', 'int8', 'uint8'];

/**
 * An operator's input `x`, validated as a tensor of its dtype, with the int8/uint8 operations for a
 * byte input (undefined for float32); a TypeError for bytes where there are none (Lp pooling, or
 * simdpool/core, which has no byte kernels), before the tensor is read.
 */
export function readInput(ctx: Context, op: OperatorSpec, x: unknown): { arg: TensorArg; bytes: ByteOps | undefined } {
  const dtype = inputDType(x);
  let bytes: ByteOps | undefined;
  if (dtype !== 'float32') {
    const why = op.reduce === 'lp' ? `Lp pooling of ${dtype} is not supported` : !ctx.bytes ? 'int8/uint8 need the full simdpool, not simdpool/core' : '';
    if (why) throw new TypeError(`${op.name}: x must be a float32 tensor (${why}), got ${dtype}`);
    bytes = ctx.bytes;
  }
  return { arg: readTensorArg(ctx, op.name, x, op.dims, 'x', dtype, ctx.bytes && op.reduce !== 'lp' ? FLOAT_OR_BYTES : undefined), bytes };
}
