// The parallel engine: the single-threaded Engine's operators (same validation, planning and
// memory handling: it drives an inner Engine), whose kernel calls are either run at once on
// the calling thread (small calls) or split into work items for the worker threads (a call made
// of parts, Context.fork: each part's calls one item). All memory is one shared
// WebAssembly.Memory; only this thread allocates in it.
import type { Defer, Fork } from '../context';
import { describe } from '../describe';
import { Engine, type DTypeOfArray, type EngineOperators } from '../engine';
import type { Kernels } from '../kernels';
import type { MemoryStats } from '../memory';
import { OPERATORS } from '../ops/registry';
import type { DType, InputArray, Layout, Tensor } from '../tensor';
import { PinnedMemory } from './memory';
import { HEADER_BYTES, canSplit, ranges, split, workOf } from './split';
import { WorkerPool, type HoldPoint, type PoolWorker } from './workers';

export interface ParallelOptions {
  /**
   * Worker threads (default: available cores, os.availableParallelism() in Node,
   * navigator.hardwareConcurrency in browsers).
   */
  threads?: number | null;
  /**
   * Calls whose work estimate (window taps + input floats) is below this run on the calling
   * thread, synchronously: posting to a worker costs more than they take. Default: measured
   * by `npm run bench:threads` (see docs/services.md). 0 sends every call to the workers.
   */
  inlineBelow?: number | null;
  /**
   * Calls that may be waiting for or running in workers at once (default 256). One more
   * rejects at once with an error whose code is 'ERR_SIMDPOOL_QUEUE_FULL': back off and retry,
   * or answer 503. Calls run on the calling thread are not counted.
   */
  maxPending?: number | null;
  /** Largest size of the shared memory, in bytes (default and limit: 4 GiB). */
  maxMemoryBytes?: number | null;
}

/**
 * Default for ParallelOptions.inlineBelow, measured by `npm run bench:threads` on a quiet 2-core
 * machine with the current kernels: a k2 s2 call of work 2.1M (~350 µs on the calling thread)
 * was still faster inline, one of work 2.6M (case B, ~1 ms) was 3x faster on 2 workers; a round
 * trip to a worker costs ~50-60 µs.
 */
export const DEFAULT_INLINE_BELOW = 2_500_000;
/**
 * Exports that return a value the operator needs at once (sizes, an index check) rather than
 * write memory: they always run here, synchronously. Recording them like kernels would hand the
 * operator `undefined` (maxUnpool's index check passed every index, and the scatter then wrote
 * outside its output).
 */
const QUERIES = new Set(['heapBase', 'planBytes', 'simd', 'firstIndexOutside_i32']);
/** Items per worker for one large call (more would balance uneven load, but each costs a message round trip). */
const ITEMS_PER_THREAD = 1;

export class QueueFullError extends Error {
  readonly code = 'ERR_SIMDPOOL_QUEUE_FULL';
  constructor(limit: number) {
    super(`simdpool/parallel: ${limit} calls are already pending (maxPending); retry later`);
    this.name = 'QueueFullError';
  }
}

export class EngineClosedError extends Error {
  readonly code = 'ERR_SIMDPOOL_CLOSED';
  constructor(what: string) {
    super(`simdpool/parallel: the engine was closed ${what}`);
    this.name = 'EngineClosedError';
  }
}

interface Call {
  fn: string;
  args: number[];
}

/** A kernel call, split over the workers when its turn comes; or work items already made, each a chain of calls (Context.fork). */
type Phase = Call | Call[][];

interface Step {
  run: () => void;
  kind: 'finish' | 'release';
}

/** One operator call that went to the workers. */
class Job {
  /** Kernel calls not yet started: each waits for the previous one (they may depend on it). */
  readonly phases: Phase[] = [];
  readonly steps: Step[] = [];
  readonly pins: number[] = [];
  readonly blocks: number[] = [];
  remaining = 0;
  error?: unknown;
  opError?: unknown;
  result?: unknown;
  returned = false;
  done = false;
  resolve!: (v: unknown) => void;
  reject!: (e: unknown) => void;
  readonly promise = new Promise<unknown>((res, rej) => {
    this.resolve = res;
    this.reject = rej;
  });
  constructor(readonly op: string) {}
}

