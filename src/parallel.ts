// simdpool/parallel: the engine for Node services. Same operators as init()'s, returning
// promises; work is split over worker threads that share one WebAssembly memory.
// A separate entry (Node only: worker_threads), so that `simdpool` itself stays browser-safe.
import { availableParallelism } from 'node:os';
import threadsWasm from '../build/simdpool-threads.wasm';
import type { ParallelEngine, ParallelOptions } from './parallel/engine';
import { spawnNodeWorker } from './parallel/node-workers';
import { readParallelOptions, startThreads } from './parallel/start';

/** Whether worker threads can share memory here: always in Node (in browsers: cross-origin isolation). */
export function threadsAvailable(): boolean {
  return true;
}

/** Start the worker threads and return an engine whose operators return promises. */
export async function initParallel(options: ParallelOptions = {}): Promise<ParallelEngine> {
  return startThreads(readParallelOptions(options, availableParallelism()), spawnNodeWorker, threadsWasm as Uint8Array<ArrayBuffer>);
}

export * from './parallel/api';
