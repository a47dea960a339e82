// A/B harness for kernel work: simdpool resident with two .wasm builds (A = --a file,
// B = build/simdpool.wasm) plus tfjs-wasm, memlimit and (3x3/1 averages) arithfloor, samples
// interleaved round-robin.
// usage: node ab.mjs --a /path/old.wasm [--b new.wasm] [--cases B,C] [--rounds 15] [--peers]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { selectCases, caseInputs } from './cases.mjs';
import { calibrate, sample, warmUp, median } from './timing.mjs';
import { DIST, spOp, spShape, WASM } from './impl/simdpool.mjs';

const args = process.argv.slice(2);
const opt = (k, d) => { const i = args.indexOf(k); return i < 0 ? d : args[i + 1]; };
const mod = await import(pathToFileURL(DIST).href);
const builds = { A: readFileSync(opt('--a')), B: readFileSync(opt('--b', WASM)) };
const engines = {};
for (const [k, bytes] of Object.entries(builds)) engines[k] = await mod.init({ wasm: bytes });
const peers = [];
if (args.includes('--peers')) {
  for (const name of ['tfjs-wasm', 'memlimit']) {
    const m = await import(`./impl/${name}.mjs`);
    const impls = await m.default();
    const list = Array.isArray(impls) ? impls : [];
    // tfjs: its resident row; memlimit.mjs: both references (memlimit, arithfloor)
    const picked = list.filter((x) => x.role === 'resident' || x.role === 'reference');
    peers.push(...(picked.length ? picked : list.slice(0, 1)));
  }
}
const rounds = +opt('--rounds', 15);
for (const spec of selectCases(opt('--cases', 'B,C,D,E,G-max,H'))) {
  const inputs = caseInputs(spec);
  const runners = [];
  for (const [k, sp] of Object.entries(engines)) {
    const layout = spec.layout;
    const { fn, opts } = spOp(sp, spec);
    const t = sp.fromArray(inputs.of(layout), spShape(spec.shape, layout), layout);
    const o = sp.tensor(spShape(spec.outShape, layout), { layout });
    const w = { ...opts, out: o };
    runners.push({ id: k, run: () => fn(t, w), out: o });
  }
  for (const p of peers) {
    if (p.supports && p.supports(spec) !== true) continue;
    const r = await p.prepare(spec, inputs); r.id = p.id; if (r.activate) await r.activate(); runners.push(r);
  }
  const a = runners[0].out.data, b = runners[1].out.data;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) { console.log(`${spec.id}: A/B outputs differ at ${i}: ${a[i]} vs ${b[i]}`); break; }
  const cal = [];
  for (const r of runners) { await warmUp(r); cal.push((await calibrate(r, 40)).reps); }
  const times = runners.map(() => []);
  for (let k = 0; k < rounds; k++) for (let i = 0; i < runners.length; i++) times[i].push(await sample(runners[i], cal[i]));
  const med = times.map(median);
  const line = runners.map((r, i) => `${r.id} ${(med[i] * 1000).toFixed(0)}us`).join('  ');
  const rel = runners.slice(2).map((r, i) => `${r.id}/B ${(med[i + 2] / med[1]).toFixed(2)}x`).join(' ');
  console.log(`${spec.id.padEnd(6)} ${line}  A/B ${(med[0] / med[1]).toFixed(3)}x  ${rel}`);
}
