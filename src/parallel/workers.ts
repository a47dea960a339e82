// The worker threads: each instantiates the threads build of the kernels over the one shared
// memory and runs work items it is sent, one at a time. The main thread keeps the queue and
// hands an item to whichever worker is idle; a worker that dies fails the item it had begun and
// is replaced. An item sent to a worker that died before beginning it (terminate() lands while
// the message is in flight) goes back to the head of the queue: it never ran, so nothing of it
// was written.
/**
 * What the pool needs of one worker thread: Node's worker_threads.Worker as it is
 * (./node-workers.ts), or a Web Worker behind an adapter (./web-workers.ts). Each runs
 * WORKER_PROTOCOL over the data it is started with.
 */
export interface PoolWorker {
  on(event: 'message', listener: (m: { ready?: true; ok?: true; error?: string }) => void): unknown;
  on(event: 'error', listener: (e: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  /** An item's kernel calls, run in order. */
  postMessage(m: Array<{ fn: string; args: number[] }>): void;
  terminate(): Promise<unknown>;
  /** Node: whether an idle worker keeps the process alive (no-ops in browsers). */
  ref(): void;
  unref(): void;
}

/** What every worker is started with: the kernels, the one memory, and its shared counters. */
export interface WorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Items this worker has begun (written by it before it runs one). */
  begun: Int32Array;
  /** [held before beginning an item, held having begun it] (holdWorkers). */
  hold: Int32Array;
}

export type SpawnWorker = (data: WorkerData, name: string) => PoolWorker;

/** How a worker script makes its kernels `k` from its WorkerData's `module` and `memory`. */
export const WORKER_KERNELS = `const k = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('wasm abort'); } } }).exports;`;

/**
 * What a worker does with each item it is sent: the body of both hosts' worker scripts (`k` the
 * kernels' exports, `begun`/`hold` from its WorkerData, `reply` its way to post a message).
 */
export const WORKER_PROTOCOL = `
  while (Atomics.load(hold, 0) === 1) Atomics.wait(hold, 0, 1); // test hook: held before beginning
  Atomics.add(begun, 0, 1); // before the kernel writes anything: the main thread reads it if this thread dies
  while (Atomics.load(hold, 1) === 1) Atomics.wait(hold, 1, 1); // test hook: held having begun
  try {
    for (const c of m) k[c.fn](...c.args);
    reply({ ok: true });
  } catch (e) {
    reply({ error: String((e && e.message) || e) });
  }
`;

/** Where holdWorkers() stops every worker in each item it is sent (tests only). */
export type HoldPoint = 'begin' | 'run' | false;

export interface Item {
  /** Kernel calls run in order (most items: one). */
  calls: Array<{ fn: string; args: number[] }>;
  /** Called once: undefined on success, or the reason the item failed. */
  settle(error?: Error): void;
  /** A failed call's items still queued are skipped. */
  cancelled(): boolean;
  /** The operator, for messages. */
  op: string;
}

interface Slot {
  id: number;
  worker: PoolWorker;
  ready: boolean;
  item?: Item;
  lastError?: string;
  /** Items sent to this worker, and (shared with it) items it has begun. */
  sent: number;
  begun: Int32Array;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Item[] = [];
  private head = 0;
  private closed = false;
  private nextId = 0;
  /** Consecutive workers that died before becoming ready (broken environment). */
  private startFailures = 0;
  private broken?: Error;
  /** Workers replaced after dying. */
  replaced = 0;
  /** Items a dying worker had been sent but had not begun, run again by another worker. */
  requeued = 0;
  /** Shared with every worker: [held before beginning an item, held having begun it] (holdWorkers). */
  private readonly hold: Int32Array;

  /**
   * `size` workers, each started by `startWorker` with its counters (none: the engine runs every
   * call on the calling thread).
   */
  constructor(
    private readonly startWorker: (counters: Pick<WorkerData, 'begun' | 'hold'>, name: string) => PoolWorker,
    readonly size: number,
  ) {
    // (no workers: a page without SharedArrayBuffer may have none to share it with)
    this.hold = new Int32Array(size > 0 ? new SharedArrayBuffer(8) : new ArrayBuffer(8));
  }

  /** Start every worker; resolves when all have instantiated the kernels. */
  async start(): Promise<void> {
    const ready: Promise<void>[] = [];
    for (let i = 0; i < this.size; i++) ready.push(this.spawn(i));
    await Promise.all(ready);
  }

  /** Workers, for tests and diagnostics (terminate one to see the engine replace it). */
  get workers(): readonly PoolWorker[] {
    return this.slots.map((s) => s.worker);
  }

