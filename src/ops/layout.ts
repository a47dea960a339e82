// Layout conversion between channels-first and channels-last (a batch of transposes in wasm), of
// float32 tensors and, in the full engine, of int8/uint8 ones (canvas RGBA pixels to planes).
import type { Context } from '../context';
import { LAYOUTS, product, shapeWith } from '../shape';
import { readOptionBag } from './options';
import { readInput } from './pool';
import type { OperatorSpec } from './registry';
import { bytesPer, CallMemory } from './tensors';

export function convertLayout(ctx: Context, op: OperatorSpec, x: unknown, opts: unknown): unknown {
  const bag = readOptionBag(op, opts);
  const { arg } = readInput(ctx, op, x);
  const { g, dtype } = arg;
  const toChannelsLast = op.toChannelsLast === true;
  const layout = LAYOUTS[op.dims][toChannelsLast ? 1 : 0];
  const outShape = shapeWith({ ...g, channelsLast: toChannelsLast, layout }, g.spatial);
  const call = new CallMemory(ctx, op.name);
  try {
    const out = call.output('out', dtype, outShape, layout, arg.tensor !== undefined, bag.out, [arg]);
    const input = call.input(arg);
    const spatial = product(g.spatial);
    const size = g.batch * g.channels * spatial;
    const transpose = dtype === 'float32' ? ctx.kernels.transpose_f32 : ctx.kernels.transpose_u8;
    if (size > 0) {
      if (g.channelsLast === toChannelsLast) {
        new Uint8Array(ctx.memory.memory.buffer).copyWithin(out.ptr, input, input + size * bytesPer(dtype));
      } else if (toChannelsLast) {
        transpose(input, out.ptr, g.batch, g.channels, spatial);
      } else {
        transpose(input, out.ptr, g.batch, spatial, g.channels);
      }
    }
    call.finish();
    return out.result;
  } finally {
    call.release();
  }
}
