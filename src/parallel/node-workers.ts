// Worker threads in Node: worker_threads.Worker running an eval'd CommonJS script (so the
// bundle needs no second file), started with its WorkerData.
import { Worker } from 'node:worker_threads';
import { WORKER_KERNELS, WORKER_PROTOCOL, type SpawnWorker } from './workers';

const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, begun, hold } = workerData;
${WORKER_KERNELS}
const reply = (m) => parentPort.postMessage(m);
parentPort.on('message', (m) => {${WORKER_PROTOCOL}});
reply({ ready: true });
`;

export const spawnNodeWorker: SpawnWorker = (data, name) => new Worker(SOURCE, { eval: true, workerData: data, name });
