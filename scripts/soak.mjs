// Soak: mixed calls (plain and resident, valid and invalid) against one engine, in two phases,
// then a verdict on whether wasm memory and the JS heap stay flat after warm-up.
//   * small: a million calls on small tensors (memory never grows past its first size);
//   * growth: calls on tensors of 1-8 MiB in several sizes and layouts, whose first calls grow
//     wasm memory to tens of MiB: after that, freed blocks must be reused (memory flat).
//   node scripts/soak.mjs [--calls N] [--seconds S] [--large-calls N] [--large-seconds S]
//   (npm run soak; defaults 1e6 calls / 45 s, then 2000 calls / 20 s)
import { init } from '../dist/node/index.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const SAMPLES = 10;

const sp = await init();
let seed = 1;
const rnd = (n) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n; // high bits: the low ones cycle
const plain = (shape, layout) => ({ data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rnd(17) - 8), shape, layout });
const disposeResult = (r) => (r.output ? (r.output.dispose(), r.indices.dispose()) : r.dispose());

// ---- small tensors
const x2 = plain([2, 3, 12, 12]);
const x1 = plain([2, 3, 20]);
const x3 = plain([1, 2, 4, 6, 6]);
const resident2 = sp.fromArray(x2.data, x2.shape);
const out2 = sp.tensor([2, 3, 6, 6]);
const wrongOut = sp.tensor([1]);
const small = {
  valid: [
    () => sp.maxPool2d(x2, { kernelSize: 2 }),
    () => sp.maxPool2d(x2, { kernelSize: 3, stride: 2, padding: 1, returnIndices: true }),
    () => sp.avgPool2d(x2, { kernelSize: 3, stride: 1, padding: 'same' }),
    () => sp.lpPool1d(x1, { kernelSize: 2, normType: 2 }),
    () => sp.adaptiveMaxPool3d(x3, { outputSize: [2, 5, 3] }),
    () => sp.globalAvgPool2d(x2),
    () => sp.toNHWC(x2),
    () => sp.maxPool2d(resident2, { kernelSize: 2, out: out2 }),
    () => sp.avgPool2d(resident2, { kernelSize: 2 }).dispose(),
    () => disposeResult(sp.maxPool2d(resident2, { kernelSize: 2, returnIndices: true })),
    () => { const t = sp.fromArray(x1.data, x1.shape, 'NCW'); sp.maxPool1d(t, { kernelSize: 2 }).dispose(); t.dispose(); },
    () => sp.maxUnpool1d({ data: Float32Array.of(1, 2), shape: [1, 1, 2] }, { data: Int32Array.of(0, 3), shape: [1, 1, 2] }, { kernelSize: 2 }),
  ],
  invalid: [
    () => sp.maxPool2d(x2, { kernelSize: 0 }),
    () => sp.maxPool2d(x2, { kernelSize: 2, out: wrongOut }),
    () => sp.avgPool2d({ data: new Float64Array(4), shape: [1, 1, 2, 2] }, { kernelSize: 2 }),
    () => sp.adaptiveMaxPool1d(x1, { outputSize: 2 ** 28 }),
    () => sp.maxUnpool1d({ data: Float32Array.of(1, 2), shape: [1, 1, 2] }, { data: Int32Array.of(0, 9), shape: [1, 1, 2] }, { kernelSize: 2 }),
    () => sp.tensor([1 << 15, 1 << 15, 2, 2]),
    () => sp.maxPool3d(resident2, { kernelSize: 1 }),
  ],
};