  get queued(): number {
    return this.queue.length - this.head;
  }

  get ready(): number {
    return this.slots.filter((s) => s.ready).length;
  }

  get busy(): number {
    return this.slots.filter((s) => s.item).length;
  }

  /** Workers that have begun the item they were sent (busy ones may not have read it yet). */
  get running(): number {
    return this.slots.filter((s) => s.item && Atomics.load(s.begun, 0) === s.sent).length;
  }

  /**
   * Test hook: from now on every worker, replacements included, waits at `at` in each item it
   * is sent ('begin': before beginning it, so a worker terminated then has its item requeued;
   * 'run': having begun it, so a worker terminated then fails it), until holdWorkers(false).
   * Makes tests of worker death independent of thread timing.
   */
  holdWorkers(at: HoldPoint): void {
    Atomics.store(this.hold, 0, +(at === 'begin'));
    Atomics.store(this.hold, 1, +(at === 'run'));
    Atomics.notify(this.hold, 0);
    Atomics.notify(this.hold, 1);
  }

  enqueue(item: Item): void {
    if (this.broken) {
      item.settle(this.broken);
      return;
    }
    this.queue.push(item);
    this.dispatch();
  }

  /** Terminate every worker and fail every item, queued or running. */
  async close(reason: Error): Promise<void> {
    this.closed = true;
    const running = this.slots.map((s) => s.item).filter((x): x is Item => x !== undefined);
    const queued = this.queue.slice(this.head);
    this.queue.length = 0;
    this.head = 0;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    for (const s of this.slots) s.item = undefined;
    for (const item of [...running, ...queued]) item.settle(reason);
  }

  private spawn(id: number): Promise<void> {
    const begun = new Int32Array(new SharedArrayBuffer(4));
    const worker = this.startWorker({ begun, hold: this.hold }, `simdpool-${id}`);
    const slot: Slot = { id, worker, ready: false, sent: 0, begun };
    this.slots[id] = slot;
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (m) => {
        // After close() began, results no longer count: close() settles every call it found
        // pending (rejecting it) once the workers have stopped.
        if (slot.worker !== worker || this.closed) return;
        if (m.ready) {
          slot.ready = true;
          this.startFailures = 0;
          resolve();
          this.dispatch();
          return;
        }
        const item = slot.item;
        slot.item = undefined;
        item?.settle(m.error === undefined ? undefined : new Error(`simdpool/parallel: ${item.op} failed in a worker thread: ${m.error}`));
        this.dispatch();
      });
      worker.on('error', (e) => {
        slot.lastError = e instanceof Error ? e.message : String(e);
      });
      worker.on('exit', (code) => {
        if (slot.worker !== worker || this.closed) return;
        const wasReady = slot.ready;
        slot.ready = false;
        const item = slot.item;
        slot.item = undefined;
        const why = `worker thread ${id} exited (code ${code}${slot.lastError ? `: ${slot.lastError}` : ''})`;
        if (!wasReady) {
          reject(new Error(`simdpool/parallel: ${why} before it was ready`));
          if (++this.startFailures >= 3) {
            this.fail(new Error(`simdpool/parallel: worker threads cannot start (${why}); the engine is unusable`));
            return;
          }
        }
        if (item && Atomics.load(slot.begun, 0) < slot.sent) this.requeue(item);
        else item?.settle(new Error(`simdpool/parallel: ${why} while running ${item.op}; that call failed, and the engine replaced the worker`));
        this.replaced++;
        this.spawn(id).catch(() => {}); // failures to start are counted above
      });
    });
  }

  /** Put an item that never ran back at the head of the queue. */
  private requeue(item: Item): void {
    if (this.head > 0) this.queue[--this.head] = item;
    else this.queue.unshift(item);
    this.requeued++;
    this.dispatch();
  }

  private fail(error: Error): void {
    this.broken = error;
    const queued = this.queue.slice(this.head);
    this.queue.length = 0;
    this.head = 0;
    for (const item of queued) item.settle(error);
  }

  private dispatch(): void {
    if (this.closed) return;
    for (const slot of this.slots) {
      if (!slot.ready || slot.item) continue;
      let item: Item | undefined;
      while (this.head < this.queue.length) {
        const next = this.queue[this.head++];
        if (next.cancelled()) next.settle();
        else {
          item = next;
          break;
        }
      }
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      if (!item) break;
      slot.item = item;
      slot.sent++;
      slot.worker.ref();
      slot.worker.postMessage(item.calls);
    }
    // Idle workers must not keep the process alive; busy ones must.
    for (const slot of this.slots) if (slot.ready && !slot.item) slot.worker.unref();
  }
}
