// A/B of two builds of the JavaScript (the kernel-path choice, plans, streaming) over one .wasm:
// simdpool resident from dist copy A and dist copy B in one process, K engines per build created
// A,B,B,A,..., samples interleaved, outputs compared bit for bit first. The layers are JSON, each
// [shape, operator, options, layout?] (layout by rank: NCW, NCHW, NCDHW); returnIndices writes
// into preallocated outputs too. Prints medians and the ratio of medians and of minima (A / B:
// above 1, B is faster). docs/performance.md's sixteenth round measured its routing with this.
// usage: node ab-dist.mjs /tmp/distA /tmp/distB ../build/simdpool.wasm '[[[1,512,14,14],"maxPool2d",{"kernelSize":2}]]' [K = 2]
// (make the copies with `npm run build:js && cp -r dist /tmp/distA` before and after a change)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { interleaved, median } from './timing.mjs';

const [da, db, wasmFile, json, K = '2'] = process.argv.slice(2);
if (!json) throw new Error('usage: node ab-dist.mjs distA distB build.wasm layers.json [K]');
const wasm = readFileSync(wasmFile);
const load = (dir) => import(pathToFileURL(path.resolve(dir, 'node', 'index.js')).href);
const mods = { A: await load(da), B: await load(db) };
const engines = [];
for (let c = 0; c < +K; c++) for (const k of c % 2 ? ['B', 'A'] : ['A', 'B']) engines.push([k, await mods[k].init({ wasm })]);
const LAYOUT_BY_RANK = { 3: 'NCW', 4: 'NCHW', 5: 'NCDHW' };

for (const [shape, op, opts, layout = LAYOUT_BY_RANK[shape.length]] of JSON.parse(json)) {
  const size = shape.reduce((a, b) => a * b, 1);
  let seed = 11;
  const data = Float32Array.from({ length: size }, () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5);
  const rs = engines.map(([id, sp]) => {
    const x = sp.fromArray(data, shape, layout);
    const y = sp[op](x, opts);
    const out = opts.returnIndices ? y.output : y;
    const o = { ...opts, out, ...(opts.returnIndices ? { outIndices: y.indices } : {}) };
    return { id, out, run: () => sp[op](x, o) };
  });
  for (const r of rs) r.run();
  const first = rs[0].out.data;
  for (const r of rs) {
    const i = first.findIndex((v, j) => !Object.is(v, r.out.data[j]));
    if (i >= 0) throw new Error(`${JSON.stringify([shape, op, opts])}: outputs differ at ${i}`);
  }
  const { times } = await interleaved(rs, { rounds: 9, sampleMs: 12 });
  const of = (id) => rs.flatMap((r, i) => (r.id === id ? times[i] : []));
  const [ma, mb] = ['A', 'B'].map((id) => median(of(id)));
  const [na, nb] = ['A', 'B'].map((id) => Math.min(...of(id)));
  const us = (t) => (t * 1e3).toFixed(1);
  console.log(`${JSON.stringify([shape, op, opts]).padEnd(72)} A ${us(ma)} B ${us(mb)} µs  A/B ${(ma / mb).toFixed(2)}  min A/B ${(na / nb).toFixed(2)}`);
}
