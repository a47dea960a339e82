// simdpool demo page. Loads the streaming ESM bundle (dist/url/: the .wasm files are fetched
// and compiled while they download) and makes both builds: SIMD and the scalar fallback; and
// simdpool/parallel's browser bundle, whose Web Workers run where the page is cross-origin isolated.
import { init } from '../dist/url/index.js';
import { initParallel } from '../dist/parallel.browser.js';
import * as js from './baseline.js';

const $ = (id) => document.getElementById(id);
const QUICK = new URLSearchParams(location.search).has('quick'); // shorter benchmarks (tests)
const DISPLAY = 256;

const [simd, scalar, parallel] = await Promise.all([init(), init({ simd: false }), initParallel()]);
const engines = { simd, scalar };
// init()'s engine runs the scalar build where the browser has no WebAssembly SIMD: its timings
// and its choice in the build menu say so rather than "SIMD".
const DEFAULT_BUILD = simd.simd ? 'SIMD' : 'scalar (no SIMD here)';
if (!simd.simd) $('build').options[0].textContent = 'default (scalar: no SIMD here)';
// simdpool/parallel has workers only in a cross-origin isolated page with WebAssembly SIMD.
const noWorkers = globalThis.crossOriginIsolated === true ? 'no WebAssembly SIMD' : 'not isolated';
$('status').textContent =
  `engine.simd = ${simd.simd} (${simd.simd ? 'SIMD build' : 'no WebAssembly SIMD here: scalar build'}); ` +
  `scalar fallback loaded too; crossOriginIsolated = ${globalThis.crossOriginIsolated === true}; ` +
  `simdpool/parallel: ${parallel.threads ? `${parallel.threads} Web Workers` : `no workers (${noWorkers})`}`;

/** The current image as an H×W×3 float tensor in [0, 1]. */
let image;

async function loadImage(blob) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch (e) {
    // (Not an image, or a broken one: the previous image stays, and the page says why.)
    $('input-shape').textContent = `could not read ${blob.name ? `"${blob.name}"` : 'that file'} as an image (${e.message}); still showing the previous one`;
    return;
  }
  const scale = Math.min(1, 320 / Math.max(bitmap.width, bitmap.height));
  const w = Math.max(1, Math.round(bitmap.width * scale)), h = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(bitmap, 0, 0, w, h);
  const rgba = ctx.getImageData(0, 0, w, h).data;
  const data = new Float32Array(w * h * 3);
  for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) data[i * 3 + c] = rgba[i * 4 + c] / 255;
  image = { data, h, w };
  drawInput();
  render();
  await features();
}

/** The image as a [1, 3, H, W] (NCHW) or [1, H, W, 3] (NHWC) tensor. */
function inputTensor(layout) {
  const { data, h, w } = image;
  if (layout === 'NHWC') return { data, shape: [1, h, w, 3], layout };
  const planar = new Float32Array(data.length);
  for (let i = 0; i < h * w; i++) for (let c = 0; c < 3; c++) planar[c * h * w + i] = data[i * 3 + c];
  return { data: planar, shape: [1, 3, h, w], layout };
}

function toByte(v) {
  return v !== v ? 255 : Math.max(0, Math.min(255, Math.round(v * 255)));
}

