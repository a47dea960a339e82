// Bundle src/ for every way simdpool is loaded, and emit type declarations:
//   dist/index.js           ESM, both .wasm builds packed in (bundlers, browsers, <script type="module">)
//   dist/node/index.js      the same for Node (the "node" export condition): both builds plain, no inflation at init();
//                           minified, its start-up functions compiled with the script
//   dist/url/index.js       ESM, fetches dist/url/simdpool{,-scalar}.wasm next to it (streaming compile)
//   dist/simdpool.iife.js   classic script defining the global `simdpool`, .wasm inlined, minified
//   dist/core.js            simdpool/core: ESM, the core operators with their own .wasm builds packed in
//   dist/parallel.browser.js simdpool/parallel for browsers (Web Workers; all three builds packed in)
//   dist/parallel.js        simdpool/parallel for Node (worker_threads), and dist/cli.js: below
// The .wasm builds (asc targets `release`, `scalar`, `threads`, `core`, `core-scalar`) must be in build/ first.
import { build, transform } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileEagerly, startupFunctions } from './compile-hints.mjs';
import { addDeclarationExtensions } from './declaration-extensions.mjs';
import { packWasm } from './pack-wasm.mjs';

const common = {
  entryPoints: ['src/index.ts'],
  bundle: true,
  target: 'es2022',
  // Constants inlined across modules and dead branches dropped, names and layout kept (readable):
  // what an app's minifier cannot do on the bundle alone (about 0.5 KB of its minified size).
  minifySyntax: true,
  loader: { '.wasm': 'binary', '.b85': 'text' },
  legalComments: 'none',
  logLevel: 'warning',
};

// Other builds swap ./wasm-source (packed builds) for another source module.
const wasmSource = (file) => ({
  name: `wasm-source-${file}`,
  setup(b) {
    b.onResolve({ filter: /^\.\/wasm-source$/ }, () => ({
      path: fileURLToPath(new URL(`../src/${file}`, import.meta.url)),
    }));
  },
});
const urlSource = wasmSource('wasm-source-url.ts'); // streaming: URLs next to the bundle
const nodeSource = wasmSource('wasm-source-node.ts'); // Node: plain bytes

// The Node entry is minified: Node compiles it at every import and V8 parses each function again
// at its first call, so fewer characters are less start-up time (names kept: error messages
// name the class of a wrong argument, "got a Tensor"). The functions every first call runs are
// compiled with the script (scripts/compile-hints.mjs). build/node-bundle.js keeps the bundle as
// built (scripts/trace-startup.mjs reads it).
async function buildNodeEntry() {
  await build({ ...common, format: 'esm', platform: 'node', target: 'node20', outfile: 'build/node-bundle.js', plugins: [nodeSource] });
  const hinted = compileEagerly(readFileSync('build/node-bundle.js', 'utf8'), startupFunctions());
  const { code } = await transform(hinted, {
    format: 'esm', target: 'node20', minify: true, keepNames: true, legalComments: 'none',
  });
  mkdirSync('dist/node', { recursive: true });
  writeFileSync('dist/node/index.js', code);
}

rmSync('dist', { recursive: true, force: true });
// The inlined bundles carry both builds compressed (raw DEFLATE, base85 text: about a third of
// their size as plain base64), unpacked at init() by src/wasm-packed.ts on any engine.
const wasm = (name) => readFileSync(`build/${name}.wasm`);
writeFileSync('build/simdpool.b85', await packWasm([wasm('simdpool-scalar'), wasm('simdpool')]));
writeFileSync('build/core.b85', await packWasm([wasm('core-scalar'), wasm('core')]));
writeFileSync('build/simdpool-threads.b85', await packWasm([wasm('simdpool-threads')]));
await Promise.all([
  build({ ...common, format: 'esm', platform: 'neutral', outfile: 'dist/index.js' }),
  build({ ...common, format: 'esm', platform: 'neutral', outfile: 'dist/url/index.js', plugins: [urlSource] }),
  buildNodeEntry(),
  build({ ...common, format: 'iife', globalName: 'simdpool', platform: 'browser', minify: true, outfile: 'dist/simdpool.iife.js' }),
  build({ ...common, entryPoints: ['src/core.ts'], format: 'esm', platform: 'neutral', outfile: 'dist/core.js' }),
  // simdpool/parallel for browsers: Web Workers; the threads build packed in, and both
  // single-threaded builds for pages without cross-origin isolation.
  build({ ...common, entryPoints: ['src/parallel-browser.ts'], format: 'esm', platform: 'browser', outfile: 'dist/parallel.browser.js' }),
]);
mkdirSync('dist/url', { recursive: true });
copyFileSync('build/simdpool.wasm', 'dist/url/simdpool.wasm');
copyFileSync('build/simdpool-scalar.wasm', 'dist/url/simdpool-scalar.wasm');
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
addDeclarationExtensions('dist');

// simdpool/parallel (Node: worker threads over one shared memory) and the simdpool CLI: their
// own bundles, so dist/index.js stays free of node: imports. The CLI loads the plain builds.
const nodeBundle = { ...common, format: 'esm', platform: 'node', target: 'node20', plugins: [nodeSource] };
await build({ ...nodeBundle, entryPoints: ['src/parallel.ts'], outfile: 'dist/parallel.js' });
const { version } = JSON.parse((await import('node:fs')).readFileSync('package.json', 'utf8'));
await build({
  ...nodeBundle, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js',
  banner: { js: '#!/usr/bin/env node' }, define: { SIMDPOOL_VERSION: JSON.stringify(version) },
});
(await import('node:fs')).chmodSync('dist/cli.js', 0o755);
