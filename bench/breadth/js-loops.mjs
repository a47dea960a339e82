// Plain JavaScript loops for the breadth cases: an independent implementation of PyTorch's
// semantics that checks simdpool, and the "no library" speed baseline. Windows are per-axis
// Int32Array pairs (lo, hi) already clipped to the input; element strides make one loop
// nest serve channels-first and channels-last layouts. One monomorphic nest per kind.

export const prod = (a) => a.reduce((x, y) => x * y, 1);

/** Element strides of n, c and each spatial dim for logical [N, C, ...sp] stored in `layout`. */
export function strides([, c, ...sp], layout) {
  const last = layout[1] !== 'C';
  const s = new Array(sp.length);
  let acc = last ? c : 1;
  for (let i = sp.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= sp[i];
  }
  return last ? { n: c * prod(sp), c: 1, sp: s } : { n: c * prod(sp), c: prod(sp), sp: s };
}

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

/** Average over 3-d windows, divided by the clipped window size (no padding in the cases). */
function avg3d(x, y, N, C, [loD, loH, loW], [hiD, hiH, hiW], xs, ys) {
  const [sd, sh, sw] = xs.sp, [td, th, tw] = ys.sp;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      const xb = n * xs.n + c * xs.c, yb = n * ys.n + c * ys.c;
      for (let od = 0; od < loD.length; od++)
        for (let oh = 0; oh < loH.length; oh++)
          for (let ow = 0; ow < loW.length; ow++) {
            let sum = 0;
            for (let d = loD[od]; d < hiD[od]; d++)
              for (let h = loH[oh]; h < hiH[oh]; h++)
                for (let w = loW[ow]; w < hiW[ow]; w++) sum += x[xb + d * sd + h * sh + w * sw];
            y[yb + od * td + oh * th + ow * tw] = sum / ((hiD[od] - loD[od]) * (hiH[oh] - loH[oh]) * (hiW[ow] - loW[ow]));
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

/** Pool `x` (logical dims [N, C, ...sp] in `layout`) over per-axis windows [lo, hi). */
export function windowsJs(x, dims, layout, windows, reduce, p = 2) {
  const [N, C, ...inSp] = dims;
  const lo = windows.map((w) => Int32Array.from(w, ([a]) => Math.max(a, 0)));
  const hi = windows.map((w, i) => Int32Array.from(w, ([, b]) => Math.min(b, inSp[i])));
  const xs = strides(dims, layout);
  const ys = strides([N, C, ...windows.map((w) => w.length)], layout);
  const y = new Float32Array(N * C * windows.reduce((k, w) => k * w.length, 1));
  if (reduce === 'max') (inSp.length === 1 ? max1d : max3d)(x, y, N, C, lo, hi, xs, ys);
  else if (inSp.length === 3) avg3d(x, y, N, C, lo, hi, xs, ys);
  else avgOrLp2d(x, y, N, C, lo, hi, xs, ys, reduce === 'lp' ? p : 0, windows.reduce((k, w) => k * (w[0][1] - w[0][0]), 1));
  return y;
}

export const stridedWindows = (size, k, s, pad) => {
  const out = Math.floor((size + 2 * pad - k) / s) + 1;
  return Array.from({ length: out }, (_, o) => [o * s - pad, o * s - pad + k]);
};
export const adaptiveWindows = (size, out) =>
  Array.from({ length: out }, (_, o) => [Math.floor((o * size) / out), Math.ceil(((o + 1) * size) / out)]);

export function unpoolJs(values, indices, planes, inPlane, outPlane) {
  const y = new Float32Array(planes * outPlane);
  for (let p = 0; p < planes; p++)
    for (let i = 0; i < inPlane; i++) y[p * outPlane + indices[p * inPlane + i]] = values[p * inPlane + i];
  return y;
}
