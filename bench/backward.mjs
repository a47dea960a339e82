// Backward passes of 2-D max and average pooling: simdpool against tfjs-backend-wasm's
// MaxPoolGrad / AvgPoolGrad kernels and straightforward JavaScript, in one process, single
// thread, samples interleaved round-robin, medians. Every output is checked against simdpool
// resident's in the same run (max exact, average 1e-5 relative + 1e-6). Writes bench/backward.md.
// Run from the repo root after `npm run build` (peers: `cd bench && npm ci`):
//   node bench/backward.mjs [--quick] [--rounds N] [--no-write] [case ids...]
import os from 'node:os';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSimdpool } from './impl/simdpool.mjs';
import { loadTf, useBackend } from './impl/tfjs-common.mjs';
import { warmUp, calibrate, median, sampleRounds } from './timing.mjs';
import { compare } from './verify.mjs';
import { machineInfo } from './machine.mjs';
import { maxPoolBackwardJs, avgPoolBackwardJs } from './backward/js-loops.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const started = performance.now();

/** Logical dims [N, C, H, W]; `layout` is how every tensor of the case is stored. */
export const BACKWARD_CASES = [
  { id: 'B-max', op: 'max', dims: [1, 64, 112, 112], layout: 'NCHW', kernel: 3, stride: 2, padding: 1 },
  { id: 'H-max', op: 'max', dims: [1, 64, 112, 112], layout: 'NHWC', kernel: 3, stride: 2, padding: 1 },
  { id: 'G-max', op: 'max', dims: [8, 64, 128, 128], layout: 'NCHW', kernel: 2, stride: 2, padding: 0 },
  { id: 'B-avg', op: 'avg', dims: [1, 64, 112, 112], layout: 'NCHW', kernel: 3, stride: 2, padding: 1, countIncludePad: true },
  { id: 'E-avg', op: 'avg', dims: [1, 256, 28, 28], layout: 'NCHW', kernel: 3, stride: 1, padding: 1, countIncludePad: true },
  { id: 'H-avg', op: 'avg', dims: [1, 64, 112, 112], layout: 'NHWC', kernel: 3, stride: 2, padding: 1, countIncludePad: true },
  { id: 'G-avg', op: 'avg', dims: [8, 64, 128, 128], layout: 'NCHW', kernel: 2, stride: 2, padding: 0, countIncludePad: true },
];

// ---- arguments -----------------------------------------------------------------------
const argv = process.argv.slice(2);
const args = { quick: argv.includes('--quick'), write: !argv.includes('--no-write'), rounds: null, only: new Set() };
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--rounds') args.rounds = Number(argv[++i]);
  else if (!argv[i].startsWith('--')) args.only.add(argv[i]);
}
const config = args.quick
  ? { rounds: 5, sampleMs: 4, budgetMs: 120, minSamples: 3, warm: { minMs: 15, minCalls: 2, maxMs: 400 } }
  : { rounds: 11, sampleMs: 10, budgetMs: 500, minSamples: 5, warm: { minMs: 50, minCalls: 3, maxMs: 800 } };
if (args.rounds) config.rounds = args.rounds;
const cases = BACKWARD_CASES.filter((c) => args.only.size === 0 || args.only.has(c.id));

// ---- data ------------------------------------------------------------------------------
const prod = (a) => a.reduce((x, y) => x * y, 1);
function data(n, seed) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}
const shapeIn = ([N, C, H, W], layout) => (layout === 'NHWC' ? [N, H, W, C] : [N, C, H, W]);
function toNHWC(src, [N, C, H, W]) {
  const dst = new Float32Array(src.length);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let p = 0; p < H * W; p++) dst[(n * H * W + p) * C + c] = src[(n * C + c) * H * W + p];
  return dst;
}
function toNCHW(src, [N, C, H, W]) {
  const dst = new Float32Array(src.length);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let p = 0; p < H * W; p++) dst[(n * C + c) * H * W + p] = src[(n * H * W + p) * C + c];
  return dst;
}

