// esbuild's binary loader turns `import bytes from './x.wasm'` into the file's bytes.
declare module '*.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
// esbuild's text loader turns `import text from './x.b85'` into the file's text (packed builds).
declare module '*.b85' {
  const text: string;
  export default text;
}
