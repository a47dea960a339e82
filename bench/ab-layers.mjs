// A/B of two .wasm builds on layers outside the benchmark's cases (channels-last 2x2 and global
// pooling, nanMode 'ignore', max with indices): K engines per build created A,B,B,A,... (where an
// engine's memory lands moves these calls by up to ±30%), each with its own tensors; per build the
// median over all of its engines' samples; outputs compared across every engine first.
// usage: node ab-layers.mjs old.wasm new.wasm [case,case,...|all] [K = 3]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { interleaved, median } from './timing.mjs';
import { DIST } from './impl/simdpool.mjs';
const mod = await import(pathToFileURL(DIST).href);
const [fa, fb, which = 'all', K = '3'] = process.argv.slice(2);
const bytes = { A: readFileSync(fa), B: readFileSync(fb) };
const engines = [];
for (let c = 0; c < +K; c++) for (const k of c % 2 ? ['B', 'A'] : ['A', 'B']) engines.push([k, await mod.init({ wasm: bytes[k] })]);
const all = {
  gavg: ['NHWC gavg 1x7x7x2048', [1, 7, 7, 2048], 'NHWC', 'globalAvgPool2d', {}],
  gmax: ['NHWC gmax 1x7x7x2048', [1, 7, 7, 2048], 'NHWC', 'globalMaxPool2d', {}],
  gavg8: ['NHWC gavg 8x7x7x1280', [8, 7, 7, 1280], 'NHWC', 'globalAvgPool2d', {}],
  gavg14: ['NHWC gavg 1x14x14x512', [1, 14, 14, 512], 'NHWC', 'globalAvgPool2d', {}],
  gavg56: ['NHWC gavg 1x56x56x64', [1, 56, 56, 64], 'NHWC', 'globalAvgPool2d', {}],
  k2: ['NHWC max k2s2 1x112x112x64', [1, 112, 112, 64], 'NHWC', 'maxPool2d', { kernelSize: 2, stride: 2 }],
  k2b: ['NHWC max k2s2 1x56x56x128', [1, 56, 56, 128], 'NHWC', 'maxPool2d', { kernelSize: 2, stride: 2 }],
  H: ['H NHWC max k3s2p1 1x112x112x64', [1, 112, 112, 64], 'NHWC', 'maxPool2d', { kernelSize: 3, stride: 2, padding: 1 }],
  i2: ['NCHW max k2s2 idx 1x64x56x56', [1, 64, 56, 56], 'NCHW', 'maxPool2d', { kernelSize: 2, stride: 2, returnIndices: true }],
  i3: ['NCHW max k3s2p1 idx 1x64x112x112', [1, 64, 112, 112], 'NCHW', 'maxPool2d', { kernelSize: 3, stride: 2, padding: 1, returnIndices: true }],
  i2n: ['NCHW max k2s2 idx ignore 1x128x56x56', [1, 128, 56, 56], 'NCHW', 'maxPool2d', { kernelSize: 2, stride: 2, returnIndices: true, nanMode: 'ignore' }],
  s1: ['NHWC max k3s1p1 1x56x56x64', [1, 56, 56, 64], 'NHWC', 'maxPool2d', { kernelSize: 3, stride: 1, padding: 1 }],
  s1b: ['NHWC max k3s1 same 1x28x28x192', [1, 28, 28, 192], 'NHWC', 'maxPool2d', { kernelSize: 3, stride: 1, padding: 'same' }],
  s1k2: ['NHWC max k2s1 1x56x56x64', [1, 56, 56, 64], 'NHWC', 'maxPool2d', { kernelSize: 2, stride: 1 }],
  Ci: ['C ignore 1x128x56x56', [1, 128, 56, 56], 'NCHW', 'maxPool2d', { kernelSize: 2, stride: 2, nanMode: 'ignore' }],
  Di: ['D ignore 16x32x32x32', [16, 32, 32, 32], 'NCHW', 'maxPool2d', { kernelSize: 2, stride: 2, nanMode: 'ignore' }],
  // planar windows at stride 3 or more (taps as transposed 4x4 blocks; 4 / stride 4: four-wide.ts)
  s3: ['NCHW max k3s3 1x64x56x56', [1, 64, 56, 56], 'NCHW', 'maxPool2d', { kernelSize: 3, stride: 3 }],
  s3a: ['NCHW avg k3s3 1x64x56x56', [1, 64, 56, 56], 'NCHW', 'avgPool2d', { kernelSize: 3, stride: 3 }],
  k5s3: ['NCHW max k5s3 1x64x28x28', [1, 64, 28, 28], 'NCHW', 'maxPool2d', { kernelSize: 5, stride: 3 }],
  k8s8: ['NCHW max k8s8 1x64x56x56', [1, 64, 56, 56], 'NCHW', 'maxPool2d', { kernelSize: 8, stride: 8 }],
  k4s4a: ['NCHW avg k4s4 1x64x56x56', [1, 64, 56, 56], 'NCHW', 'avgPool2d', { kernelSize: 4, stride: 4 }],
  // planar 2x2 averages whose output rows are not whole groups of four (rowGroups, not flatPlane)
  a14: ['NCHW avg k2s2 1x64x28x28', [1, 64, 28, 28], 'NCHW', 'avgPool2d', { kernelSize: 2, stride: 2 }],
  a7: ['NCHW avg k2s2 1x256x14x14', [1, 256, 14, 14], 'NCHW', 'avgPool2d', { kernelSize: 2, stride: 2 }],
  a50: ['NCHW avg k2s2 1x32x100x100', [1, 32, 100, 100], 'NCHW', 'avgPool2d', { kernelSize: 2, stride: 2 }],
};
for (const key of which === 'all' ? Object.keys(all) : which.split(',')) {
  const [id, shape, layout, op, opts] = all[key];
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size).map(() => Math.random() - 0.5);
  const rs = engines.map(([k, sp]) => {
    const x = sp.fromArray(data, shape, layout); const y = sp[op](x, opts);
    const out = opts.returnIndices ? y.output : y; const o = { ...opts, out, ...(opts.returnIndices ? { outIndices: y.indices } : {}) };
    return { id: k, out, run: () => sp[op](x, o) };
  });
  for (const r of rs) r.run();
  const a = rs[0].out.data;
  for (const r of rs) for (let i = 0; i < a.length; i++) if (!Object.is(a[i], r.out.data[i])) { console.log(`${id}: outputs differ at ${i}`); break; }
  const { times } = await interleaved(rs, { rounds: 9, sampleMs: 20 });
  const med = (k) => median(rs.flatMap((r, i) => (r.id === k ? times[i] : [])));
  const ma = med('A'), mb = med('B');
  console.log(id.padEnd(34), 'A', (ma * 1e3).toFixed(1), 'B', (mb * 1e3).toFixed(1), 'A/B', (ma / mb).toFixed(3));
}
