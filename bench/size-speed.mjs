// What the speed issue's "the .wasm under 32 KB" would cost: the float32 cases B–H run
// resident with the full engine (build/simdpool.wasm, every operator and fast path) and with
// simdpool/core (build/core.wasm, under 32 KB: the core operators, the general row loop
// instead of the whole-plane loops), next to the memory-limit loop, samples interleaved
// round-robin in one process. Outputs of the two builds are compared bit for bit.
//   node size-speed.mjs [--cases B,C] [--rounds 15] [--quick] [--no-write]   (writes size-speed.md)
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import os from 'node:os';
import { caseInputs, selectCases } from './cases.mjs';
import { interleaved } from './timing.mjs';
import { DIST, residentRunner } from './impl/simdpool.mjs';
import createMemlimit from './impl/memlimit.mjs';
import { fmtTime, memLimitGoal } from './report.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const args = process.argv.slice(2);
const opt = (k, d) => {
  const i = args.indexOf(k);
  return i < 0 ? d : args[i + 1];
};
const rounds = Number(opt('--rounds', args.includes('--quick') ? 5 : 15));
const wasmBytes = (name) => statSync(path.join(root, 'build', `${name}.wasm`)).size;

const builds = [
  { id: 'full', label: `simdpool (${wasmBytes('simdpool')} B .wasm)`, sp: await (await import(pathToFileURL(DIST).href)).init() },
  { id: 'core', label: `simdpool/core (${wasmBytes('core')} B .wasm)`, sp: await (await import(pathToFileURL(path.join(root, 'dist', 'core.js')).href)).init() },
];
const memlimit = (await createMemlimit()).find((x) => x.id === 'memlimit-own');

const rows = [];
for (const spec of selectCases(opt('--cases', 'B,C,D,E,F,G-max,G-avg,H'))) {
  if (spec.id === 'A') continue; // call overhead, not kernels: the two builds share the JavaScript
  const inputs = caseInputs(spec);
  const runners = builds.map(({ sp }) => residentRunner(sp, spec, inputs));
  runners.push(memlimit.prepare(spec, inputs));
  const [a, b] = runners.map((r) => r.out?.data);
  runners[0].run();
  runners[1].run();
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) throw new Error(`${spec.id}: the builds differ at output ${i}: ${a[i]} vs ${b[i]}`);
  }
  const { medians: [full, core, limit] } = await interleaved(runners, { rounds, sampleMs: 12 });
  rows.push({ id: spec.id, full, core, limit });
  console.log(`${spec.id.padEnd(6)} full ${fmtTime(full)}  core ${fmtTime(core)}  memlimit ${fmtTime(limit)}  core/full ${(core / full).toFixed(2)}x`);
}

const table = [
  `| case | ${builds[0].label} | ÷ memory limit | ${builds[1].label} | ÷ memory limit | core ÷ full | target |`,
  '| :-- | --: | --: | --: | --: | --: | --: |',
  ...rows.map(({ id, full, core, limit }) =>
    `| ${id} | ${fmtTime(full)} | ${(full / limit).toFixed(2)}× | ${fmtTime(core)} | ${(core / limit).toFixed(2)}× | ${(core / full).toFixed(2)}× | ${memLimitGoal(id)}× |`),
];
const md = [
  '# The `.wasm` size and the speed targets',
  '',
  `\`node bench/size-speed.mjs\`, ${new Date().toISOString().slice(0, 10)}: resident float32 calls, median of ${rounds} interleaved`,
  `rounds, load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores. Both builds give the same bits on every case.`,
  '`simdpool/core`\'s `.wasm` meets the 32 KB of the speed issue; the full build holds the whole',
  'operator family and the fast paths (whole-plane row loops, row pairs) the targets need.',
  '',
  ...table,
  '',
].join('\n');
console.log(`\n${table.join('\n')}`);
if (!args.includes('--no-write')) writeFileSync(path.join(here, 'size-speed.md'), md);
