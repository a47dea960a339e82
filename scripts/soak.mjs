// Soak: a million mixed calls (plain and resident, valid and invalid) against one engine, then a
// verdict on whether wasm memory and the JS heap stay flat after warm-up.
//   node scripts/soak.mjs [--calls N] [--seconds S]     (npm run soak; defaults 1e6 calls, 60 s)
import { init } from '../dist/node/index.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const CALLS = arg('calls', 1_000_000);
const SECONDS = arg('seconds', 60);
const SAMPLES = 10;

const sp = await init();
let seed = 1;
const rnd = (n) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n; // high bits: the low ones cycle
const plain = (shape) => ({ data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rnd(17) - 8), shape });

const x2 = plain([2, 3, 12, 12]);
const x1 = plain([2, 3, 20]);
const x3 = plain([1, 2, 4, 6, 6]);
const resident2 = sp.fromArray(x2.data, x2.shape);
const out2 = sp.tensor([2, 3, 6, 6]);
const wrongOut = sp.tensor([1]);

const valid = [
  () => sp.maxPool2d(x2, { kernelSize: 2 }),
  () => sp.maxPool2d(x2, { kernelSize: 3, stride: 2, padding: 1, returnIndices: true }),
  () => sp.avgPool2d(x2, { kernelSize: 3, stride: 1, padding: 'same' }),
  () => sp.lpPool1d(x1, { kernelSize: 2, normType: 2 }),
  () => sp.adaptiveMaxPool3d(x3, { outputSize: [2, 5, 3] }),
  () => sp.globalAvgPool2d(x2),
  () => sp.toNHWC(x2),
  () => sp.maxPool2d(resident2, { kernelSize: 2, out: out2 }),
  () => sp.avgPool2d(resident2, { kernelSize: 2 }).dispose(),
  () => { const r = sp.maxPool2d(resident2, { kernelSize: 2, returnIndices: true }); r.output.dispose(); r.indices.dispose(); },
  () => { const t = sp.fromArray(x1.data, x1.shape, 'NCW'); sp.maxPool1d(t, { kernelSize: 2 }).dispose(); t.dispose(); },
  () => sp.maxUnpool1d({ data: Float32Array.of(1, 2), shape: [1, 1, 2] }, { data: Int32Array.of(0, 3), shape: [1, 1, 2] }, { kernelSize: 2 }),
];
const invalid = [
  () => sp.maxPool2d(x2, { kernelSize: 0 }),
  () => sp.maxPool2d(x2, { kernelSize: 2, out: wrongOut }),
  () => sp.avgPool2d({ data: new Float64Array(4), shape: [1, 1, 2, 2] }, { kernelSize: 2 }),
  () => sp.adaptiveMaxPool1d(x1, { outputSize: 2 ** 28 }),
  () => sp.maxUnpool1d({ data: Float32Array.of(1, 2), shape: [1, 1, 2] }, { data: Int32Array.of(0, 9), shape: [1, 1, 2] }, { kernelSize: 2 }),
  () => sp.tensor([1 << 15, 1 << 15, 2, 2]),
  () => sp.maxPool3d(resident2, { kernelSize: 1 }),
];

const rows = [];
const sample = (calls) => {
  const m = sp.memoryStats();
  rows.push({ calls, memoryBytes: m.memoryBytes, bytesInUse: m.bytesInUse, heapUsed: process.memoryUsage().heapUsed });
};
const started = performance.now();
let calls = 0;
let errors = 0;
const every = Math.max(1, Math.floor(CALLS / SAMPLES));
sample(0);
while (calls < CALLS && performance.now() - started < SECONDS * 1000) {
  const bad = rnd(4) === 0;
  const list = bad ? invalid : valid;
  try {
    list[rnd(list.length)]();
    if (bad) throw new Error('an invalid call succeeded');
  } catch (e) {
    if (!bad || !(e instanceof TypeError || e instanceof RangeError)) throw e;
    errors++;
  }
  calls++;
  if (calls % every === 0) {
    if (globalThis.gc) globalThis.gc();
    sample(calls);
  }
}
if (rows[rows.length - 1].calls !== calls) sample(calls);
const seconds = (performance.now() - started) / 1000;

const mb = (n) => (n / 2 ** 20).toFixed(2);
console.log('calls       memoryBytes (MiB)  bytesInUse (MiB)  heapUsed (MiB)');
for (const r of rows) console.log(`${String(r.calls).padStart(9)}  ${mb(r.memoryBytes).padStart(17)}  ${mb(r.bytesInUse).padStart(16)}  ${mb(r.heapUsed).padStart(14)}`);
// Flat after warm-up: from the second sample on, wasm memory and bytesInUse do not grow, and the
// heap stays within 8 MiB of its post-warm-up level (GC timing).
const warm = rows.slice(Math.min(2, rows.length - 1));
const flatWasm = warm.every((r) => r.memoryBytes === warm[0].memoryBytes && r.bytesInUse <= warm[0].bytesInUse);
const heapMin = Math.min(...warm.map((r) => r.heapUsed));
const heapMax = Math.max(...warm.map((r) => r.heapUsed));
const flatHeap = heapMax - heapMin < 8 * 2 ** 20;
console.log(`${calls} calls (${errors} rejected as expected) in ${seconds.toFixed(1)} s; ` +
  `finalized ${sp.memoryStats().finalized}; heap range after warm-up ${mb(heapMax - heapMin)} MiB`);
console.log(`verdict: wasm memory ${flatWasm ? 'flat' : 'GROWING'}, JS heap ${flatHeap ? 'flat' : 'GROWING'}`);
process.exitCode = flatWasm && flatHeap ? 0 : 1;
