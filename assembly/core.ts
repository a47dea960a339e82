// The kernels of simdpool/core (src/core.ts): max (with indices) and average pooling in every
// layout, global pooling and layout conversion, without Lp pooling, unpooling, nanMode 'ignore'
// and the ONNX/TF index formats. Windows other than the common ones (2 / stride 2, 3 / stride 2,
// 3 / stride 1) share one any-stride kernel: this keeps the module under 32 KB.
import { poolRowsSpecialised } from './rows';
import { AVG, MAX, MAX_INDEX, OpAvg, OpMax, OpMaxIndex } from './reduce';
import { poolChannels } from './channels';
import { Plan } from './plan';
import { transposeMatrices } from './layout';

export { planBytes } from './plan';
export { maxPoolPlaneGroups_f32, maxPoolPlaneGroupsIndices_f32, avgPoolPlaneGroups_f32 } from './planegroups';
export { globalMaxPlanes_f32, globalAvgPlanes_f32 } from './planes';
export { simd, heapBase } from './build';

/** Layout conversion without the full build's paths for 2 or 3 channels (layout.ts). */
export function transpose_f32(input: usize, output: usize, batches: i32, rows: i32, cols: i32): void {
  transposeMatrices(input, output, batches, rows, cols, false);
}

export function maxPoolRows_f32(plan: usize, input: usize, output: usize): void {
  poolRowsSpecialised<OpMax>(plan, input, output, 0, false, false);
}

export function maxPoolRowsIndices_f32(plan: usize, input: usize, output: usize, indices: usize): void {
  poolRowsSpecialised<OpMaxIndex>(plan, input, output, indices, false, false);
}

export function avgPoolRows_f32(plan: usize, input: usize, output: usize): void {
  poolRowsSpecialised<OpAvg>(plan, input, output, 0, false, false);
}

/** Channels-last pooling without the full build's paths (channels.ts maxRowInterior, avgRowInterior, indexBlock16). */
export function maxPoolChannels_f32(plan: usize, input: usize, output: usize): void {
  poolChannels(MAX, changetype<Plan>(plan), input, output, 0, false);
}

export function maxPoolChannelsIndices_f32(plan: usize, input: usize, output: usize, indices: usize): void {
  poolChannels(MAX_INDEX, changetype<Plan>(plan), input, output, indices, false);
}

export function avgPoolChannels_f32(plan: usize, input: usize, output: usize): void {
  poolChannels(AVG, changetype<Plan>(plan), input, output, 0, false);
}