/** Every operator of init()'s engine, returning a promise of its result (installed from the registry). */
export interface ParallelEngine extends EngineOperators<true> {}
export class ParallelEngine {
  /** True when the SIMD build of the kernels runs (always, with workers). */
  readonly simd: boolean;
  /** Number of worker threads; 0: every call runs on the calling thread (src/parallel/start.ts onCallingThread). */
  readonly threads: number;
  readonly #inner: Engine;
  readonly #memory: PinnedMemory;
  readonly #pool: WorkerPool;
  readonly #real: Kernels;
  readonly #inlineBelow: number;
  readonly #maxPending: number;
  #current?: { op: string; job?: Job };
  /** The calls of a part being recorded by #fork. */
  #chain?: Call[];
  #pending = new Set<Job>();
  #closed = false;
  #inlineCalls = 0;
  #workerCalls = 0;

  /** @internal Use initParallel(). */
  constructor(real: Kernels, memory: PinnedMemory, pool: WorkerPool, opts: { inlineBelow: number; maxPending: number }) {
    this.#real = real;
    this.#memory = memory;
    this.#pool = pool;
    this.threads = pool.size;
    this.simd = real.simd() !== 0;
    this.#inlineBelow = opts.inlineBelow;
    this.#maxPending = opts.maxPending;
    const recorder: Record<string, unknown> = { memory: real.memory };
    for (const [name, value] of Object.entries(real)) {
      if (typeof value !== 'function') continue;
      recorder[name] = QUERIES.has(name) ? (...args: number[]) => this.#query(name, args) : (...args: number[]) => this.#kernel(name, args);
    }
    const defer: Defer = (run, kind) => {
      const job = this.#current?.job;
      if (!job) return false;
      job.steps.push({ run, kind });
      return true;
    };
    const fork: Fork = {
      parts: (work) => (work < this.#inlineBelow ? 0 : Math.max(1, pool.size * ITEMS_PER_THREAD)),
      run: (parts) => this.#fork(parts),
    };
    this.#inner = new Engine(recorder as unknown as Kernels, { memory, defer, fork });
    // Every operator of the registry: an async method (typed by EngineOperators<true>).
    for (const name of Object.keys(OPERATORS)) {
      if (!(name in this) && typeof (this.#inner as unknown as Record<string, unknown>)[name] === 'function') {
        Object.defineProperty(this, name, { value: (x: unknown, ...rest: unknown[]) => this.run(name, x, ...rest) });
      }
    }
    // So are these methods, for the same destructuring caller (`const { tensor, maxPool2d } = pp`).
    for (const name of ['run', 'tensor', 'fromArray', 'memoryStats', 'stats', 'close'] as const) {
      Object.defineProperty(this, name, { value: this[name].bind(this), writable: true, configurable: true });
    }
  }

  /**
   * Any operator of the single-threaded engine by name. Arguments are validated and copied in
   * synchronously (a plain input's array may be reused as soon as this returns); the promise
   * settles when the result is ready. Resident inputs and `out` tensors must not be written,
   * read or disposed until then (disposal is safe: it takes effect when the call ends).
   */
  run(op: string, x: unknown, ...rest: unknown[]): Promise<unknown> {
    if (this.#closed) return Promise.reject(new EngineClosedError('before this call'));
    // Own names of the operator list only: `in` would also find Object.prototype's (toString, ...).
    const known = typeof op === 'string' && Object.hasOwn(OPERATORS, op);
    const method = known ? (this.#inner as unknown as Record<string, unknown>)[op] : undefined;
    if (typeof method !== 'function') {
      return Promise.reject(new TypeError(`simdpool/parallel: no operator ${describe(op)}`));
    }
    const current: { op: string; job?: Job } = { op };
    // A call made while this one runs (from an option getter) restores this one's when it ends:
    // left unset, this call's kernels ran unrecorded on the calling thread, unsplit and unchecked.
    const caller = this.#current;
    this.#current = current;
    let result: unknown;
    let error: unknown;
    let threw = false;
    try {
      // Most operators take (x, opts); maxUnpool* takes (x, indices, opts).
      result = (method as (...a: unknown[]) => unknown).call(this.#inner, x, ...rest);
    } catch (e) {
      error = e;
      threw = true;
    } finally {
      this.#current = caller;
    }
    const job = current.job;
    if (!job) return threw ? Promise.reject(error) : Promise.resolve(result);
    job.returned = true;
    if (threw) job.opError = error;
    else job.result = result;
    this.#maybeComplete(job);
    return job.promise;
  }

  /** A zero-filled tensor in the shared memory (synchronous, as the single-threaded engine's). */
  tensor<D extends DType = 'float32'>(shape: readonly number[], opts: { layout?: Layout | null; dtype?: D | null } = {}): Tensor<D> {
    this.#assertOpen('tensor');
    return this.#inner.tensor(shape, opts);
  }

  fromArray<A extends InputArray>(data: A, shape: readonly number[], layout?: Layout | null): Tensor<DTypeOfArray<A>> {
    this.#assertOpen('fromArray');
    return this.#inner.fromArray(data, shape, layout);
  }

  memoryStats(): MemoryStats {
    return this.#inner.memoryStats();
  }

  /** Calls waiting for or running in workers, queue and worker state, counters. */
  stats(): { pending: number; maxPending: number; queuedItems: number; readyWorkers: number; busyWorkers: number; runningWorkers: number; inlineCalls: number; workerCalls: number; workersReplaced: number; itemsRequeued: number } {
    return {
      pending: this.#pending.size,
      maxPending: this.#maxPending,
      queuedItems: this.#pool.queued,
      readyWorkers: this.#pool.ready,
      busyWorkers: this.#pool.busy,
      runningWorkers: this.#pool.running,
      inlineCalls: this.#inlineCalls,
      workerCalls: this.#workerCalls,
      workersReplaced: this.#pool.replaced,
      itemsRequeued: this.#pool.requeued,
    };
  }

  /** The worker threads (for diagnostics; terminating one fails only the call it is running). */
  get workers(): readonly PoolWorker[] {
    return this.#pool.workers;
  }

  /**
   * For tests of worker death: every worker waits at `at` in each item ('begin': before
   * beginning it; 'run': having begun it) until holdWorkers(false). Not for production use.
   */
  holdWorkers(at: HoldPoint): void {
    this.#pool.holdWorkers(at);
  }

  /** The shared memory every thread runs in. */
  get memory(): WebAssembly.Memory {
    return this.#real.memory;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** End every worker; pending calls reject with EngineClosedError. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.close(new EngineClosedError('while the call was pending'));
  }

  #assertOpen(what: string): void {
    if (this.#closed) throw new EngineClosedError(`before ${what}()`);
  }

  /** A query made by an operator: run now; it must not depend on work still in the workers. */
  #query(fn: string, args: number[]): number {
    if (this.#current?.job) throw new Error(`simdpool internal error: ${fn} called after ${this.#current.op}'s work went to the workers`);
    return (this.#real as unknown as Record<string, (...a: number[]) => number>)[fn](...args);
  }

  /** A kernel call: run inline (returning its result, e.g. an index check's) or queued on the call's job. */
  #kernel(fn: string, args: number[]): number | undefined {
    const current = this.#current;
    const real = this.#real as unknown as Record<string, (...a: number[]) => number | undefined>;
    if (!current) return real[fn](...args);
    // An option getter may have closed the engine since run() began (its workers would never run a job).
    if (this.#closed) throw new EngineClosedError('during this call');
    if (this.#chain) return void this.#chain.push({ fn, args });
    if (!current.job && (!canSplit(fn) || workOf(this.#heap(), fn, args) < this.#inlineBelow)) {
      this.#inlineCalls++;
      return real[fn](...args);
    }
    this.#queue(current, { fn, args }, [args]);
    return undefined;
  }

  /**
   * Context.fork: each part's kernel calls recorded as a chain, then one phase whose items are the
   * chains (adjacent ones joined when their work is worth fewer items, as #nextPhase splits a
   * call); run here at once if their work is small after all.
   */
  #fork(parts: ReadonlyArray<() => void>): void {
    let chains: Call[][] = [];
    try {
      for (const part of parts) {
        chains.push(this.#chain = []);
        part();
      }
    } finally {
      this.#chain = undefined;
    }
    // (a part that made no calls is no work item)
    chains = chains.filter((c) => c.length > 0);
    const calls = chains.flat();
    const heap = this.#heap();
    const work = calls.reduce((n, c) => n + workOf(heap, c.fn, c.args), 0);
    const current = this.#current;
    if (!current || (!current.job && work < this.#inlineBelow)) {
      const real = this.#real as unknown as Record<string, (...a: number[]) => void>;
      this.#inlineCalls++;
      for (const c of calls) real[c.fn](...c.args);
      return;
    }
    const n = Math.min(this.#items(work), chains.length);
    // (one chain would run on one worker: its calls go as unforked ones do, each split over them all)
    if (n === 1) {
      for (const c of calls) this.#kernel(c.fn, c.args);
      return;
    }
    this.#queue(current, ranges(chains.length, n).map(([c0, count]) => chains.slice(c0, c0 + count).flat()), calls.map((c) => c.args));
  }

  /** Queue a phase on the current call's job (made now if it has none), its blocks pinned. */
  #queue(current: { op: string; job?: Job }, phase: Phase, args: number[][]): void {
    let job = current.job;
    if (!job) {
      if (this.#pending.size >= this.#maxPending) throw new QueueFullError(this.#maxPending);
      job = new Job(current.op);
      current.job = job;
      this.#pending.add(job);
      this.#workerCalls++;
    }
    // Pin the blocks its calls read and write (plan, input, outputs) until the job ends (each
    // address once: the calls of a fork name the same ones over and over).
    for (const a of new Set(args.flat())) {
      const ptr = this.#memory.pin(a);
      if (ptr >= 0) job.pins.push(ptr);
    }
    job.phases.push(phase);
    if (job.phases.length === 1 && job.remaining === 0) this.#nextPhase(job);
  }

  /** Work items worth making of `work`: one a thread, each at least half the inline threshold's work. */
  #items(work: number): number {
    return Math.max(1, Math.min(this.threads * ITEMS_PER_THREAD, Math.floor(work / Math.max(1, this.#inlineBelow / 2))));
  }

  #heap(): Int32Array {
    return new Int32Array(this.#real.memory.buffer);
  }

  #nextPhase(job: Job): void {
    const phase = job.phases.shift()!;
    if (Array.isArray(phase)) return this.#enqueue(job, phase);
    const { fn, args } = phase;
    const items = split(this.#heap(), fn, args, this.#items(workOf(this.#heap(), fn, args)));
    const headers = items.filter((i) => i.header >= 0).length;
    if (headers > 0) {
      const block = this.#memory.alloc(headers * HEADER_BYTES, 'parallel plan headers');
      job.blocks.push(block);
      const heap = this.#heap();
      for (const item of items) {
        if (item.header < 0) continue;
        const at = block + item.header * HEADER_BYTES;
        heap.set(item.fields!, at >> 2);
        item.args[0] = at;
      }
    }
    const scratch = items.filter((i) => i.scratchBytes !== undefined);
    if (scratch.length > 0) {
      const bytes = scratch[0].scratchBytes!;
      const block = this.#memory.alloc(scratch.length * bytes, 'parallel plane groups');
      job.blocks.push(block);
      scratch.forEach((item, i) => (item.args[item.args.length - 1] = block + i * bytes));
    }
    this.#enqueue(job, items.map(({ fn, args }) => [{ fn, args }]));
  }

  /** One phase's work items on the workers, each a chain of kernel calls; the next phase starts when all are done. */
  #enqueue(job: Job, items: Call[][]): void {
    job.remaining += items.length;
    for (const calls of items) {
      this.#pool.enqueue({
        calls,
        op: job.op,
        cancelled: () => job.error !== undefined,
        settle: (error) => {
          if (error && job.error === undefined) job.error = error;
          job.remaining--;
          if (job.remaining === 0) {
            if (job.phases.length > 0 && job.error === undefined) {
              try {
                this.#nextPhase(job);
              } catch (e) {
                job.error = e;
                this.#maybeComplete(job);
              }
            } else this.#maybeComplete(job);
          }
        },
      });
    }
  }

  /** Settle a job once its operator has returned and its work items are done. */
  #maybeComplete(job: Job): void {
    if (job.done || !job.returned || job.remaining > 0) return;
    if (job.phases.length > 0 && job.error === undefined) return; // still running
    job.done = true;
    const failed = job.error !== undefined || job.opError !== undefined;
    let stepError: unknown;
    for (const step of job.steps) {
      if (failed && step.kind === 'finish') continue;
      try {
        step.run();
      } catch (e) {
        stepError ??= e;
      }
    }
    for (const ptr of job.blocks) this.#memory.free(ptr);
    for (const ptr of job.pins) this.#memory.unpin(ptr);
    this.#pending.delete(job);
    if (job.error !== undefined) job.reject(job.error);
    else if (job.opError !== undefined) job.reject(job.opError);
    else if (stepError !== undefined) job.reject(stepError);
    else job.resolve(job.result);
  }
}
