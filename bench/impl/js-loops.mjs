// Straightforward JavaScript loops: the "no library" baseline.
// Plain nested loops over output positions and the kernel window, one version per
// layout, Float32Array in and (preallocated) Float32Array out. Max ignores padding
// (PyTorch pads with -inf); avg divides by the count of in-bounds elements unless
// countIncludePad (then by the clipped window size, as PyTorch does).

export function maxPoolNCHW(x, y, [n, c, h, w], [oh, ow], [kh, kw], [sh, sw], [ph, pw]) {
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const xBase = (b * c + ch) * h * w;
      const yBase = (b * c + ch) * oh * ow;
      for (let oy = 0; oy < oh; oy++) {
        const y0 = oy * sh - ph;
        for (let ox = 0; ox < ow; ox++) {
          const x0 = ox * sw - pw;
          let m = -Infinity;
          for (let ky = 0; ky < kh; ky++) {
            const iy = y0 + ky;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = x0 + kx;
              if (ix < 0 || ix >= w) continue;
              const v = x[xBase + iy * w + ix];
              if (v > m || v !== v) m = v; // NaN propagates, like PyTorch
            }
          }
          y[yBase + oy * ow + ox] = m;
        }
      }
    }
  }
}

export function avgPoolNCHW(x, y, [n, c, h, w], [oh, ow], [kh, kw], [sh, sw], [ph, pw], countIncludePad) {
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const xBase = (b * c + ch) * h * w;
      const yBase = (b * c + ch) * oh * ow;
      for (let oy = 0; oy < oh; oy++) {
        const y0 = oy * sh - ph;
        for (let ox = 0; ox < ow; ox++) {
          const x0 = ox * sw - pw;
          let sum = 0;
          let count = 0;
          for (let ky = 0; ky < kh; ky++) {
            const iy = y0 + ky;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = x0 + kx;
              if (ix < 0 || ix >= w) continue;
              sum += x[xBase + iy * w + ix];
              count++;
            }
          }
          if (countIncludePad) {
            const hEnd = Math.min(y0 + kh, h + ph);
            const wEnd = Math.min(x0 + kw, w + pw);
            count = (hEnd - y0) * (wEnd - x0);
          }
          y[yBase + oy * ow + ox] = sum / count;
        }
      }
    }
  }
}

export function maxPoolNHWC(x, y, [n, c, h, w], [oh, ow], [kh, kw], [sh, sw], [ph, pw]) {
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - ph;
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - pw;
        const yBase = ((b * oh + oy) * ow + ox) * c;
        for (let ch = 0; ch < c; ch++) y[yBase + ch] = -Infinity;
        for (let ky = 0; ky < kh; ky++) {
          const iy = y0 + ky;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = x0 + kx;
            if (ix < 0 || ix >= w) continue;
            const xBase = ((b * h + iy) * w + ix) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = x[xBase + ch];
              if (v > y[yBase + ch] || v !== v) y[yBase + ch] = v;
            }
          }
        }
      }
    }
  }
}

export function avgPoolNHWC(x, y, [n, c, h, w], [oh, ow], [kh, kw], [sh, sw], [ph, pw], countIncludePad) {
  const acc = new Float64Array(c);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - ph;
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - pw;
        acc.fill(0);
        let count = 0;
        for (let ky = 0; ky < kh; ky++) {
          const iy = y0 + ky;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = x0 + kx;
            if (ix < 0 || ix >= w) continue;
            const xBase = ((b * h + iy) * w + ix) * c;
            for (let ch = 0; ch < c; ch++) acc[ch] += x[xBase + ch];
            count++;
          }
        }
        if (countIncludePad) {
          count = (Math.min(y0 + kh, h + ph) - y0) * (Math.min(x0 + kw, w + pw) - x0);
        }
        const yBase = ((b * oh + oy) * ow + ox) * c;
        for (let ch = 0; ch < c; ch++) y[yBase + ch] = acc[ch] / count;
      }
    }
  }
}

export function globalAvgNCHW(x, y, [n, c, h, w]) {
  const hw = h * w;
  for (let i = 0; i < n * c; i++) {
    let sum = 0;
    const base = i * hw;
    for (let p = 0; p < hw; p++) sum += x[base + p];
    y[i] = sum / hw;
  }
}

export function globalAvgNHWC(x, y, [n, c, h, w]) {
  const hw = h * w;
  const acc = new Float64Array(c);
  for (let b = 0; b < n; b++) {
    acc.fill(0);
    for (let p = 0; p < hw; p++) {
      const base = (b * hw + p) * c;
      for (let ch = 0; ch < c; ch++) acc[ch] += x[base + ch];
    }
    for (let ch = 0; ch < c; ch++) y[b * c + ch] = acc[ch] / hw;
  }
}

export function poolJS(x, y, spec, layout) {
  const nhwc = layout === 'NHWC';
  const out = [spec.outShape[2], spec.outShape[3]];
  if (spec.op === 'gap') return (nhwc ? globalAvgNHWC : globalAvgNCHW)(x, y, spec.shape);
  if (spec.op === 'max') return (nhwc ? maxPoolNHWC : maxPoolNCHW)(x, y, spec.shape, out, spec.kernel, spec.stride, spec.padding);
  return (nhwc ? avgPoolNHWC : avgPoolNCHW)(x, y, spec.shape, out, spec.kernel, spec.stride, spec.padding, !!spec.countIncludePad);
}

export default async function create() {
  return [
    {
      id: 'js',
      label: 'JS loops',
      role: 'e2e',
      describe: 'plain nested loops over Float32Array, output preallocated; loop in the case layout',
      prepare(spec, inputs) {
        const layout = spec.layout;
        const x = inputs.of(layout);
        const y = new Float32Array(spec.outElems);
        return {
          layout,
          run: () => poolJS(x, y, spec, layout),
          output: () => y,
          dispose() {},
        };
      },
    },
  ];
}
