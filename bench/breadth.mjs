// Breadth operators (1D/3D max, 3D avg, adaptive avg, Lp, global Lp, max-unpool): simdpool
// against plain JavaScript loops and every peer that has the same operation with the same
// semantics (onnxruntime-node, onnxruntime-web wasm, tfjs wasm + cpu backends), all in this
// one process, single-threaded, samples interleaved round-robin, medians. Every output is
// checked against simdpool's (max and unpool exact; averages and Lp 1e-5 relative + 1e-6),
// simdpool's own against the JS loops. Cases: bench/breadth-cases.mjs; peer mappings and
// the reasons a peer cannot run a case: bench/breadth/peers.mjs. Writes bench/breadth.md.
// Run from the repo root after `npm run build` (peers: `cd bench && npm ci`):
//   node bench/breadth.mjs [--quick] [--rounds N] [--peers ort,tfjs-cpu] [--no-write] [case ids...]
import os from 'node:os';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { BREADTH_CASES } from './breadth-cases.mjs';
import { loadSimdpool } from './impl/simdpool.mjs';
import { warmUp, calibrate, median, sampleRounds } from './timing.mjs';
import { compare } from './verify.mjs';
import { machineInfo } from './machine.mjs';
import { prod, windowsJs, stridedWindows, adaptiveWindows, unpoolJs } from './breadth/js-loops.mjs';
import { ortPeers, tfPeers } from './breadth/peers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const started = performance.now();

// ---- arguments -----------------------------------------------------------------
const argv = process.argv.slice(2);
const args = { quick: false, rounds: null, write: true, peers: null, only: new Set() };
for (let i = 0; i < argv.length; i++) {
  const [k, inline] = argv[i].split('=', 2);
  const val = () => inline ?? argv[++i];
  if (k === '--quick') args.quick = true;
  else if (k === '--rounds') args.rounds = Number(val());
  else if (k === '--no-write') args.write = false;
  else if (k === '--peers') args.peers = val().split(',');
  else if (k === '--help' || k === '-h') {
    console.log('usage: node bench/breadth.mjs [--quick] [--rounds N] [--peers ort,ort-web,tfjs,tfjs-cpu,js] [--no-write] [case ids...]');
    console.log(`cases: ${BREADTH_CASES.map((c) => c.id).join(', ')}`);
    process.exit(0);
  } else if (k.startsWith('--')) throw new Error(`unknown argument ${k}`);
  else args.only.add(k);
}
const config = args.quick
  ? { mode: 'quick', rounds: 5, sampleMs: 4, budgetMs: 120, minSamples: 3, warm: { minMs: 15, minCalls: 2, maxMs: 400 } }
  : { mode: 'full', rounds: 11, sampleMs: 8, budgetMs: 450, minSamples: 5, warm: { minMs: 50, minCalls: 3, maxMs: 800 } };
if (args.rounds) config.rounds = args.rounds;
const wanted = (id) => !args.peers || id.startsWith('simdpool') || args.peers.some((p) => id === p || id.startsWith(p + '-'));
const cases = BREADTH_CASES.filter((c) => args.only.size === 0 || args.only.has(c.id));
if (cases.length === 0) throw new Error(`no such case; known: ${BREADTH_CASES.map((c) => c.id).join(', ')}`);

const loadBefore = os.loadavg();
const loaded = await loadSimdpool();
if (loaded.skip) throw new Error(loaded.skip);
const { sp } = loaded;
const peers = [...(await ortPeers()), ...(await tfPeers())].filter((p) => wanted(p.id));
for (const p of peers.filter((p) => p.failed)) console.log(`SKIP ${p.id}: ${p.failed}`);

// ---- data and layouts ------------------------------------------------------------
const per = (v, d) => (Array.isArray(v) ? v : new Array(d).fill(v));
const channelsLast = (layout) => layout[1] !== 'C';

/** Deterministic values in [-1, 1) (absolute values with `nonNegative`). */
function data(n, seed = 1, nonNegative = false) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
    if (nonNegative) a[i] = Math.abs(a[i]);
  }
  return a;
}

