// Layout conversion between channels-first and channels-last (a batch of transposes in wasm).
import type { Context } from '../context';
import { LAYOUTS, shapeWith } from '../shape';
import { readOptionBag } from './options';
import type { OperatorSpec } from './registry';
import { CallMemory, readTensorArg } from './tensors';

export function convertLayout(ctx: Context, op: OperatorSpec, x: unknown, opts: unknown): unknown {
  const bag = readOptionBag(op, opts);
  const arg = readTensorArg(ctx, op.name, x, op.dims);
  const g = arg.g;
  const toChannelsLast = op.toChannelsLast === true;
  const layout = LAYOUTS[op.dims][toChannelsLast ? 1 : 0];
  const outShape = shapeWith({ ...g, channelsLast: toChannelsLast, layout }, g.spatial);
  const call = new CallMemory(ctx, op.name);
  try {
    const input = call.input(arg);
    const out = call.output('out', 'float32', outShape, layout, arg.tensor !== undefined, bag.out, [arg]);
    const spatial = g.spatial.reduce((a, b) => a * b, 1);
    const size = g.batch * g.channels * spatial;
    if (size > 0) {
      if (g.channelsLast === toChannelsLast) {
        new Uint8Array(ctx.memory.memory.buffer).copyWithin(out.ptr, input, input + size * 4);
      } else if (toChannelsLast) {
        ctx.kernels.transpose_f32(input, out.ptr, g.batch, g.channels, spatial);
      } else {
        ctx.kernels.transpose_f32(input, out.ptr, g.batch, spatial, g.channels);
      }
    }
    call.finish();
    return out.result;
  } finally {
    call.release();
  }
}
