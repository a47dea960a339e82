// Bundle src/ into dist/index.js (ESM, the .wasm inlined as bytes) and emit type declarations.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: ['src/index.ts'],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  outfile: 'dist/index.js',
  loader: { '.wasm': 'binary' },
  legalComments: 'none',
  logLevel: 'warning',
});
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });

// simdpool/parallel (Node: worker threads over one shared memory) and the simdpool CLI: their
// own bundles, so dist/index.js stays free of node: imports.
const nodeBundle = { bundle: true, format: 'esm', platform: 'node', target: 'node20', loader: { '.wasm': 'binary' }, legalComments: 'none', logLevel: 'warning' };
await build({ ...nodeBundle, entryPoints: ['src/parallel.ts'], outfile: 'dist/parallel.js' });
const { version } = JSON.parse((await import('node:fs')).readFileSync('package.json', 'utf8'));
await build({
  ...nodeBundle, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js',
  banner: { js: '#!/usr/bin/env node' }, define: { SIMDPOOL_VERSION: JSON.stringify(version) },
});
(await import('node:fs')).chmodSync('dist/cli.js', 0o755);
