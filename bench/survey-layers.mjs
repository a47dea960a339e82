// Common layers outside cases A–H, simdpool resident in both layout families against tfjs-wasm
// resident (which pools NHWC only, so it is handed the NHWC copy, made outside the timing): the
// survey that finds the paths far behind their twins or the peer (docs/performance.md, sixteenth
// round). One process, samples interleaved, medians; every output checked against the
// straightforward loops of bench/impl/js-loops.mjs (bench/verify.mjs: max exact, averages within 1e-5).
// usage: node survey-layers.mjs [substring,substring,...]   (ids containing any of them)
import { pathToFileURL } from 'node:url';
import { interleaved, median } from './timing.mjs';
import { DIST } from './impl/simdpool.mjs';
import { loadTf, useBackend } from './impl/tfjs-common.mjs';
import { avgPoolNCHW, maxPoolNCHW } from './impl/js-loops.mjs';
import { nchwToNhwc } from './cases.mjs';
import { compare } from './verify.mjs';

// [id, N, C, H, W, op, kernel, stride, padding]
const LAYERS = [
  ['Inception-v3 aux avg k5 s3', 1, 768, 17, 17, 'avg', 5, 3, 0],
  ['GoogLeNet aux avg k5 s3', 1, 512, 14, 14, 'avg', 5, 3, 0],
  ['max k5 s3', 1, 256, 28, 28, 'max', 5, 3, 0],
  ['avg k4 s4 (adaptive 28 -> 7)', 8, 512, 28, 28, 'avg', 4, 4, 0],
  ['DenseNet transition avg k2 s2', 1, 256, 56, 56, 'avg', 2, 2, 0],
  ['avg k3 s2 p1', 1, 64, 112, 112, 'avg', 3, 2, 1],
  ['Inception-v3 stem max k3 s2 147', 1, 64, 147, 147, 'max', 3, 2, 0],
  ['Inception-v3 max k3 s2 71', 1, 192, 71, 71, 'max', 3, 2, 0],
  ['GoogLeNet max k3 s1 p1', 1, 192, 28, 28, 'max', 3, 1, 1],
  ['Inception avg k3 s1 p1', 1, 192, 35, 35, 'avg', 3, 1, 1],
  ['YOLO SPPF max k5 s1 p2', 1, 256, 20, 20, 'max', 5, 1, 2],
  ['VGG max k2 s2', 1, 128, 112, 112, 'max', 2, 2, 0],
  ['avg k7 s1 (ResNet global as a window)', 1, 512, 7, 7, 'avg', 7, 1, 0],
  ['max k3 s3', 1, 64, 96, 96, 'max', 3, 3, 0],
  ['avg k3 s3', 1, 64, 96, 96, 'avg', 3, 3, 0],
  ['max k8 s8', 1, 64, 128, 128, 'max', 8, 8, 0],
  ['Inception-v3 8x8 avg k3 s1 p1', 1, 2048, 8, 8, 'avg', 3, 1, 1],
  ['RGB image max k3 s2 p1', 1, 3, 224, 224, 'max', 3, 2, 1],
  ['RGB image avg k2 s2', 1, 3, 224, 224, 'avg', 2, 2, 0],
  ['RGBA image max k2 s2', 1, 4, 224, 224, 'max', 2, 2, 0],
  ['RGBA image max k3 s2 p1', 1, 4, 224, 224, 'max', 3, 2, 1],
  ['RGBA image avg k2 s2', 1, 4, 224, 224, 'avg', 2, 2, 0],
  ['Inception-v3 17x17 avg k3 s1 p1', 1, 768, 17, 17, 'avg', 3, 1, 1],
  ['VGG pool5 max k2 s2', 1, 512, 14, 14, 'max', 2, 2, 0],
  ['AlexNet pool5 max k3 s2', 1, 256, 13, 13, 'max', 3, 2, 0],
  ['max k3 s2 p1 on 7x7', 1, 512, 7, 7, 'max', 3, 2, 1],
  // Small CNNs as TensorFlow.js users write them (NHWC, few channels)
  ['small CNN max k2 s2 c8', 1, 8, 112, 112, 'max', 2, 2, 0],
  ['small CNN max k2 s2 c12', 1, 12, 56, 56, 'max', 2, 2, 0],
  ['small CNN max k2 s2 c16', 1, 16, 56, 56, 'max', 2, 2, 0],
  ['small CNN avg k2 s2 c16', 1, 16, 56, 56, 'avg', 2, 2, 0],
  ['small CNN max k2 s2 c24', 1, 24, 56, 56, 'max', 2, 2, 0],
  ['small CNN max k3 s2 p1 c12', 1, 12, 56, 56, 'max', 3, 2, 1],
  ['small CNN max k2 s2 c32', 8, 32, 28, 28, 'max', 2, 2, 0],
  ['MNIST CNN max k2 s2 c8', 1, 8, 28, 28, 'max', 2, 2, 0],
];