/** Logical [N, C, ...spatial] of a shape in its layout. */
function logical(shape, layout) {
  return channelsLast(layout) ? [shape[0], shape[shape.length - 1], ...shape.slice(1, -1)] : shape;
}

/** [N, C, S...] channels-first <-> [N, S..., C] channels-last, for logical dims [N, C, ...sp]. */
function transpose(src, [N, C, ...spd], toLast) {
  const S = prod(spd);
  const dst = new Float32Array(src.length);
  for (let n = 0; n < N; n++) {
    const b = n * C * S;
    for (let c = 0; c < C; c++)
      for (let p = 0; p < S; p++) {
        if (toLast) dst[b + p * C + c] = src[b + c * S + p];
        else dst[b + c * S + p] = src[b + p * C + c];
      }
  }
  return dst;
}

/**
 * Everything a runner needs about a case: logical dims in and out (channels-first order),
 * kernel/stride/padding per axis, the input in both layouts, for maxUnpool the pooled
 * values with plane indices (simdpool, JS) and ONNX indices (onnxruntime).
 */
function geometry(c) {
  const o = c.options;
  const dims = logical(c.shape, c.layout);
  const d = dims.length - 2;
  const cl = channelsLast(c.layout);
  const g = { c, dims, d, cl };
  if (c.op === 'maxUnpool2d') {
    const [N, C, H, W] = dims;
    g.k = per(o.kernelSize, 2);
    g.s = per(o.stride ?? o.kernelSize, 2);
    g.p = per(o.padding ?? 0, 2);
    const big = { data: data(N * C * H * g.k[0] * W * g.k[1]), shape: [N, C, H * g.k[0], W * g.k[1]] };
    const plane = sp.maxPool2d(big, { ...o, returnIndices: true });
    const onnx = sp.maxPool2d(big, { ...o, returnIndices: true, indexFormat: 'onnx' });
    g.unpool = {
      inDims: dims,
      valuesCF: plane.output.data,
      indicesPlane: plane.indices.data,
      indicesOnnx: BigInt64Array.from(onnx.indices.data, (v) => BigInt(v)),
    };
    g.outDims = big.shape;
    return g;
  }
  const x = data(prod(c.shape), 1, c.nonNegative);
  g.x = cl ? { cl: x, cf: transpose(x, dims, false), own: x } : { cf: x, cl: transpose(x, dims, true), own: x };
  if (!c.op.startsWith('adaptive') && !c.op.startsWith('global')) {
    g.k = per(o.kernelSize, d);
    g.s = per(o.stride ?? o.kernelSize, d);
    g.p = per(o.padding ?? 0, d);
  }
  const probe = sp[c.op]({ data: x, shape: c.shape, layout: c.layout }, o);
  g.outShape = probe.shape; // in the case's layout
  g.outDims = logical(probe.shape, c.layout);
  return g;
}

// ---- simdpool and JS runners -------------------------------------------------------

function simdpoolRunners(g) {
  const { c } = g;
  const o = c.options;
  if (c.op === 'maxUnpool2d') {
    const u = g.unpool;
    const vx = sp.fromArray(u.valuesCF, u.inDims);
    const ix = sp.fromArray(u.indicesPlane, u.inDims);
    const out = sp.tensor(g.outDims);
    const vPlain = { data: u.valuesCF, shape: u.inDims };
    const iPlain = { data: u.indicesPlane, shape: u.inDims };
    let last;
    return [
      { id: 'simdpool-res', mode: 'resident', run: () => sp.maxUnpool2d(vx, ix, { ...o, out }), output: () => out.data.slice(), dispose: () => [vx, ix, out].forEach((t) => t.dispose()) },
      { id: 'simdpool', mode: 'e2e', run: () => (last = sp.maxUnpool2d(vPlain, iPlain, o).data), output: () => sp.maxUnpool2d(vPlain, iPlain, o).data, dispose() {} },
    ];
  }
  const xt = sp.fromArray(g.x.own, c.shape, c.layout);
  const out = sp.tensor(g.outShape, { layout: c.layout });
  const withOut = { ...o, out };
  const plain = { data: g.x.own, shape: c.shape, layout: c.layout };
  let last;
  return [
    { id: 'simdpool-res', mode: 'resident', run: () => sp[c.op](xt, withOut), output: () => (sp[c.op](xt, withOut), out.data.slice()), dispose: () => [xt, out].forEach((t) => t.dispose()) },
    { id: 'simdpool', mode: 'e2e', run: () => (last = sp[c.op](plain, o).data), output: () => sp[c.op](plain, o).data, dispose() {} },
  ];
}

