// The package as users get it (npm pack), used with no configuration by an esbuild app and a
// Vite app (vite's build() API), and directly from plain HTML (the IIFE global and the streaming
// ESM bundle) — each page served with a strict Content-Security-Policy and run in Chromium.
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build as esbuild } from 'esbuild';
import { createServer as viteServer, build as viteBuild } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, STRICT_HEADERS } from '../../scripts/serve.mjs';
import { launch, NO_WASM_SIMD, openPage, type Browser } from './chromium';
import { installPacked } from '../support/pack';

// 4x4 input, 2x2 max pooling with indices, and a forced-scalar engine that must agree.
const APP = (from: string) => `import { init } from '${from}';
async function main() {
  const x = { data: Float32Array.from({ length: 16 }, (_, i) => (i * 7) % 16), shape: [1, 1, 4, 4] };
  const sp = await init();
  const r = sp.maxPool2d(x, { kernelSize: 2, returnIndices: true });
  const scalar = await init({ simd: false });
  const s = scalar.maxPool2d(x, { kernelSize: 2 });
  window.__result = { simd: sp.simd, scalarSimd: scalar.simd, shape: r.output.shape, data: [...r.output.data], indices: [...r.indices.data], scalar: [...s.data] };
}
main().catch((e) => { window.__result = { error: String(e) }; console.error(e); });
`;
const EXPECTED = { simd: true, scalarSimd: false, shape: [1, 1, 2, 2], data: [12, 14, 15, 13], indices: [4, 2, 9, 11], scalar: [12, 14, 15, 13] };
const HTML = (script: string) => `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>app</title><script type="module" src="${script}"></script>`;

let work: string;
let browser: Browser;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'simdpool-apps-'));
  installPacked(work); // work/app: the package as npm installs it
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function run(dir: string, page = '', headers: Record<string, string> = STRICT_HEADERS, on = browser): Promise<unknown> {
  const server = await serve({ root: dir, headers });
  try {
    const { page: p, errors } = await openPage(on, server.url + page);
    await p.waitForFunction(() => (window as { __result?: unknown }).__result !== undefined, null, { timeout: 30_000 });
    const result = await p.evaluate(() => (window as { __result?: unknown }).__result);
    await p.close();
    expect(errors).toEqual([]);
    return result;
  } finally {
    await server.close();
  }
}