/** Draws a 3-channel tensor (NCHW or NHWC) as RGB, or one channel tinted when `only` is set. */
function drawTensor(canvas, t, only) {
  const [, a, b, c] = t.shape;
  const [h, w, ch] = t.layout === 'NHWC' ? [a, b, c] : [b, c, a];
  const at = t.layout === 'NHWC' ? (y, x, k) => (y * w + x) * ch + k : (y, x, k) => (k * h + y) * w + x;
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(w, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      for (let k = 0; k < 3; k++) {
        img.data[o + k] = only === undefined || only === k ? toByte(t.data[at(y, x, Math.min(k, ch - 1))]) : 0;
      }
      img.data[o + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
}

function drawInput() {
  const t = inputTensor('NHWC');
  drawTensor($('input-rgb'), t);
  for (let k = 0; k < 3; k++) drawTensor($(`input-c${k}`), t, k);
  $('input-shape').textContent = `tensor [1, 3, ${image.h}, ${image.w}] (N, C, H, W), float32 in [0, 1]`;
}

function controls() {
  const num = (id) => Number($(id).value);
  // Values go to the engine as typed: a kernel of 0 or -3 shows its RangeError, as padding's do.
  // Only the stride has a default here (0 or empty: the kernel's, as the field's title says).
  const base = { kernelSize: num('kernel'), padding: num('padding'), ceilMode: $('ceil').checked };
  if (num('stride') !== 0) base.stride = num('stride');
  return {
    layout: $('layout').value,
    engine: engines[$('build').value],
    max: { ...base, dilation: num('dilation') },
    avg: { ...base, countIncludePad: $('includePad').checked },
  };
}

function shapeText(t) {
  return `[${t.shape.join(', ')}] ${t.layout}`;
}

function render() {
  if (!image) return;
  const { layout, engine, max, avg } = controls();
  const x = inputTensor(layout);
  for (const [op, opts] of [['max', max], ['avg', avg]]) {
    const canvas = $(`${op}-out`);
    try {
      const t0 = performance.now();
      const out = op === 'max' ? engine.maxPool2d(x, opts) : engine.avgPool2d(x, opts);
      const ms = performance.now() - t0;
      drawTensor(canvas, out);
      $(`${op}-shape`).textContent = `${shapeText(out)} · ${ms.toFixed(2)} ms`;
      $(`${op}-error`).textContent = '';
    } catch (e) {
      // Invalid combinations (e.g. padding over half the kernel) are errors, as in PyTorch.
      canvas.width = 1;
      canvas.height = 1;
      $(`${op}-shape`).textContent = '—';
      $(`${op}-error`).textContent = `${e.name}: ${e.message}`;
    }
  }
  const results = $('results');
  results.dataset.version = String(Number(results.dataset.version) + 1);
}

// ---- feature maps of a realistic layer size ----

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 64 maps of 112×112: the image in gray, through 3×3 filters (oriented edges, then random) and ReLU. */
function featureMaps() {
  const S = 112, C = 64;
  const { data, h, w } = image;
  const gray = new Float32Array(S * S);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const i = (Math.min(h - 1, Math.floor(((y + 0.5) * h) / S)) * w + Math.min(w - 1, Math.floor(((x + 0.5) * w) / S))) * 3;
      gray[y * S + x] = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
    }
  }
  const rand = mulberry32(7);
  const maps = new Float32Array(C * S * S);
  for (let c = 0; c < C; c++) {
    const f = new Float32Array(9);
    if (c < 8) {
      const a = (c * Math.PI) / 8;
      for (let i = 0; i < 9; i++) f[i] = ((i % 3) - 1) * Math.cos(a) + (Math.floor(i / 3) - 1) * Math.sin(a);
    } else {
      let mean = 0;
      for (let i = 0; i < 9; i++) mean += (f[i] = rand() * 2 - 1) / 9;
      for (let i = 0; i < 9; i++) f[i] -= mean;
    }
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        let s = 0;
        for (let ky = -1; ky <= 1; ky++) {
          const yy = Math.min(S - 1, Math.max(0, y + ky));
          for (let kx = -1; kx <= 1; kx++) s += f[(ky + 1) * 3 + kx + 1] * gray[yy * S + Math.min(S - 1, Math.max(0, x + kx))];
        }
        maps[(c * S + y) * S + x] = s > 0 ? s : 0;
      }
    }
  }
  return { data: maps, shape: [1, C, S, S], layout: 'NCHW' };
}

function drawPlane(canvas, data, offset, h, w) {
  let peak = 1e-6;
  for (let i = 0; i < h * w; i++) peak = Math.max(peak, data[offset + i]);
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(w, h);
  for (let i = 0; i < h * w; i++) {
    const v = Math.round((255 * data[offset + i]) / peak);
    img.data.set([v, Math.round((v * v) / 300), 60 + Math.round(v * 0.3), 255], i * 4); // dark = 0
  }
  ctx.putImageData(img, 0, 0);
}

