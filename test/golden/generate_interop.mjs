// Golden cases for the TF/ONNX features, computed by the real peers: ONNX Runtime for Node
// (MaxPool with Indices and storage_order, AveragePool, the global and Lp pools) and
// TensorFlow.js on its CPU backend (maxPool, avgPool, maxPoolWithArgmax, pool with dilations,
// maxPool3d, avgPool3d). Each case stores the simdpool call that means the same thing
// (layout, padding, nanMode, indexFormat...) and the peer's output; test/golden-interop.test.ts
// replays them.
//
// The peers are the benchmark's: `cd bench && npm ci`, then `node test/golden/generate_interop.mjs`.
//
// Cases stay where each peer follows its own specification. Left out, as the peers differ there
// (docs/api-breadth.md, "Checked against ONNX Runtime and TensorFlow.js"):
// - ORT: SAME_* with dilation > 1 or a negative total padding (stride larger than the kernel),
//   pads >= kernel (rejected), NaN (its first in-bounds tap initialises the maximum, so a NaN
//   there sticks), MaxPool without Indices (MLAS: signed zeros in another order, -FLT_MAX for
//   windows of -Infinity), GlobalMaxPool over zeros of both signs, negative inputs to Lp pools,
//   windows larger than the padded input (its output size divides with C++'s truncation, so a
//   numerator between -stride and 0 gives one output where the spec's floor gives none).
// - tfjs: 1x1 kernels with padding (an identity shortcut ignores padding and stride), 3D 'same'
//   with a negative total padding (not clamped to 0 as TF does), dilated 'same' (zero padding
//   through space-to-batch), windows without a winner in maxPoolWithArgmax (index -1), windows
//   entirely in explicit padding (0/0).
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodeNodeModel, INT64 } from '../../bench/onnx-model.mjs';

const require = createRequire(fileURLToPath(new URL('../../bench/package.json', import.meta.url)));
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const ort = require('onnxruntime-node');
await tf.setBackend('cpu');

const SEED = 20261129;
let state = SEED;
const rand = () => {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const FLT_MAX = 3.4028234663852886e38;

/** 'plain' uniform in [-10, 10); 'ties' small integers; 'special' adds ±Inf, ±0 and -FLT_MAX; 'nan' adds NaN too; 'pos' positive. */
function values(n, kind) {
  return Float32Array.from({ length: n }, () => {
    if (kind === 'ties') return int(-3, 3);
    if (kind === 'pos') return rand() * 10 + 0.001;
    let v = (rand() - 0.5) * 20;
    if (kind === 'special' || kind === 'nan') {
      const u = rand();
      if (kind === 'nan' && u < 0.08) v = NaN;
      else if (u < 0.16) v = Infinity;
      else if (u < 0.3) v = -Infinity;
      else if (u < 0.4) v = -0;
      else if (u < 0.5) v = 0;
      else if (u < 0.6) v = -FLT_MAX;
    }
    return v;
  });
}

const b64 = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const size = (shape) => shape.reduce((a, b) => a * b, 1);
const SIDES = { 1: [['left', 'right']], 2: [['top', 'bottom'], ['left', 'right']], 3: [['front', 'back'], ['top', 'bottom'], ['left', 'right']] };
const FIRST = { 1: 'NCW', 2: 'NCHW', 3: 'NCDHW' };
const LAST = { 1: 'NWC', 2: 'NHWC', 3: 'NDHWC' };
const cases = [];

function push(c, input, output, outShape, indices) {
  cases.push({
    ...c,
    input: b64(input),
    output: { shape: outShape, data: b64(output) },
    ...(indices ? { indices: { shape: outShape, data: b64(Int32Array.from(indices, Number)) } } : {}),
  });
}

// ---- ONNX Runtime (channels-first) ----
async function runOrt(op, x, shape, attributes, { autoPad, indices = false, opset = 13 } = {}) {
  const outputs = [{ name: 'y', shape: null }, ...(indices ? [{ name: 'i', shape: null, type: INT64 }] : [])];
  const model = encodeNodeModel({ op, inputs: [{ name: 'x', shape }], outputs, attributes: { ...attributes, ...(autoPad ? { auto_pad: autoPad } : {}) }, opset });
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, logSeverityLevel: 4 });
  const r = await session.run({ x: new ort.Tensor('float32', x, shape) });
  await session.release();
  return { y: r.y.data, shape: r.y.dims.map(Number), i: indices ? r.i.data : undefined };
}

