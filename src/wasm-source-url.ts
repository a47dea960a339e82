// The streaming build's kernels: .wasm files next to the bundle, fetched and compiled while they
// download. The literal `new URL('./x.wasm', import.meta.url)` form is what bundlers that
// handle assets (Vite, webpack 5, Parcel) recognise and copy.
export function defaultWasm(simd: boolean): URL | Uint8Array {
  const url = simd
    ? new URL('./simdpool.wasm', import.meta.url)
    : new URL('./simdpool-scalar.wasm', import.meta.url);
  return fileBytes(url) ?? url;
}

/**
 * In Node (server-side rendering, or tests of an app that imports simdpool/url) the files are
 * `file:` URLs, which Node's fetch does not load: read them instead. `getBuiltinModule` (Node
 * 20.16+) reaches `fs` without an import a browser bundler would try to resolve; elsewhere
 * (older Node, Deno, Bun: their fetch reads files) the URL is fetched as given.
 */
function fileBytes(url: URL): Uint8Array | undefined {
  const node = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = url.protocol === 'file:' ? (node?.getBuiltinModule?.('fs') as typeof import('node:fs') | undefined) : undefined;
  return fs?.readFileSync(url);
}
