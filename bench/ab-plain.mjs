// A/B of two copies of dist/ (the JavaScript) over one .wasm, end to end: plain Float32Array in,
// fresh Float32Array out, where ab-dist.mjs times resident tensors. Each sample runs the call
// signature's layers in turn; with --shapes N every call takes the next of N shapes (the layer's
// planes widened by 0 to 31 columns and, from 2D on, heightened by a row every 32 shapes; in 1D
// widened by 0 to N-1 columns), so with N past the caches (64 plans, 256 call signatures)
// every call resolves its options and builds its window plan again. Engines are created A,B,B,A
// (one per copy and order), samples interleaved; outputs compared bit for bit first. Prints the
// medians and their ratio (A / B: above 1, B is faster). docs/performance.md, thirty-second round.
// usage: node ab-plain.mjs /tmp/distA /tmp/distB [--shapes N] ['[[[1,1,28,28],"maxPool2d",{"kernelSize":2,"stride":2}]]']
// (make the copies with `npm run build:js && cp -r dist /tmp/distA` before and after a change)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { interleaved, median } from './timing.mjs';

const args = process.argv.slice(2);
const shapesAt = args.indexOf('--shapes');
const shapes = shapesAt >= 0 ? Number(args.splice(shapesAt, 2)[1]) : 1;
const [da, db, json = '[[[1,1,28,28],"maxPool2d",{"kernelSize":2,"stride":2}]]'] = args;
if (!db || !(shapes >= 1)) throw new Error('usage: node ab-plain.mjs distA distB [--shapes N] [layers.json]');
const wasm = readFileSync(new URL('../build/simdpool.wasm', import.meta.url));
// (a query per copy: two copies of one path would otherwise be one module)
const load = (dir, tag) => import(`${pathToFileURL(path.resolve(dir, 'node', 'index.js')).href}?${tag}`);
const mods = { A: await load(da, 'a'), B: await load(db, 'b') };
const engines = [];
for (const k of ['A', 'B', 'B', 'A']) engines.push([k, await mods[k].init({ wasm })]);

for (const [shape, op, opts] of JSON.parse(json)) {
  let seed = 11;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5;
  const inputs = Array.from({ length: shapes }, (_, i) => {
    const s = [...shape];
    if (s.length > 3) s[s.length - 2] += Math.floor(i / 32);
    s[s.length - 1] += s.length > 3 ? i % 32 : i;
    return { data: Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, random), shape: s };
  });
  for (const x of inputs) {
    const [first, ...rest] = engines.map(([, sp]) => sp[op](x, opts).data);
    for (const other of rest) {
      const i = first.findIndex((v, j) => !Object.is(v, other[j]));
      if (i >= 0 || first.length !== other.length) throw new Error(`${JSON.stringify([x.shape, op, opts])}: outputs differ at ${i}`);
    }
  }
  const runners = engines.map(([id, sp]) => {
    let next = 0, last;
    return { id, run: () => { last = sp[op](inputs[next], opts); next = (next + 1) % shapes; return last; } };
  });
  const { times } = await interleaved(runners, { rounds: 21, sampleMs: 12 });
  const of = (id) => median(runners.flatMap((r, i) => (r.id === id ? times[i] : [])));
  const a = of('A'), b = of('B');
  console.log(`${JSON.stringify([shape, op, opts])} shapes ${shapes}: A ${(a * 1e3).toFixed(2)} us, B ${(b * 1e3).toFixed(2)} us, A/B ${(a / b).toFixed(3)}`);
}
