// Starting a parallel engine, shared by the Node entry (src/parallel.ts) and the browser entry
// (src/parallel-browser.ts): the options read once, then either worker threads over one shared
// memory, or (a browser page that is not cross-origin isolated) no workers at all.
import { describe } from '../describe';
import type { Kernels } from '../kernels';
import { MAX_MEMORY_BYTES } from '../memory';
import { readOptionBag } from '../ops/options';
import { DEFAULT_INLINE_BELOW, ParallelEngine, type ParallelOptions } from './engine';
import { PinnedMemory } from './memory';
import { WorkerPool, type SpawnWorker } from './workers';

const PAGE = 65536;

export type StartOptions = { threads: number; inlineBelow: number; maxPending: number; maxBytes: number };

/** initParallel's options, checked as an operator's are (an unknown name is a TypeError). */
const INIT_PARALLEL = {
  name: 'initParallel',
  options: ['threads', 'inlineBelow', 'maxPending', 'maxMemoryBytes'] satisfies (keyof ParallelOptions)[],
};

/** The options, checked; `threads` defaults to `defaultThreads` (the machine's cores). */
export function readParallelOptions(opts: unknown, defaultThreads: number): StartOptions {
  const options = readOptionBag(INIT_PARALLEL, opts) as ParallelOptions;
  const threads = options.threads ?? defaultThreads;
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
  // whole pages: memory grows by pages, so a limit between two would be passed on a grow
  return { threads, inlineBelow, maxPending, maxBytes: Math.floor(maxBytes / PAGE) * PAGE };
}

/** Worker threads started by `spawn`, each running the threads build over one shared memory. */
export async function startThreads(o: StartOptions, spawn: SpawnWorker, threadsWasm: Uint8Array): Promise<ParallelEngine> {
  const module = await WebAssembly.compile(threadsWasm as Uint8Array<ArrayBuffer>); // (a build of ours: no shared buffer)
  const maximum = o.maxBytes / PAGE;
  const memory = new WebAssembly.Memory({ initial: Math.min(16, maximum), maximum, shared: true });
  const instance = new WebAssembly.Instance(module, { env: { memory, abort: () => { throw new Error('wasm abort'); } } });
  const kernels = { ...(instance.exports as unknown as Kernels), memory } as Kernels;
  const pool = new WorkerPool((counters, name) => spawn({ module, memory, ...counters }, name), o.threads);
  try {
    await pool.start();
  } catch (e) {
    await pool.close(e as Error);
    throw e;
  }
  return new ParallelEngine(kernels, new PinnedMemory(memory, kernels.heapBase(), o.maxBytes), pool, o);
}

/**
 * The same engine with no workers (`threads` 0): every call runs on the calling thread, over
 * `kernels` (a single-threaded build), and its promise is settled when it returns.
 */
export function onCallingThread(o: StartOptions, kernels: Kernels): ParallelEngine {
  const none = new WorkerPool(() => {
    throw new Error('simdpool internal error: a worker was started for an engine without workers');
  }, 0);
  return new ParallelEngine(kernels, new PinnedMemory(kernels.memory, kernels.heapBase(), o.maxBytes), none, { ...o, inlineBelow: Infinity });
}
