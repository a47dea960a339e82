// Backward passes of pooling (operators of kind 'backward'): the gradient with respect to the
// forward input, given the gradient of the forward output, as torch.autograd computes it.
//   max, adaptive max:  (gradOutput, indices, { inputShape, ...forward options })  scatter-add at the indices
//                       (gradOutput, { input, ...forward options })             argmax recomputed from input
//   avg, adaptive avg:  (gradOutput, { inputShape, ...forward options })
//   Lp:                 (gradOutput, { input, ...forward options })
// The windows and divisors come from the forward window plan (plan.ts), so padding, ceil mode,
// countIncludePad and divisorOverride are resolved in one place for both directions.
import type { Context } from '../context';
import { describe } from '../describe';
import { adaptiveAxes, product, resolveAxes, sameShape, shapeWith, type Axis, type Geometry } from '../shape';
import { Tensor } from '../tensor';
import { readAvgDivisor, readBool, readNanMode, readNormType, readOptionBag, readWindowSpec } from './options';
import type { Divisor } from './plan';
import { groupBytesOf, pathOf, planBytesBound, planShapeOf, poolIndicesKernel, poolKernel } from './pool';
import { kernelWithinInput } from './kernel-within-input';
import type { OperatorSpec } from './registry';
import { CallMemory, checkFits, readTensorArg, type TensorArg } from './tensors';
import { checkIndices } from './check-indices';
import { readNumberList } from './number-list';
import { dividesByAxis, windowSizeDivision } from './window-sizes';

