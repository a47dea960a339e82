// Straightforward JavaScript pooling (the "no library" baseline of the in-page benchmarks):
// nested loops, padding skipped, Float32Array in and out. Dilation 1, floor mode.

export function outSize(n, k, s, p) {
  return Math.floor((n + 2 * p - k) / s) + 1;
}

export function maxPoolNCHW(x, [n, c, h, w], k, s, p) {
  const oh = outSize(h, k, s, p), ow = outSize(w, k, s, p);
  const y = new Float32Array(n * c * oh * ow);
  for (let plane = 0; plane < n * c; plane++) {
    const xb = plane * h * w, yb = plane * oh * ow;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let m = -Infinity;
        for (let ky = 0; ky < k; ky++) {
          const iy = oy * s - p + ky;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < k; kx++) {
            const ix = ox * s - p + kx;
            if (ix < 0 || ix >= w) continue;
            const v = x[xb + iy * w + ix];
            if (v > m || v !== v) m = v;
          }
        }
        y[yb + oy * ow + ox] = m;
      }
    }
  }
  return y;
}

export function maxPoolNHWC(x, [n, h, w, c], k, s, p) {
  const oh = outSize(h, k, s, p), ow = outSize(w, k, s, p);
  const y = new Float32Array(n * oh * ow * c);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let ch = 0; ch < c; ch++) {
          let m = -Infinity;
          for (let ky = 0; ky < k; ky++) {
            const iy = oy * s - p + ky;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < k; kx++) {
              const ix = ox * s - p + kx;
              if (ix < 0 || ix >= w) continue;
              const v = x[((b * h + iy) * w + ix) * c + ch];
              if (v > m || v !== v) m = v;
            }
          }
          y[((b * oh + oy) * ow + ox) * c + ch] = m;
        }
      }
    }
  }
  return y;
}

export function avgPoolNCHW(x, [n, c, h, w], k, s, p) {
  const oh = outSize(h, k, s, p), ow = outSize(w, k, s, p);
  const y = new Float32Array(n * c * oh * ow);
  for (let plane = 0; plane < n * c; plane++) {
    const xb = plane * h * w, yb = plane * oh * ow;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let sum = 0, count = 0;
        for (let ky = 0; ky < k; ky++) {
          const iy = oy * s - p + ky;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < k; kx++) {
            const ix = ox * s - p + kx;
            if (ix < 0 || ix >= w) continue;
            sum += x[xb + iy * w + ix];
            count++;
          }
        }
        y[yb + oy * ow + ox] = sum / count;
      }
    }
  }
  return y;
}

export function globalAvgNCHW(x, [n, c, h, w]) {
  const y = new Float32Array(n * c);
  const len = h * w;
  for (let plane = 0; plane < n * c; plane++) {
    let sum = 0;
    for (let i = 0; i < len; i++) sum += x[plane * len + i];
    y[plane] = sum / len;
  }
  return y;
}
