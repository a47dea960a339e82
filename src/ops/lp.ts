// Lp pooling (lpPool*, globalLpPool*) on the average kernels: PyTorch's
// avg_pool(x.pow(p)) * prod(kernel), then .pow(1/p). Windows, plans and memory are pool.ts's
// (runPool hands its kernel step here). The full engine's (Context.lp): simdpool/core has no Lp
// operators, and its bundle leaves this file out.
import type { Context } from '../context';
import type { Kernels } from '../kernels';
import { wholeAxes } from '../shape';
import { readNormType } from './options';
import { poolKernel, runPool, type Path, type Settings } from './pool';
import type { OperatorSpec } from './registry';
import type { CallMemory, TensorArg } from './tensors';

/** The kernels of an Lp pooling call: x^p into scratch, averaged windows times lpScale, then ^(1/p). */
function runLpKernels(
  k: Kernels, call: CallMemory, path: Path, plan: number, input: number, out: number, scratch: number,
  inElements: number, outElements: number, s: Settings,
): void {
  const powered = call.block(inElements * 4, 'powers');
  k.powElements_f32(input, powered, inElements, 1, s.normType);
  poolKernel(k, path, 'avg', false)(plan, powered, out, scratch);
  k.powElements_f32(out, out, outElements, s.lpScale, 1 / s.normType);
}

/** Lp pooling over whole planes (globalLpPool*): one window of the full spatial extent. */
function globalLpPool(ctx: Context, op: OperatorSpec, arg: TensorArg, bag: Record<string, unknown>): unknown {
  const axes = wholeAxes(arg.g.spatial);
  const lpScale = arg.g.spatial.reduce((a, b) => a * b, 1);
  const settings: Settings = {
    reduce: 'lp',
    divisor: { countPadding: false },
    returnIndices: false,
    indexFormat: { kind: 'plane' },
    nanMode: 'propagate',
    normType: readNormType(op.name, bag.normType),
    lpScale,
  };
  return runPool(ctx, op, arg, axes, settings, bag);
}

export const LP_OPS = { readNormType, runKernels: runLpKernels, globalPool: globalLpPool };
export type LpOps = typeof LP_OPS;
