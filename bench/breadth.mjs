// Times simdpool (resident tensors, preallocated `out`) against plain JavaScript loops on the
// cases of bench/breadth-cases.mjs; checks both give the same result, prints medians and ratios.
// Run from the repo root after `npm run build`:  node bench/breadth.mjs [--reps N] [ids...]
import { init } from '../dist/index.js';
import { BREADTH_CASES } from './breadth-cases.mjs';

const args = process.argv.slice(2);
const repsAt = args.indexOf('--reps');
const REPS = repsAt >= 0 ? Number(args.splice(repsAt, 2)[1]) : 15;
const only = new Set(args);
const sp = await init();

const prod = (a) => a.reduce((x, y) => x * y, 1);
const per = (v, d) => (Array.isArray(v) ? v : new Array(d).fill(v));

/** Deterministic values in [-1, 1). */
function data(n, seed = 1) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

/** Logical [N, C, ...spatial] of a shape in its layout. */
function logical(shape, layout) {
  return layout[1] === 'C' ? shape : [shape[0], shape[shape.length - 1], ...shape.slice(1, -1)];
}

// ---------------------------------------------------------------------------
// plain JavaScript loops (strides let one loop serve both layouts)

/** Element strides of n, c and each spatial dim for [N, C, ...sp] stored in `layout`. */
function strides([n, c, ...sp], layout) {
  const last = layout[1] !== 'C';
  const s = new Array(sp.length);
  let acc = last ? c : 1;
  for (let i = sp.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= sp[i];
  }
  return last ? { n: c * prod(sp), c: 1, sp: s } : { n: c * prod(sp), c: prod(sp), sp: s };
}

// One monomorphic loop nest per operator kind. Windows are per-axis Int32Array pairs
// (lo, hi) already clipped to the input; element strides make one loop serve both layouts.

function max1d(x, y, N, C, [lo], [hi], xs, ys) {
  const OW = lo.length, [sw] = xs.sp, [tw] = ys.sp;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      const xb = n * xs.n + c * xs.c, yb = n * ys.n + c * ys.c;
      for (let o = 0; o < OW; o++) {
        let m = -Infinity;
        for (let w = lo[o]; w < hi[o]; w++) {
          const v = x[xb + w * sw];
          if (v > m || v !== v) m = v;
        }
        y[yb + o * tw] = m;
      }
    }
}

function max3d(x, y, N, C, [loD, loH, loW], [hiD, hiH, hiW], xs, ys) {
  const [sd, sh, sw] = xs.sp, [td, th, tw] = ys.sp;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      const xb = n * xs.n + c * xs.c, yb = n * ys.n + c * ys.c;
      for (let od = 0; od < loD.length; od++)
        for (let oh = 0; oh < loH.length; oh++)
          for (let ow = 0; ow < loW.length; ow++) {
            let m = -Infinity;
            for (let d = loD[od]; d < hiD[od]; d++)
              for (let h = loH[oh]; h < hiH[oh]; h++)
                for (let w = loW[ow]; w < hiW[ow]; w++) {
                  const v = x[xb + d * sd + h * sh + w * sw];
                  if (v > m || v !== v) m = v;
                }
            y[yb + od * td + oh * th + ow * tw] = m;
          }
    }
}

/** Average (p = 0) or torch's Lp ((mean of x^p) * kernel) ^ (1/p) over 2-d windows. */
function avgOrLp2d(x, y, N, C, [loH, loW], [hiH, hiW], xs, ys, p = 0, kernel = 1) {
  const [sh, sw] = xs.sp, [th, tw] = ys.sp;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      const xb = n * xs.n + c * xs.c, yb = n * ys.n + c * ys.c;
      for (let oh = 0; oh < loH.length; oh++)
        for (let ow = 0; ow < loW.length; ow++) {
          let sum = 0;
          for (let h = loH[oh]; h < hiH[oh]; h++)
            for (let w = loW[ow]; w < hiW[ow]; w++) {
              const v = x[xb + h * sh + w * sw];
              sum += p === 0 ? v : p === 2 ? v * v : v ** p;
            }
          const mean = sum / ((hiH[oh] - loH[oh]) * (hiW[ow] - loW[ow]));
          y[yb + oh * th + ow * tw] = p === 0 ? mean : (mean * kernel) ** (1 / p);
        }
    }
}

function windowsJs(x, dims, layout, windows, reduce, p = 2) {
  const [N, C, ...inSp] = dims;
  const lo = windows.map((w, i) => Int32Array.from(w, ([a]) => Math.max(a, 0)));
  const hi = windows.map((w, i) => Int32Array.from(w, ([, b]) => Math.min(b, inSp[i])));
  const xs = strides(dims, layout);
  const ys = strides([N, C, ...windows.map((w) => w.length)], layout);
  const y = new Float32Array(N * C * windows.reduce((k, w) => k * w.length, 1));
  if (reduce === 'max') (inSp.length === 1 ? max1d : max3d)(x, y, N, C, lo, hi, xs, ys);
  else avgOrLp2d(x, y, N, C, lo, hi, xs, ys, reduce === 'lp' ? p : 0, windows.reduce((k, w) => k * (w[0][1] - w[0][0]), 1));
  return y;
}