// ---- large tensors: 8, 4.5 and 4.7 MiB inputs, planar and channels-last; results of 1-19 MiB
// (made after the small phase, so that it starts from an engine that has never grown)
function largeCalls() {
  const a = plain([4, 32, 128, 128]);
  const b = plain([2, 64, 96, 96]);
  const c = plain([1, 160, 160, 48], 'NHWC');
  const bigIndices = { data: Int32Array.from({ length: b.data.length }, (_, i) => (i * 7) % (192 * 192)), shape: b.shape };
  const badIndices = { data: bigIndices.data.map((v, i) => (i === 12345 ? 1 << 30 : v)), shape: b.shape };
  const residentC = sp.fromArray(c.data, c.shape, c.layout);
  const large = {
    valid: [
      () => sp.maxPool2d(a, { kernelSize: 2 }),
      () => sp.maxPool2d(a, { kernelSize: 3, stride: 2, padding: 1, returnIndices: true }),
      () => sp.avgPool2d(b, { kernelSize: 3, stride: 1, padding: 1, countIncludePad: false }),
      () => sp.toNHWC(b),
      () => sp.adaptiveAvgPool2d(c, { outputSize: [7, 9] }),
      () => sp.globalMaxPool2d(a),
      () => sp.maxUnpool2d(b, bigIndices, { kernelSize: 2 }),
      () => sp.avgPool2d(residentC, { kernelSize: 2 }).dispose(),
      () => disposeResult(sp.maxPool2d(residentC, { kernelSize: 3, stride: 1, returnIndices: true })),
      () => { const t = sp.fromArray(a.data, a.shape); sp.lpPool2d(t, { kernelSize: 2, normType: 2 }).dispose(); t.dispose(); },
      () => { const t = sp.fromArray(b.data, b.shape); const o = sp.tensor([2, 64, 48, 48]); sp.maxPool2d(t, { kernelSize: 2, out: o }); o.dispose(); t.dispose(); },
    ],
    // Some fail after copying their large input into wasm memory (a wrong out, a bad index), the
    // others in validation (a window larger than the input, a huge result, a data length).
    invalid: [
      () => sp.maxPool2d(a, { kernelSize: 2, out: wrongOut }),
      () => sp.maxUnpool2d(b, badIndices, { kernelSize: 2 }),
      () => sp.avgPool2d(b, { kernelSize: 200 }),
      () => sp.adaptiveAvgPool2d(c, { outputSize: [1 << 16, 1 << 16] }),
      () => sp.toNCHW({ data: a.data, shape: [4, 32, 128, 129] }),
    ],
  };
  return large;
}

function phase(name, { valid, invalid }, calls, seconds) {
  const rows = [];
  const sample = (n) => {
    const m = sp.memoryStats();
    const u = process.memoryUsage();
    rows.push({ calls: n, memoryBytes: m.memoryBytes, bytesInUse: m.bytesInUse, heapUsed: u.heapUsed, arrayBuffers: u.arrayBuffers });
  };
  const started = performance.now();
  let n = 0;
  let errors = 0;
  const every = Math.max(1, Math.floor(calls / SAMPLES));
  sample(0);
  while (n < calls && performance.now() - started < seconds * 1000) {
    const bad = rnd(4) === 0;
    const list = bad ? invalid : valid;
    try {
      list[rnd(list.length)]();
      if (bad) throw new Error('an invalid call succeeded');
    } catch (e) {
      if (!bad || !(e instanceof TypeError || e instanceof RangeError)) throw e;
      errors++;
    }
    n++;
    if (n % every === 0) {
      if (globalThis.gc) globalThis.gc();
      sample(n);
    }
  }
  if (rows[rows.length - 1].calls !== n) {
    if (globalThis.gc) globalThis.gc();
    sample(n);
  }
  const secs = (performance.now() - started) / 1000;
  const mb = (v) => (v / 2 ** 20).toFixed(2);
  console.log(`\n${name}`);
  console.log('    calls  memoryBytes (MiB)  bytesInUse (MiB)  heapUsed (MiB)  arrayBuffers (MiB)');
  for (const r of rows) {
    console.log(`${String(r.calls).padStart(9)}  ${mb(r.memoryBytes).padStart(17)}  ${mb(r.bytesInUse).padStart(16)}  ${mb(r.heapUsed).padStart(14)}  ${mb(r.arrayBuffers).padStart(18)}`);
  }
  // Flat after warm-up: from the third sample on, wasm memory and bytesInUse do not grow, and
  // the heap stays within 8 MiB of its post-warm-up level (GC timing).
  const warm = rows.slice(Math.min(2, rows.length - 1));
  const flatWasm = warm.every((r) => r.memoryBytes === warm[0].memoryBytes && r.bytesInUse <= warm[0].bytesInUse);
  const heapRange = Math.max(...warm.map((r) => r.heapUsed)) - Math.min(...warm.map((r) => r.heapUsed));
  const flatHeap = heapRange < 8 * 2 ** 20;
  console.log(`${n} calls (${errors} rejected as expected) in ${secs.toFixed(1)} s; wasm memory ${mb(rows[0].memoryBytes)} -> ${mb(warm[0].memoryBytes)} MiB ` +
    `during warm-up; heap range after warm-up ${mb(heapRange)} MiB`);
  console.log(`verdict: wasm memory ${flatWasm ? 'flat' : 'GROWING'}, JS heap ${flatHeap ? 'flat' : 'GROWING'}`);
  return flatWasm && flatHeap;
}

const smallOk = phase('small tensors', small, arg('calls', 1_000_000), arg('seconds', 45));
const largeOk = phase('growth: large tensors', largeCalls(), arg('large-calls', 2000), arg('large-seconds', 20));
console.log(`\nfinalized ${sp.memoryStats().finalized}; overall: ${smallOk && largeOk ? 'flat' : 'GROWING'}`);
process.exitCode = smallOk && largeOk ? 0 : 1;
