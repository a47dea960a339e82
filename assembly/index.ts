// The kernel library's exports. Kernels take raw pointers into linear memory, which the
// TypeScript side (src/memory.ts) owns; nothing here allocates.
export { planBytes } from './plan';
export {
  maxPoolRows_f32, maxPoolRowsIndices_f32, maxPoolRowsNoNaN_f32, maxPoolRowsIndicesNoNaN_f32, avgPoolRows_f32,
} from './rows';
export {
  maxPoolChannels_f32, maxPoolChannelsIndices_f32, maxPoolChannelsNoNaN_f32, maxPoolChannelsIndicesNoNaN_f32,
  avgPoolChannels_f32,
} from './channels';
export {
  maxPoolPlaneGroups_f32, maxPoolPlaneGroupsIndicesFull_f32 as maxPoolPlaneGroupsIndices_f32, maxPoolPlaneGroupsNoNaN_f32,
  maxPoolPlaneGroupsIndicesNoNaN_f32, avgPoolPlaneGroups_f32,
} from './planegroups';
export { maxPoolRowFolds_f32, maxPoolRowFoldsNoNaN_f32 } from './row-folds';
export { maxPoolPixelFolds_f32, maxPoolPixelFoldsNoNaN_f32 } from './pixel-folds';
export { globalMaxPlanes_f32, globalMaxPlanesNoNaN_f32, globalAvgPlanes_f32 } from './planes';
export { powElements_f32 } from './elementwise';
export { divideBySizes_f32 } from './window-sizes';
export { firstIndexOutside_i32 } from './index-range';
export { unpoolPlanes_f32, unpoolChannels_f32 } from './unpool';
export { remapIndices_i32, remapIndicesColumnMajor_i32 } from './indices';
export { transpose_f32 } from './layout';
export { repitch_u8, transpose_u8 } from './pixels';
export { poolOneCell_f32 } from './one-cell';
export {
  maxPoolBackwardPlanes_f32, maxPoolBackwardChannels_f32, avgPoolBackwardRows_f32,
  avgPoolBackwardChannels_f32, lpPoolBackwardWeights_f32, lpPoolBackwardInput_f32, meanBackward_f32,
} from './backward';
export {
  maxPoolBytes, maxPoolBytesIndices, avgPoolBytes, globalMaxBytes, globalAvgBytes, meanBytes, adaptiveAvgBytesWide,
} from './bytes';

export { simd, heapBase } from './build';