function jsRunner(g) {
  const { c, dims } = g;
  const o = c.options;
  let f;
  if (c.op === 'maxUnpool2d') {
    const u = g.unpool;
    f = () => unpoolJs(u.valuesCF, u.indicesPlane, dims[0] * dims[1], prod(dims.slice(2)), prod(g.outDims.slice(2)));
  } else {
    const inSp = dims.slice(2);
    let windows, reduce;
    if (c.op.startsWith('adaptive')) {
      windows = inSp.map((n, i) => adaptiveWindows(n, g.outDims[2 + i]));
      reduce = c.op.startsWith('adaptiveMax') ? 'max' : 'avg';
    } else if (c.op.startsWith('global')) {
      windows = inSp.map((n) => [[0, n]]);
      reduce = c.op.startsWith('globalLp') ? 'lp' : c.op.startsWith('globalMax') ? 'max' : 'avg';
    } else {
      windows = inSp.map((n, i) => stridedWindows(n, g.k[i], g.s[i], g.p[i]));
      reduce = c.op.startsWith('max') ? 'max' : c.op.startsWith('lp') ? 'lp' : 'avg';
    }
    f = () => windowsJs(g.x.own, dims, c.layout, windows, reduce, o.normType ?? 2);
  }
  return { id: 'js', mode: 'e2e', run: f, output: f, dispose() {} };
}

/** simdpool against the JS loops: float32 vs float64 accumulation, so a looser bound. */
function checkAgainstJs(got, want) {
  if (got.length !== want.length) return { status: 'MISMATCH', detail: `length ${got.length} != ${want.length}` };
  let worst = 0, bad = 0;
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(got[i]) && Number.isNaN(want[i])) continue; // Lp with odd p: negative sums
    const r = Math.abs(got[i] - want[i]) / (1e-3 + Math.abs(want[i]));
    if (!(r < 1e-3)) bad++;
    if (!(r <= worst)) worst = r;
  }
  return bad ? { status: 'MISMATCH', detail: `${bad} differ from the JS loops, worst relative ${worst}` } : { status: 'ok', maxRel: worst };
}

// ---- measure ----------------------------------------------------------------------
const kindOf = (op) => (op.startsWith('max') ? 'max' : 'avg'); // max, maxUnpool: exact
const results = [];
console.log(`simdpool: ${sp.simd ? 'SIMD' : 'SCALAR'} kernels; peers: ${peers.filter((p) => !p.failed).map((p) => p.id).join(', ')}`);
console.log(`load average ${loadBefore.map((v) => v.toFixed(2)).join(' ')} on ${os.cpus().length} cores; mode ${config.mode}: ${config.rounds} rounds, ~${config.sampleMs} ms samples, ≤${config.budgetMs} ms each\n`);

