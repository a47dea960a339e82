// int8/uint8 pooling against float32 simdpool on the same shapes (same run, interleaved), and
// against onnxruntime-node / onnxruntime-web running the same quantized operator: MaxPool on
// int8/uint8 tensors (ONNX opset 12+), com.microsoft QLinearAveragePool and
// QLinearGlobalAveragePool (x_scale, x_zero_point, y_scale, y_zero_point as inputs).
// Every implementation's output is checked against simdpool's int8/uint8 result (max: exact;
// ONNX Runtime's quantized averages round their own way, so differences are counted, not fatal).
//
//   node quant.mjs [--quick] [--no-write]      writes quant.md and quant.json
import { writeFileSync } from 'node:fs';
import { CASES as BASE, caseInputs, dimsIn, nhwcToNchw, outputShape } from './cases.mjs';
import { INT8, UINT8, FLOAT, encodeNodeModel, onnxPoolAttributes } from './onnx-model.mjs';
import { interleaved } from './timing.mjs';
import { loadSimdpool, spOp } from './impl/simdpool.mjs';
import { machineInfo } from './machine.mjs';
import { ORT_NODE_SESSION, ORT_WEB_SESSION, loadOrtWeb } from './impl/ort-common.mjs';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const ROUNDS = quick ? 5 : 15;
const SAMPLE_MS = quick ? 15 : 40;

const PICK = (process.env.QUANT_CASES ?? 'B,C,D,G-max,H,E,G-avg,F').split(',');
const CASES = PICK.map((id) => BASE.find((c) => c.id === id));
const QUANT = { int8: { scale: 0.05, zeroPoint: -3 }, uint8: { scale: 0.05, zeroPoint: 7 } };
const ARRAY = { int8: Int8Array, uint8: Uint8Array };

/** Bytes spread over the whole range (the float32 case's values mapped to codes). */
function byteInputs(spec, dtype) {
  const f = caseInputs(spec);
  const conv = (src) => ARRAY[dtype].from(src, (v) => Math.round((v + 1) * 127.5) + (dtype === 'int8' ? -128 : 0));
  const nchw = conv(f.nchw), nhwc = conv(f.nhwc);
  return { nchw, nhwc, of: (layout) => (layout === 'NHWC' ? nhwc : nchw) };
}

const { sp, skip } = await loadSimdpool();
if (skip) throw new Error(skip);

function simdpoolResident(spec, inputs, dtype) {
  const layout = spec.layout;
  const { fn, opts } = spOp(sp, spec);
  const q = dtype === 'float32' || spec.op !== 'avg' ? {} : QUANT[dtype];
  const t = sp.fromArray(inputs.of(layout), dimsIn(spec.shape, layout), layout);
  const o = sp.tensor(dimsIn(spec.outShape, layout), { layout, dtype });
  const withOut = { ...opts, ...q, out: o };
  const run = () => fn(t, withOut);
  return { layout, run, output: () => (run(), o.data.slice()), dispose() { t.dispose(); o.dispose(); } };
}

function simdpoolPlain(spec, inputs, dtype) {
  const layout = spec.layout;
  const { fn, opts } = spOp(sp, spec);
  const q = spec.op !== 'avg' ? {} : QUANT[dtype];
  const x = { data: inputs.of(layout), shape: dimsIn(spec.shape, layout), layout };
  let last = null;
  const run = () => (last = fn(x, { ...opts, ...q }).data);
  return { layout, run, output: () => (run(), last), dispose() {} };
}

/** One-node ONNX model of the quantized op (NCHW). */
function quantModel(spec, dtype) {
  const type = dtype === 'int8' ? INT8 : UINT8;
  const x = { name: 'x', shape: spec.shape, type };
  const y = { name: 'y', shape: spec.outShape, type };
  if (spec.op === 'max') return encodeNodeModel({ op: 'MaxPool', inputs: [x], output: y, attributes: onnxPoolAttributes(spec), opset: 13 });
  const params = [
    { name: 'x_scale', shape: [], type: FLOAT }, { name: 'x_zero_point', shape: [], type },
    { name: 'y_scale', shape: [], type: FLOAT }, { name: 'y_zero_point', shape: [], type },
  ];
  const op = spec.op === 'gap' ? 'QLinearGlobalAveragePool' : 'QLinearAveragePool';
  const attributes = spec.op === 'gap' ? { channels_last: 0 } : onnxPoolAttributes(spec);
  return encodeNodeModel({ op, inputs: [x, ...params], output: y, attributes, opset: 13, domain: 'com.microsoft' });
}