/** Operators of kind 'backward'. `second` is the indices (max, indices form) or the options. */
export function poolBackward(ctx: Context, op: OperatorSpec, gradOutput: unknown, second: unknown, third: unknown): unknown {
  const withIndices = op.reduce === 'max' && third !== undefined;
  const opts = withIndices ? third : second;
  const tensorLike = second instanceof Tensor || (typeof second === 'object' && second !== null && 'data' in second);
  if (!withIndices && tensorLike) {
    throw new TypeError(
      `${op.name}: options are required after indices ({ inputShape }); without indices, pass { input, ... } as the second argument`,
    );
  }
  // (options with a third argument after them, null say, were read as indices: "indices.data must be ...")
  if (withIndices && !tensorLike) {
    throw new TypeError(`${op.name}: indices must be a tensor, got ${describe(second)} (options with input come second, alone)`);
  }
  const bag = readOptionBag(op, opts);
  const grad = readTensorArg(ctx, op.name, gradOutput, op.dims, 'gradOutput');
  const g = grad.g;
  const indices = withIndices ? readIndices(ctx, op, second, grad) : undefined;
  const input = readInput(ctx, op, bag, grad, withIndices);
  const inSpatial = input ? input.g.spatial : readInputShape(op, bag.inputShape, g);
  const axes = readAxes(op, bag, inSpatial, g, withIndices);
  // Adaptive averages divide by one window size at a time, as PyTorch (./window-sizes.ts): the
  // deltas are formed first (adaptiveDeltas) and spread with a divisor of 1.
  const sequential = op.reduce === 'avg' && op.forward === 'adaptive' && axes !== undefined && dividesByAxis(axes);
  const divisor = sequential ? { override: 1, countPadding: false } : readDivisor(op, bag);
  if (withIndices && bag.nanMode !== undefined) throw new TypeError(`${op.name}: nanMode is only accepted with input (without indices)`);
  const nanMode = op.reduce === 'max' ? readNanMode(op.name, bag.nanMode) : 'propagate';
  const normType = op.reduce === 'lp' ? readNormType(op.name, bag.normType) : 2;

  const inShape = shapeWith(g, inSpatial);
  const planes = g.batch * g.channels;
  const inPlane = product(inSpatial);
  const outPlane = product(g.spatial);
  const inElements = planes * inPlane;
  const outElements = planes * outPlane;
  const shape = planShapeOf(g);
  const path = axes ? pathOf(shape, axes) : 'Rows';
  const recompute = op.reduce === 'lp' || (op.reduce === 'max' && !withIndices);
  const groupBytes = path === 'PlaneGroups' && recompute ? groupBytesOf(inPlane, outPlane) : 0;
  const work = g.batch > 0;
  checkFits(op.name, inShape, inElements * 4 + (grad.tensor ? 0 : outElements * 4) + (input && !input.tensor ? inElements * 4 : 0) +
    (indices && !indices.tensor ? outElements * 4 : 0) +
    (work && axes ? planBytesBound(axes) + 2 * outElements * 4 + inElements * 4 + groupBytes : 0));

  const call = new CallMemory(ctx, op.name);
  try {
    const inputs = [grad, ...(indices ? [indices] : []), ...(input ? [input] : [])];
    const out = call.output('out', 'float32', inShape, g.layout, grad.tensor !== undefined, bag.out, inputs);
    const gradPtr = call.input(grad);
    const idxPtr = indices ? call.input(indices) : 0;
    // Every index in the input plane, or -1 (no input, skipped as PyTorch does).
    if (indices) checkIndices(ctx, op.name, idxPtr, outElements, -1, inPlane, 0, `the input plane of ${inPlane} elements (or -1)`);
    const inputPtr = input ? call.input(input) : 0;
    if (work) {
      const k = ctx.kernels;
      // (A recomputed argmax of a window with no in-bounds tap is below 0, and sends nothing.)
      const plan = axes ? ctx.plans.get(shape, axes, recompute && op.reduce === 'max' ? { ...divisor, noInputIndex: true } : divisor) : 0;
      const scratch = groupBytes > 0 ? call.block(groupBytes, 'plane groups') : 0;
      const rowScratch = axes ? call.block(4 * Math.max(axes[axes.length - 1].out, g.channels) + 16, 'deltas') : 0;
      const scatter = (values: number, at: number) => {
        if (shape.channelsLast) k.maxPoolBackwardChannels_f32(values, at, out.ptr, g.batch, outPlane, inPlane, g.channels);
        else k.maxPoolBackwardPlanes_f32(values, at, out.ptr, planes, outPlane, inPlane);
      };
      const spread = (values: number) => (shape.channelsLast ? k.avgPoolBackwardChannels_f32 : k.avgPoolBackwardRows_f32)(plan, values, out.ptr, rowScratch);
      if (op.reduce === 'max') {
        if (indices) scatter(gradPtr, idxPtr);
        else {
          // The argmax as the forward pass finds it (PyTorch's per-plane indices).
          const maxima = call.block(outElements * 4, 'maxima');
          const argmax = call.block(outElements * 4, 'argmax');
          poolIndicesKernel(k, path, nanMode === 'ignore')(plan, inputPtr, maxima, argmax, scratch);
          scatter(gradPtr, argmax);
        }
      } else if (op.reduce === 'avg' && op.forward === 'adaptive' && axes!.every((a) => a.out === 1)) {
        // PyTorch pools these as a mean, whose gradient is grad / count written to every cell
        // (not added into zeros: a -0 stays -0).
        const last = shape.channelsLast;
        k.meanBackward_f32(gradPtr, out.ptr, last ? g.batch : planes, inPlane, last ? g.channels : 1, inPlane);
      } else if (op.reduce === 'avg') {
        spread(sequential ? adaptiveDeltas(ctx, call, gradPtr, g, axes!) : gradPtr);
      } else {
        // Lp: A = avg_pool(x^p) as the forward pass forms it, then the chain rule back to x,
        // the powers C^(1/p-1) and x^(p-1) by the forward's powElements (of |exponent|).
        const powers = call.block(inElements * 4, 'powers');
        const sums = call.block(outElements * 4, 'sums');
        const weights = call.block(outElements * 4, 'weights');
        k.powElements_f32(inputPtr, powers, inElements, 1, normType);
        poolKernel(k, path, 'avg', false)(plan, powers, sums, scratch);
        const kernelSize = axes!.reduce((n, a) => n * a.kernel, 1);
        const outExponent = 1 / normType - 1;
        if (outExponent !== 0) k.powElements_f32(sums, weights, outElements, kernelSize, Math.abs(outExponent));
        k.lpPoolBackwardWeights_f32(gradPtr, sums, weights, outElements, kernelSize, normType, +(outExponent < 0));
        spread(weights);
        const inExponent = normType - 1;
        if (inExponent !== 0) k.powElements_f32(inputPtr, powers, inElements, 1, Math.abs(inExponent));
        k.lpPoolBackwardInput_f32(out.ptr, powers, inElements, normType, +(inExponent < 0));
      }
    }
    call.finish();
    return out.result;
  } finally {
    call.release();
  }
}

/** Each gradient divided by its adaptive window's sizes one axis at a time, into a scratch block (gradOutput is not changed). */
function adaptiveDeltas(ctx: Context, call: CallMemory, gradPtr: number, g: Geometry, axes: readonly Axis[]): number {
  const count = g.batch * g.channels * product(g.spatial);
  const ptr = call.block(count * 4, 'deltas');
  windowSizeDivision(ctx, call, axes, g.channelsLast, g.channels)(gradPtr, ptr, count);
  return ptr;
}

/** The indices of the indices form: int32, with gradOutput's shape and layout. */
function readIndices(ctx: Context, op: OperatorSpec, indices: unknown, grad: TensorArg): TensorArg {
  const arg = readTensorArg(ctx, op.name, indices, op.dims, 'indices', 'int32');
  if (arg.g.layout !== grad.g.layout || !sameShape(arg.shape, grad.shape)) {
    throw new RangeError(
      `${op.name}: indices must have the shape and layout of gradOutput (${describe(grad.shape)} '${grad.g.layout}'), ` +
        `got ${describe(arg.shape)} '${arg.g.layout}'`,
    );
  }
  return arg;
}

