// Re-render results.md / results.svg (and the targets in results.json) from the
// measurements stored in results.json, without measuring again.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { buildReport, writeReport } from './report.mjs';

const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results.json');
const j = JSON.parse(readFileSync(file, 'utf8'));
const report = buildReport({
  config: j.config,
  meta: j.meta,
  impls: j.impls,
  skipped: j.skipped,
  caseResults: j.cases.map(({ ratios, results, reference, ...spec }) => ({ spec: { ...spec }, reference, results })),
  startup: j.startup,
  wasm: j.wasm,
  elapsedS: j.elapsedS,
});
console.log(`re-rendered ${(await writeReport(report)).join(', ')}`);
