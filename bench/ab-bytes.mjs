// A/B of two .wasm builds on int8/uint8 pooling (the quant benchmark's cases, and B-avg / H-avg:
// B's and H's shapes averaged), with float32 pooling of build B on the same shapes beside them:
// simdpool resident (sp.fromArray of the bytes quant.mjs makes, averages with its quantization
// parameters), samples of every row interleaved round-robin in one process (as ab.mjs), A/B
// outputs compared bit for bit.
// usage: node ab-bytes.mjs --a old.wasm [--b new.wasm] [--cases B,C,D,G-max,H,E,G-avg,F,B-avg,H-avg] [--rounds 15]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { caseInputs, dimsIn, selectCases } from './cases.mjs';
import { interleaved } from './timing.mjs';
import { DIST, WASM, spOp } from './impl/simdpool.mjs';

const args = process.argv.slice(2);
const opt = (k, d) => { const i = args.indexOf(k); return i < 0 ? d : args[i + 1]; };
const mod = await import(pathToFileURL(DIST).href);
const engines = { A: await mod.init({ wasm: readFileSync(opt('--a')) }), B: await mod.init({ wasm: readFileSync(opt('--b', WASM)) }) };
const rounds = +opt('--rounds', 15);
const ARRAY = { int8: Int8Array, uint8: Uint8Array, float32: Float32Array };
const QUANT = { int8: { scale: 0.05, zeroPoint: -3 }, uint8: { scale: 0.05, zeroPoint: 7 } }; // quant.mjs's
/** B's and H's shapes as averages (padding excluded from the count, as E). */
const EXTRA = ['B', 'H'].map((id) => ({ ...selectCases(id)[0], id: `${id}-avg`, group: `${id}-avg`, op: 'avg', countIncludePad: false }));

function casesOf(ids) {
  const extra = ids.split(',').filter((id) => EXTRA.some((c) => c.id === id));
  const rest = ids.split(',').filter((id) => !extra.includes(id)).join(',');
  return [...(rest ? selectCases(rest) : []), ...EXTRA.filter((c) => extra.includes(c.id))];
}

/** quant.mjs's bytes: the float32 case's values in [-1, 1) spread over the dtype's range. */
function inputOf(spec, dtype) {
  const f = caseInputs(spec).of(spec.layout);
  if (dtype === 'float32') return f;
  return ARRAY[dtype].from(f, (v) => Math.round((v + 1) * 127.5) + (dtype === 'int8' ? -128 : 0));
}

function resident(sp, spec, dtype) {
  const layout = spec.layout;
  const { fn, opts } = spOp(sp, spec);
  const x = sp.fromArray(inputOf(spec, dtype), dimsIn(spec.shape, layout), layout);
  const out = sp.tensor(dimsIn(spec.outShape, layout), { layout, dtype });
  const withOut = { ...opts, ...(spec.op !== 'max' && dtype !== 'float32' && spec.op !== 'gap' ? QUANT[dtype] : {}), out };
  return { run: () => fn(x, withOut), out, dispose() { x.dispose(); out.dispose(); } };
}

const us = (ms) => `${(ms * 1000).toFixed(0)}us`;
for (const spec of casesOf(opt('--cases', 'B,C,D,G-max,H'))) {
  const rows = [{ id: 'f32', runner: resident(engines.B, spec, 'float32') }];
  for (const dtype of ['int8', 'uint8']) for (const k of ['A', 'B']) rows.push({ id: `${dtype} ${k}`, dtype, runner: resident(engines[k], spec, dtype) });
  for (const dtype of ['int8', 'uint8']) {
    const [a, b] = rows.filter((r) => r.dtype === dtype).map((r) => (r.runner.run(), r.runner.out.data));
    const at = a.findIndex((v, i) => v !== b[i]);
    if (at >= 0 || a.length !== b.length) throw new Error(`${spec.id} ${dtype}: A/B outputs differ at ${at}: ${a[at]} vs ${b[at]}`);
  }
  const { times, medians } = await interleaved(rows.map((r) => r.runner), { rounds, sampleMs: 30 });
  const range = (t) => `${us(Math.min(...t))}-${us(Math.max(...t))}`;
  const f32 = medians[0];
  const cells = rows.map((r, i) => `${r.id} ${us(medians[i])} [${range(times[i])}]${i ? ` f32/x ${(f32 / medians[i]).toFixed(2)}` : ''}`);
  const ab = ['int8', 'uint8'].map((d) => { const [a, b] = rows.flatMap((r, i) => (r.dtype === d ? [medians[i]] : [])); return `${d} A/B ${(a / b).toFixed(2)}x`; });
  console.log(`${spec.id.padEnd(6)} ${cells.join('  ')}  ${ab.join('  ')}`);
  for (const r of rows) r.runner.dispose();
}
process.exit(0);
