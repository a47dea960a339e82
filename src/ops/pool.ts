// Windowed max and average pooling for any number of spatial dims and both layout families:
// validate options -> resolve axes -> plan -> run one kernel.
import type { Context } from '../context';
import { resolveAxes, shapeWith, type Axis, type Geometry } from '../shape';
import { Tensor, tensorAddress } from '../tensor';
import { planKey, type Divisor, type PlanShape } from './plan';
import { readBool, readDivisorOverride, readOptionBag, readWindowSpec } from './options';
import type { OperatorSpec } from './registry';
import { callSignature } from './signature';
import { CallMemory, readTensorArg, type TensorArg } from './tensors';

/** What a call's shapes and options resolve to (cached by call signature). */
interface Resolved {
  g: Geometry;
  size: number;
  axes: Axis[];
  outShape: number[];
  divisor: Divisor;
  returnIndices: boolean;
  shape: PlanShape;
  planKey: string;
  /** The plan's address, valid while the plan cache's generation is planGeneration. */
  plan: number;
  planGeneration: number;
}

/** Channels-last tensors with several channels take the channel-lane kernels; all else the row-lane ones. */
export function planShapeOf(g: Geometry): PlanShape {
  return g.channelsLast && g.channels > 1
    ? { channelsLast: true, planes: g.batch, channels: g.channels }
    : { channelsLast: false, planes: g.batch * g.channels, channels: 1 };
}

export function pool(ctx: Context, op: OperatorSpec, x: unknown, opts: unknown): unknown {
  // Repeated calls (same shapes and options) skip re-validating options and re-planning; the
  // tensor itself is checked every time.
  const signature = callSignature(op.name, x, opts);
  let r = signature === undefined ? undefined : (ctx.resolved.get(signature) as Resolved | undefined);
  let arg = r === undefined ? undefined : sameTensorArg(ctx, x, r);
  if (r === undefined || arg === undefined) {
    ({ r, arg } = resolve(ctx, op, x, opts));
    if (signature !== undefined) ctx.resolved.set(signature, r);
  }
  const bag = opts as { out?: unknown; outIndices?: unknown };
  const { axes, outShape, divisor, returnIndices } = r;
  const isMax = op.reduce === 'max';
  if (!returnIndices && bag.outIndices !== undefined) {
    throw new TypeError(`${op.name}: outIndices is only accepted with returnIndices: true`);
  }
  const resident = arg.tensor !== undefined;

  const call = new CallMemory(ctx);
  try {
    const input = call.input(arg);
    const out = call.output(op.name, 'out', 'float32', outShape, arg.g.layout, resident, bag.out, [arg]);
    const idx = returnIndices
      ? call.output(op.name, 'outIndices', 'int32', outShape, arg.g.layout, resident, bag.outIndices, [arg])
      : undefined;
    if (arg.g.batch > 0) {
      const shape = r.shape;
      if (r.planGeneration !== ctx.plans.generation) {
        r.plan = ctx.plans.get(shape, axes, divisor, r.planKey);
        r.planGeneration = ctx.plans.generation;
      }
      const plan = r.plan;
      const k = ctx.kernels;
      if (shape.channelsLast) {
        if (idx) k.maxPoolChannelsIndices_f32(plan, input, out.ptr, idx.ptr);
        else if (isMax) k.maxPoolChannels_f32(plan, input, out.ptr);
        else k.avgPoolChannels_f32(plan, input, out.ptr);
      } else {
        if (idx) k.maxPoolRowsIndices_f32(plan, input, out.ptr, idx.ptr);
        else if (isMax) k.maxPoolRows_f32(plan, input, out.ptr);
        else k.avgPoolRows_f32(plan, input, out.ptr);
      }
    }
    call.finish();
    return idx ? { output: out.result, indices: idx.result } : out.result;
  } finally {
    call.release();
  }
}

/** Full validation of a call: options, tensor, windows. */
function resolve(ctx: Context, op: OperatorSpec, x: unknown, opts: unknown): { r: Resolved; arg: TensorArg } {
  const bag = readOptionBag(op, opts, true);
  const arg = readTensorArg(ctx, op.name, x, op.dims);
  const spec = readWindowSpec(op, bag);
  const isMax = op.reduce === 'max';
  const returnIndices = isMax && readBool(op.name, 'returnIndices', bag.returnIndices, false);
  let divisor: Divisor = { countPadding: false };
  if (!isMax) {
    const countIncludePad = readBool(op.name, 'countIncludePad', bag.countIncludePad, true);
    // 'same' padding never counts padded cells, as TensorFlow does.
    divisor = {
      override: readDivisorOverride(op.name, bag.divisorOverride),
      countPadding: countIncludePad && spec.padding.kind !== 'same',
    };
  }
  const axes = resolveAxes(op.name, arg.g.spatial, spec);
  const outShape = shapeWith(arg.g, axes.map((a) => a.out));
  const shape = planShapeOf(arg.g);
  const size = arg.shape.reduce((a, b) => a * b, 1);
  const key = planKey(shape, axes, divisor);
  return { r: { g: arg.g, size, axes, outShape, divisor, returnIndices, shape, planKey: key, plan: 0, planGeneration: -1 }, arg };
}

/** The tensor argument of a call whose signature resolved before, if it is still valid as such. */
function sameTensorArg(ctx: Context, x: unknown, r: Resolved): TensorArg | undefined {
  if (x instanceof Tensor) {
    if (x.dtype !== 'float32' || x.disposed) return undefined;
    tensorAddress(x, ctx.memory); // a foreign tensor throws
    return { g: r.g, shape: x.shape, tensor: x as Tensor<'float32'> };
  }
  const { data, shape } = x as { data?: unknown; shape: number[] };
  if (!(data instanceof Float32Array) || data.length !== r.size) return undefined;
  return { g: r.g, shape, data };
}
