// simdpool/parallel: the engine for Node services. Same operators as init()'s, returning
// promises; work is split over worker threads that share one WebAssembly memory.
// A separate entry (Node only: worker_threads), so that `simdpool` itself stays browser-safe.
import { availableParallelism } from 'node:os';
import threadsWasm from '../build/simdpool-threads.wasm';
import type { Kernels } from './kernels';
import { MAX_MEMORY_BYTES } from './memory';
import { DEFAULT_INLINE_BELOW, ParallelEngine, type ParallelOptions } from './parallel/engine';
import { PinnedMemory } from './parallel/memory';
import { WorkerPool } from './parallel/workers';
import { describe } from './describe';

const PAGE = 65536;

/** Start the worker threads and return an engine whose operators return promises. */
export async function initParallel(options: ParallelOptions = {}): Promise<ParallelEngine> {
  const threads = options.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new RangeError(`initParallel: threads must be an integer from 1 to 256, got ${describe(options.threads)}`);
  }
  const inlineBelow = options.inlineBelow ?? DEFAULT_INLINE_BELOW;
  if (!(typeof inlineBelow === 'number' && inlineBelow >= 0)) {
    throw new RangeError(`initParallel: inlineBelow must be a number >= 0, got ${describe(options.inlineBelow)}`);
  }
  const maxPending = options.maxPending ?? 256;
  if (!Number.isInteger(maxPending) || maxPending < 1) {
    throw new RangeError(`initParallel: maxPending must be a positive integer, got ${describe(options.maxPending)}`);
  }
  const maxBytes = options.maxMemoryBytes ?? MAX_MEMORY_BYTES;
  if (!(typeof maxBytes === 'number' && maxBytes >= PAGE && maxBytes <= MAX_MEMORY_BYTES)) {
    throw new RangeError(`initParallel: maxMemoryBytes must be from 65536 to 4 GiB, got ${describe(options.maxMemoryBytes)}`);
  }
  const module = await WebAssembly.compile(threadsWasm as Uint8Array<ArrayBuffer>);
  const memory = new WebAssembly.Memory({ initial: 16, maximum: Math.floor(maxBytes / PAGE), shared: true });
  const instance = new WebAssembly.Instance(module, { env: { memory, abort: () => { throw new Error('wasm abort'); } } });
  const kernels = { ...(instance.exports as unknown as Kernels), memory } as Kernels;
  const pool = new WorkerPool(module, memory, threads);
  try {
    await pool.start();
  } catch (e) {
    await pool.close(e as Error);
    throw e;
  }
  return new ParallelEngine(kernels, new PinnedMemory(memory, kernels.heapBase(), Math.floor(maxBytes / PAGE) * PAGE), pool, { inlineBelow, maxPending });
}

export { ParallelEngine, QueueFullError, EngineClosedError, DEFAULT_INLINE_BELOW } from './parallel/engine';
export type { ParallelOptions } from './parallel/engine';
export { Tensor } from './tensor';
export { OutOfMemoryError } from './memory';
export type { Input, Output, IndicesOutput, MaxPoolOptions, AvgPoolOptions, OutOptions } from './engine';
export type { Layout, DType, TensorLike, PlainTensor } from './tensor';
export { OPERATORS } from './ops/registry';
