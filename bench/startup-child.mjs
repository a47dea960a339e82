// Run in a fresh process by startup.mjs: import + init() + first call, timed.
import { pathToFileURL } from 'node:url';

const dist = process.argv[2];
const t0 = performance.now();
const { init } = await import(pathToFileURL(dist).href);
const t1 = performance.now();
const sp = await init();
const y = sp.maxPool2d({ data: new Float32Array(28 * 28).fill(1), shape: [1, 1, 28, 28] }, { kernelSize: 2, stride: 2 });
const t2 = performance.now();
if (!y || y.data.length !== 14 * 14 || y.data[0] !== 1) throw new Error('unexpected first-call result');
process.stdout.write(JSON.stringify({ importMs: t1 - t0, initFirstCallMs: t2 - t1, totalMs: t2 - t0 }) + '\n');
