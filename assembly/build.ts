// What the TypeScript side asks any kernel module (assembly/index.ts, assembly/core.ts) first.

/** 1 in the SIMD build, 0 in the scalar build (asc without --enable simd). */
export function simd(): i32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}

/** First byte the TypeScript allocator may use (after any static data). */
export function heapBase(): usize {
  return __heap_base;
}
