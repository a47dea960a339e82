// The example HTTP service (examples/server): answers equal the library's, and bad requests get
// a 4xx with a clear message while the server keeps serving.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { initParallel, type ParallelEngine } from '../dist/parallel.js';
import { getEngine } from './support/engine';
// @ts-expect-error plain JavaScript example
import { createPoolServer } from '../examples/server/server.mjs';

let engine: ParallelEngine;
let server: Server;
let base: string;
beforeAll(async () => {
  engine = await initParallel({ threads: 1, inlineBelow: 10_000 });
  server = createPoolServer({ engine, maxBodyBytes: 1 << 20 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await engine?.close();
});

const input = Float32Array.from({ length: 2 * 3 * 9 * 9 }, (_, i) => ((i * 37) % 23) - 11);

async function post(path: string, body: BodyInit, headers: Record<string, string>) {
  const res = await fetch(base + path, { method: 'POST', body, headers });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}

describe('examples/server', () => {
  it('pools a binary float32 body with shape and options in the query', async () => {
    const { res, body } = await post('/v1/maxPool2d?shape=2,3,9,9&kernelSize=3&stride=2&padding=1&ceilMode=true', Buffer.from(input.buffer), { 'content-type': 'application/octet-stream' });
    expect(res.status).toBe(200);
    const want = (await getEngine()).maxPool2d({ data: input, shape: [2, 3, 9, 9] }, { kernelSize: 3, stride: 2, padding: 1, ceilMode: true });
    expect(res.headers.get('x-shape')).toBe(want.shape.join(','));
    expect(res.headers.get('x-layout')).toBe('NCHW');
    expect(new Float32Array(body.buffer, body.byteOffset, body.length / 4)).toEqual(want.data);
  });

  it('takes shape and options in headers, NHWC, large enough for the workers', async () => {
    const big = Float32Array.from({ length: 4 * 32 * 32 * 16 }, (_, i) => Math.sin(i));
    const { res, body } = await post('/v1/avgPool2d', Buffer.from(big.buffer), {
      'content-type': 'application/octet-stream', 'x-shape': '4,32,32,16', 'x-layout': 'NHWC', 'x-options': '{"kernelSize":[2,2],"countIncludePad":false}',
    });
    expect(res.status).toBe(200);
    const want = (await getEngine()).avgPool2d({ data: big, shape: [4, 32, 32, 16], layout: 'NHWC' }, { kernelSize: [2, 2], countIncludePad: false });
    expect(new Float32Array(body.buffer, body.byteOffset, body.length / 4)).toEqual(want.data);
    expect(engine.stats().workerCalls).toBeGreaterThan(0);
  });

  it('answers JSON with indices and non-finite values', async () => {
    const data = [1, 'NaN', 3, 4, 'Infinity', 0, -1, '-Infinity', 2];
    const { res, body } = await post('/v1/maxPool2d', JSON.stringify({ data, shape: [1, 1, 3, 3], options: { kernelSize: 2, stride: 1, returnIndices: true } }), { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(JSON.parse(body.toString())).toEqual({ data: ['NaN', 'NaN', 'Infinity', 'Infinity'], shape: [1, 1, 2, 2], layout: 'NCHW', indices: [1, 1, 4, 4] });
    const g = await post('/v1/globalAvgPool2d', JSON.stringify({ data: [1, 2, 3, 4], shape: [1, 1, 2, 2] }), { 'content-type': 'application/json' });
    expect(JSON.parse(g.body.toString()).data).toEqual([2.5]);
  });

  it('takes inputShape in the query as a list of any length (one spatial size for 1D backward passes)', async () => {
    const sp = await getEngine();
    const grad = Float32Array.of(1, -2, 3, 0.5, 4, -1);
    const cases = [
      ['/v1/avgPool1dBackward?shape=1,2,3&kernelSize=2&inputShape=6', { data: grad, shape: [1, 2, 3] }, { inputShape: [6], kernelSize: 2 }],
      ['/v1/adaptiveAvgPool1dBackward?shape=1,2,3&inputShape=1,2,7', { data: grad, shape: [1, 2, 3] }, { inputShape: [1, 2, 7] }],
      ['/v1/avgPool2dBackward?shape=1,1,2,3&kernelSize=2&inputShape=4,6', { data: grad, shape: [1, 1, 2, 3] }, { inputShape: [4, 6], kernelSize: 2 }],
    ] as const;
    for (const [path, g, options] of cases) {
      const { res, body } = await post(path, Buffer.from(grad.buffer), { 'content-type': 'application/octet-stream' });
      expect(res.status, `${path}: ${body}`).toBe(200);
      const op = path.slice(4, path.indexOf('?')) as 'avgPool1dBackward';
      const want = sp[op](g, options as never);
      expect(res.headers.get('x-shape')).toBe(want.shape.join(','));
      expect(new Float32Array(body.buffer, body.byteOffset, body.length / 4)).toEqual(want.data);
    }
    const bad = await post('/v1/avgPool1dBackward?shape=1,2,3&kernelSize=2&inputShape=6.5', Buffer.from(grad.buffer), { 'content-type': 'application/octet-stream' });
    expect(bad.res.status).toBe(400);
    expect(JSON.parse(bad.body.toString()).error).toBe('inputShape must be comma-separated non-negative integers, got "6.5"');
  });

  it.each([
    ['/v1/maxPool2d?kernelSize=2', 'application/octet-stream', 400, /needs a shape/, Buffer.alloc(16)],
    ['/v1/maxPool2d?shape=1,1,2,3&kernelSize=2', 'application/octet-stream', 400, /x.data has 4 elements but x.shape \[1, 1, 2, 3\] needs 6/, Buffer.alloc(16)],
    ['/v1/maxPool2d?shape=1,1,2,2&kernelSize=2', 'application/octet-stream', 400, /multiple of 4 bytes/, Buffer.alloc(15)],
    ['/v1/maxPool2d?shape=1,1,2,x', 'application/octet-stream', 400, /comma-separated/, Buffer.alloc(16)],
    ['/v1/maxPool2d?shape=1,1,2,2', 'application/octet-stream', 400, /kernelSize is required/, Buffer.alloc(16)],
    ['/v1/maxPool2d?shape=1,1,2,2&kernelSize=5', 'application/octet-stream', 400, /output size is too small/, Buffer.alloc(16)],
    ['/v1/maxPool2d?shape=1,1,2,2&kernelSize=2&bogus=1', 'application/octet-stream', 400, /unknown option "bogus"/, Buffer.alloc(16)],
    ['/v1/maxPool2d?shape=1,1,2,2&kernelSize=2&ceilMode=yes', 'application/octet-stream', 400, /ceilMode must be true or false/, Buffer.alloc(16)],
    ['/v1/maxPool2d', 'application/json', 400, /not valid JSON/, Buffer.from('{"data": [1, 2')],
    ['/v1/maxPool2d', 'application/json', 400, /data\[1\] must be a number/, Buffer.from('{"data": [1, "x"], "shape": [1,1,1,2]}')],
    ['/v1/maxPool2d', 'text/plain', 415, /Content-Type must be/, Buffer.from('hi')],
    ['/v1/nothing', 'application/json', 404, /unknown operator "nothing"/, Buffer.from('{}')],
    ['/elsewhere', 'application/json', 404, /no route/, Buffer.from('{}')],
    ['/v1/maxPool2d?shape=1,1,512,1024&kernelSize=2', 'application/octet-stream', 413, /over the limit of 1048576 bytes/, Buffer.alloc((1 << 20) + 4)],
  ] as const)('%s (%s) answers %i', async (path, type, status, message, body) => {
    const { res, body: answer } = await post(path, body, { 'content-type': type });
    expect(res.status).toBe(status);
    expect(JSON.parse(answer.toString()).error).toMatch(message);
  });

  it('refuses a result over the limit before computing it (outputSize, inputShape, unpooling)', async () => {
    const json = { 'content-type': 'application/json' };
    const before = engine.memoryStats().memoryBytes;
    const cases = [
      // a few bytes asking for 8192x8192 outputs and indices (512 MiB), or a 16384x16384 gradient (1 GiB)
      ['/v1/adaptiveMaxPool2d', { data: [1], shape: [1, 1, 1, 1], options: { outputSize: [8192, 8192], returnIndices: true } }, '[1,1,8192,8192]', 536870912],
      ['/v1/adaptiveAvgPool2d', { data: [1, 2], shape: [2, 1, 1], options: { outputSize: 8192 } }, '[2,8192,8192]', 536870912],
      ['/v1/avgPool2dBackward', { data: [1], shape: [1, 1, 1, 1], options: { kernelSize: 16384, inputShape: [16384, 16384] } }, '[1,1,16384,16384]', 1073741824],
      ['/v1/maxUnpool2d', { data: [1], shape: [1, 1, 1, 1], indices: [0], options: { kernelSize: 1, stride: 16384, outputSize: [16384, 16384] } }, '[1,1,16384,16384]', 1073741824],
      // padding sides have no half-kernel limit
      ['/v1/maxPool2d', { data: [1], shape: [1, 1, 1, 1], options: { kernelSize: 1, padding: { top: 4000, bottom: 4000, left: 4000, right: 4000 }, returnIndices: true } }, '[1,1,8001,8001]', 512128008],
    ] as const;
    for (const [path, doc, shape, bytes] of cases) {
      const { res, body } = await post(path, JSON.stringify(doc), json);
      expect(res.status, `${path}: ${body}`).toBe(400);
      expect(JSON.parse(body.toString()).error).toBe(`the result (shape ${shape}, ${bytes} bytes) is over this server's limit of 1048576 bytes`);
    }
    expect(engine.memoryStats().memoryBytes).toBe(before); // nothing was computed
    // within the limit the same kinds are answered (and the shapes in options are still checked)
    const ok = await post('/v1/adaptiveAvgPool2d', JSON.stringify({ data: [1, 2, 3, 4], shape: [1, 1, 2, 2], options: { outputSize: 3 } }), json);
    expect(ok.res.status).toBe(200);
    expect(JSON.parse(ok.body.toString()).shape).toEqual([1, 1, 3, 3]);
    const bad = await post('/v1/avgPool2dBackward', JSON.stringify({ data: [1], shape: [1, 1, 1, 1], options: { kernelSize: 2, inputShape: [1, 1, 9, 9] } }), json);
    expect(bad.res.status).toBe(400);
    expect(JSON.parse(bad.body.toString()).error).toMatch(/gradOutput/);
    // a shape that does not match its data is answered as such, not as a result too large
    const short = await post('/v1/adaptiveAvgPool2d', JSON.stringify({ data: [1], shape: [100000, 1, 1, 1], options: { outputSize: 2 } }), json);
    expect(short.res.status).toBe(400);
    expect(JSON.parse(short.body.toString()).error).toMatch(/x.data has 1 elements but x.shape \[100000, 1, 1, 1\] needs 100000/);
  });

  it('answers 413 for a call larger than the whole engine memory, and still serves afterwards', async () => {
    const small = await initParallel({ threads: 1, maxMemoryBytes: 16 << 20 });
    const s = createPoolServer({ engine: small, maxBodyBytes: 1 << 20, maxResultBytes: 2 ** 40 });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/v1/maxUnpool1d`;
      const ask = (kernelSize: number) => fetch(url, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ data: [1, 2], shape: [1, 1, 2], indices: [0, 1], options: { kernelSize } }),
      });
      // 40 MB (a JSON answer is capped at 2^24 values, 64 MiB of float32: the memory is smaller)
      const res = await ask(5_000_000);
      expect(res.status).toBe(413);
      expect((await res.json()).error).toMatch(/^maxUnpool1d: the result needs 40000000 bytes, but wasm memory cannot grow to fit it \(\d+ bytes in use; the limit is 16777216 bytes\)$/);
      const ok = await ask(2);
      expect(ok.status).toBe(200);
      expect((await ok.json()).data).toEqual([1, 2, 0, 0]);
    } finally {
      await new Promise((r) => s.close(r));
      await small.close();
    }
  });

  it("a bad request's message names the client's shapes (not the batch-0 trial call's)", async () => {
    const grad = new Float32Array(8);
    const { res, body } = await post('/v1/avgPool2dBackward?shape=1,2,2,2&kernelSize=2&inputShape=1,3,4,4', Buffer.from(grad.buffer), { 'content-type': 'application/octet-stream' });
    expect(res.status).toBe(400);
    let want = '';
    try {
      (await getEngine()).avgPool2dBackward({ data: grad, shape: [1, 2, 2, 2] }, { kernelSize: 2, inputShape: [1, 3, 4, 4] });
    } catch (e) {
      want = (e as Error).message;
    }
    expect(want).toContain('[1, 3, 4, 4]');
    expect(JSON.parse(body.toString()).error).toBe(want);
  });

  it('answers 411 to a POST with neither Content-Length nor a chunked body', async () => {
    // (a raw socket: Node's client would add a Content-Length)
    const { connect } = await import('node:net');
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
      let text = '';
      socket.on('data', (d) => (text += d)).on('end', () => resolve(text)).on('error', reject);
      socket.end('POST /v1/maxPool2d?shape=1,1,2,2&kernelSize=2 HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n\r\n');
    });
    expect(answer).toMatch(/^HTTP\/1\.1 411 /);
    expect(answer).toContain('a body is required, with a Content-Length');
  });

  it('rejects a query parameter given twice, and __proto__ as an unknown option', async () => {
    const data = Buffer.from(new Float32Array(4).buffer);
    const twice = await post('/v1/maxPool2d?shape=1,1,2,2&kernelSize=2&kernelSize=1', data, { 'content-type': 'application/octet-stream' });
    expect(twice.res.status).toBe(400);
    expect(JSON.parse(twice.body.toString()).error).toBe('query parameter "kernelSize" is given more than once');
    const proto = await post('/v1/maxPool2d?shape=1,1,2,2&kernelSize=2&__proto__=1', data, { 'content-type': 'application/octet-stream' });
    expect(proto.res.status).toBe(400);
    expect(JSON.parse(proto.body.toString()).error).toMatch(/^maxPool2d: unknown option "__proto__"/);
    const long = await post('/v1/maxPool2d?shape=1,1,2,2', data, { 'content-type': 'application/octet-stream', 'x-options': JSON.stringify('k'.repeat(5000)) });
    expect(long.res.status).toBe(400);
    expect(JSON.parse(long.body.toString()).error.length).toBeLessThan(200);
  });

  it('rejects GET with 405 and still serves afterwards', async () => {
    const res = await fetch(`${base}/v1/maxPool2d`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    const health = await fetch(`${base}/health`);
    expect((await health.json()).ok).toBe(true);
  });
});
