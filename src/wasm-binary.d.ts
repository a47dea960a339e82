// esbuild's binary loader turns `import bytes from './x.wasm'` (or `.wasm.gz`) into the file's bytes.
declare module '*.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
declare module '*.wasm.gz' {
  const bytes: Uint8Array;
  export default bytes;
}
