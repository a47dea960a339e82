// `npm start`: pool the seed example and a few realistic shapes with simdpool, printing the
// output shapes and a side-by-side timing against straightforward JavaScript loops
// (medians of interleaved rounds, in this process, on this machine).
// The package by its own name: Node picks the entry its users get (dist/node, package.json exports).
import { init } from 'simdpool';
import { CASES } from '../bench/cases.mjs';
import { poolJS } from '../bench/impl/js-loops.mjs';
import { calibrate, median, warmUp } from '../bench/timing.mjs';

const t0 = performance.now();
const sp = await init();
const seed = { data: Float32Array.from({ length: 28 * 28 }, (_, i) => Math.sin(i)), shape: [1, 1, 28, 28] };
const seedOut = sp.maxPool2d(seed, { kernelSize: 2, stride: 2 });
const startup = performance.now() - t0;
console.log(`simdpool: init() + first call ${startup.toFixed(1)} ms, kernels ${sp.simd ? 'SIMD' : 'scalar'}`);
console.log(`seed example: maxPool2d [${seed.shape}] kernel 2 stride 2 -> [${seedOut.shape}]\n`);

const ROUNDS = 9;
const TARGET_MS = 15; // per sample
const ids = ['A', 'B', 'C', 'E', 'F', 'H'];

function options(spec) {
  if (spec.op === 'gap') return undefined;
  const o = { kernelSize: spec.kernel, stride: spec.stride, padding: spec.padding };
  if (spec.op === 'avg') o.countIncludePad = !!spec.countIncludePad;
  return o;
}

function layoutShape(spec) {
  const [n, c, h, w] = spec.shape;
  return spec.layout === 'NHWC' ? [n, h, w, c] : [n, c, h, w];
}

function timeOne(run, reps) {
  const t = performance.now();
  for (let i = 0; i < reps; i++) run();
  return (performance.now() - t) / reps;
}

const rows = [];
for (const spec of CASES.filter((c) => ids.includes(c.id))) {
  const shape = layoutShape(spec);
  const data = Float32Array.from({ length: spec.inElems }, (_, i) => Math.sin(i * 0.37) * 10);
  const opts = options(spec);
  const method = spec.op === 'gap' ? 'globalAvgPool2d' : spec.op === 'max' ? 'maxPool2d' : 'avgPool2d';
  const plain = { data, shape, layout: spec.layout };
  const resident = sp.fromArray(data, shape, spec.layout);
  const out = sp[method](resident, opts); // preallocated output for the resident runs
  const jsOut = new Float32Array(spec.outElems);
  const residentOpts = { ...opts, out }; // made once, as a hot loop would
  const impls = {
    'simdpool resident': () => sp[method](resident, residentOpts),
    'simdpool Float32Array': () => sp[method](plain, opts),
    'JS loops': () => poolJS(data, jsOut, spec, spec.layout),
  };
  // Same answer from both before timing anything.
  impls['JS loops']();
  const mine = sp[method](plain, opts).data;
  const worst = mine.reduce((m, v, i) => Math.max(m, Math.abs(v - jsOut[i])), 0);
  if (!(worst <= 1e-4)) throw new Error(`case ${spec.id}: simdpool and JS loops differ by ${worst}`);

  // Warm up (JIT tiers, caches) and size each sample to about TARGET_MS, for every implementation.
  // A hundred calls at least: on hosts where fresh memory pages are slow, the first few dozen
  // plain calls with results of about a MB (B, H) ran 10x slower, each result array new memory
  // until the garbage collector began to free the earlier ones (a sixty-millisecond warm-up
  // timed B at 3 ms a call instead of 0.3).
  const reps = {};
  for (const [name, run] of Object.entries(impls)) {
    await warmUp({ run }, { minMs: 250, minCalls: 100, maxMs: 2000 });
    reps[name] = (await calibrate({ run }, TARGET_MS)).reps;
  }
  const samples = Object.fromEntries(Object.keys(impls).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, run] of Object.entries(impls)) samples[name].push(timeOne(run, reps[name]));
  }
  const med = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  rows.push({ id: spec.id, title: spec.title, shape: sp[method](plain, opts).shape, med });
  resident.dispose();
  out.dispose();
}

const fmt = (ms) => (ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(1)} µs`);
const header = ['case', 'output shape', 'resident', 'Float32Array', 'JS loops', 'speed-up (resident / F32 vs JS)'];
const table = rows.map((r) => [
  `${r.id} ${r.title}`,
  `[${r.shape.join(', ')}]`,
  fmt(r.med['simdpool resident']),
  fmt(r.med['simdpool Float32Array']),
  fmt(r.med['JS loops']),
  `${(r.med['JS loops'] / r.med['simdpool resident']).toFixed(1)}× / ${(r.med['JS loops'] / r.med['simdpool Float32Array']).toFixed(1)}×`,
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of table) console.log(line(r));
console.log(`\nmedians of ${ROUNDS} interleaved rounds per implementation; single thread; full comparison: npm run bench`);
