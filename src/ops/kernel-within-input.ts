// PyTorch's float avg_pool3d and its backward pass, alone of the pooling family (and not its
// quantized kernel), reject a kernel larger than the unpadded input; so does lp_pool3d (torch
// >= 2.2), which pools through avg_pool3d. The full engine's (Context.kernelWithinInput);
// simdpool/core has no 3D operators.
import type { WindowSpec } from '../shape';
import type { OperatorSpec } from './registry';

/** A RangeError where PyTorch's avg_pool3d rejects these sizes (with PyTorch's padding). */
export function kernelWithinInput(op: OperatorSpec, spatial: readonly number[], spec: WindowSpec): void {
  if (op.reduce !== 'max' && op.dims === 3 && spec.padding.kind === 'symmetric' && spatial.some((n, i) => n < spec.kernel[i])) {
    throw new RangeError(`${op.name}: input size (${spatial.join('x')}) is smaller than kernelSize (${spec.kernel.join('x')}), as PyTorch's avg_pool3d rejects`);
  }
}