describe('the packed package in Chromium', () => {
  it('esbuild app: import { init } from "simdpool" (one file, wasm inlined)', async () => {
    const app = path.join(work, 'app');
    writeFileSync(path.join(app, 'esbuild-main.js'), APP('simdpool'));
    const out = path.join(work, 'out-esbuild');
    await esbuild({ entryPoints: [path.join(app, 'esbuild-main.js')], bundle: true, format: 'esm', platform: 'browser', minify: true, outfile: path.join(out, 'main.js'), logLevel: 'warning', absWorkingDir: app });
    writeFileSync(path.join(out, 'index.html'), HTML('./main.js'));
    expect(readdirSync(out).sort()).toEqual(['index.html', 'main.js']);
    expect(await run(out)).toEqual(EXPECTED);
  });

  it("a Content-Security-Policy without 'wasm-unsafe-eval' blocks it (so the docs' CSP is needed)", async () => {
    const out = path.join(work, 'out-esbuild');
    const noWasm = { 'Content-Security-Policy': "default-src 'self'; script-src 'self'" };
    const server = await serve({ root: out, headers: noWasm });
    try {
      const { page } = await openPage(browser, server.url);
      await page.waitForFunction(() => (window as { __result?: unknown }).__result !== undefined, null, { timeout: 30_000 });
      const result = (await page.evaluate(() => (window as { __result?: { error?: string } }).__result))!;
      expect(result.error).toMatch(/^CompileError: .*Content Security Policy/i);
      await page.close();
    } finally {
      await server.close();
    }
  });

  it('Vite app: import { init } from "simdpool", and "simdpool/url" (wasm emitted as an asset)', async () => {
    const app = path.join(work, 'app');
    writeFileSync(path.join(app, 'vite-main.js'), APP('simdpool'));
    writeFileSync(path.join(app, 'vite-url.js'), APP('simdpool/url'));
    writeFileSync(path.join(app, 'index.html'), HTML('/vite-main.js'));
    writeFileSync(path.join(app, 'url.html'), HTML('/vite-url.js'));
    const out = path.join(work, 'out-vite');
    await viteBuild({
      root: app, configFile: false, logLevel: 'warn',
      build: { outDir: out, emptyOutDir: true, rollupOptions: { input: { main: path.join(app, 'index.html'), url: path.join(app, 'url.html') } } },
    });
    const assets = readdirSync(path.join(out, 'assets'));
    // simdpool/url's SIMD build is emitted as an asset (the 3 KB scalar build is small enough for
    // Vite to inline as a data: URL).
    expect(assets.some((f) => /^simdpool-.*\.wasm$/.test(f))).toBe(true);
    expect(await run(out)).toEqual(EXPECTED);
    expect(await run(out, 'url.html')).toEqual(EXPECTED);
  });

  it('Vite dev server: import { init } from "simdpool" and "simdpool/url" (dependency pre-bundling)', async () => {
    const app = path.join(work, 'app');
    writeFileSync(path.join(app, 'vite-main.js'), APP('simdpool'));
    writeFileSync(path.join(app, 'vite-url.js'), APP('simdpool/url'));
    writeFileSync(path.join(app, 'index.html'), HTML('/vite-main.js'));
    writeFileSync(path.join(app, 'url.html'), HTML('/vite-url.js'));
    const server = await viteServer({ root: app, configFile: false, logLevel: 'warn', cacheDir: path.join(work, 'vite-cache'), server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false } });
    await server.listen();
    try {
      const base = server.resolvedUrls!.local[0];
      for (const page of ['', 'url.html']) {
        const { page: p, errors } = await openPage(browser, base + page);
        await p.waitForFunction(() => (window as { __result?: unknown }).__result !== undefined, null, { timeout: 60_000 });
        expect(await p.evaluate(() => (window as { __result?: unknown }).__result), page || 'index').toEqual(EXPECTED);
        expect(errors.filter((e) => !e.includes('[vite]'))).toEqual([]);
        await p.close();
      }
    } finally {
      await server.close();
    }
  });

  it('esbuild app: simdpool/parallel on Web Workers in a cross-origin isolated page, on the calling thread in another', async () => {
    const app = path.join(work, 'app');
    // Every call to the workers (inlineBelow 0) where there are any; results against init()'s.
    writeFileSync(path.join(app, 'parallel-main.js'), `import { init } from 'simdpool';
import { initParallel, threadsAvailable } from 'simdpool/parallel';
async function main() {
  const x = { data: Float32Array.from({ length: 3 * 37 * 64 }, (_, i) => Math.sin(i * 1.7) * 10), shape: [1, 3, 37, 64] };
  const sp = await initParallel({ threads: 2, inlineBelow: 0 });
  const one = await init();
  const same = (a, b) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
  const m = await sp.maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1, returnIndices: true });
  const m1 = one.maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1, returnIndices: true });
  const a = await sp.avgPool2d(x, { kernelSize: 2, ceilMode: true });
  const a1 = one.avgPool2d(x, { kernelSize: 2, ceilMode: true });
  const t = sp.fromArray(x.data, x.shape);
  const r = await sp.maxPool2d(t, { kernelSize: 2 });
  // The operator family, layouts and dtypes: every result as init()'s, bit for bit.
  const rand = (n, f = (i) => Math.sin(i * 0.91) * 7) => Float32Array.from({ length: n }, (_, i) => f(i));
  const x4 = { data: rand(2 * 5 * 33 * 40), shape: [2, 5, 33, 40] };
  const nhwc = { data: rand(2 * 33 * 40 * 5), shape: [2, 33, 40, 5], layout: 'NHWC' };
  const x3 = { data: rand(2 * 3 * 7 * 9 * 11), shape: [2, 3, 7, 9, 11] };
  const x1 = { data: rand(2 * 6 * 50), shape: [2, 6, 50] };
  const q = { data: Int8Array.from({ length: 4 * 20 * 20 }, (_, i) => ((i * 37) % 256) - 128), shape: [1, 4, 20, 20] };
  const fwd = one.maxPool2d(x4, { kernelSize: 3, stride: 2, padding: 1, returnIndices: true });
  const calls = [
    ['maxPool2d', x4, { kernelSize: 3, stride: 2, padding: 1, returnIndices: true }],
    ['maxPool2d', nhwc, { kernelSize: 2, ceilMode: true }],
    ['maxPool2d', x4, { kernelSize: 3, dilation: 2, nanMode: 'ignore' }],
    ['avgPool2d', x4, { kernelSize: [3, 2], stride: [2, 1], padding: 1, countIncludePad: false, ceilMode: true }],
    ['avgPool2d', nhwc, { kernelSize: 3, stride: 1, padding: 1 }],
    ['maxPool3d', x3, { kernelSize: 2, returnIndices: true }],
    ['avgPool1d', x1, { kernelSize: 4, stride: 3 }],
    ['adaptiveAvgPool2d', x4, { outputSize: [5, 7] }],
    ['adaptiveMaxPool2d', x4, { outputSize: 6, returnIndices: true }],
    ['globalAvgPool2d', x4],
    ['lpPool2d', x4, { normType: 2, kernelSize: 2 }],
    ['maxPool2d', q, { kernelSize: 2 }],
    ['avgPool2d', q, { kernelSize: 3, padding: 1, scale: 0.05, zeroPoint: 3 }],
    ['maxUnpool2d', fwd.output, fwd.indices, { kernelSize: 3, stride: 2, padding: 1, outputSize: [33, 40] }],
    ['maxPool2dBackward', fwd.output, fwd.indices, { inputShape: x4.shape, kernelSize: 3, stride: 2, padding: 1 }],
    ['avgPool2dBackward', fwd.output, { inputShape: x4.shape, kernelSize: 3, stride: 2, padding: 1 }],
  ];
  const flat = (v) => (v.data ? [v.data] : [v.output.data, v.indices.data]);
  const differ = [];
  for (const [op, ...args] of calls) {
    const got = flat(await sp[op](...args)), want = flat(one[op](...args));
    if (got.length !== want.length || !got.every((g, i) => same(g, want[i]))) differ.push(op);
  }
  window.__result = {
    isolated: threadsAvailable(), threads: sp.threads, simd: sp.simd, workerCalls: sp.stats().workerCalls,
    same: same(m.output.data, m1.output.data) && same(m.indices.data, m1.indices.data) && same(a.data, a1.data) && same(r.data, one.maxPool2d(x, { kernelSize: 2 }).data),
    calls: calls.length, differ,
  };
  await sp.close();
}
main().catch((e) => { window.__result = { error: String(e) }; console.error(e); });
`);
    const out = path.join(work, 'out-parallel');
    await esbuild({ entryPoints: [path.join(app, 'parallel-main.js')], bundle: true, format: 'esm', platform: 'browser', outfile: path.join(out, 'main.js'), logLevel: 'warning', absWorkingDir: app });
    writeFileSync(path.join(out, 'index.html'), HTML('./main.js'));
    // The docs' CSP for the threaded engine (workers come from a blob: URL) and COOP/COEP.
    const csp = STRICT_HEADERS['Content-Security-Policy'];
    expect(csp).toContain('worker-src blob:');
    const threaded = (await run(out, '', STRICT_HEADERS)) as { workerCalls: number };
    expect(threaded).toMatchObject({ isolated: true, threads: 2, simd: true, same: true, calls: 16, differ: [] });
    expect(threaded.workerCalls).toBeGreaterThan(0);
    // No COOP/COEP: no shared memory, so no workers; the same results on the calling thread.
    expect(await run(out, '', { 'Content-Security-Policy': csp })).toEqual({ isolated: false, threads: 0, simd: true, workerCalls: 0, same: true, calls: 16, differ: [] });
    // Isolated, but a CSP that allows no blob: workers: initParallel() rejects, saying so.
    const noBlobWorkers = { ...STRICT_HEADERS, 'Content-Security-Policy': csp.replace('; worker-src blob:', '') };
    const server = await serve({ root: out, headers: noBlobWorkers });
    try {
      const { page } = await openPage(browser, server.url);
      await page.waitForFunction(() => (window as { __result?: unknown }).__result !== undefined, null, { timeout: 30_000 });
      const result = (await page.evaluate(() => (window as { __result?: { error?: string } }).__result))!;
      expect(result.error).toMatch(/worker thread 0 exited .*worker-src blob:.*before it was ready/);
      await page.close();
    } finally {
      await server.close();
    }
  });

  it('plain HTML: <script src=".../simdpool.iife.js"> global, and the streaming ESM bundle', async () => {
    const site = path.join(work, 'site');
    cpSync(path.join(work, 'app', 'node_modules', 'simdpool', 'dist'), path.join(site, 'simdpool'), { recursive: true });
    writeFileSync(path.join(site, 'iife.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script src="simdpool/simdpool.iife.js"></script><script src="iife-app.js"></script>');
    writeFileSync(path.join(site, 'iife-app.js'), APP('x').replace(/^import .*\n/, 'const { init } = window.simdpool;\n'));
    writeFileSync(path.join(site, 'esm.html'), HTML('./esm-app.js'));
    writeFileSync(path.join(site, 'esm-app.js'), APP('./simdpool/url/index.js'));
    expect(await run(site, 'iife.html')).toEqual(EXPECTED);
    expect(await run(site, 'esm.html')).toEqual(EXPECTED);
  });

  it('a browser without WebAssembly SIMD: init() picks the scalar build by itself, simdpool/parallel runs without workers', async () => {
    // The pages the tests above built, in Chromium run as an engine without SIMD (where SIMD
    // modules fail to validate and to compile, not a patched probe). Uses their outputs.
    const noSimd = await launch(NO_WASM_SIMD);
    try {
      const scalar = { ...EXPECTED, simd: false };
      expect(await run(path.join(work, 'out-esbuild'), '', STRICT_HEADERS, noSimd)).toEqual(scalar);
      expect(await run(path.join(work, 'site'), 'iife.html', STRICT_HEADERS, noSimd)).toEqual(scalar);
      expect(await run(path.join(work, 'site'), 'esm.html', STRICT_HEADERS, noSimd)).toEqual(scalar); // fetches simdpool-scalar.wasm
      // Isolated, but no SIMD: no workers; every result as init()'s (the scalar build's).
      expect(await run(path.join(work, 'out-parallel'), '', STRICT_HEADERS, noSimd)).toEqual({ isolated: true, threads: 0, simd: false, workerCalls: 0, same: true, calls: 16, differ: [] });
    } finally {
      await noSimd.close();
    }
  });
});
