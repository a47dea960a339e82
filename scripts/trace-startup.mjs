// Writes scripts/startup-functions.json: the bundle's top-level functions that import, init()
// and a first call run (bench/startup-child.mjs: init() and one maxPool2d), which
// scripts/compile-hints.mjs has V8 compile with the script. Run after `npm run build` (it reads
// build/node-bundle.js, the Node bundle before hints and minification) whenever the code on
// that path changes; a listed function that no longer exists fails the build.
// V8 reports the first run of each function with --log-function-events.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = path.join(root, 'build/node-bundle.js');
const child = path.join(root, 'bench/startup-child.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'simdpool-trace-'));
const log = path.join(dir, 'v8.log');
try {
  execFileSync(process.execPath, ['--log-function-events', `--logfile=${log}`, '--no-logfile-per-isolate', child, bundle], { stdio: 'ignore' });
  const rows = readFileSync(log, 'utf8').split('\n').map((l) => l.split(','));
  const url = pathToFileURL(bundle).href;
  const script = rows.find((r) => r[0] === 'script-details' && r[2] === url)?.[1];
  if (script === undefined) throw new Error(`no V8 script for ${url} in the log`);
  const run = new Set(rows.filter((r) => r[0] === 'function' && r[1] === 'first-execution' && r[2] === script).map((r) => r[7]));
  // Only top-level declarations can be hinted (methods and inner functions cannot be moved).
  const declared = readFileSync(bundle, 'utf8').match(/^(?:async )?function [\w$]+(?=\()/gm).map((d) => d.split(' ').pop());
  const functions = declared.filter((name) => run.has(name));
  writeFileSync(
    path.join(root, 'scripts/startup-functions.json'),
    JSON.stringify({ about: 'Written by scripts/trace-startup.mjs; read by scripts/compile-hints.mjs.', functions }, null, 2) + '\n',
  );
  console.log(`${functions.length} functions: ${functions.join(' ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
