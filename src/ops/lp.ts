// Lp pooling (lpPool*, globalLpPool*) on the average kernels: PyTorch's
// avg_pool(x.pow(p)) * prod(kernel), then .pow(1/p). Windows, plans and memory are pool.ts's
// (the powers are a step around its kernel: Settings.around). The full engine's (Context.lp):
// simdpool/core has no Lp operators, and its bundle leaves this file out.
import type { Context } from '../context';
import { product, wholeAxes, type Axis } from '../shape';
import { readNormType } from './options';
import { runPool, type AroundKernel, type Settings } from './pool';
import type { OperatorSpec } from './registry';
import type { TensorArg } from './tensors';

/**
 * Around the average kernel of an Lp pooling call: x^p into scratch before, times lpScale and
 * ^(1/p) after, over the whole call (Lp calls are never streamed in chunks: ./stream.ts).
 */
const POWERS: AroundKernel = {
  bytes: (_axes, inElements) => inElements * 4,
  kernel(ctx, call, g, axes, average, s) {
    const planes = g.batch * g.channels;
    const inElements = planes * product(g.spatial);
    const outElements = planes * axes.reduce((n, a) => n * a.out, 1);
    const powered = call.block(inElements * 4, 'powers');
    const k = ctx.kernels;
    const p = s.normType!;
    return (plan, input, output, indices, count) => {
      k.powElements_f32(input, powered, inElements, 1, p);
      average(plan, powered, output, indices, count);
      k.powElements_f32(output, output, outElements, s.lpScale!, 1 / p);
    };
  },
};

/**
 * The settings of a windowed Lp pooling call (none for other reductions): p, PyTorch's factor
 * (the product of the kernel sizes) and the powers around the average kernel.
 */
function lpSettings(op: OperatorSpec, bag: Record<string, unknown>, axes: readonly Axis[]): Partial<Settings> | undefined {
  if (op.reduce !== 'lp') return undefined;
  return { normType: readNormType(op.name, bag.normType), lpScale: axes.reduce((n, a) => n * a.kernel, 1), around: POWERS };
}

/** Lp pooling over whole planes (globalLpPool*): one window of the full spatial extent. */
function globalLpPool(ctx: Context, op: OperatorSpec, arg: TensorArg, bag: Record<string, unknown>): unknown {
  const axes = wholeAxes(arg.g.spatial);
  const settings: Settings = {
    reduce: 'lp',
    divisor: { countPadding: false },
    returnIndices: false,
    indexFormat: { kind: 'plane' },
    nanMode: 'propagate',
    quant: undefined,
    ...lpSettings(op, bag, axes),
  };
  return runPool(ctx, op, arg, axes, settings, bag);
}

export const LP_OPS = { settings: lpSettings, globalPool: globalLpPool };
export type LpOps = typeof LP_OPS;
