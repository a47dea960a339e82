// Size budget of the inlined ESM bundle (dist/index.js: engine, @assemblyscript/loader, the SIMD
// build gzipped and the scalar build, as base64), minified as an app's bundler would.
// The browser issue asked for 48 KiB, which the 2D library met (about 42 KiB); with the whole
// pooling family in 1D/2D/3D (adaptive, Lp, unpooling, index formats, NaN modes) the bundle is
// about 72 KiB minified / 36 KiB gzip: the JavaScript alone is about 37 KiB. int8/uint8 pooling
// (assembly/bytes.ts, src/ops/bytes.ts) added about 15 KiB: 6 KiB of JavaScript, the rest the
// two .wasm builds as base64 (87 KiB in all). The README says so; this budget keeps it from
// growing unnoticed.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { transform } from 'esbuild';
import { expect, it } from 'vitest';

const BUDGET = 90 * 1024;

async function sizes(file: string) {
  const { code } = await transform(readFileSync(new URL(`../dist/${file}`, import.meta.url), 'utf8'), { minify: true, format: 'esm', target: 'es2022' });
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

it(`the inlined ESM bundle is under ${BUDGET / 1024} KiB minified`, async () => {
  const inline = await sizes('index.js');
  const url = await sizes('url/index.js');
  const iife = readFileSync(new URL('../dist/simdpool.iife.js', import.meta.url));
  console.log(
    `bundle sizes (bytes): inlined ESM ${inline.min} min / ${inline.gzip} gzip; ` +
    `streaming ESM ${url.min} min / ${url.gzip} gzip (+ .wasm files); ` +
    `IIFE ${iife.length} min / ${gzipSync(iife, { level: 9 }).length} gzip`,
  );
  expect(inline.min).toBeLessThan(BUDGET);
});
