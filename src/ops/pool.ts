// Windowed max and average pooling for any number of spatial dims and both layout families:
// validate options -> resolve axes -> plan -> run one kernel.
import type { Context } from '../context';
import { resolveAxes, shapeWith, type Geometry } from '../shape';
import { type Divisor, type PlanShape } from './plan';
import { readBool, readDivisorOverride, readOptionBag, readWindowSpec } from './options';
import type { OperatorSpec } from './registry';
import { CallMemory, readTensorArg } from './tensors';

/** Channels-last tensors with several channels take the channel-lane kernels; all else the row-lane ones. */
export function planShapeOf(g: Geometry): PlanShape {
  return g.channelsLast && g.channels > 1
    ? { channelsLast: true, planes: g.batch, channels: g.channels }
    : { channelsLast: false, planes: g.batch * g.channels, channels: 1 };
}

export function pool(ctx: Context, op: OperatorSpec, x: unknown, opts: unknown): unknown {
  const bag = readOptionBag(op, opts, true);
  const arg = readTensorArg(ctx, op.name, x, op.dims);
  const spec = readWindowSpec(op, bag);
  const isMax = op.reduce === 'max';
  const returnIndices = isMax && readBool(op.name, 'returnIndices', bag.returnIndices, false);
  if (!returnIndices && bag.outIndices !== undefined) {
    throw new TypeError(`${op.name}: outIndices is only accepted with returnIndices: true`);
  }
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
  const resident = arg.tensor !== undefined;

  const call = new CallMemory(ctx);
  try {
    const input = call.input(arg);
    const out = call.output(op.name, 'out', 'float32', outShape, arg.g.layout, resident, bag.out, [arg]);
    const idx = returnIndices
      ? call.output(op.name, 'outIndices', 'int32', outShape, arg.g.layout, resident, bag.outIndices, [arg])
      : undefined;
    if (arg.g.batch > 0) {
      const shape = planShapeOf(arg.g);
      const plan = ctx.plans.get(shape, axes, divisor);
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
