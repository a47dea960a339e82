// Benchmark cases, deterministic input data and layout helpers.

/**
 * op: 'max' | 'avg' | 'gap' (global average)
 * shape: logical N,C,H,W; layout: the layout the case is given in (NHWC for H).
 */
export const CASES = [
  { id: 'A', shape: [1, 1, 28, 28], layout: 'NCHW', op: 'max', kernel: 2, stride: 2, padding: 0 },
  { id: 'B', shape: [1, 64, 112, 112], layout: 'NCHW', op: 'max', kernel: 3, stride: 2, padding: 1 },
  { id: 'C', shape: [1, 128, 56, 56], layout: 'NCHW', op: 'max', kernel: 2, stride: 2, padding: 0 },
  { id: 'D', shape: [16, 32, 32, 32], layout: 'NCHW', op: 'max', kernel: 2, stride: 2, padding: 0 },
  { id: 'E', shape: [1, 256, 28, 28], layout: 'NCHW', op: 'avg', kernel: 3, stride: 1, padding: 1, countIncludePad: false },
  { id: 'F', shape: [1, 2048, 7, 7], layout: 'NCHW', op: 'gap' },
  { id: 'G-max', group: 'G', shape: [8, 64, 128, 128], layout: 'NCHW', op: 'max', kernel: 2, stride: 2, padding: 0 },
  { id: 'G-avg', group: 'G', shape: [8, 64, 128, 128], layout: 'NCHW', op: 'avg', kernel: 2, stride: 2, padding: 0, countIncludePad: false },
  { id: 'H', shape: [1, 64, 112, 112], layout: 'NHWC', op: 'max', kernel: 3, stride: 2, padding: 1 },
].map(normalize);

function normalize(c) {
  const spec = { ...c, group: c.group ?? c.id };
  if (c.op !== 'gap') {
    spec.kernel = pair(c.kernel);
    spec.stride = pair(c.stride ?? c.kernel);
    spec.padding = pair(c.padding ?? 0);
  }
  spec.outShape = outputShape(spec);
  spec.inElems = spec.shape.reduce((a, b) => a * b, 1);
  spec.outElems = spec.outShape.reduce((a, b) => a * b, 1);
  spec.bytes = 4 * (spec.inElems + spec.outElems); // bytes of input + output, the GB/s basis
  spec.title = describe(spec);
  return spec;
}

function pair(v) {
  return Array.isArray(v) ? v : [v, v];
}

/** PyTorch output size (ceil_mode=False, dilation 1): floor((H + 2p - k) / s) + 1. */
export function outputShape(spec) {
  const [n, c, h, w] = spec.shape;
  if (spec.op === 'gap') return [n, c, 1, 1];
  const oh = Math.floor((h + 2 * spec.padding[0] - spec.kernel[0]) / spec.stride[0]) + 1;
  const ow = Math.floor((w + 2 * spec.padding[1] - spec.kernel[1]) / spec.stride[1]) + 1;
  return [n, c, oh, ow];
}

export function describe(spec) {
  const dims = spec.shape.join('×');
  if (spec.op === 'gap') return `${dims} global avg`;
  const k = spec.kernel[0] === spec.kernel[1] ? spec.kernel[0] : spec.kernel.join('x');
  const s = spec.stride[0] === spec.stride[1] ? spec.stride[0] : spec.stride.join('x');
  const p = spec.padding[0] === spec.padding[1] ? spec.padding[0] : spec.padding.join('x');
  let t = `${dims} ${spec.op} k${k} s${s}`;
  if (p !== 0) t += ` p${p}`;
  if (spec.op === 'avg' && spec.padding.some((x) => x > 0)) t += ` cip=${spec.countIncludePad ? 'T' : 'F'}`;
  if (spec.layout !== 'NCHW') t += ` ${spec.layout}`;
  return t;
}

/** Dims of a logical NCHW shape stored in the given layout. */
export function dimsIn(shape, layout) {
  const [n, c, h, w] = shape;
  return layout === 'NHWC' ? [n, h, w, c] : [n, c, h, w];
}

export function selectCases(ids) {
  if (!ids) return CASES;
  const wanted = ids.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  const picked = CASES.filter((c) => wanted.includes(c.id.toUpperCase()) || wanted.includes(c.group.toUpperCase()));
  const unknown = wanted.filter((w) => !CASES.some((c) => c.id.toUpperCase() === w || c.group.toUpperCase() === w));
  if (unknown.length) throw new Error(`unknown case(s): ${unknown.join(', ')} (known: ${CASES.map((c) => c.id).join(', ')})`);
  return picked;
}

/** mulberry32: small deterministic PRNG so every run pools identical data. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values in [-1, 1): negative values make wrong (zero) padding visible in max pooling. */
export function makeInput(spec, seed = 1234) {
  const next = rng(seed ^ spec.inElems);
  const a = new Float32Array(spec.inElems);
  for (let i = 0; i < a.length; i++) a[i] = next() * 2 - 1;
  return a;
}

export function nchwToNhwc(src, [n, c, h, w], dst = new Float32Array(src.length)) {
  const hw = h * w;
  for (let b = 0; b < n; b++) {
    const base = b * c * hw;
    for (let ch = 0; ch < c; ch++) {
      const s = base + ch * hw;
      for (let p = 0; p < hw; p++) dst[base + p * c + ch] = src[s + p];
    }
  }
  return dst;
}

export function nhwcToNchw(src, [n, c, h, w], dst = new Float32Array(src.length)) {
  const hw = h * w;
  for (let b = 0; b < n; b++) {
    const base = b * c * hw;
    for (let p = 0; p < hw; p++) {
      const s = base + p * c;
      for (let ch = 0; ch < c; ch++) dst[base + ch * hw + p] = src[s + ch];
    }
  }
  return dst;
}

/** The input of a case in both layouts (built once per case, outside any timing). */
export function caseInputs(spec) {
  const nchw = makeInput(spec);
  const nhwc = nchwToNhwc(nchw, spec.shape);
  return { nchw, nhwc, of: (layout) => (layout === 'NHWC' ? nhwc : nchw) };
}

/** Convert an output stored in `layout` to the case's layout (for verification). */
export function toLayout(data, shape, from, to) {
  if (from === to) return data;
  return from === 'NCHW' ? nchwToNhwc(data, shape) : nhwcToNchw(data, shape);
}
