// What both simdpool/parallel entries export besides initParallel and threadsAvailable
// (src/parallel.ts for Node, src/parallel-browser.ts for browsers).
export { ParallelEngine, QueueFullError, EngineClosedError, DEFAULT_INLINE_BELOW } from './engine';
export type { ParallelOptions } from './engine';
export { Tensor } from '../tensor';
export { OutOfMemoryError } from '../memory';
export type { Input, Output, IndicesOutput, MaxPoolOptions, AvgPoolOptions, OutOptions } from '../engine';
export type { Layout, DType, TensorLike, PlainTensor } from '../tensor';
export { OPERATORS } from '../ops/registry';