async function features() {
  const x = featureMaps();
  const opts = { kernelSize: 3, stride: 2, padding: 1 };
  const y = simd.maxPool2d(x, opts);
  const box = $('features');
  box.replaceChildren();
  const shown = [0, 2, 4, 9, 17, 33];
  for (const [t, label] of [[x, '112×112'], [y, '→ 56×56']]) {
    const [, , h, w] = t.shape;
    for (const c of shown) {
      const fig = document.createElement('figure');
      const canvas = document.createElement('canvas');
      drawPlane(canvas, t.data, c * h * w, h, w);
      const cap = document.createElement('figcaption');
      cap.className = 'label';
      cap.textContent = `map ${c} ${label}`;
      fig.append(canvas, cap);
      box.append(fig);
    }
  }
  const resident = simd.fromArray(x.data, x.shape, 'NCHW');
  const residentScalar = scalar.fromArray(x.data, x.shape, 'NCHW');
  const times = [
    [`simdpool ${DEFAULT_BUILD}`, await time(() => simd.maxPool2d(resident, opts).dispose(), 60)],
    ['simdpool scalar', await time(() => scalar.maxPool2d(residentScalar, opts).dispose(), 60)],
    ['plain JS', await time(() => js.maxPoolNCHW(x.data, x.shape, 3, 2, 1), 60)],
  ];
  resident.dispose();
  residentScalar.dispose();
  $('features-timing').textContent = `[1, 64, 112, 112] → [${y.shape.join(', ')}]: ` + times.map(([n, ms]) => `${n} ${ms.toFixed(3)} ms`).join(' · ');
}

// ---- benchmarks ----

/**
 * Median milliseconds per call: batches doubled until one takes 1 ms, then batches of that size
 * for about `budget` ms. `batch(reps)` makes `reps` calls and returns their milliseconds (or a
 * promise of them: the parallel engine's calls are awaited one by one).
 */
async function sampleBatches(batch, budget = QUICK ? 100 : 300) {
  await batch(1);
  let reps = 1;
  while ((await batch(reps)) < 1 && reps < 1 << 16) reps *= 2;
  const samples = [];
  const end = performance.now() + budget;
  while (samples.length < 3 || (performance.now() < end && samples.length < 200)) samples.push((await batch(reps)) / reps);
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

/** sampleBatches over a synchronous `fn`: its calls back to back. */
function time(fn, budget) {
  return sampleBatches((reps) => {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    return performance.now() - t0;
  }, budget);
}

/** sampleBatches over an async `fn`, each call awaited. */
function timeAsync(fn, budget) {
  return sampleBatches(async (reps) => {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) await fn();
    return performance.now() - t0;
  }, budget);
}

const CASES = [
  { name: 'maxPool2d 3×3 s2 p1 · [1, 64, 112, 112] NCHW', op: 'max', shape: [1, 64, 112, 112], layout: 'NCHW', k: 3, s: 2, p: 1 },
  { name: 'maxPool2d 3×3 s2 p1 · [1, 112, 112, 64] NHWC', op: 'max', shape: [1, 112, 112, 64], layout: 'NHWC', k: 3, s: 2, p: 1 },
  { name: 'avgPool2d 2×2 s2 · [1, 256, 56, 56] NCHW', op: 'avg', shape: [1, 256, 56, 56], layout: 'NCHW', k: 2, s: 2, p: 0 },
  { name: 'globalAvgPool2d · [1, 2048, 7, 7] NCHW', op: 'gap', shape: [1, 2048, 7, 7], layout: 'NCHW' },
];

const PLAIN = 2; // IMPLS index of the baseline the speed-ups are against
const IMPLS = [
  { name: simd.simd ? 'simdpool (SIMD)' : 'simdpool (scalar: no SIMD here)', color: '#1b7f3b' },
  { name: 'simdpool (scalar fallback)', color: '#7cb342' },
  { name: 'plain JavaScript', color: '#9e9e9e' },
  // only in a cross-origin isolated page: simdpool/parallel without workers is the SIMD row again
  ...(parallel.threads ? [{ name: `simdpool (${parallel.threads} Web Workers)`, color: '#0d47a1' }] : []),
];

