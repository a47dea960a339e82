// The streaming build's kernels: .wasm files next to the bundle, fetched and compiled while they
// download. The literal `new URL('./x.wasm', import.meta.url)` form is what bundlers that
// handle assets (Vite, webpack 5, Parcel) recognise and copy. In Node they are file: URLs,
// which init() reads (./file-url).
export function defaultWasm(simd: boolean): URL {
  return simd
    ? new URL('./simdpool.wasm', import.meta.url)
    : new URL('./simdpool-scalar.wasm', import.meta.url);
}
