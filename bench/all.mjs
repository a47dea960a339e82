// `npm run bench`: the side-by-side cases A–H (run.mjs), then the breadth operators
// (breadth.mjs: 1D/3D, adaptive, Lp, unpooling against JS loops and every peer that has
// them), then the backward passes (backward.mjs: against tfjs-wasm's MaxPoolGrad/AvgPoolGrad
// and JS loops), then int8/uint8 pooling (quant.mjs: quant.md, against float32 simdpool and
// onnxruntime), then the size/speed trade-off (size-speed.mjs: the full build against
// simdpool/core's .wasm under 32 KB), then the memory limit measured on simdpool's own pages
// (same-pages.mjs). Arguments go to run.mjs; --quick and --no-write also to the others.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const shared = args.filter((a) => a === '--quick' || a === '--no-write');
for (const [script, scriptArgs] of [['run.mjs', args], ['breadth.mjs', shared], ['backward.mjs', shared], ['quant.mjs', shared], ['size-speed.mjs', shared], ['same-pages.mjs', shared.filter((a) => a === '--no-write')]]) {
  const r = spawnSync(process.execPath, [script, ...scriptArgs], { cwd: here, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
