// The kernel library's exports. Kernels take raw pointers into linear memory, which the
// TypeScript side (src/memory.ts) owns; nothing here allocates.
export { planBytes } from './plan';
export { maxPoolRows_f32, maxPoolRowsIndices_f32, avgPoolRows_f32 } from './rows';
export { maxPoolChannels_f32, maxPoolChannelsIndices_f32, avgPoolChannels_f32 } from './channels';
export { globalMaxPlanes_f32, globalAvgPlanes_f32 } from './planes';
export { transpose_f32 } from './layout';

/** 1 in the SIMD build, 0 in the scalar build (asc without --enable simd). */
export function simd(): i32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}

/** First byte the TypeScript allocator may use (after any static data). */
export function heapBase(): usize {
  return __heap_base;
}