async function ortRunner(ort, options, spec, inputs, dtype) {
  const session = await ort.InferenceSession.create(quantModel(spec, dtype), options);
  const data = inputs.of('NCHW');
  const q = QUANT[dtype];
  const scalar = (v, t) => new ort.Tensor(t, t === 'float32' ? Float32Array.of(v) : ARRAY[t].of(v), []);
  const feeds = spec.op === 'max' ? {} : {
    x_scale: scalar(q.scale, 'float32'), x_zero_point: scalar(q.zeroPoint, dtype),
    y_scale: scalar(q.scale, 'float32'), y_zero_point: scalar(q.zeroPoint, dtype),
  };
  let last = null;
  const run = async () => {
    const r = await session.run({ ...feeds, x: new ort.Tensor(dtype, data, spec.shape) });
    last = r.y.data;
  };
  return { layout: 'NCHW', async: true, run, output: async () => (await run(), last), dispose: () => session.release() };
}

const peers = [];
try {
  const ort = await import('onnxruntime-node');
  peers.push({ id: 'ort-node', version: ort.env.versions.node, make: (s, i, d) => ortRunner(ort, ORT_NODE_SESSION, s, i, d) });
} catch (e) {
  console.error(`onnxruntime-node unavailable: ${e.message}`);
}
try {
  const ort = await loadOrtWeb();
  peers.push({ id: 'ort-web', version: ort.env.versions.web, make: (s, i, d) => ortRunner(ort, ORT_WEB_SESSION, s, i, d) });
} catch (e) {
  console.error(`onnxruntime-web unavailable: ${e.message}`);
}

/** Output in NCHW order (ORT's), for comparison. */
const asNchw = (data, spec, layout) => (layout === 'NHWC' ? nhwcToNchw(Float32Array.from(data), spec.outShape) : Float32Array.from(data));

function compare(a, b) {
  let differ = 0, maxDiff = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > 0) differ++;
    maxDiff = Math.max(maxDiff, d);
  }
  return { differ, maxDiff, of: a.length };
}

const results = [];
for (const spec of CASES) {
  const f32 = caseInputs(spec);
  const rows = [{ id: 'simdpool f32 resident', dtype: 'float32', runner: simdpoolResident(spec, f32, 'float32') }];
  for (const dtype of ['int8', 'uint8']) {
    const inputs = byteInputs(spec, dtype);
    rows.push({ id: `simdpool ${dtype} resident`, dtype, runner: simdpoolResident(spec, inputs, dtype) });
    rows.push({ id: `simdpool ${dtype} end-to-end`, dtype, runner: simdpoolPlain(spec, inputs, dtype) });
    for (const p of peers) {
      try {
        rows.push({ id: `${p.id} ${dtype}`, dtype, runner: await p.make(spec, inputs, dtype), peer: true });
      } catch (e) {
        rows.push({ id: `${p.id} ${dtype}`, dtype, skipped: e.message.split('\n')[0].slice(0, 160) });
      }
    }
  }
  // output checks: every byte row against simdpool's resident result of its dtype
  const refs = {};
  for (const r of rows) {
    if (r.skipped) continue;
    const out = asNchw(await r.runner.output(), spec, r.runner.layout);
    if (r.id.endsWith('resident')) refs[r.dtype] = out;
    else r.check = compare(out, refs[r.dtype]);
  }
  // int8 max and float32 max pick the same elements: the codes map back monotonically
  if (spec.op === 'max') {
    const back = refs.uint8.map((v) => v / 127.5 - 1);
    const same = refs.float32.every((v, i) => Math.abs(Math.round((v + 1) * 127.5) / 127.5 - 1 - back[i]) < 1e-6);
    if (!same) { const i = refs.float32.findIndex((v, i) => Math.abs(Math.round((v + 1) * 127.5) / 127.5 - 1 - back[i]) >= 1e-6); throw new Error(`${spec.id}: uint8 max pooling does not select the float32 maxima (output ${i}: ${refs.float32[i]} vs code ${refs.uint8[i]})`); }
  }
  // interleaved rounds of calibrated samples
  const live = rows.filter((r) => !r.skipped);
  const { medians, reps } = await interleaved(live.map((r) => r.runner), { rounds: ROUNDS, sampleMs: SAMPLE_MS });
  for (const [i, r] of live.entries()) {
    r.ms = medians[i];
    r.reps = reps[i];
    await r.runner.dispose();
  }
  const base = rows[0].ms;
  const line = rows.map((r) => (r.skipped ? `${r.id}: skipped` : `${r.id} ${fmt(r.ms)} (${(base / r.ms).toFixed(2)}×)${r.check ? ` ${checkText(r.check)}` : ''}`));
  console.log(`${spec.id} ${spec.title}\n  ${line.join('\n  ')}`);
  results.push({ id: spec.id, title: spec.title, rows: rows.map(({ runner, samples, ...r }) => r) });
}