/** Every axis has a window (ONNX's and PyTorch's output size >= 1; see above for ORT's). */
const fits = (spatial, kernel, dilation, before, after) =>
  spatial.every((n, i) => n + before[i] + after[i] >= dilation[i] * (kernel[i] - 1) + 1);

function sidesOf(dims, before, after) {
  return Object.fromEntries(SIDES[dims].flatMap(([b, a], i) => [[b, before[i]], [a, after[i]]]));
}

// MaxPool with Indices: explicit pads (< kernel, as ORT requires), ceil_mode, dilations, both storage orders.
for (let n = 0; n < 18; n++) {
  const dims = 1 + (n % 3);
  const spatial = Array.from({ length: dims }, () => int(2, dims === 3 ? 6 : 9));
  const kernel = spatial.map(() => int(1, 3));
  const stride = spatial.map(() => int(1, 3));
  const dilation = n % 4 === 1 ? spatial.map(() => int(1, 2)) : spatial.map(() => 1);
  const before = kernel.map((k) => int(0, k - 1));
  const after = kernel.map((k) => int(0, k - 1));
  const ceil = n % 5 === 2;
  const storageOrder = n % 2;
  if (!fits(spatial, kernel, dilation, before, after)) continue;
  const shape = [int(1, 2), int(1, 3), ...spatial];
  const x = values(size(shape), ['plain', 'ties', 'special'][n % 3]);
  const r = await runOrt('MaxPool', x, shape, { kernel_shape: kernel, strides: stride, dilations: dilation, pads: [...before, ...after], ceil_mode: +ceil, storage_order: storageOrder }, { indices: true, opset: 12 });
  if (r.shape.slice(2).some((s) => s < 1)) continue;
  push({ name: `ort MaxPool ${dims}d pads ${before}/${after}${ceil ? ' ceil' : ''} d${dilation} so${storageOrder}`, peer: 'onnxruntime-node', op: `maxPool${dims}d`, shape, layout: FIRST[dims],
    options: { kernelSize: kernel, stride, dilation, padding: sidesOf(dims, before, after), ceilMode: ceil, returnIndices: true, indexFormat: 'onnx', storageOrder }, exact: true }, x, r.y, r.shape, r.i);
}
// MaxPool and AveragePool with SAME_UPPER (stride <= kernel: a non-negative total padding) and VALID.
for (let n = 0; n < 12; n++) {
  const dims = 1 + (n % 3);
  const spatial = Array.from({ length: dims }, () => int(2, dims === 3 ? 6 : 9));
  const kernel = spatial.map(() => int(1, 4));
  const stride = kernel.map((k) => int(1, k));
  const avg = n % 2 === 1;
  const autoPad = n % 4 < 2 ? 'SAME_UPPER' : 'VALID';
  if (autoPad === 'VALID' && !fits(spatial, kernel, kernel.map(() => 1), [0, 0, 0], [0, 0, 0])) continue;
  const shape = [int(1, 2), int(1, 3), ...spatial];
  const x = values(size(shape), avg ? 'plain' : 'special');
  const attrs = { kernel_shape: kernel, strides: stride, ...(avg ? { count_include_pad: 0 } : { storage_order: 0 }) };
  const r = await runOrt(avg ? 'AveragePool' : 'MaxPool', x, shape, attrs, { autoPad, indices: !avg, opset: 12 });
  if (r.shape.slice(2).some((s) => s < 1)) continue;
  push({ name: `ort ${avg ? 'AveragePool' : 'MaxPool'} ${dims}d ${autoPad}`, peer: 'onnxruntime-node', op: `${avg ? 'avgPool' : 'maxPool'}${dims}d`, shape, layout: FIRST[dims],
    options: { kernelSize: kernel, stride, padding: autoPad === 'VALID' ? 'valid' : 'same', ...(avg ? {} : { returnIndices: true, indexFormat: 'onnx' }) }, exact: !avg }, x, r.y, r.shape, r.i);
}
// AveragePool with asymmetric pads, count_include_pad 0/1 and ceil_mode.
for (let n = 0; n < 9; n++) {
  const dims = 1 + (n % 3);
  const spatial = Array.from({ length: dims }, () => int(2, dims === 3 ? 6 : 9));
  const kernel = spatial.map(() => int(1, 3));
  const stride = spatial.map(() => int(1, 3));
  const before = kernel.map((k) => int(0, k - 1));
  const after = kernel.map((k) => int(0, k - 1));
  const cip = n % 2;
  const ceil = n % 3 === 0;
  if (!fits(spatial, kernel, kernel.map(() => 1), before, after)) continue;
  const shape = [int(1, 2), int(1, 3), ...spatial];
  const x = values(size(shape), 'plain');
  const r = await runOrt('AveragePool', x, shape, { kernel_shape: kernel, strides: stride, pads: [...before, ...after], count_include_pad: cip, ceil_mode: +ceil }, { opset: 12 });
  if (r.shape.slice(2).some((s) => s < 1)) continue;
  push({ name: `ort AveragePool ${dims}d pads ${before}/${after} cip${cip}${ceil ? ' ceil' : ''}`, peer: 'onnxruntime-node', op: `avgPool${dims}d`, shape, layout: FIRST[dims],
    options: { kernelSize: kernel, stride, padding: sidesOf(dims, before, after), countIncludePad: !!cip, ceilMode: ceil }, exact: false }, x, r.y, r.shape);
}
// Global pools, GlobalLpPool and LpPool (non-negative inputs: ONNX takes |x|, simdpool PyTorch's signs).
for (let n = 0; n < 9; n++) {
  const dims = 1 + (n % 3);
  const op = ['GlobalMaxPool', 'GlobalAveragePool', 'GlobalLpPool'][Math.floor(n / 3)];
  const spatial = Array.from({ length: dims }, () => int(1, dims === 3 ? 5 : 12));
  const shape = [int(1, 2), int(1, 4), ...spatial];
  const x = values(size(shape), op === 'GlobalLpPool' ? 'pos' : 'plain');
  const p = 2 + (n % 2);
  const r = await runOrt(op, x, shape, op === 'GlobalLpPool' ? { p } : {});
  const name = { GlobalMaxPool: 'globalMaxPool', GlobalAveragePool: 'globalAvgPool', GlobalLpPool: 'globalLpPool' }[op];
  push({ name: `ort ${op} ${dims}d${op === 'GlobalLpPool' ? ` p${p}` : ''}`, peer: 'onnxruntime-node', op: `${name}${dims}d`, shape, layout: FIRST[dims],
    options: op === 'GlobalLpPool' ? { normType: p } : {}, exact: op === 'GlobalMaxPool' }, x, r.y, r.shape);
}
for (let n = 0; n < 3; n++) {
  const dims = 1 + n;
  const spatial = Array.from({ length: dims }, () => int(2, dims === 3 ? 5 : 9));
  const kernel = spatial.map((s) => int(1, Math.min(3, s)));
  const stride = spatial.map(() => int(1, 2));
  const shape = [1, 2, ...spatial];
  const x = values(size(shape), 'pos');
  const r = await runOrt('LpPool', x, shape, { kernel_shape: kernel, strides: stride, p: 2 }, { opset: 18 });
  push({ name: `ort LpPool ${dims}d p2`, peer: 'onnxruntime-node', op: `lpPool${dims}d`, shape, layout: FIRST[dims], options: { normType: 2, kernelSize: kernel, stride }, exact: false }, x, r.y, r.shape);
}

