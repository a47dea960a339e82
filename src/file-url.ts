// Reading file: URLs, which Node's fetch does not load: an app's own copy of the .wasm given to
// init({ wasm: new URL(...) }), or simdpool/url's files in server-side rendering.
// `getBuiltinModule` (Node 20.16+) reaches `fs` without an import a browser bundler would try
// to resolve; elsewhere (browsers, older Node, Deno, Bun: their fetch reads files) this returns
// undefined and the URL is fetched as given.
export function fileBytes(url: URL): Uint8Array | undefined {
  const node = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = url.protocol === 'file:' ? (node?.getBuiltinModule?.('fs') as typeof import('node:fs') | undefined) : undefined;
  return fs?.readFileSync(url);
}
