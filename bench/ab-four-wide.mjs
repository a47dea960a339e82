// A/B of two .wasm builds on the twelfth round's shapes (docs/performance.md): 8x512x28x28 with
// kernel 4 / stride 4 max and average pooling and adaptive pooling to 7x7, in NCHW and NHWC,
// simdpool resident, samples interleaved in one process (as ab.mjs), outputs compared bit for
// bit; beside them the memory-limit loop over build A's first tensors (same pages) and, with
// --tfjs, tfjs-wasm's resident NHWC pooling (the same windows).
// usage: node ab-four-wide.mjs --a old.wasm [--b new.wasm] [--cases k4max,k4avg,admax,adavg]
//        [--layouts NCHW,NHWC] [--rounds 21] [--copies 2] [--tfjs]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { interleaved, median } from './timing.mjs';
import { DIST, WASM, initWithMemory } from './impl/simdpool.mjs';
import { memlimitIn } from './impl/memlimit.mjs';
import { nchwToNhwc } from './cases.mjs';

const args = process.argv.slice(2);
const opt = (k, d) => { const i = args.indexOf(k); return i < 0 ? d : args[i + 1]; };
const mod = await import(pathToFileURL(DIST).href);
const builds = { A: readFileSync(opt('--a')), B: readFileSync(opt('--b', WASM)) };
const copies = Math.max(1, +opt('--copies', 2)), rounds = +opt('--rounds', 21);
// [build, { sp, memory }] created A, B, B, A, ... (ab.mjs --copies)
const engines = [];
for (let c = 0; c < copies; c++) for (const k of c % 2 ? ['B', 'A'] : ['A', 'B']) engines.push([k, await initWithMemory(mod, { wasm: builds[k] })]);

const SHAPE = [8, 512, 28, 28];
const CASES = {
  k4max: ['maxPool2d', { kernelSize: 4, stride: 4 }],
  k4avg: ['avgPool2d', { kernelSize: 4, stride: 4 }],
  admax: ['adaptiveMaxPool2d', { outputSize: 7 }],
  adavg: ['adaptiveAvgPool2d', { outputSize: 7 }],
};
const [N, C, H, W] = SHAPE;
const nchw = new Float32Array(N * C * H * W);
let seed = 12345;
for (let i = 0; i < nchw.length; i++) nchw[i] = ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
const nhwc = nchwToNhwc(nchw, SHAPE);
const tfjs = args.includes('--tfjs') ? (await (await import('./impl/tfjs-wasm.mjs')).default()).find((x) => x.role === 'resident') : undefined;

for (const id of opt('--cases', 'k4max,k4avg,admax,adavg').split(',')) {
  for (const layout of opt('--layouts', 'NCHW,NHWC').split(',')) {
    const [name, options] = CASES[id];
    const shape = layout === 'NCHW' ? SHAPE : [N, H, W, C];
    const outShape = layout === 'NCHW' ? [N, C, 7, 7] : [N, 7, 7, C];
    const runners = engines.map(([k, { sp, memory }]) => {
      const x = sp.fromArray(layout === 'NCHW' ? nchw : nhwc, shape, layout);
      const out = sp.tensor(outShape, { layout });
      const withOut = { ...options, out };
      return { id: k, run: () => sp[name](x, withOut), x, out, memory };
    });
    for (const r of runners) r.run();
    const a = runners.find((r) => r.id === 'A').out.data, b = runners.find((r) => r.id === 'B').out.data;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) { console.log(`${id} ${layout}: A/B outputs differ at ${i}: ${a[i]} vs ${b[i]}`); break; }
    // (after the comparison: the loop writes into build A's first output)
    const [first] = runners, { stream } = await memlimitIn(first.memory);
    const inVecs = nchw.length / 4, outVecs = (N * C * 49) / 4;
    const peers = [{ id: 'memlimit', run: () => stream(first.x.data.byteOffset, inVecs, first.out.data.byteOffset, outVecs) }];
    if (tfjs) {
      const spec = { op: name.includes('Max') || name.startsWith('max') ? 'max' : 'avg', shape: SHAPE, kernel: [4, 4], stride: [4, 4], padding: [0, 0] };
      const r = tfjs.prepare(spec, { of: () => nhwc });
      await r.activate();
      peers.push({ ...r, id: 'tfjs-wasm' });
    }
    const all = [...runners, ...peers];
    const { times } = await interleaved(all, { rounds, sampleMs: 40 });
    const med = (k) => median(all.flatMap((r, i) => (r.id === k ? times[i] : [])));
    const A = med('A'), B = med('B');
    const us = (t) => `${(t * 1000).toFixed(0)}us`;
    const rest = peers.map((p) => `${p.id} ${us(med(p.id))} (B/${p.id} ${(B / med(p.id)).toFixed(2)}x)`).join('  ');
    console.log(`${id.padEnd(6)} ${layout}  A ${us(A)}  B ${us(B)}  A/B ${(A / B).toFixed(3)}x  ${rest}`);
    for (const r of runners) { r.x.dispose(); r.out.dispose(); }
    for (const p of peers) p.dispose?.();
  }
}