function fmt(ms) {
  return ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(ms < 0.01 ? 2 : 1)} µs`;
}
function checkText(c) {
  return c.differ === 0 ? 'same output' : `${c.differ}/${c.of} outputs differ (max ${c.maxDiff})`;
}

if (!args.has('--no-write')) {
  const machine = await machineInfo();
  const load = (await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' / ');
  writeFileSync(new URL('./quant.json', import.meta.url), JSON.stringify({ machine, peers: peers.map(({ id, version }) => ({ id, version })), results }, null, 1));
  const cols = ['simdpool f32 resident', 'simdpool int8 resident', 'simdpool uint8 resident', 'simdpool int8 end-to-end', 'ort-node int8', 'ort-web int8', 'ort-node uint8', 'ort-web uint8'];
  let md = `# int8/uint8 pooling benchmark\n\n\`node bench/quant.mjs\`: median time per call (${ROUNDS} interleaved rounds), one thread, same shapes as\n` +
    `the float32 cases; ratio = float32 simdpool resident time / this time (above 1: faster than float32).\n` +
    `Peers: ${peers.map((p) => `${p.id} ${p.version}`).join(', ')} (MaxPool on int8/uint8; com.microsoft QLinearAveragePool / QLinearGlobalAveragePool).\n` +
    `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; simdpool at ${machine.commit}${machine.dirty ? ' (uncommitted changes)' : ''}; ` +
    `load average ${load} (1/5/15 min) at the end of the run.\n\n`;
  md += `| case | ${cols.join(' | ')} |\n| :-- |${cols.map(() => ' --: |').join('')}\n`;
  for (const r of results) {
    const base = r.rows[0].ms;
    const cell = (id) => {
      const row = r.rows.find((x) => x.id === id);
      if (!row) return '—';
      if (row.skipped) return 'n/a';
      const ratio = row.id === 'simdpool f32 resident' ? '' : ` (${(base / row.ms).toFixed(2)}×)`;
      return `${fmt(row.ms)}${ratio}${row.check && row.check.differ ? ` ≠${row.check.differ}` : ''}`;
    };
    md += `| ${r.id} ${r.title} | ${cols.map(cell).join(' | ')} |\n`;
  }
  md += `\nOutput checks (against simdpool's resident result of the same dtype):\n\n`;
  for (const r of results) {
    for (const row of r.rows) {
      if (row.skipped) md += `- ${r.id} ${row.id}: not run (${row.skipped})\n`;
      else if (row.check && row.check.differ) md += `- ${r.id} ${row.id}: ${checkText(row.check)}\n`;
    }
  }
  md += `- every other row: the same output.\n`;
  writeFileSync(new URL('./quant.md', import.meta.url), md);
}
process.exit(0);
