// Worker threads in browsers: Web Workers from a blob: URL of a classic script (so the bundle
// needs no second file; a Content-Security-Policy must allow `worker-src blob:`), behind the
// pool's PoolWorker interface. A worker's first message is its WorkerData.
import { WORKER_KERNELS, WORKER_PROTOCOL, type PoolWorker, type SpawnWorker } from './workers';

const SOURCE = `
const reply = (m) => postMessage(m);
onmessage = (first) => {
  const { module, memory, begun, hold } = first.data;
  ${WORKER_KERNELS}
  onmessage = (e) => {
    const m = e.data;${WORKER_PROTOCOL}};
  reply({ ready: true });
};
`;

let scriptUrl: string | undefined;

type Listeners = { message: ((m: never) => void)[]; error: ((e: unknown) => void)[]; exit: ((code: number) => void)[] };

export const spawnWebWorker: SpawnWorker = (data, name) => {
  scriptUrl ??= URL.createObjectURL(new Blob([SOURCE], { type: 'text/javascript' }));
  const worker = new Worker(scriptUrl, { name });
  const listeners: Listeners = { message: [], error: [], exit: [] };
  let ended = false;
  // A Web Worker has no exit event: it ends when terminated, and one whose script fails (a
  // CSP without blob: workers, an exception at start) is ended here, as Node's would exit.
  const end = (code: number) => {
    if (ended) return;
    ended = true;
    worker.terminate();
    for (const f of listeners.exit) f(code);
  };
  worker.onmessage = (e) => {
    for (const f of listeners.message) f(e.data as never);
  };
  worker.onerror = (e) => {
    e.preventDefault();
    const why = e.message || 'its blob: script did not load';
    for (const f of listeners.error) f(new Error(`${why}; a Content-Security-Policy must allow worker-src blob:`));
    end(1);
  };
  worker.postMessage(data);
  const adapter: PoolWorker = {
    on(event: keyof Listeners, listener: never) {
      (listeners[event] as unknown[]).push(listener);
      return adapter;
    },
    postMessage: (m) => worker.postMessage(m),
    async terminate() {
      end(1);
    },
    ref() {},
    unref() {},
  };
  return adapter;
};
