// Regressions from a robustness review of the example HTTP server and the command line: inputs
// that crashed the server, held its memory, asked clients to retry forever, or made the CLI
// print a stack trace, hang or silently skip a file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initParallel, type ParallelEngine } from '../dist/parallel.js';
// @ts-expect-error plain JavaScript example
import { createPoolServer } from '../examples/server/server.mjs';

const JSON_MAX_VALUES = 2 ** 24;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function postJson(url: string, body: string | Buffer) {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  return { status: res.status, error: ((await res.json()) as { error?: string }).error };
}

describe('examples/server under abusive requests', () => {
  let engine: ParallelEngine;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    engine = await initParallel({ threads: 1, maxMemoryBytes: 16 << 20 });
    // 12 MiB binary bodies (96 MiB JSON), results up to 1 TiB (only the JSON cap applies), a short send timeout
    server = createPoolServer({ engine, maxBodyBytes: 12 << 20, maxResultBytes: 2 ** 40, sendTimeoutMs: 300 });
    base = await listen(server);
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await engine?.close();
  });
  const works = async () => {
    const ok = await postJson(`${base}/v1/maxPool2d`, JSON.stringify({ data: [1, 2, 3, 4], shape: [1, 1, 2, 2], options: { kernelSize: 2 } }));
    expect(ok.status).toBe(200);
  };

  it('refuses a JSON body with more values than JSON.parse may build (413), before parsing it', async () => {
    // 2^24 + 1 values in 32 MiB: within the byte limit. 256 MiB like this (the default limit is
    // 512 MiB) made JSON.parse a fatal V8 error ("invalid size", an array over ~134M elements).
    const n = JSON_MAX_VALUES + 1;
    const body = Buffer.from(`{"data":[${'0,'.repeat(n - 1)}0],"shape":[1,1,${n},1],"options":{"kernelSize":1}}`);
    const r = await postJson(`${base}/v1/maxPool2d`, body);
    expect(r.status).toBe(413);
    expect(r.error).toBe(`JSON body has more than ${JSON_MAX_VALUES} values, this server's limit for JSON; send large tensors as application/octet-stream`);
    // nesting costs more heap per byte than numbers: bounded too
    const nested = await postJson(`${base}/v1/maxPool2d`, `{"data":[1],"shape":[1,1,1,1],"layout":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    expect(nested.status).toBe(413);
    expect(nested.error).toBe("JSON body has more than 4096 arrays and objects, this server's limit");
    await works();
  });

  it('refuses a JSON answer of more values than it may build, before computing it', async () => {
    const r = await postJson(`${base}/v1/adaptiveAvgPool2d`, JSON.stringify({ data: [1], shape: [1, 1, 1, 1], options: { outputSize: 4097 } }));
    expect(r.status).toBe(400);
    expect(r.error).toBe(`the result (shape [1,1,4097,4097], 16785409 values) is over this server's limit of ${JSON_MAX_VALUES} values for a JSON answer; use application/octet-stream`);
    await works();
  });

  it('keeps error messages short for huge or deeply nested values (no stack overflow, no echo of the body)', async () => {
    const layout = await postJson(`${base}/v1/maxPool2d`, `{"data":[1,2,3,4],"shape":[1,1,2,2],"layout":${'['.repeat(2000)}${']'.repeat(2000)},"options":{"kernelSize":2}}`);
    expect(layout.status).toBe(400);
    expect(layout.error).toBe("maxPool2d: x.layout must be 'NCHW' or 'NHWC', got [[[[Array(1)]]]]");
    const big = Array.from({ length: 100_000 }, () => 1);
    const data = await postJson(`${base}/v1/maxPool2d`, JSON.stringify({ data: [big], shape: [1], options: { kernelSize: 1 } }));
    expect(data.status).toBe(400);
    expect(data.error).toBe('JSON body: data[0] must be a number (or "NaN", "Infinity", "-Infinity", "-0"), got an array of 100000');
    const options = await postJson(`${base}/v1/maxPool2d`, JSON.stringify({ data: [1], shape: [1, 1, 1, 1], options: big }));
    expect(options.status).toBe(400);
    expect(options.error).toBe('JSON body: "options" must be an object, got an array of 100000');
    await works();
  });

  it('answers 413, not 503 (retry), for a call whose own input and result exceed the memory limit', async () => {
    // 10 MiB in, 10 MiB out, 16 MiB of engine memory: it can never fit, however long one waits
    const inUse = engine.memoryStats().bytesInUse;
    const res = await fetch(`${base}/v1/toNHWC?shape=1,10,512,512`, { method: 'POST', body: Buffer.alloc(10 << 20), headers: { 'content-type': 'application/octet-stream' } });
    expect(res.status).toBe(413);
    expect(res.headers.get('retry-after')).toBeNull();
    // The failed call kept nothing (and, as an allocation failed, the cached plans went too). (Its result is
    // allocated first, so the copy of x is what fails.)
    expect(engine.memoryStats().bytesInUse).toBeLessThanOrEqual(inUse);
    expect(((await res.json()) as { error: string }).error).toMatch(/^toNHWC: x needs 10485760 bytes, but wasm memory cannot grow to fit it .*; this call's input and result alone take 20971520 bytes, over the limit$/);
    const fits = await fetch(`${base}/v1/toNHWC?shape=1,4,512,512`, { method: 'POST', body: Buffer.alloc(4 << 20), headers: { 'content-type': 'application/octet-stream' } });
    expect(fits.status).toBe(200);
    expect((await fits.arrayBuffer()).byteLength).toBe(4 << 20);
  });

  it('drops a connection whose client stops reading its answer (the answer is not held forever)', async () => {
    const roomy = await initParallel({ threads: 1, maxMemoryBytes: 64 << 20 });
    const s = createPoolServer({ engine: roomy, maxBodyBytes: 16 << 20, sendTimeoutMs: 300 });
    await listen(s);
    const { port } = s.address() as AddressInfo;
    const body = Buffer.alloc(16 << 20); // a 16 MiB answer: more than the socket buffers take
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write(`POST /v1/toNHWC?shape=1,16,512,512 HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\n\r\n`);
    socket.write(body);
    socket.pause(); // never read the answer
    try {
      const connections = () => new Promise<number>((r, j) => s.getConnections((e, n) => (e ? j(e) : r(n))));
      let t0 = Date.now();
      let open = await connections();
      while (open === 0 && Date.now() - t0 < 5_000) {
        await new Promise((r) => setTimeout(r, 20));
        open = await connections();
      }
      expect(open).toBe(1);
      t0 = Date.now();
      while (open > 0 && Date.now() - t0 < 10_000) {
        await new Promise((r) => setTimeout(r, 100));
        open = await connections();
      }
      expect(open).toBe(0); // before the fix: open as long as the client lives
      expect(Date.now() - t0).toBeLessThan(5_000); // (well before keep-alive or request timeouts)
    } finally {
      socket.destroy();
      await new Promise((r) => s.close(r));
      await roomy.close();
    }
    await works();
  });
});

