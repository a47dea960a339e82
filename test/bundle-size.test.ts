// Size budget of the inlined ESM bundle (dist/index.js: engine, @assemblyscript/loader, the SIMD
// build gzipped and the scalar build, as base64), minified as an app's bundler would: under 48 KiB.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { transform } from 'esbuild';
import { expect, it } from 'vitest';

const BUDGET = 48 * 1024;

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
