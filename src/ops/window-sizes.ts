// PyTorch's adaptive averages divide by a window's size along one axis after another, rounding
// each time (forward: sum / kH / kW; backward: gradient / kH / kW), where every output size is
// not 1; those it pools as a mean, divided by the cell count at once (as the plans' divisors do).

/** Whether PyTorch divides an adaptive average with these output sizes axis by axis. */
export function dividesByAxis(outSizes: readonly number[]): boolean {
  return outSizes.length > 1 && outSizes.some((n) => n !== 1);
}

/**
 * dst[e] = src[e] / k0 / k1 / ... (float32 after each division), k the sizes of the adaptive
 * window of e's output position. Positions are `outSizes` in row-major order, one value each in
 * planes (channelsLast false), `channels` values each in channels-last tensors.
 */
export function divideByWindowSizes(
  src: Float32Array, dst: Float32Array, inSizes: readonly number[], outSizes: readonly number[], channelsLast: boolean, channels: number,
): void {
  const dims = outSizes.length;
  const positions = outSizes.reduce((a, b) => a * b, 1);
  const perPosition = channelsLast ? channels : 1;
  // The window sizes of every position, axis by axis (torch's start/end of adaptive windows).
  const sizes = new Float32Array(positions * dims);
  for (let q = 0; q < positions; q++) {
    for (let d = dims - 1, rest = q; d >= 0; d--) {
      const o = rest % outSizes[d];
      rest = Math.floor(rest / outSizes[d]);
      sizes[q * dims + d] = Math.ceil(((o + 1) * inSizes[d]) / outSizes[d]) - Math.floor((o * inSizes[d]) / outSizes[d]);
    }
  }
  for (let e = 0; e < src.length; e++) {
    const at = (Math.floor(e / perPosition) % positions) * dims;
    let v = src[e];
    for (let d = 0; d < dims; d++) v = Math.fround(v / sizes[at + d]);
    dst[e] = v;
  }
}

/** What the full engine hands its operators (Context.windowSizes); simdpool/core divides at once. */
export const WINDOW_SIZE_OPS = { dividesByAxis, divideByWindowSizes };
export type WindowSizeOps = typeof WINDOW_SIZE_OPS;