const loaded = await loadSimdpool();
if (loaded.skip) throw new Error(loaded.skip);
const { sp } = loaded;
let tf = null;
let tfFailed = null;
try {
  ({ tf } = await loadTf());
  await useBackend(tf, 'wasm');
} catch (e) {
  tfFailed = e.message.split('\n')[0];
  console.log(`SKIP tfjs-wasm: ${tfFailed}`);
}

function runnersOf(c) {
  const opts = { kernelSize: c.kernel, stride: c.stride, padding: c.padding, ...(c.op === 'avg' ? { countIncludePad: c.countIncludePad } : {}) };
  const x = data(prod(c.dims), 1);
  const xShape = shapeIn(c.dims, c.layout);
  const fwd = c.op === 'max'
    ? sp.maxPool2d({ data: x, shape: xShape, layout: c.layout }, { ...opts, returnIndices: true })
    : { output: sp.avgPool2d({ data: x, shape: xShape, layout: c.layout }, opts) };
  const y = fwd.output;
  const outDims = c.layout === 'NHWC' ? [y.shape[0], y.shape[3], y.shape[1], y.shape[2]] : y.shape;
  const dy = data(y.data.length, 2);
  const layout = c.layout;
  const runners = [];
  // simdpool, resident: every tensor in wasm memory, the result into a preallocated `out`.
  const gT = sp.fromArray(dy, y.shape, layout);
  const out = sp.tensor(xShape, { layout });
  if (c.op === 'max') {
    const iT = sp.fromArray(fwd.indices.data, y.shape, layout);
    const xT = sp.fromArray(x, xShape, layout);
    const o = { inputShape: xShape, out };
    const oi = { ...opts, input: xT, out };
    runners.push({ id: 'simdpool-res', run: () => sp.maxPool2dBackward(gT, iT, o), output: () => (sp.maxPool2dBackward(gT, iT, o), out.data.slice()), dispose: () => [iT, xT].forEach((t) => t.dispose()) });
    runners.push({ id: 'simdpool-res-input', run: () => sp.maxPool2dBackward(gT, oi), output: () => (sp.maxPool2dBackward(gT, oi), out.data.slice()) });
    const gP = { data: dy, shape: y.shape, layout };
    const iP = fwd.indices;
    runners.push({ id: 'simdpool', run: () => sp.maxPool2dBackward(gP, iP, { inputShape: xShape }).data, output: () => sp.maxPool2dBackward(gP, iP, { inputShape: xShape }).data });
    runners.push({ id: 'js', run: () => maxPoolBackwardJs(x, dy, c.dims, outDims, layout, spec(c)), output: () => maxPoolBackwardJs(x, dy, c.dims, outDims, layout, spec(c)) });
  } else {
    const o = { ...opts, inputShape: xShape, out };
    runners.push({ id: 'simdpool-res', run: () => sp.avgPool2dBackward(gT, o), output: () => (sp.avgPool2dBackward(gT, o), out.data.slice()) });
    const gP = { data: dy, shape: y.shape, layout };
    const op = { ...opts, inputShape: xShape };
    runners.push({ id: 'simdpool', run: () => sp.avgPool2dBackward(gP, op).data, output: () => sp.avgPool2dBackward(gP, op).data });
    runners.push({ id: 'js', run: () => avgPoolBackwardJs(dy, c.dims, outDims, layout, spec(c)), output: () => avgPoolBackwardJs(dy, c.dims, outDims, layout, spec(c)) });
  }
  runners[0].disposeTensors = () => [gT, out].forEach((t) => t.dispose());
  if (tf) runners.push(tfRunner(c, x, y, dy, outDims));
  return runners;
}

const spec = (c) => ({ kernel: [c.kernel, c.kernel], stride: [c.stride, c.stride], padding: [c.padding, c.padding], countIncludePad: c.countIncludePad });