async function benchCase(c) {
  const rand = mulberry32(1);
  const data = Float32Array.from({ length: c.shape.reduce((a, b) => a * b, 1) }, () => rand() * 2 - 1);
  const opts = c.op === 'gap' ? {} : { kernelSize: c.k, stride: c.s, padding: c.p };
  // (the parallel engine's calls return promises: timed awaited)
  const run = async (engine) => {
    const x = engine.fromArray(data, c.shape, c.layout);
    const call = c.op === 'max' ? (o) => engine.maxPool2d(x, o) : c.op === 'avg' ? (o) => engine.avgPool2d(x, o) : (o) => engine.globalAvgPool2d(x, o);
    const out = await call(opts);
    const ms = await (engine === parallel ? timeAsync : time)(() => call({ ...opts, out }));
    out.dispose();
    x.dispose();
    return ms;
  };
  const plain =
    c.op === 'gap' ? () => js.globalAvgNCHW(data, c.shape)
      : c.op === 'avg' ? () => js.avgPoolNCHW(data, c.shape, c.k, c.s, c.p)
        : c.layout === 'NHWC' ? () => js.maxPoolNHWC(data, c.shape, c.k, c.s, c.p)
          : () => js.maxPoolNCHW(data, c.shape, c.k, c.s, c.p);
  const ms = [await run(simd), await run(scalar), await time(plain)];
  if (parallel.threads) ms.push(await run(parallel));
  return ms;
}

const SVG = 'http://www.w3.org/2000/svg';
function el(name, attrs, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function drawChart(results) {
  const W = 1000, left = 200, barH = 16, gap = 4, groupGap = 30, top = 56;
  const H = top + results.length * (IMPLS.length * (barH + gap) + groupGap) + 10;
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, 'font-family': 'system-ui, sans-serif', 'font-size': 12 });
  svg.append(el('text', { x: 10, y: 20, 'font-size': 14, 'font-weight': 600 }, 'Time per call (ms, shorter is better; bars scaled per case)'));
  IMPLS.forEach((impl, i) => {
    svg.append(el('rect', { x: 10 + i * 220, y: 29, width: 12, height: 12, fill: impl.color }));
    svg.append(el('text', { x: 26 + i * 220, y: 40 }, impl.name));
  });
  let y = top;
  for (const { c, ms } of results) {
    svg.append(el('text', { x: 10, y: y + 12, 'font-weight': 600 }, c.name));
    y += 18;
    const worst = Math.max(...ms);
    ms.forEach((v, i) => {
      const len = Math.max(2, ((W - left - 190) * v) / worst);
      const bar = el('rect', { x: left, y, width: len, height: barH, fill: IMPLS[i].color, class: 'bar' });
      bar.append(el('title', {}, `${IMPLS[i].name}: ${v.toFixed(4)} ms`));
      svg.append(bar);
      svg.append(el('text', { x: left - 6, y: y + 12, 'text-anchor': 'end', fill: '#444' }, IMPLS[i].name));
      const speedup = i !== PLAIN ? ` · ${(ms[PLAIN] / v).toFixed(1)}× plain JS` : '';
      svg.append(el('text', { x: left + len + 6, y: y + 12 }, `${v < 0.1 ? v.toFixed(4) : v.toFixed(2)} ms${speedup}`));
      y += barH + gap;
    });
    y += groupGap - 18;
  }
  $('chart').replaceChildren(svg);
}

async function bench() {
  $('bench').disabled = true;
  const results = [];
  for (const c of CASES) {
    $('bench-status').textContent = `running: ${c.name}…`;
    await new Promise((r) => setTimeout(r, 0)); // let the page paint between cases
    results.push({ c, ms: await benchCase(c) });
    drawChart(results);
  }
  $('bench-status').textContent = `done (${QUICK ? 'quick run' : 'about 0.3 s per bar'}; median of batched calls)`;
  $('bench').disabled = false;
  $('chart').dataset.done = 'true';
}

async function loadSample() {
  $('file').value = '';
  const response = await fetch('sample.png');
  await loadImage(await response.blob());
}

$('controls').addEventListener('input', render);
$('controls').addEventListener('change', render);
$('controls').addEventListener('submit', (e) => e.preventDefault());
$('file').addEventListener('change', () => { const f = $('file').files?.[0]; if (f) loadImage(f); });
$('sample').addEventListener('click', loadSample);
$('bench').addEventListener('click', bench);
await loadSample();
document.body.dataset.ready = 'true';
