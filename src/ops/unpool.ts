// Max unpooling (PyTorch's max_unpool1d/2d/3d): a zero tensor with each value written at its
// per-plane index. Output sizes follow torch.nn.functional._unpool_output_size; every index is
// checked (in wasm) before anything is written.
import type { Context } from '../context';
import { describe } from '../describe';
import { product, sameShape, shapeWith } from '../shape';
import { filled, readOptionBag, readSizes } from './options';
import type { OperatorSpec } from './registry';
import { CallMemory, checkFits, readTensorArg } from './tensors';
import { elementCount, elementsOf } from '../tensor';
import { readNumberList } from './number-list';
import { checkIndices } from './check-indices';

export function maxUnpool(ctx: Context, op: OperatorSpec, x: unknown, indices: unknown, opts: unknown): unknown {
  const bag = readOptionBag(op, opts, 'kernelSize');
  const arg = readTensorArg(ctx, op.name, x, op.dims);
  const idxArg = readTensorArg(ctx, op.name, indices, op.dims, 'indices', 'int32');
  const g = arg.g;
  if (idxArg.g.layout !== g.layout || !sameShape(idxArg.shape, arg.shape)) {
    throw new RangeError(
      `${op.name}: indices must have the shape and layout of x (${describe(arg.shape)} '${g.layout}'), ` +
        `got ${describe(idxArg.shape)} '${idxArg.g.layout}'`,
    );
  }
  const dims = op.dims;
  if (bag.kernelSize === undefined) throw new TypeError(`${op.name}: kernelSize is required`);
  const kernel = readSizes(op.name, 'kernelSize', bag.kernelSize, dims, 1);
  const stride = bag.stride === undefined ? kernel : readSizes(op.name, 'stride', bag.stride, dims, 1);
  const padding = bag.padding === undefined ? filled(dims, 0) : readSizes(op.name, 'padding', bag.padding, dims, 0);
  const defaults = g.spatial.map((n, d) => (n - 1) * stride[d] + kernel[d] - 2 * padding[d]);
  let outSizes = defaults;
  if (bag.outputSize !== undefined) {
    const given = readNumberList(op.name, 'outputSize', bag.outputSize, [dims, dims + 2], `an array of ${dims} or ${dims + 2} sizes`);
    // A whole shape (torch's output_size=x.size()) is in x's layout: batch (not used, as in
    // torch), then channels first or last, which must be x's.
    const sizes = given.length === dims ? given : g.channelsLast ? given.slice(1, dims + 1) : given.slice(2);
    const channels = g.channelsLast ? given[dims + 1] : given[1];
    if (given.length > dims && channels !== g.channels) {
      throw new RangeError(`${op.name}: outputSize ${describe(given)} must have x's ${g.channels} channels ${g.channelsLast ? 'last' : 'after the batch'} (layout '${g.layout}')`);
    }
    sizes.forEach((v: number, d: number) => {
      const lo = defaults[d] - stride[d];
      const hi = defaults[d] + stride[d];
      if (!Number.isSafeInteger(v) || !(lo < v && v < hi)) {
        throw new RangeError(`${op.name}: outputSize ${describe(given)}: dim ${d} must be between ${lo} and ${hi} (exclusive)`);
      }
    });
    outSizes = sizes as number[];
  }
  // A size of 0 is an empty result, as PyTorch's; below 0, PyTorch fails to allocate.
  if (outSizes.some((n) => n < 0)) {
    throw new RangeError(`${op.name}: output size ${describe(outSizes)} is negative (kernelSize, stride and padding give a size below 0)`);
  }
  const outShape = shapeWith(g, outSizes);
  const outPlane = product(outSizes);
  const inPlane = product(g.spatial);
  const length = g.batch * g.channels * inPlane;
  // Before the index check, which takes the output plane as a 32-bit size.
  checkFits(op.name, outShape, g.batch * g.channels * outPlane * 4 + (arg.tensor ? 0 : length * 4) + (idxArg.tensor ? 0 : length * 4));
  // Planes as the kernels count them (channels-last with one channel is laid out like planes).
  const pixels = g.channelsLast && g.channels > 1;
  const planes = pixels ? g.batch : g.batch * g.channels, perPlane = pixels ? g.channels : 1;
  const per = !arg.tensor && !idxArg.tensor && bag.out == null && outPlane > 0
    ? ctx.stream?.planesPerChunk(ctx, planes, (2 * inPlane + outPlane) * perPlane * 4) ?? 0
    : 0;
  if (per && per < planes) {
    const data = arg.data as Float32Array, at = idxArg.data as Int32Array;
    // (As CallMemory.input checks a whole call's inputs: x was validated before the indices,
    // whose getters may have shrunk or detached its buffer since.)
    if (elementCount(data) !== length) throw new RangeError(`${op.name}: x.data changed size during the call`);
    const result = unpoolStreamed(ctx, op.name, data, at, planes, per, inPlane * perPlane, outPlane * perPlane, pixels, g.channels, outSizes);
    return { data: result, shape: [...outShape], layout: g.layout };
  }
  const call = new CallMemory(ctx, op.name);
  try {
    const out = call.output('out', 'float32', outShape, g.layout, arg.tensor !== undefined, bag.out, [arg, idxArg]);
    const values = call.input(arg);
    const idx = call.input(idxArg);
    // (No output element, nothing written: PyTorch does not look at the indices either.)
    if (outPlane > 0) checkIndices(ctx, op.name, idx, length, 0, outPlane, 0, outputPlane(outPlane, outSizes));
    if (g.batch > 0 && outPlane > 0) unpoolKernel(ctx, values, idx, out.ptr, planes, inPlane * perPlane, outPlane * perPlane, pixels, g.channels);
    call.finish();
    return out.result;
  } finally {
    call.release();
  }
}

