// scripts/serve.mjs, the static server of the demo and the browser tests: paths stay inside its
// root, and a file it cannot read is a 404 rather than a crash of the process serving it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serve } from '../scripts/serve.mjs';

let root: string;
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'simdpool-serve-'));
  mkdirSync(path.join(root, 'demo'));
  writeFileSync(path.join(root, 'demo', 'main.js'), 'main');
  writeFileSync(path.join(root, 'demo', 'k.wasm'), new Uint8Array([0, 97, 115, 109]));
  // A directory where its index.html would be: unreadable as a file.
  mkdirSync(path.join(root, 'odd', 'index.html'), { recursive: true });
  server = await serve({ root });
});

afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

const get = async (p: string, init?: RequestInit) => {
  const r = await fetch(server.url.slice(0, -1) + p, { redirect: 'manual', ...init });
  return { status: r.status, type: r.headers.get('content-type'), location: r.headers.get('location'), body: await r.text() };
};

it('serves files with their types; a directory redirects to its slash, keeping the query', async () => {
  expect(await get('/demo/main.js')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8', body: 'main' });
  expect(await get('/demo/k.wasm')).toMatchObject({ status: 200, type: 'application/wasm' });
  expect(await get('/demo?quick')).toMatchObject({ status: 301, location: '/demo/?quick' });
});

it('a file it cannot read is a 404, and the server goes on serving', async () => {
  expect(await get('/odd/')).toMatchObject({ status: 404 });
  expect(await get('/odd/', { method: 'HEAD' })).toMatchObject({ status: 404 });
  expect(await get('/demo/main.js')).toMatchObject({ status: 200, body: 'main' });
});

it("paths stay inside the root: '..' in any spelling, and '//name/...' is a path, not a host", async () => {
  for (const p of ['/%2e%2e/%2e%2e/etc/passwd', '/demo/%2e%2e%2f%2e%2e%2fetc/passwd', '/..%5c..%5cetc/passwd']) {
    expect((await get(p)).status).not.toBe(200);
  }
  // (Slashes merge, as nginx's do; a leading '//x' is no host that would strip itself off.)
  expect(await get('//demo//main.js')).toMatchObject({ status: 200, body: 'main' });
  expect((await get('//x/demo/main.js')).status).toBe(404);
});
