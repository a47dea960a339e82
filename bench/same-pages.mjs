// simdpool resident against the memory-limit loop run over the very same tensors (the same wasm
// pages), the two calls alternating: what the kernel costs beyond moving its bytes, with the
// pages' placement and cache state shared. (bench/run.mjs's memlimit-own row has a memory of its
// own, and with data too big for L2 which of two memories the shared L3 holds moved case G by
// up to 2x: docs/performance.md, sixth round.) run.mjs's memlimit row is this pairing too, with
// every peer loaded beside it; here only simdpool is.
// Writes bench/same-pages.md (not with --no-write); part of `npm run bench` (all.mjs).
// usage: node same-pages.mjs [--cases B,C,D,E,F,G,H] [--rounds 21] [--no-write]
import os from 'node:os';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { caseInputs, selectCases } from './cases.mjs';
import { DIST, initWithMemory, residentRunner } from './impl/simdpool.mjs';
import { streamOver } from './impl/memlimit.mjs';
import { interleaved } from './timing.mjs';
import { fmtTime, memLimitGoal } from './report.mjs';

const args = process.argv.slice(2);
const opt = (k, d) => { const i = args.indexOf(k); return i < 0 ? d : args[i + 1]; };

const mod = await import(pathToFileURL(DIST).href);
const { sp, memory } = await initWithMemory(mod);

const rounds = +opt('--rounds', 21);
const rows = [];
for (const spec of selectCases(opt('--cases', 'B,C,D,E,F,G,H'))) {
  const pool = residentRunner(sp, spec, caseInputs(spec));
  const runners = [pool, { run: await streamOver({ ...pool, memory }, spec) }];
  // Both the same number of calls in each sample, so neither warms the caches more than the other.
  const { medians: [a, b], reps: [n] } = await interleaved(runners, { rounds, sampleMs: 20, sameReps: true });
  rows.push({ id: spec.id, a, b, n });
  console.log(`${spec.id.padEnd(6)} simdpool ${fmtTime(a)}  limit on the same pages ${fmtTime(b)}  ${(a / b).toFixed(2)}x`);
  pool.dispose();
}

const table = [
  '| case | simdpool resident | memory limit, same pages | ratio | target | calls per sample |',
  '| :-- | --: | --: | --: | --: | --: |',
  ...rows.map(({ id, a, b, n }) => `| ${id} | ${fmtTime(a)} | ${fmtTime(b)} | ${(a / b).toFixed(2)}× | ${memLimitGoal(id)}× | ${n} |`),
];
const md = [
  '# simdpool against the memory limit on the same pages',
  '',
  `\`node bench/same-pages.mjs\`, ${new Date().toISOString().slice(0, 10)}: resident float32 calls and bench/memlimit.ts's loop over`,
  `the same input and output tensors (the same wasm pages), alternating, the same number of calls in each sample, median of`,
  `${rounds} rounds; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores. bench/run.mjs measures its memory-limit row in a`,
  'memory of its own, interleaved with every peer: with data too big for L2, which memory the shared L3 holds then moves',
  'a ratio by up to 2x (docs/performance.md, sixth round). Here the page placement and cache state are shared, so the',
  'ratio is what the kernel costs beyond moving its bytes.',
  '',
  ...table,
  '',
].join('\n');
console.log(`\n${table.join('\n')}`);
if (!args.includes('--no-write')) writeFileSync(new URL('./same-pages.md', import.meta.url), md);