/** The forward input (max without indices, Lp): same layout, batch and channels as gradOutput. */
function readInput(ctx: Context, op: OperatorSpec, bag: Record<string, unknown>, grad: TensorArg, withIndices: boolean): TensorArg | undefined {
  const needed = op.reduce === 'lp' || (op.reduce === 'max' && !withIndices);
  if (!needed) {
    if (bag.input !== undefined) throw new TypeError(`${op.name}: input is only accepted without indices`);
    return undefined;
  }
  if (bag.input === undefined) {
    throw new TypeError(
      op.reduce === 'lp'
        ? `${op.name}: input (the forward input) is required`
        : `${op.name}: input (the forward input) is required without indices; or pass (gradOutput, indices, { inputShape })`,
    );
  }
  if (bag.inputShape !== undefined) throw new TypeError(`${op.name}: inputShape is not accepted with input (input has a shape)`);
  const arg = readTensorArg(ctx, op.name, bag.input, op.dims, 'input');
  const g = grad.g;
  if (arg.g.layout !== g.layout || arg.g.batched !== g.batched || arg.g.batch !== g.batch || arg.g.channels !== g.channels) {
    throw new RangeError(
      `${op.name}: input must have gradOutput's layout, batch and channels (${describe(grad.shape)} '${g.layout}'), ` +
        `got ${describe(arg.shape)} '${arg.g.layout}'`,
    );
  }
  if (arg.tensor !== undefined && arg.tensor === grad.tensor) throw new RangeError(`${op.name}: input must not be gradOutput`);
  return arg;
}

/** inputShape: the forward input's full shape (gradOutput's rank and layout) or its spatial sizes. */
function readInputShape(op: OperatorSpec, given: unknown, g: Geometry): number[] {
  const dims = op.dims;
  const full = shapeWith(g, g.spatial).length;
  const what = `an array of ${dims} spatial sizes or the forward input's shape (rank ${full}, layout '${g.layout}')`;
  if (given === undefined) throw new TypeError(`${op.name}: inputShape is required (${what})`);
  const value = readNumberList(op.name, 'inputShape', given, [dims, full], what);
  // Spatial sizes positive; a whole shape's batch may be 0, as gradOutput's (checked below).
  const positive = (sizes: number[]) => {
    if (sizes.some((n) => !Number.isSafeInteger(n) || n < 1)) {
      throw new RangeError(`${op.name}: inputShape must hold positive integers (only a batch may be 0), got ${describe(value)}`);
    }
  };
  if (value.some((n) => !Number.isSafeInteger(n) || n < 0)) positive(value);
  if (value.length === dims) {
    positive(value);
    return [...value];
  }
  const spatial = g.channelsLast ? value.slice(full - dims - 1, full - 1) : value.slice(full - dims);
  positive(spatial);
  const expected = shapeWith(g, spatial);
  if (!sameShape(expected, value)) {
    throw new RangeError(`${op.name}: inputShape ${describe(value)} must have gradOutput's batch and channels (${describe(expected)})`);
  }
  return spatial;
}

/**
 * The forward windows, checked against gradOutput's spatial sizes. The indices form needs none
 * (the indices say where), but checks them when window options are given.
 */
function readAxes(op: OperatorSpec, bag: Record<string, unknown>, inSpatial: number[], g: Geometry, withIndices: boolean): Axis[] | undefined {
  let axes: Axis[] | undefined;
  if (op.forward === 'adaptive') axes = adaptiveAxes(inSpatial, g.spatial);
  else if (!withIndices || bag.kernelSize !== undefined) {
    const spec = readWindowSpec(op, bag);
    kernelWithinInput(op, inSpatial, spec);
    axes = resolveAxes(op.name, inSpatial, spec);
  }
  else {
    for (const name of ['stride', 'padding', 'dilation', 'ceilMode']) {
      if (bag[name] !== undefined) throw new TypeError(`${op.name}: ${name} needs kernelSize (with indices, window options only check shapes)`);
    }
  }
  if (axes && axes.some((a, d) => a.out !== g.spatial[d])) {
    throw new RangeError(
      `${op.name}: gradOutput's spatial sizes ${describe(g.spatial)} are not the forward output's ` +
        `${describe(axes.map((a) => a.out))} for an input of ${describe(inSpatial)} with these options`,
    );
  }
  return withIndices ? undefined : axes;
}

/** An average's divisor as the forward pass forms it; Lp divides by the in-input cells (no padding). */
function readDivisor(op: OperatorSpec, bag: Record<string, unknown>): Divisor {
  if (op.reduce !== 'avg' || op.forward === 'adaptive') return { countPadding: false };
  // (as the forward pass reads them)
  return readAvgDivisor(op.name, bag, bag.padding === 'same');
}