for (const c of cases) {
  const t0 = performance.now();
  const g = geometry(c);
  const caseRes = { c, g, rows: {}, skips: {} };
  const entries = [];
  const add = async (id, mode, make, extra = {}) => {
    try {
      const runner = await make();
      if (runner.skip) {
        caseRes.skips[id] = runner.skip;
        return;
      }
      entries.push({ id, mode, runner, samples: [], spent: 0, cpuMs: 0, ...extra });
    } catch (e) {
      caseRes.rows[id] = { error: e.message.split('\n')[0] };
      console.log(`  ${id}: ERROR ${e.message.split('\n')[0]}`);
    }
  };
  for (const r of simdpoolRunners(g)) await add(r.id, r.mode, () => r);
  if (wanted('js')) await add('js', 'e2e', () => jsRunner(g));
  for (const p of peers) {
    if (p.failed) caseRes.skips[p.id] = p.failed;
    else await add(p.id, p.mode, () => p.prepare(g));
  }

  // outputs: warm up, then one output per runner, in the case's layout
  for (const e of entries) {
    try {
      await e.runner.activate?.();
      await warmUp(e.runner, config.warm);
      let out = await e.runner.output();
      if (e.runner.layout === 'cf' && g.cl) out = transpose(out, g.outDims, true);
      if (e.runner.layout === 'cl' && !g.cl) out = transpose(out, g.outDims, false);
      e.output = out;
    } catch (err) {
      e.failed = err.message.split('\n')[0];
    }
  }
  const ref = entries.find((e) => e.id === 'simdpool-res').output;
  const jsOut = entries.find((e) => e.id === 'js')?.output;
  for (const e of entries) {
    if (e.failed) continue;
    if (e.id === 'simdpool-res') e.check = jsOut ? { ...checkAgainstJs(ref, jsOut), against: 'JS loops' } : { status: 'ref' };
    else if (e.id === 'js') e.check = { status: 'ok', against: 'see simdpool' };
    else e.check = compare(e.output, ref, kindOf(c.op));
    if (e.runner.known && e.check.status === 'MISMATCH') e.check.known = e.runner.known;
    if (e.runner.semantics && e.check.status !== 'ok') e.check = { ...e.check, status: 'SEMANTICS', why: e.runner.semantics };
    else if (e.runner.semantics) e.check = { ...e.check, why: e.runner.semantics };
    e.output = null;
  }

  // calibrate, then interleaved rounds
  for (const e of entries) {
    if (e.failed) continue;
    try {
      await e.runner.activate?.();
      e.reps = (await calibrate(e.runner, config.sampleMs)).reps;
    } catch (err) {
      e.failed = err.message.split('\n')[0];
    }
  }
  await sampleRounds(entries, config, (e) => (e.failed = e.failed.split('\n')[0]));
  for (const e of entries) {
    try {
      await e.runner.dispose?.();
    } catch {
      // already gone
    }
    if (e.failed || !e.samples.length) {
      caseRes.rows[e.id] = { error: e.failed ?? 'no samples' };
      continue;
    }
    caseRes.rows[e.id] = {
      mode: e.mode,
      medianMs: median(e.samples),
      minMs: Math.min(...e.samples),
      samples: e.samples.length,
      reps: e.reps,
      cpuPerWall: e.cpuMs / e.spent,
      check: e.check,
      note: e.runner.note,
    };
  }
  const line = Object.entries(caseRes.rows)
    .map(([id, r]) => `${id} ${r.error ? 'ERROR' : fmt(r.medianMs)}${r.check && !['ok', 'ref'].includes(r.check.status) ? ' ' + r.check.status : ''}`)
    .join(', ');
  console.log(`${c.id.padEnd(9)} ${line}  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  results.push(caseRes);
}
const loadAfter = os.loadavg();

function fmt(ms) {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3);
}

// ---- report -------------------------------------------------------------------------
const COLS = [
  ['simdpool-res', 'simdpool resident'],
  ['simdpool', 'simdpool e2e'],
  ['js', 'JS loops'],
  ['ort-node', 'ort-node'],
  ['ort-web', 'ort-web (wasm)'],
  ['tfjs-wasm-res', 'tfjs-wasm resident'],
  ['tfjs-wasm', 'tfjs-wasm e2e'],
  ['tfjs-cpu-res', 'tfjs-cpu resident'],
  ['tfjs-cpu', 'tfjs-cpu e2e'],
].filter(([id]) => wanted(id));
const base = (rows, mode) => rows[mode === 'resident' ? 'simdpool-res' : 'simdpool']?.medianMs;
const describeCase = (c) => `${c.op} ${c.shape.join('×')} ${c.layout} ${JSON.stringify(c.options).replace(/["{}]/g, '').replace(/,/g, ' ')}${c.nonNegative ? ' x≥0' : ''}`;
const notes = [];
const noteRef = (text) => {
  let i = notes.indexOf(text);
  if (i < 0) i = notes.push(text) - 1;
  return `[${i + 1}]`;
};

function cell(res, id) {
  const r = res.rows[id];
  if (!r) return res.skips[id] ? `n/a ${noteRef(res.skips[id])}` : '—';
  if (r.error) return `ERROR ${noteRef(`${res.c.id} ${id}: ${r.error}`)}`;
  let s = fmt(r.medianMs);
  if (!id.startsWith('simdpool')) s += ` (${(r.medianMs / base(res.rows, r.mode)).toFixed(1)}×)`;
  if (id === 'simdpool-res' && r.check.status === 'MISMATCH') s += ` **MISMATCH vs JS** ${noteRef(`${res.c.id}: ${r.check.detail}`)}`;
  else if (r.check.status === 'MISMATCH') s += ` **MISMATCH** ${noteRef(`${res.c.id} ${id}: ${r.check.detail}`)}${r.check.known ? noteRef(r.check.known) : ''}`;
  else if (r.check.status === 'SEMANTICS') s += ` ≠ ${noteRef(`${r.check.why} (${res.c.id}: ${r.check.detail})`)}`;
  return s;
}

const meta = await machineInfo();
const md = [];
md.push('# Breadth operators: simdpool vs peers', '');
md.push(`Generated by \`node bench/breadth.mjs${args.quick ? ' --quick' : ''}\` on ${meta.date.slice(0, 16).replace('T', ' ')} UTC, commit ${meta.commit}${meta.dirty ? ' (uncommitted changes)' : ''}.`, '');
md.push('Median wall time per call in ms. In parentheses: **peer ÷ simdpool** in the same mode (resident peers against simdpool resident, end-to-end peers and the JS loops against simdpool end-to-end); above 1× simdpool is faster.', '');
md.push(`| id | case | ${COLS.map(([, h]) => h).join(' | ')} |`);
md.push(`| --- | --- | ${COLS.map(() => '---').join(' | ')} |`);
for (const res of results) md.push(`| ${res.c.id} | ${describeCase(res.c)} | ${COLS.map(([id]) => cell(res, id)).join(' | ')} |`);
md.push('');
md.push('`n/a`: the peer has no operation with the same semantics (reason in the note). `≠`: the peer runs an operation of the same name whose definition differs from PyTorch\'s on these inputs; timed, output not judged. **MISMATCH**: output differs from simdpool\'s where it should not.', '');
md.push('Notes:', '');
notes.forEach((n, i) => md.push(`${i + 1}. ${n}`));
md.push('');
md.push('## What each peer supports here', '');
md.push('| operation | onnxruntime-node / -web | tfjs-wasm | tfjs-cpu |');
md.push('| --- | --- | --- | --- |');
const tfw = peers.find((p) => p.id.startsWith('tfjs-wasm'))?.kernels ?? [];
const tfc = peers.find((p) => p.id.startsWith('tfjs-cpu'))?.kernels ?? [];
const has = (ks, k, how) => (ks.includes(k) ? how : `no ${k} kernel`);
md.push(`| maxPool1d | MaxPool, 1-D kernel | ${has(tfw, 'MaxPool', 'tf.maxPool on [N,1,W,C]')} | ${has(tfc, 'MaxPool', 'tf.maxPool on [N,1,W,C]')} |`);
md.push(`| maxPool3d | MaxPool, 3-D kernel | ${has(tfw, 'MaxPool3D', 'tf.maxPool3d (NDHWC); wrong (1.1754944e-38) for all-negative windows')} | ${has(tfc, 'MaxPool3D', 'tf.maxPool3d (NDHWC)')} |`);
md.push(`| avgPool3d | AveragePool, 3-D kernel | ${has(tfw, 'AvgPool3D', 'tf.avgPool3d (NDHWC, excludes padding)')} | ${has(tfc, 'AvgPool3D', 'tf.avgPool3d (NDHWC, excludes padding)')} |`);
md.push('| adaptiveAvgPool2d | no adaptive op; only when sizes divide (AveragePool k=s=in/out) or output 1 (GlobalAveragePool) | no adaptive op; only when sizes divide (tf.avgPool) | same as wasm |');
md.push('| lpPool2d | LpPool: (Σ\\|x\\|^p)^(1/p); PyTorch: (avg(x^p)·kH·kW)^(1/p). Equal for even p or x ≥ 0 without ceil-mode partial windows | no Lp op | no Lp op |');
md.push('| globalLpPool2d | GlobalLpPool (Σ\\|x\\|^p)^(1/p), equal for even p or x ≥ 0 | no Lp op | no Lp op |');
md.push("| maxUnpool2d | MaxUnpool, int64 indices flat over N,C,H,W (simdpool `indexFormat: 'onnx'`) | no unpool op | no unpool op |");
md.push('');
md.push('## Method', '');
md.push(`- One Node process, single thread everywhere: onnxruntime-node CPU EP with intra/inter-op threads 1, onnxruntime-web wasm EP numThreads 1 (no proxy), tfjs-backend-wasm setThreadsCount(1); session and backend settings as in bench/impl/.`);
md.push('- simdpool resident: input in wasm memory (sp.fromArray), output preallocated (`out`); simdpool e2e: plain Float32Array in, new Float32Array out. JS loops: Float32Array in, new Float32Array out.');
md.push('- onnxruntime (end-to-end only): new ort.Tensor per input + await session.run + reading the output; one-node models from bench/onnx-model.mjs, channels-first (channels-last cases hand it the transposed copy, made outside the timing). maxUnpool\'s int64 index tensor is converted from simdpool\'s int32 ONNX-format indices once, outside the timing.');
md.push('- Every peer gets the input in its own native layout (the transposed copy is made outside the timing), so on channels-first cases tfjs does not pay for the layout simdpool is handed, and on channels-last cases onnxruntime does not.');
md.push('- tfjs resident: input tensor already on the backend, times the op + dispose (kernels run synchronously); tfjs e2e: tf.tensor(Float32Array) + op + dataSync(). Channels-last (NHWC/NDHWC) only; channels-first cases hand it the transposed copy.');
md.push(`- ${config.mode} mode: warm-up, repetitions calibrated to ~${config.sampleMs} ms per sample, up to ${config.rounds} rounds interleaved round-robin over all implementations of a case, each stopping after ≥${config.minSamples} samples and ≥${config.budgetMs} ms; the median sample is reported.`);
md.push('- Checks against simdpool resident: max and unpool exact, average/Lp |a−b| ≤ 1e-5·max(|a|,|b|) + 1e-6 (bench/verify.mjs); simdpool itself against the JS loops (float64 accumulation) within 1e-3 relative.');
md.push('');
md.push('## Machine', '');
const cpw = results.flatMap((r) => Object.values(r.rows).filter((x) => x.cpuPerWall).map((x) => x.cpuPerWall));
md.push(`- ${meta.cpu}, ${meta.cores} cores (${meta.cpuFlags.join(' ')}), ${meta.memoryGiB} GiB, ${meta.platform}; Node ${meta.node}`);
md.push(`- simdpool ${meta.versions.simdpool} (${sp.simd ? 'SIMD' : 'SCALAR'} kernels); onnxruntime-node ${meta.versions['onnxruntime-node']}, onnxruntime-web ${meta.versions['onnxruntime-web']}, tfjs-core/-backend-wasm/-backend-cpu ${meta.versions['@tensorflow/tfjs-core']}/${meta.versions['@tensorflow/tfjs-backend-wasm']}/${meta.versions['@tensorflow/tfjs-backend-cpu']}`);
md.push(`- Load average (1/5/15 min) ${loadBefore.map((v) => v.toFixed(2)).join(' / ')} at start, ${loadAfter.map((v) => v.toFixed(2)).join(' / ')} at end, on ${meta.cores} cores${Math.max(loadBefore[0], loadAfter[0]) > meta.cores * 0.6 ? ': the machine was shared and busy, so absolute times are noisy; the interleaving spreads the noise over all implementations alike, ratios are the more reliable figure' : ''}. Process CPU ÷ wall time over the samples: median ${median(cpw).toFixed(2)}, range ${Math.min(...cpw).toFixed(2)}–${Math.max(...cpw).toFixed(2)} (≈1: one busy thread; below 1: waited for a core).`);
md.push(`- Whole run ${((performance.now() - started) / 1000).toFixed(0)} s.`);
const text = md.join('\n') + '\n';
console.log('\n' + text);
if (args.write) {
  writeFileSync(path.join(here, 'breadth.md'), text);
  console.log('wrote bench/breadth.md');
}