// ---- TensorFlow.js, CPU backend (channels-last) ----
// nanMode 'ignore' is tfjs's rule: the maximum starts at -Infinity and takes v > best.
for (let n = 0; n < 16; n++) {
  const op = ['maxPool', 'avgPool', 'argmax', 'maxPool3d', 'avgPool3d', 'dilated', 'maxPool', 'argmax'][n % 8];
  const dims = op.endsWith('3d') ? 3 : 2;
  const spatial = Array.from({ length: dims }, () => int(2, dims === 3 ? 6 : 9));
  const kernel = spatial.map(() => int(2, 3));
  let stride = kernel.map((k) => int(1, k));
  let dilation = spatial.map(() => 1);
  if (op === 'dilated') { dilation = spatial.map(() => int(1, 3)); stride = spatial.map(() => 1); }
  const padKind = op === 'dilated' ? 'valid' : op === 'argmax' || dims === 3 ? ['same', 'valid'][n % 2] : ['same', 'valid', 'explicit'][n % 3];
  const before = kernel.map((k) => int(0, k - 1));
  const after = kernel.map((k) => int(0, k - 1));
  const shape = [int(1, 2), ...spatial, int(1, 4)];
  const avg = op.startsWith('avg');
  const x = values(size(shape), avg ? 'plain' : op === 'argmax' ? 'ties' : 'nan');
  const pad = padKind === 'explicit' ? [[0, 0], [before[0], after[0]], [before[1], after[1]], [0, 0]] : padKind;
  const includeBatchInIndex = n % 3 === 0;
  const xt = tf.tensor(x, shape);
  let y; let idx;
  try {
  if (op === 'maxPool') y = tf.maxPool(xt, kernel, stride, pad);
  else if (op === 'avgPool') y = tf.avgPool(xt, kernel, stride, pad);
  else if (op === 'maxPool3d') y = tf.maxPool3d(xt, kernel, stride, pad);
  else if (op === 'avgPool3d') y = tf.avgPool3d(xt, kernel, stride, pad);
  else if (op === 'dilated') y = tf.pool(xt, kernel, 'max', pad, dilation, stride);
  else { const r = tf.maxPoolWithArgmax(xt, kernel, stride, pad, includeBatchInIndex); y = r.result; idx = r.indexes.dataSync(); }
  } catch {
    continue; // an empty output (a kernel larger than the input)
  }
  if (y.shape.slice(1, -1).some((s) => s < 1)) continue;
  const padding = padKind === 'explicit' ? sidesOf(dims, before, after) : padKind;
  const options = avg
    ? { kernelSize: kernel, stride, padding, ...(padKind === 'explicit' ? { countIncludePad: false } : {}) }
    : { kernelSize: kernel, stride, dilation, padding, nanMode: 'ignore', ...(idx ? { returnIndices: true, indexFormat: 'tf', includeBatchInIndex } : {}) };
  push({ name: `tfjs ${op} ${dims}d ${padKind}${idx ? ` includeBatchInIndex ${includeBatchInIndex}` : ''}`, peer: 'tfjs-backend-cpu', op: `${avg ? 'avgPool' : 'maxPool'}${dims}d`, shape, layout: LAST[dims], options, exact: !avg },
    x, y.dataSync(), y.shape, idx);
}