/**
 * tfjs-backend-wasm, resident: dy, x (and y for max) already tensors on the backend (NHWC, the
 * only layout its pooling kernels take: NCHW cases hand it a transposed copy made here, untimed);
 * times runKernel + dispose. Its MaxPoolGrad recomputes the argmax from x; its AvgPoolGrad
 * divides by the full kernel size (countIncludePad: true semantics).
 */
function tfRunner(c, x, y, dy, outDims) {
  const nhwc = c.layout === 'NHWC';
  const xs = tf.tensor4d(nhwc ? x : toNHWC(x, c.dims), shapeIn(c.dims, 'NHWC'));
  const dys = tf.tensor4d(nhwc ? dy : toNHWC(dy, outDims), shapeIn(outDims, 'NHWC'));
  const ys = tf.tensor4d(nhwc ? y.data : toNHWC(y.data, outDims), shapeIn(outDims, 'NHWC'));
  const attrs = { filterSize: [c.kernel, c.kernel], strides: [c.stride, c.stride], pad: c.padding === 0 ? 'valid' : c.padding };
  const run = c.op === 'max'
    ? () => tf.engine().runKernel('MaxPoolGrad', { dy: dys, input: xs, output: ys }, attrs)
    : () => tf.engine().runKernel('AvgPoolGrad', { dy: dys, input: xs }, attrs);
  return {
    id: 'tfjs-wasm-res',
    run: () => run().dispose(),
    output: () => {
      const r = run();
      const d = r.dataSync().slice();
      r.dispose();
      return nhwc ? d : toNCHW(d, c.dims);
    },
    dispose: () => [xs, dys, ys].forEach((t) => t.dispose()),
  };
}