const stridedWindows = (size, k, s, pad) => {
  const out = Math.floor((size + 2 * pad - k) / s) + 1;
  return Array.from({ length: out }, (_, o) => [o * s - pad, o * s - pad + k]);
};
const adaptiveWindows = (size, out) =>
  Array.from({ length: out }, (_, o) => [Math.floor((o * size) / out), Math.ceil(((o + 1) * size) / out)]);

function unpoolJs(values, indices, planes, inPlane, outPlane) {
  const y = new Float32Array(planes * outPlane);
  for (let p = 0; p < planes; p++)
    for (let i = 0; i < inPlane; i++) y[p * outPlane + indices[p * inPlane + i]] = values[p * inPlane + i];
  return y;
}

// ---------------------------------------------------------------------------

function setup(c) {
  const dims = logical(c.shape, c.layout);
  const d = dims.length - 2;
  const x = data(prod(c.shape));
  const o = c.options;
  if (c.op === 'maxUnpool2d') {
    const [N, C, H, W] = dims;
    const k = per(o.kernelSize, 2);
    const big = { data: data(N * C * H * k[0] * W * k[1]), shape: [N, C, H * k[0], W * k[1]] };
    const pooled = sp.maxPool2d(big, { ...o, returnIndices: true });
    const vx = sp.fromArray(pooled.output.data, pooled.output.shape);
    const ix = sp.fromArray(pooled.indices.data, pooled.indices.shape);
    const outShape = [N, C, H * k[0], W * k[1]];
    const out = sp.tensor(outShape);
    return {
      js: () => unpoolJs(pooled.output.data, pooled.indices.data, N * C, H * W, prod(outShape.slice(2))),
      simd: () => sp.maxUnpool2d(vx, ix, { ...o, out }),
      result: () => out.data,
      dispose: () => [vx, ix, out].forEach((t) => t.dispose()),
    };
  }
  const inSp = dims.slice(2);
  let windows;
  let reduce;
  if (c.op.startsWith('adaptive')) {
    windows = inSp.map((n, i) => adaptiveWindows(n, per(o.outputSize, d)[i]));
    reduce = c.op.startsWith('adaptiveMax') ? 'max' : 'avg';
  } else {
    const k = per(o.kernelSize, d);
    const s = per(o.stride ?? o.kernelSize, d);
    const p = per(o.padding ?? 0, d);
    windows = inSp.map((n, i) => stridedWindows(n, k[i], s[i], p[i]));
    reduce = c.op.startsWith('max') ? 'max' : c.op.startsWith('lp') ? 'lp' : 'avg';
  }
  const xt = sp.fromArray(x, c.shape, c.layout);
  const probe = sp[c.op](xt, o);
  const out = sp.tensor(probe.shape, { layout: c.layout });
  probe.dispose();
  return {
    js: () => windowsJs(x, dims, c.layout, windows, reduce, o.normType),
    simd: () => sp[c.op](xt, { ...o, out }),
    result: () => out.data,
    dispose: () => [xt, out].forEach((t) => t.dispose()),
  };
}

function median(f, reps) {
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

const rows = [];
for (const c of BREADTH_CASES) {
  if (only.size > 0 && !only.has(c.id)) continue;
  const s = setup(c);
  const want = s.js();
  s.simd();
  const got = s.result();
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(got[i]) && Number.isNaN(want[i])) continue; // Lp with odd p: negative sums
    worst = Math.max(worst, Math.abs(got[i] - want[i]) / (1e-3 + Math.abs(want[i])));
  }
  if (!(worst < 1e-3)) throw new Error(`${c.id}: simdpool and JS differ (worst relative ${worst})`);
  for (let i = 0; i < 3; i++) (s.simd(), s.js());
  const jsReps = Math.max(3, Math.round(REPS / 3));
  const simd = median(s.simd, REPS);
  const js = median(s.js, jsReps);
  s.dispose();
  const opts = JSON.stringify(c.options).replace(/"/g, '');
  rows.push([c.id, `${c.op} ${c.shape.join('x')} ${c.layout} ${opts}`, js.toFixed(2), simd.toFixed(3), `${(js / simd).toFixed(1)}x`]);
}
const head = ['id', 'case', 'JS loops ms', 'simdpool ms', 'speed-up'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r) => `| ${r.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
console.log(line(head));
console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
for (const r of rows) console.log(line(r));
console.log(`\nmedians of ${REPS} simdpool / ${Math.max(3, Math.round(REPS / 3))} JS runs, single thread, node ${process.version}`);
