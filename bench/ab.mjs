// A/B harness for kernel work: simdpool resident with two .wasm builds (A = --a file,
// B = build/simdpool.wasm) plus tfjs-wasm, memlimit and (3x3/1 averages) arithfloor, samples
// interleaved round-robin.
// usage: node ab.mjs --a /path/old.wasm [--b new.wasm] [--cases B,C] [--rounds 15] [--peers] [--copies K]
// --copies K: K engines per build, created A,B,B,A,A,B,... with a tensor pair each, and each
// build's time the median over all of its engines' samples. Where one engine's wasm memory
// lands matters for tensors bound by DRAM: on case G (8x64x128x128), two engines of the same
// build ran 0.58x apart in one process (A/A run), so one engine per build cannot tell builds
// apart there; the per-engine spread is printed.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { selectCases, caseInputs } from './cases.mjs';
import { interleaved, median } from './timing.mjs';
import { DIST, residentRunner, WASM } from './impl/simdpool.mjs';

const args = process.argv.slice(2);
const opt = (k, d) => { const i = args.indexOf(k); return i < 0 ? d : args[i + 1]; };
const mod = await import(pathToFileURL(DIST).href);
const builds = { A: readFileSync(opt('--a')), B: readFileSync(opt('--b', WASM)) };
const copies = Math.max(1, +opt('--copies', 1));
// [build, engine] in creation order A, B, B, A, A, B, ...: neither build always comes first.
const engines = [];
for (let c = 0; c < copies; c++) {
  for (const k of c % 2 ? ['B', 'A'] : ['A', 'B']) engines.push([k, await mod.init({ wasm: builds[k] })]);
}
const peers = [];
if (args.includes('--peers')) {
  for (const name of ['tfjs-wasm', 'memlimit']) {
    const m = await import(`./impl/${name}.mjs`);
    const impls = await m.default();
    const list = Array.isArray(impls) ? impls : [];
    // tfjs: its resident row; memlimit.mjs: the references in memories of their own (memlimit-own,
    // arithfloor), not run.mjs's memlimit row, which borrows one engine's tensors
    const picked = list.filter((x) => (x.role === 'resident' || x.role === 'reference') && !x.sameRepsAs);
    peers.push(...(picked.length ? picked : list.slice(0, 1)));
  }
}
const rounds = +opt('--rounds', 15);
for (const spec of selectCases(opt('--cases', 'B,C,D,E,G-max,H'))) {
  const inputs = caseInputs(spec);
  const runners = [];
  for (const [k, sp] of engines) runners.push({ ...residentRunner(sp, spec, inputs), id: k });
  for (const p of peers) {
    if (p.supports && p.supports(spec) !== true) continue;
    const r = await p.prepare(spec, inputs); r.id = p.id; if (r.activate) await r.activate(); runners.push(r);
  }
  const ofBuild = (k) => runners.filter((r) => r.id === k);
  // (each build runs once first: its output tensor holds zeros until then)
  const [ra, rb] = [ofBuild('A')[0], ofBuild('B')[0]];
  ra.run();
  rb.run();
  const a = ra.out.data, b = rb.out.data;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) { console.log(`${spec.id}: A/B outputs differ at ${i}: ${a[i]} vs ${b[i]}`); break; }
  const { times } = await interleaved(runners, { rounds, sampleMs: 40 });
  // Per build: the median over every sample of its engines; per peer, its own.
  const ids = [...new Set(runners.map((r) => r.id))];
  const med = Object.fromEntries(ids.map((id) => [id, median(runners.flatMap((r, i) => (r.id === id ? times[i] : [])))]));
  const spread = (k) => {
    const m = runners.flatMap((r, i) => (r.id === k ? [median(times[i])] : []));
    return m.length > 1 ? ` (engines ${(Math.max(...m) / Math.min(...m)).toFixed(2)}x apart)` : '';
  };
  const line = ids.map((id) => `${id} ${(med[id] * 1000).toFixed(0)}us${id === 'A' || id === 'B' ? spread(id) : ''}`).join('  ');
  const rel = ids.slice(2).map((id) => `${id}/B ${(med[id] / med.B).toFixed(2)}x`).join(' ');
  console.log(`${spec.id.padEnd(6)} ${line}  A/B ${(med.A / med.B).toFixed(3)}x  ${rel}`);
}