// ---- measure ------------------------------------------------------------------------------
const loadBefore = os.loadavg();
const results = [];
console.log(`simdpool ${sp.simd ? 'SIMD' : 'SCALAR'}; load average ${loadBefore.map((v) => v.toFixed(2)).join(' ')}; ${config.rounds} rounds\n`);
for (const c of cases) {
  const t0 = performance.now();
  const entries = runnersOf(c).map((runner) => ({ id: runner.id, runner, samples: [] , spent: 0 }));
  for (const e of entries) {
    await warmUp(e.runner, config.warm);
    e.output = e.runner.output();
  }
  const ref = entries[0].output;
  for (const e of entries) e.check = e === entries[0] ? { status: 'ref' } : compare(e.output, ref, c.op);
  for (const e of entries) {
    e.output = null;
    e.reps = (await calibrate(e.runner, config.sampleMs)).reps;
  }
  await sampleRounds(entries, config, (_e, err) => {
    throw err; // a failing implementation stops this benchmark
  });
  const rows = {};
  for (const e of entries) {
    e.runner.dispose?.();
    e.runner.disposeTensors?.();
    rows[e.id] = { medianMs: median(e.samples), samples: e.samples.length, check: e.check };
  }
  results.push({ c, rows });
  console.log(`${c.id.padEnd(7)} ${Object.entries(rows).map(([id, r]) => `${id} ${fmt(r.medianMs)}${r.check.status === 'MISMATCH' ? ` MISMATCH (${r.check.detail})` : ''}`).join(', ')}  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
const loadAfter = os.loadavg();

function fmt(ms) {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(0)} µs`;
}

// ---- report ---------------------------------------------------------------------------------
const describeCase = (c) => `${c.op} ${c.dims.join('×')} k${c.kernel}s${c.stride}${c.padding ? `p${c.padding}` : ''}${c.layout === 'NHWC' ? ' NHWC' : ''}`;
const cell = (r, base) => (r ? `${fmt(r.medianMs)}${base ? ` (${(r.medianMs / base).toFixed(1)}×)` : ''}${r.check.status === 'MISMATCH' ? ' **MISMATCH**' : ''}` : '—');
const meta = await machineInfo();
const md = [];
md.push('# Backward passes: simdpool vs tfjs-backend-wasm and JavaScript', '');
md.push(`Generated by \`node bench/backward.mjs${args.quick ? ' --quick' : ''}\` on ${meta.date.slice(0, 16).replace('T', ' ')} UTC, commit ${meta.commit}${meta.dirty ? ' (uncommitted changes)' : ''}.`, '');
md.push('Median wall time per call, one thread. In parentheses: **time ÷ simdpool resident (indices form)** for the resident rows and tfjs, **÷ simdpool end-to-end** for the JS loops; above 1× simdpool is faster.', '');
md.push('| case | simdpool resident | simdpool resident, argmax from input | simdpool end-to-end | tfjs-wasm resident | JS loops |');
md.push('| --- | --: | --: | --: | --: | --: |');
for (const { c, rows } of results) {
  const base = rows['simdpool-res'].medianMs;
  md.push(`| ${c.id} ${describeCase(c)} | ${cell(rows['simdpool-res'])} | ${cell(rows['simdpool-res-input'], base)} | ${cell(rows.simdpool, base)} | ${cell(rows['tfjs-wasm-res'], base)} | ${cell(rows.js, rows.simdpool.medianMs)} |`);
}
md.push('');
md.push('- simdpool resident: gradOutput (and for max the forward indices) in wasm memory, the gradient written into a preallocated `out` (`maxPool2dBackward(g, indices, { inputShape, out })`, `avgPool2dBackward(g, { inputShape, ...opts, out })`). "argmax from input": `maxPool2dBackward(g, { input, ...opts, out })`, what tfjs\'s MaxPoolGrad does (it takes x, not indices).');
md.push('- simdpool end-to-end: plain Float32Arrays in, a new Float32Array out.');
md.push(`- tfjs-wasm ${tfFailed ? `skipped: ${tfFailed}` : 'resident: `tf.engine().runKernel(\'MaxPoolGrad\' | \'AvgPoolGrad\', ...)` on tensors already on the backend (NHWC), + dispose; single thread (setThreadsCount(1))'}. Its AvgPoolGrad always divides by the full kernel size, so the average cases use countIncludePad: true.`);
if (results.some(({ c, rows }) => c.op === 'max' && rows['tfjs-wasm-res']?.check.status === 'MISMATCH')) {
  md.push("- **MISMATCH** on max: tfjs-backend-wasm 4.22's MaxPoolGrad gives no gradient to a window whose maximum is negative (as its MaxPool3D, its running maximum starts at FLT_MIN, not -Infinity): on a 4×4 input with k2s2 and negated values it returns the gradient of one window of four where tfjs-backend-cpu returns all four (checked by hand). The JS loops agree with simdpool exactly.");
}
md.push('- JS loops: bench/backward/js-loops.mjs (Float32Array in, new Float32Array out).');
md.push('- Every output is checked against simdpool resident in the same run: max exact, average |a−b| ≤ 1e-5·max(|a|,|b|) + 1e-6 (bench/verify.mjs).');
md.push(`- ${config.rounds} rounds interleaved round-robin, samples of ~${config.sampleMs} ms, each implementation stopping after ≥${config.minSamples} samples and ≥${config.budgetMs} ms.`);
md.push(`- ${meta.cpu}, ${meta.cores} cores, Node ${meta.node}; load average ${loadBefore.map((v) => v.toFixed(2)).join(' / ')} at start, ${loadAfter.map((v) => v.toFixed(2)).join(' / ')} at end (the machine is shared: absolute times move by ±20%, ratios less). Whole run ${((performance.now() - started) / 1000).toFixed(0)} s.`);
const text = md.join('\n') + '\n';
console.log('\n' + text);
if (args.write) {
  writeFileSync(path.join(here, 'backward.md'), text);
  console.log('wrote bench/backward.md');
}
process.exit(0);