describe('simdpool CLI, odd --out-dir uses', () => {
  const CLI = new URL('../dist/cli.js', import.meta.url).pathname;
  const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000 });
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'simdpool-cli-abuse-'));
    // two float32 (1, 1, 4, 4) .npy files, version 1.0 header padded to 64 bytes
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 4, 4), }";
    const padded = header + ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
    const head = Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length & 255, padded.length >> 8]), Buffer.from(padded, 'latin1')]);
    for (const name of ['a.npy', 'b.npy']) writeFileSync(join(dir, name), Buffer.concat([head, Buffer.from(Float32Array.from({ length: 16 }, (_, i) => i).buffer)]));
    writeFileSync(join(dir, 'file'), '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('an --out-dir it cannot create is a one-line error with status 1 (no stack trace, no hang)', () => {
    const cases: Array<[string, RegExp]> = [
      [join(dir, 'file'), /^simdpool: cannot create --out-dir ".*file": ".*file" exists and is not a directory\n$/],
      [join(dir, 'file', 'sub'), /^simdpool: cannot create --out-dir ".*sub": ENOTDIR\n$/],
      ['', /^simdpool: cannot create --out-dir "": empty path\n$/],
    ];
    // mkdirSync's recursive option loops forever under /proc (mkdir says ENOENT, its parent exists)
    if (existsSync('/proc/self')) cases.push(['/proc/simdpool-out', /^simdpool: cannot create --out-dir "\/proc\/simdpool-out": ENOENT\n$/]);
    for (const [out, message] of cases) {
      const r = cli(['pool', 'max', '--out-dir', out, join(dir, 'a.npy'), '--kernel', '2']);
      expect(r.signal, out).toBeNull();
      expect(r.status, out).toBe(1);
      expect(r.stderr, out).toMatch(message);
    }
  });

  it('with --out-dir, --indices takes no value wherever it is (the next input is not swallowed)', () => {
    const out = join(dir, 'out');
    const r = cli(['pool', 'max', '--out-dir', out, '--indices', join(dir, 'a.npy'), join(dir, 'b.npy'), '--kernel', '2', '-q']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['a.indices.npy', 'a.npy', 'b.indices.npy', 'b.npy']);
    const v = cli(['pool', 'max', `--out-dir=${out}`, join(dir, 'a.npy'), '--indices=x.npy', '--kernel', '2']);
    expect(v.status).toBe(1);
    expect(v.stderr).toBe('simdpool: with --out-dir, --indices takes no value (indices go to <dir>/<name>.indices.npy), got "--indices=x.npy"\n');
  });
});
