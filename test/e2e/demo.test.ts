// The demo page (npm run demo) in Chromium, served with the strict headers of scripts/serve.mjs:
// it loads, option changes update the pictures and the output shapes, the benchmarks draw their
// chart, and the console stays clean. Saves demo/screenshots/latest.png (ignored by git), or the
// committed demo/screenshots/demo.png with UPDATE_SCREENSHOT=1 (`npm run demo:screenshot`).
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serve, STRICT_HEADERS } from '../../scripts/serve.mjs';
import { launch, NO_WASM_SIMD, openPage, type Browser } from './chromium';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let browser: Browser;
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  server = await serve({ root: ROOT, headers: STRICT_HEADERS });
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const text = (page: Page, sel: string) => page.locator(sel).textContent();
const pixels = (page: Page, sel: string) => page.locator(sel).evaluate((c: HTMLCanvasElement) => c.toDataURL());
const version = (page: Page) => page.locator('#results').getAttribute('data-version');

async function change(page: Page, action: () => Promise<void>) {
  const before = await version(page);
  await action();
  await page.waitForFunction((v) => document.getElementById('results')!.dataset.version !== v, before);
}

it('demo: pictures and shapes follow the options, benchmarks draw, no console error', async () => {
  await browser.context.pages()[0]?.setViewportSize({ width: 1280, height: 900 });
  const { page, errors } = await openPage(browser, `${server.url}demo/?quick`);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  expect(await text(page, '#status')).toContain('engine.simd = true');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  // Defaults: kernel 4 (stride = kernel) on the 256×256 sample, NCHW.
  expect(await text(page, '#input-shape')).toContain('[1, 3, 256, 256]');
  expect(await text(page, '#max-shape')).toMatch(/^\[1, 3, 64, 64\] NCHW/);
  expect(await text(page, '#avg-shape')).toMatch(/^\[1, 3, 64, 64\] NCHW/);
  const maxBefore = await pixels(page, '#max-out');
  const avgBefore = await pixels(page, '#avg-out');
  expect(maxBefore).not.toBe(avgBefore); // max and average pooling differ on this image

  await change(page, () => page.fill('#kernel', '3'));
  await change(page, () => page.fill('#stride', '2'));
  await change(page, () => page.fill('#padding', '1'));
  await change(page, () => page.check('#ceil'));
  await change(page, () => page.selectOption('#layout', 'NHWC'));
  // floor((256 + 2 - 3 + 1) / 2) + 1 = 129, and the last window starts inside: 129 (ceil mode)
  expect(await text(page, '#max-shape')).toMatch(/^\[1, 129, 129, 3\] NHWC/);
  expect(await text(page, '#avg-shape')).toMatch(/^\[1, 129, 129, 3\] NHWC/);
  expect(await pixels(page, '#max-out')).not.toBe(maxBefore);
  expect(await pixels(page, '#avg-out')).not.toBe(avgBefore);

  await change(page, () => page.fill('#dilation', '2'));
  expect(await text(page, '#max-shape')).toMatch(/^\[1, 128, 128, 3\] NHWC/); // (256+2-5+1)/2 = 127, +1; ceil mode: 128
  const nhwcMax = await pixels(page, '#max-out');
  await change(page, () => page.selectOption('#build', 'scalar'));
  expect(await pixels(page, '#max-out')).toBe(nhwcMax); // the scalar build draws the same picture

  // An invalid option shows PyTorch's error in the page, not in the console.
  await change(page, () => page.fill('#padding', '3'));
  expect(await text(page, '#max-error')).toMatch(/RangeError/);
  await change(page, () => page.fill('#padding', '1'));
  // Every field reaches the engine as typed (only a stride of 0 means the kernel's).
  for (const [field, value, name] of [['#kernel', '0', 'kernelSize'], ['#kernel', '-3', 'kernelSize'], ['#dilation', '0', 'dilation']]) {
    await change(page, () => page.fill(field, value));
    expect(await text(page, '#max-error')).toContain(`RangeError: maxPool2d: ${name} must be a positive integer or an array of 2, got ${value}`);
    await change(page, () => page.fill(field, field === '#kernel' ? '3' : '2'));
  }
  await change(page, () => page.fill('#stride', '-1'));
  expect(await text(page, '#avg-error')).toContain('RangeError: avgPool2d: stride must be a positive integer or an array of 2, got -1');
  await change(page, () => page.fill('#stride', '2'));
  await change(page, () => page.selectOption('#build', 'simd'));
  expect(await text(page, '#max-error')).toBe('');

  // A picked image replaces the sample: a 200×120 PNG drawn by the page itself.
  const png = await page.evaluate(async () => {
    const c = new OffscreenCanvas(200, 120);
    const g = c.getContext('2d')!;
    g.fillStyle = '#224';
    g.fillRect(0, 0, 200, 120);
    g.fillStyle = '#fc0';
    g.fillRect(40, 30, 60, 50);
    return [...new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer())];
  });
  await change(page, () => page.setInputFiles('#file', { name: 'picked.png', mimeType: 'image/png', buffer: Buffer.from(png) }));
  await page.waitForFunction(() => document.getElementById('input-shape')!.textContent!.includes('[1, 3, 120, 200]'));
  expect(await text(page, '#max-shape')).toMatch(/^\[1, 60, 100, 3\] NHWC/); // ceil((120+2-5)/2)+1, ceil((200+2-5)/2)+1
  // A file that is no image: the page says so and keeps the picture it had.
  await page.setInputFiles('#file', { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not a png') });
  await page.waitForFunction(() => document.getElementById('input-shape')!.textContent!.includes('could not read "notes.png"'));
  expect(await text(page, '#max-shape')).toMatch(/^\[1, 60, 100, 3\] NHWC/);
  await change(page, () => page.click('#sample'));
  expect(await text(page, '#input-shape')).toContain('[1, 3, 256, 256]');

  // Feature maps of the ResNet stem size.
  expect(await page.locator('#features canvas').count()).toBe(12);
  expect(await text(page, '#features-timing')).toMatch(/\[1, 64, 56, 56\].*simdpool SIMD [\d.]+ ms.*plain JS [\d.]+ ms/);

  await page.click('#bench');
  await page.waitForSelector('#chart[data-done="true"]', { state: 'attached', timeout: 60_000 });
  expect(await page.locator('#chart rect.bar').count()).toBe(16); // 4 cases x (SIMD, scalar, JS loops, Web Workers)
  expect(await text(page, '#status')).toMatch(/simdpool\/parallel: \d+ Web Workers/);

  mkdirSync(new URL('../../demo/screenshots/', import.meta.url), { recursive: true });
  const shot = process.env.UPDATE_SCREENSHOT === '1' ? 'demo.png' : 'latest.png';
  await page.screenshot({ path: fileURLToPath(new URL(`../../demo/screenshots/${shot}`, import.meta.url)), fullPage: true });
  expect(errors).toEqual([]);
  await page.close();
});

it('demo in a browser without WebAssembly SIMD: says the scalar build runs and why there are no workers', async () => {
  const noSimd = await launch(NO_WASM_SIMD);
  try {
    const { page, errors } = await openPage(noSimd, `${server.url}demo/?quick`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    // Isolated, so the missing workers are SIMD's doing (simdpool/parallel needs it), not isolation's.
    expect(await text(page, '#status')).toMatch(/engine\.simd = false .*crossOriginIsolated = true; simdpool\/parallel: no workers \(no WebAssembly SIMD\)/);
    // The default engine's timings are the scalar build's, and labelled so.
    expect(await text(page, '#features-timing')).toMatch(/simdpool scalar \(no SIMD here\) [\d.]+ ms/);
    expect(await text(page, '#features-timing')).not.toMatch(/simdpool SIMD/);
    expect(await page.locator('#build option[value="simd"]').textContent()).toBe('default (scalar: no SIMD here)');
    expect(errors).toEqual([]);
  } finally {
    await noSimd.close();
  }
});
