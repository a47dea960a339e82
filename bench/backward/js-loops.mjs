// Straightforward JavaScript backward passes of 2-D max and average pooling (the baseline a
// user would write): Float32Array in, new Float32Array out, any layout through strides.
// Max: the argmax of every window recomputed from the input (first max in scan order, as
// PyTorch), then gradOutput added there. Average: gradOutput / divisor added to every cell of
// the window (divisor: countIncludePad ? cells inside input + padding : cells inside input).

/** Element strides of [N, C, H, W] in a layout ('NCHW' or 'NHWC'). */
function strides([, C, H, W], layout) {
  return layout === 'NHWC' ? { n: H * W * C, c: 1, h: W * C, w: C } : { n: C * H * W, c: H * W, h: W, w: 1 };
}

export function maxPoolBackwardJs(x, dy, dims, outDims, layout, { kernel: [kh, kw], stride: [sh, sw], padding: [ph, pw] }) {
  const [N, C, H, W] = dims;
  const [, , OH, OW] = outDims;
  const si = strides(dims, layout);
  const so = strides(outDims, layout);
  const dx = new Float32Array(x.length);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      const bi = n * si.n + c * si.c;
      const bo = n * so.n + c * so.c;
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          let best = -Infinity;
          let at = -1;
          for (let i = 0; i < kh; i++) {
            const h = oh * sh - ph + i;
            if (h < 0 || h >= H) continue;
            for (let j = 0; j < kw; j++) {
              const w = ow * sw - pw + j;
              if (w < 0 || w >= W) continue;
              const p = bi + h * si.h + w * si.w;
              const v = x[p];
              if (v > best || Number.isNaN(v)) {
                best = v;
                at = p;
              }
            }
          }
          if (at >= 0) dx[at] += dy[bo + oh * so.h + ow * so.w];
        }
    }
  return dx;
}

export function avgPoolBackwardJs(dy, dims, outDims, layout, { kernel: [kh, kw], stride: [sh, sw], padding: [ph, pw], countIncludePad }) {
  const [N, C, H, W] = dims;
  const [, , OH, OW] = outDims;
  const si = strides(dims, layout);
  const so = strides(outDims, layout);
  const dx = new Float32Array(N * C * H * W);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      const bi = n * si.n + c * si.c;
      const bo = n * so.n + c * so.c;
      for (let oh = 0; oh < OH; oh++) {
        const h0 = oh * sh - ph;
        const h1 = Math.min(h0 + kh, H + ph);
        const hs = Math.max(h0, 0);
        const he = Math.min(h1, H);
        for (let ow = 0; ow < OW; ow++) {
          const w0 = ow * sw - pw;
          const w1 = Math.min(w0 + kw, W + pw);
          const ws = Math.max(w0, 0);
          const we = Math.min(w1, W);
          const divisor = countIncludePad ? (h1 - h0) * (w1 - w0) : (he - hs) * (we - ws);
          const d = dy[bo + oh * so.h + ow * so.w] / divisor;
          for (let h = hs; h < he; h++) for (let w = ws; w < we; w++) dx[bi + h * si.h + w * si.w] += d;
        }
      }
    }
  return dx;
}