/** What unpooling's indices address, as its errors name it. */
function outputPlane(outPlane: number, outSizes: number[]): string {
  return `the output plane of ${outPlane} elements (${outSizes.join('x')})`;
}

/** `planes` planes of `inFloats` values into planes of `outFloats` (zeroed first); `pixels`: channels-last, `channels` a pixel. */
function unpoolKernel(
  ctx: Context, values: number, idx: number, out: number, planes: number, inFloats: number, outFloats: number, pixels: boolean, channels: number,
): void {
  if (pixels) ctx.kernels.unpoolChannels_f32(values, idx, out, planes, inFloats / channels, outFloats / channels, channels);
  else ctx.kernels.unpoolPlanes_f32(values, idx, out, planes, inFloats, outFloats);
}

/**
 * A plain call (Float32Array values and Int32Array indices in, a fresh result out) in chunks of
 * `per` planes, as ./stream.ts streams pooling: each chunk's values and indices copied in and
 * checked, unpooled into an output chunk still in L2, and copied straight into the result, so
 * the mostly-zero output is not zeroed in wasm memory, left for DRAM and read back. A bad index
 * throws as in a whole call (its flat position counted from the start), nothing returned.
 */
function unpoolStreamed(
  ctx: Context, name: string, data: Float32Array, indices: Int32Array, planes: number, per: number, inFloats: number, outFloats: number,
  pixels: boolean, channels: number, outSizes: number[],
): Float32Array {
  const call = new CallMemory(ctx, name);
  try {
    const values = call.block(per * inFloats * 4, 'x chunk'), idx = call.block(per * inFloats * 4, 'indices chunk');
    const out = call.block(per * outFloats * 4, 'out chunk');
    const result = new Float32Array(planes * outFloats);
    const buffer = ctx.memory.memory.buffer;
    const valuesView = new Float32Array(buffer, values, per * inFloats), idxView = new Int32Array(buffer, idx, per * inFloats);
    const outView = new Float32Array(buffer, out, per * outFloats);
    const outPlane = outFloats / (pixels ? channels : 1), range = outputPlane(outPlane, outSizes);
    for (let p0 = 0; p0 < planes; p0 += per) {
      const count = Math.min(per, planes - p0), n = count * inFloats;
      valuesView.set(elementsOf(Float32Array, data, p0 * inFloats, n));
      idxView.set(elementsOf(Int32Array, indices, p0 * inFloats, n));
      checkIndices(ctx, name, idx, n, 0, outPlane, p0 * inFloats, range);
      unpoolKernel(ctx, values, idx, out, count, inFloats, outFloats, pixels, channels);
      result.set(outView.subarray(0, count * outFloats), p0 * outFloats);
    }
    return result;
  } finally {
    call.release();
  }
}
