// simdpool/parallel in browsers: the same engine as in Node (operators returning promises, work
// split over workers sharing one WebAssembly memory), on Web Workers. A shared memory needs a
// cross-origin isolated page (COOP/COEP headers: docs/browser.md); where the page is not
// isolated, or WebAssembly SIMD is missing, the engine has no workers (`threads` 0) and runs
// every call on the calling thread with the single-threaded kernels: same results, same API.
import packedThreads from '../build/simdpool-threads.b85';
import type { ParallelEngine, ParallelOptions } from './parallel/engine';
import { onCallingThread, readParallelOptions, startThreads } from './parallel/start';
import { spawnWebWorker } from './parallel/web-workers';
import { loadKernels, simdSupported } from './wasm';
import { unpackWasm } from './wasm-packed';
import { defaultWasm } from './wasm-source';

/** Whether this page may share memory between workers (SharedArrayBuffer, cross-origin isolation). */
export function threadsAvailable(): boolean {
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
}

/** Start the workers (or none: threadsAvailable()) and return an engine whose operators return promises. */
export async function initParallel(options: ParallelOptions = {}): Promise<ParallelEngine> {
  const o = readParallelOptions(options, globalThis.navigator?.hardwareConcurrency || 1);
  if (threadsAvailable() && simdSupported()) {
    const [threads] = await unpackWasm(packedThreads);
    return startThreads(o, spawnWebWorker, threads as Uint8Array<ArrayBuffer>);
  }
  return onCallingThread(o, await loadKernels(undefined, defaultWasm));
}

export * from './parallel/api';
