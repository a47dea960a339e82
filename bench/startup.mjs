// init() + first call in FRESH child processes (no warm JIT, no cached module), and
// the size of the shipped .wasm.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { median } from './timing.mjs';
import { DIST, WASM } from './impl/simdpool.mjs';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'startup-child.mjs');

export function measureStartup(runs = 9) {
  if (!existsSync(DIST)) return { skip: 'simdpool not built' };
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, [child, DIST], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    samples.push(JSON.parse(out.trim().split('\n').pop()));
  }
  const pick = (k) => ({ median: median(samples.map((s) => s[k])), min: Math.min(...samples.map((s) => s[k])) });
  return { runs, importMs: pick('importMs'), initFirstCallMs: pick('initFirstCallMs'), totalMs: pick('totalMs') };
}

export function wasmSize() {
  if (!existsSync(WASM)) return { skip: `${path.relative(process.cwd(), WASM)} missing` };
  return { bytes: statSync(WASM).size, path: 'build/simdpool.wasm' };
}