/** The straightforward loops' result (channels-first; averages without padded cells), and the output size. */
function reference([, N, C, H, W, op, k, s, p], x) {
  const oh = Math.floor((H + 2 * p - k) / s) + 1, ow = Math.floor((W + 2 * p - k) / s) + 1;
  const out = new Float32Array(N * C * oh * ow);
  const pool = op === 'max' ? maxPoolNCHW : avgPoolNCHW;
  pool(x, out, [N, C, H, W], [oh, ow], [k, k], [s, s], [p, p], false);
  return { out, oh, ow };
}

function check(id, what, got, want, op) {
  const r = compare(got, want, op);
  if (r.status !== 'ok') throw new Error(`${id} ${what}: ${r.detail}`);
}

const only = process.argv[2]?.split(',');
const sp = await (await import(pathToFileURL(DIST).href)).init();
const { tf } = await loadTf();
await useBackend(tf, 'wasm');
console.log('median µs per call (simdpool resident NCHW / NHWC, tfjs-wasm resident NHWC); ratios above 1: simdpool faster');
for (const layer of LAYERS) {
  const [id, N, C, H, W, op, k, s, p] = layer;
  if (only && !only.some((o) => id.includes(o))) continue;
  let seed = 7;
  const x = Float32Array.from({ length: N * C * H * W }, () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5);
  const nhwc = nchwToNhwc(x, [N, C, H, W]);
  const opts = { kernelSize: k, stride: s, padding: p, ...(op === 'avg' ? { countIncludePad: false } : {}) };
  const f = op === 'max' ? 'maxPool2d' : 'avgPool2d';
  const xc = sp.fromArray(x, [N, C, H, W], 'NCHW'), yc = sp[f](xc, opts);
  const xl = sp.fromArray(nhwc, [N, H, W, C], 'NHWC'), yl = sp[f](xl, opts);
  const xt = tf.tensor4d(nhwc, [N, H, W, C]);
  const pad = p === 0 ? 'valid' : p;
  const tfop = op === 'max' ? () => tf.maxPool(xt, k, s, pad) : () => tf.avgPool(xt, k, s, pad);
  const { out: want, oh, ow } = reference(layer, x);
  const wantNHWC = nchwToNhwc(want, [N, C, oh, ow]);
  check(id, 'NCHW', yc.data, want, op);
  check(id, 'NHWC', yl.data, wantNHWC, op);
  const yt = tfop();
  check(id, 'tfjs-wasm', yt.dataSync(), wantNHWC, op);
  yt.dispose();
  const rs = [
    { run: () => sp[f](xc, { ...opts, out: yc }) },
    { run: () => sp[f](xl, { ...opts, out: yl }) },
    { run: () => tfop().dispose() },
  ];
  const m = (await interleaved(rs, { rounds: 7, sampleMs: 15 })).times.map(median);
  const us = (t) => (t * 1e3).toFixed(0).padStart(6);
  console.log(`${id.padEnd(40)} ${`${N}x${C}x${H}x${W}`.padEnd(14)} NCHW ${us(m[0])} NHWC ${us(m[1])} tfjs ${us(m[2])}   tfjs/NCHW ${(m[2] / m[0]).toFixed(2)} tfjs/NHWC ${(m[2] / m[1]).toFixed(2)}`);
  for (const t of [xc, yc, xl, yl]) t.dispose();
  xt.dispose();
}
