// Worker threads in Node: worker_threads.Worker running an eval'd script (so the bundle needs
// no second file), started with its WorkerData. The script loads worker_threads with import(),
// which it has whether Node evaluates it as CommonJS or, in a process started with
// --input-type=module (workers inherit the flag), as an ES module, where `require` is undefined.
import { Worker } from 'node:worker_threads';
import { WORKER_KERNELS, WORKER_PROTOCOL, type SpawnWorker } from './workers';

const SOURCE = `
import('node:worker_threads').then(({ parentPort, workerData }) => {
  const { module, memory, begun, hold } = workerData;
  ${WORKER_KERNELS}
  const reply = (m) => parentPort.postMessage(m);
  parentPort.on('message', (m) => {${WORKER_PROTOCOL}});
  reply({ ready: true });
});
`;

export const spawnNodeWorker: SpawnWorker = (data, name) => new Worker(SOURCE, { eval: true, workerData: data, name });