// ORT AveragePool SAME_UPPER with count_include_pad=1: simdpool's 'same' with countIncludePad: true
// given (by default 'same' does not count padded cells, as TF). Appended, so the cases above keep their data.
for (let n = 0; n < 6; n++) {
  const dims = 1 + (n % 3);
  const spatial = Array.from({ length: dims }, () => int(2, dims === 3 ? 6 : 9));
  const kernel = spatial.map(() => int(2, 4));
  const stride = kernel.map((k) => int(1, k));
  const shape = [int(1, 2), int(1, 3), ...spatial];
  const x = values(size(shape), 'plain');
  const r = await runOrt('AveragePool', x, shape, { kernel_shape: kernel, strides: stride, count_include_pad: 1 }, { autoPad: 'SAME_UPPER', opset: 12 });
  if (r.shape.slice(2).some((s) => s < 1)) continue;
  push({ name: `ort AveragePool ${dims}d SAME_UPPER count_include_pad 1`, peer: 'onnxruntime-node', op: `avgPool${dims}d`, shape, layout: FIRST[dims],
    options: { kernelSize: kernel, stride, padding: 'same', countIncludePad: true }, exact: false }, x, r.y, r.shape, r.i);
}

const out = {
  generator: 'test/golden/generate_interop.mjs',
  peers: { 'onnxruntime-node': require('onnxruntime-node/package.json').version, 'tfjs-core': tf.version_core },
  seed: SEED,
  cases,
};
writeFileSync(fileURLToPath(new URL('./interop.json', import.meta.url)), `${JSON.stringify(out, null, 1)}\n`);
console.log(`${cases.length} cases`);
