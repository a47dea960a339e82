// Global pooling: one window over all spatial positions, keeping rank and layout (sizes 1).
import type { Context } from '../context';
import { product, shapeWith, wholeAxes } from '../shape';
import { planShapeOf, readInput } from './pool';
import { readOptionBag } from './options';
import type { OperatorSpec } from './registry';
import { CallMemory } from './tensors';

export function globalPool(ctx: Context, op: OperatorSpec, x: unknown, opts: unknown): unknown {
  const bag = readOptionBag(op, opts);
  const { arg, bytes } = readInput(ctx, op, x);
  if (op.reduce === 'lp') return ctx.lp!.globalPool(ctx, op, arg, bag);
  // nanMode (the full engine's; globalMaxPool's only) is validated for every dtype, though integers have no NaN.
  const ignoreNaN = ctx.interop?.readNanMode(op.name, bag.nanMode) === 'ignore';
  if (bytes) return bytes.globalPool(ctx, op, arg, bag);
  const g = arg.g;
  const outShape = shapeWith(g, g.spatial.map(() => 1));
  const call = new CallMemory(ctx, op.name);
  try {
    const out = call.output('out', 'float32', outShape, g.layout, arg.tensor !== undefined, bag.out, [arg]);
    const input = call.input(arg);
    if (g.batch > 0) {
      const shape = planShapeOf(g);
      const k = ctx.kernels;
      if (!shape.channelsLast) {
        // Each plane is one contiguous run.
        const length = product(g.spatial);
        if (op.reduce === 'max') (ignoreNaN ? k.globalMaxPlanesNoNaN_f32 : k.globalMaxPlanes_f32)(input, out.ptr, shape.planes, length);
        else k.globalAvgPlanes_f32(input, out.ptr, shape.planes, length);
      } else {
        // Channels-last: one window covering everything, channel lanes.
        const axes = wholeAxes(g.spatial);
        const plan = ctx.plans.get(shape, axes, { countPadding: false });
        if (op.reduce === 'max') (ignoreNaN ? k.maxPoolChannelsNoNaN_f32 : k.maxPoolChannels_f32)(plan, input, out.ptr);
        else k.avgPoolChannels_f32(plan, input, out.ptr);
      }
    }
    call.finish();
    return out.result;
  } finally {
    call.release();
  }
}
