// examples/server under a bounded load test: a few hundred random requests, 16 in flight at a
// time, valid ones for every operator of the registry (backward passes in each call form:
// indices or the forward input in the JSON body, inputShape in the options; binary and JSON bodies, options in the
// query, an X-Options header or the JSON) mixed with invalid ones (bad JSON, wrong shapes, huge
// sizes and results, wrong content types, oversized, truncated and stalled bodies, garbage HTTP).
// Every answer is a correct result (checked against the reference) or a 4xx with a clear JSON
// message; never a 5xx, a dropped connection or a hang; the server still answers afterwards.
import fc from 'fast-check';
import type { Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initParallel, type ParallelEngine } from '../dist/parallel.js';
import type { Engine } from '../dist/index.js';
import { OPERATORS, type OperatorSpec } from '../src/ops/registry';
import * as ref from './reference/poolnd';
import { getEngine } from './support/engine';
import {
  backwardIndices, callArgs, engineError, expectReferenceResult, forwardOf, gradValues, inCallLayout, optionValue,
  referenceFor, unpoolIndices, values,
} from './support/operator-cases';
// @ts-expect-error plain JavaScript example
import { createPoolServer } from '../examples/server/server.mjs';

const OPS = Object.values(OPERATORS) as OperatorSpec[];
const MAX_BODY = 256 << 10;
const MAX_RESULT = 256 << 10;
const MAX_MEMORY = 64 << 20;
const REQUEST_TIMEOUT_MS = 1000;
const CONCURRENCY = 16;

let sp: Engine;
let engine: ParallelEngine;
let server: Server;
let port: number;
beforeAll(async () => {
  sp = await getEngine();
  engine = await initParallel({ threads: 2, inlineBelow: 2000, maxMemoryBytes: MAX_MEMORY });
  server = createPoolServer({ engine, maxBodyBytes: MAX_BODY, maxResultBytes: MAX_RESULT, requestTimeoutMs: REQUEST_TIMEOUT_MS });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await engine?.close();
});

/** One request and what its answer must be. */
interface Req {
  name: string;
  /** Sent with fetch, or as raw bytes on a socket (half-closed after them unless `stall`). */
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer;
  raw?: string;
  stall?: boolean;
  /** A result to compare with the reference, or a 4xx status and a message pattern. */
  expect: { ok: { op: OperatorSpec; last: boolean; want: { output: ref.T; indices?: ref.T<Int32Array> }; json: boolean } } | { status: number; error: RegExp };
}

const enc = (v: number) => (Object.is(v, -0) || !Number.isFinite(v) ? String(Object.is(v, -0) ? '-0' : v) : v);
const qs = (opts: Record<string, unknown>) =>
  Object.entries(opts).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => `${k}=${encodeURIComponent(Array.isArray(v) ? v.join(',') : String(v))}`).join('&');
/**
 * Whether options survive the query-string form (numbers, booleans, strings, arrays of 2 or more
 * numbers, and inputShape of any length: other one-element arrays come back as a number, which
 * outputSize in 2D and 3D reads differently: a number is every dim's size, [n] is an error).
 */
const queryable = (opts: Record<string, unknown>) =>
  Object.entries(opts).every(([k, v]) => v === undefined || ['number', 'boolean', 'string'].includes(typeof v) ||
    (Array.isArray(v) && (v.length > 1 || k === 'inputShape') && v.every((e) => typeof e === 'number')));

/**
 * Backward passes: which form a request takes (max: the forward's indices or the forward input;
 * Lp: the input; averages: inputShape), and whether it must be JSON (indices and input are).
 */
const backwardForm = (op: OperatorSpec): fc.Arbitrary<'indices' | 'input' | 'inputShape'> =>
  op.reduce === 'max' ? fc.constantFrom('indices', 'input') : fc.constant(op.reduce === 'lp' ? 'input' : 'inputShape');

/** A random valid-looking request for `op` (what the engine makes of it decides the answer). */
const validRequest = (op: OperatorSpec): fc.Arbitrary<Req> => {
  const form = op.kind === 'backward' ? backwardForm(op) : fc.constant(undefined);
  return form.chain((f) => requestOf(op, f));
};

const requestOf = (op: OperatorSpec, form: 'indices' | 'input' | 'inputShape' | undefined): fc.Arbitrary<Req> => {
  // Backward passes: the forward's options (input and inputShape come with the form; nanMode only without indices).
  const names = op.options.filter((n) => !['out', 'outIndices', 'input', 'inputShape'].includes(n) && !(form === 'indices' && n === 'nanMode'));
  const opts = op.kind === 'unpool'
    ? fc.record({ kernelSize: fc.integer({ min: 1, max: 3 }) })
    : fc.record(Object.fromEntries(names.map((n) => [n, optionValue(n, op.dims)])), { requiredKeys: names.filter((n) => n === 'kernelSize' || n === 'outputSize') });
  const maxSide = { 1: 40, 2: 12, 3: 5 }[op.dims]!;
  return fc.record({
    opts,
    last: fc.boolean(),
    layoutGiven: fc.boolean(),
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 4 }),
    spatial: fc.array(fc.integer({ min: 1, max: maxSide }), { minLength: op.dims, maxLength: op.dims }),
    seed: fc.integer(),
    fullShape: fc.boolean(),
    json: op.kind === 'unpool' || form === 'indices' || form === 'input' ? fc.constant(true) : fc.boolean(),
    where: fc.constantFrom('query', 'header'),
  }).map((r): Req => {
    const cf = { data: values(r.n * r.c * r.spatial.reduce((a, b) => a * b, 1), r.seed), shape: [r.n, r.c, ...r.spatial] };
    const o = { ...r.opts } as Record<string, unknown>;
    // The body's tensor: x, or gradOutput (the forward output's shape) for backward passes.
    let body: ref.T = cf;
    let indices: ref.T<Int32Array> | undefined;
    if (op.kind === 'unpool') indices = unpoolIndices(cf, op.dims, o.kernelSize as number, r.seed);
    if (op.kind === 'backward') {
      const forward = forwardOf(op, cf, o, r.seed);
      const gShape = forward?.output.shape ?? cf.shape;
      body = { data: gradValues(gShape.reduce((a, b) => a * b, 1), r.seed), shape: gShape };
      if (form === 'indices') indices = { data: backwardIndices(body.data.length, r.spatial.reduce((a, b) => a * b, 1), r.seed, forward?.indices?.data), shape: gShape };
    }
    const x = inCallLayout(body, op.dims, r.last);
    const layout = r.layoutGiven || r.last ? x.layout : undefined;
    const indicesArg = indices ? inCallLayout(indices, op.dims, r.last) : undefined;
    // Backward passes: the forward input as inputShape (spatial or full) in the options, or as "input" in the body.
    const forwardInput = form === 'input' ? inCallLayout(cf, op.dims, r.last) : undefined;
    if (form === 'indices' || form === 'inputShape') o.inputShape = r.fullShape ? inCallLayout(cf, op.dims, r.last).shape : r.spatial;
    // What the server hands the engine: options as sent, the input among them; {} for operators
    // without required options is "no options".
    const withInput = forwardInput ? { ...o, input: { data: forwardInput.data, shape: forwardInput.shape, layout } } : o;
    const sent = op.kind !== 'pool' && Object.keys(withInput).length === 0 ? undefined : withInput;
    const error = engineError(sp, op, callArgs(op, { data: x.data, shape: x.shape, layout }, indicesArg, sent));
    const want = error ? undefined : referenceFor(op, cf, o, indices, body);
    const name = `${op.name}${form ? ` ${form}` : ''} ${r.json ? 'json' : `binary/${r.where}`} ${JSON.stringify(x.shape)} ${layout ?? ''} ${JSON.stringify(o)}`;
    // The server refuses indices over binary before the engine sees the call.
    const expected: Req['expect'] = !r.json && o.returnIndices === true ? { status: 400, error: /returnIndices needs the JSON format/ }
      : error ? { status: 400, error: new RegExp(`^${escape(error.message)}$`) }
      : want instanceof Error ? { status: 0, error: new RegExp(`the reference rejects it: ${escape(want.message)}`) } // cannot happen if the engine is right
      : { ok: { op, last: r.last, want: want!, json: r.json } };
    if (r.json) {
      const doc = {
        data: Array.from(x.data, enc), shape: x.shape, layout, options: o, indices: indicesArg ? Array.from(indicesArg.data) : undefined,
        input: forwardInput ? { data: Array.from(forwardInput.data, enc), shape: forwardInput.shape, layout } : undefined,
      };
      return { name, path: `/v1/${op.name}`, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(doc)), expect: expected };
    }
    const inQuery = r.where === 'query' && queryable(o);
    const query = [`shape=${x.shape.join(',')}`, layout ? `layout=${layout}` : '', inQuery ? qs(o) : ''].filter(Boolean).join('&');
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
    if (!inQuery) headers['x-options'] = JSON.stringify(o);
    return { name, path: `/v1/${op.name}?${query}`, headers, body: Buffer.from(x.data.buffer), expect: expected };
  });
};

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const JSON_TYPE = { 'content-type': 'application/json' };
const BINARY = { 'content-type': 'application/octet-stream' };
const f32 = (n: number) => Buffer.from(new Float32Array(n).buffer);
const head = (path: string, headers: string, body: string) => `POST ${path} HTTP/1.1\r\nhost: x\r\n${headers}content-length: ${body.length + 40}\r\n\r\n${body}`;

/** Requests that must be refused, each with its status and message. */
const INVALID: Req[] = [
  { name: 'truncated JSON', path: '/v1/maxPool2d', headers: JSON_TYPE, body: Buffer.from('{"data": [1, 2'), expect: { status: 400, error: /body is not valid JSON/ } },
  { name: 'JSON array body', path: '/v1/maxPool2d', headers: JSON_TYPE, body: Buffer.from('[1, 2]'), expect: { status: 400, error: /JSON body must be an object/ } },
  { name: 'empty JSON body', path: '/v1/avgPool1d', headers: JSON_TYPE, body: Buffer.alloc(0), expect: { status: 400, error: /body is not valid JSON/ } },
  { name: 'data not an array', path: '/v1/maxPool2d', headers: JSON_TYPE, body: Buffer.from('{"data": "1,2", "shape": [1,1,1,2]}'), expect: { status: 400, error: /"data" must be an array of numbers/ } },
  { name: 'a bad number', path: '/v1/maxPool2d', headers: JSON_TYPE, body: Buffer.from('{"data": [1, {}], "shape": [1,1,1,2]}'), expect: { status: 400, error: /data\[1\] must be a number/ } },
  { name: 'options null', path: '/v1/globalAvgPool2d', headers: JSON_TYPE, body: Buffer.from('{"data": [1], "shape": [1,1,1,1], "options": null}'), expect: { status: 400, error: /"options" must be an object, got null/ } },
  { name: 'options a number', path: '/v1/maxPool1d', headers: JSON_TYPE, body: Buffer.from('{"data": [1], "shape": [1,1,1], "options": 5}'), expect: { status: 400, error: /"options" must be an object, got 5/ } },
  { name: 'shape mismatch', path: '/v1/maxPool2d', headers: JSON_TYPE, body: Buffer.from('{"data": [1, 2, 3], "shape": [1,1,2,2], "options": {"kernelSize": 2}}'), expect: { status: 400, error: /^maxPool2d: x\.data has 3 elements but x\.shape \[1, 1, 2, 2\] needs 4$/ } },
  { name: 'shape not an array', path: '/v1/avgPool2d', headers: JSON_TYPE, body: Buffer.from('{"data": [1], "shape": "1,1,1,1", "options": {"kernelSize": 1}}'), expect: { status: 400, error: /^avgPool2d: x\.shape must be an array of sizes/ } },
  { name: 'wrong rank', path: '/v1/maxPool3d', headers: JSON_TYPE, body: Buffer.from('{"data": [1, 2, 3, 4], "shape": [2,2], "options": {"kernelSize": 1}}'), expect: { status: 400, error: /^maxPool3d: x/ } },
  { name: 'unknown option', path: '/v1/maxPool2d?shape=1,1,2,2&kernelSize=2&bogus=1', headers: BINARY, body: f32(4), expect: { status: 400, error: /^maxPool2d: unknown option "bogus"/ } },
  { name: 'binary shape mismatch', path: '/v1/avgPool2d?shape=1,1,3,3&kernelSize=2', headers: BINARY, body: f32(4), expect: { status: 400, error: /^avgPool2d: x\.data has 4 elements but x\.shape \[1, 1, 3, 3\] needs 9$/ } },
  { name: 'huge shape', path: '/v1/maxPool2d?shape=65536,65536,65536,65536&kernelSize=2', headers: BINARY, body: f32(4), expect: { status: 400, error: /^maxPool2d: x\.data has 4 elements/ } },
  { name: 'shape not integers', path: '/v1/maxPool2d?shape=1,1,2,2.5&kernelSize=2', headers: BINARY, body: f32(4), expect: { status: 400, error: /shape must be comma-separated non-negative integers/ } },
  { name: 'no shape', path: '/v1/maxPool2d?kernelSize=2', headers: BINARY, body: f32(4), expect: { status: 400, error: /needs a shape/ } },
  { name: 'odd byte count', path: '/v1/maxPool2d?shape=1,1,1,1&kernelSize=1', headers: BINARY, body: Buffer.alloc(7), expect: { status: 400, error: /multiple of 4 bytes/ } },
  { name: 'huge kernel', path: '/v1/maxPool2d?shape=1,1,2,2&kernelSize=1000000000', headers: BINARY, body: f32(4), expect: { status: 400, error: /^maxPool2d: / } },
  { name: 'negative stride', path: '/v1/avgPool1d?shape=1,1,4&kernelSize=2&stride=-1', headers: BINARY, body: f32(4), expect: { status: 400, error: /^avgPool1d: stride/ } },
  { name: 'X-Options not an object', path: '/v1/maxPool2d?shape=1,1,2,2', headers: { ...BINARY, 'x-options': '[2]' }, body: f32(4), expect: { status: 400, error: /X-Options header must be a JSON object/ } },
  { name: 'X-Options not JSON', path: '/v1/maxPool2d?shape=1,1,2,2', headers: { ...BINARY, 'x-options': '{kernelSize: 2}' }, body: f32(4), expect: { status: 400, error: /X-Options header is not valid JSON/ } },
  { name: 'boolean option not a boolean', path: '/v1/maxPool2d?shape=1,1,2,2&kernelSize=2&ceilMode=1', headers: BINARY, body: f32(4), expect: { status: 400, error: /ceilMode must be true or false/ } },
  { name: 'indices over binary', path: '/v1/maxPool2d?shape=1,1,2,2&kernelSize=2&returnIndices=true', headers: BINARY, body: f32(4), expect: { status: 400, error: /returnIndices needs the JSON format/ } },
  { name: 'unpool over binary', path: '/v1/maxUnpool2d?shape=1,1,2,2&kernelSize=2', headers: BINARY, body: f32(4), expect: { status: 400, error: /maxUnpool2d needs the JSON format/ } },
  { name: 'unpool without indices', path: '/v1/maxUnpool1d', headers: JSON_TYPE, body: Buffer.from('{"data": [1, 2], "shape": [1,1,2], "options": {"kernelSize": 2}}'), expect: { status: 400, error: /maxUnpool1d needs "indices"/ } },
  { name: 'unpool index out of range', path: '/v1/maxUnpool1d', headers: JSON_TYPE, body: Buffer.from('{"data": [1, 2], "shape": [1,1,2], "indices": [0, 99], "options": {"kernelSize": 2}}'), expect: { status: 400, error: /^maxUnpool1d: indices/ } },
  { name: 'max backward over binary', path: '/v1/maxPool2dBackward?shape=1,1,1,1&inputShape=2,2', headers: BINARY, body: f32(1), expect: { status: 400, error: /maxPool2dBackward needs the JSON format, with "indices" \(and options\.inputShape\) or the forward input as "input"/ } },
  { name: 'Lp backward over binary', path: '/v1/lpPool1dBackward?shape=1,1,1&kernelSize=2', headers: BINARY, body: f32(1), expect: { status: 400, error: /lpPool1dBackward needs the JSON format, with the forward input as "input"/ } },
  { name: 'backward indices not int32', path: '/v1/maxPool1dBackward', headers: JSON_TYPE, body: Buffer.from('{"data": [1, 2], "shape": [1,1,2], "indices": [0, 1.5], "options": {"inputShape": [4]}}'), expect: { status: 400, error: /"indices" must be an array of int32 values \(the shape of gradOutput\)/ } },
  { name: 'backward index out of range', path: '/v1/maxPool1dBackward', headers: JSON_TYPE, body: Buffer.from('{"data": [1, 2], "shape": [1,1,2], "indices": [0, 9], "options": {"inputShape": [4]}}'), expect: { status: 400, error: /^maxPool1dBackward: indices holds 9 at flat position 1, outside the input plane of 4 elements/ } },
  { name: 'indices for an average backward', path: '/v1/avgPool1dBackward', headers: JSON_TYPE, body: Buffer.from('{"data": [1, 2], "shape": [1,1,2], "indices": [0, 1], "options": {"inputShape": [4], "kernelSize": 2}}'), expect: { status: 400, error: /avgPool1dBackward takes no "indices"/ } },
  { name: 'backward input not an object', path: '/v1/lpPool1dBackward', headers: JSON_TYPE, body: Buffer.from('{"data": [1, 2], "shape": [1,1,2], "input": [1, 2, 3, 4], "options": {"kernelSize": 2}}'), expect: { status: 400, error: /"input" must be an object/ } },
  { name: 'backward input with a bad number', path: '/v1/lpPool1dBackward', headers: JSON_TYPE, body: Buffer.from('{"data": [1, 2], "shape": [1,1,2], "input": {"data": [1, 2, "x", 4], "shape": [1,1,4]}, "options": {"kernelSize": 2}}'), expect: { status: 400, error: /input\.data\[2\] must be a number/ } },
  { name: 'backward input of other channels', path: '/v1/maxPool1dBackward', headers: JSON_TYPE, body: Buffer.from('{"data": [1, 2], "shape": [1,1,2], "input": {"data": [1, 2, 3, 4, 5, 6, 7, 8], "shape": [1,2,4]}, "options": {"kernelSize": 2}}'), expect: { status: 400, error: /^maxPool1dBackward: input must have gradOutput's layout, batch and channels/ } },
  { name: 'max backward without indices or input', path: '/v1/maxPool1dBackward', headers: JSON_TYPE, body: Buffer.from('{"data": [1, 2], "shape": [1,1,2], "options": {"kernelSize": 2, "inputShape": [4]}}'), expect: { status: 400, error: /^maxPool1dBackward: input \(the forward input\) is required without indices/ } },
  { name: 'gradOutput not the forward output', path: '/v1/avgPool1dBackward?shape=1,1,3&kernelSize=2&inputShape=1,1,4', headers: BINARY, body: f32(3), expect: { status: 400, error: /^avgPool1dBackward: gradOutput's spatial sizes \[3\] are not the forward output's \[2\]/ } },
  // A result of 320 MB asked for by a request of a few bytes: refused before it is computed
  // (test/server.test.ts has the 413 of a call larger than the whole engine memory).
  { name: 'result over the response limit, refused before computing', path: '/v1/maxUnpool1d', headers: JSON_TYPE, body: Buffer.from('{"data": [1, 2], "shape": [1,1,2], "indices": [0, 1], "options": {"kernelSize": 40000000}}'), expect: { status: 400, error: /^the result \(shape \[1,1,80000000\], 320000000 bytes\) is over this server's limit of 262144 bytes$/ } },
  // A result of 4 GiB and more: refused before any allocation.
  { name: 'result over 4 GiB', path: '/v1/adaptiveMaxPool2d', headers: JSON_TYPE, body: Buffer.from('{"data": [1], "shape": [1,1,1,1], "options": {"outputSize": [65536, 65536]}}'), expect: { status: 400, error: /^the result \(shape \[1,1,65536,65536\], 17179869184 bytes\) is over this server's limit of 262144 bytes$/ } },
  // A result that fits in memory but not in a response (280 KB > 256 KiB).
  { name: 'result over the response limit', path: '/v1/adaptiveMaxPool1d', headers: JSON_TYPE, body: Buffer.from('{"data": [1, 2, 3, 4], "shape": [1,1,4], "options": {"outputSize": 70000}}'), expect: { status: 400, error: /the result \(shape \[1,1,70000\], 280000 bytes\) is over this server's limit of 262144 bytes/ } },
  { name: 'body over the limit', path: '/v1/maxPool2d?shape=1,1,256,257&kernelSize=2', headers: BINARY, body: f32(256 * 257), expect: { status: 413, error: /over the limit of 262144 bytes/ } },
  { name: 'text/plain', path: '/v1/maxPool2d', headers: { 'content-type': 'text/plain' }, body: Buffer.from('1 2 3 4'), expect: { status: 415, error: /Content-Type must be/ } },
  { name: 'no content type', path: '/v1/maxPool2d', headers: {}, body: Buffer.from('x'), expect: { status: 415, error: /got "\(none\)"/ } },
  { name: 'unknown operator', path: '/v1/conv2d', headers: JSON_TYPE, body: Buffer.from('{}'), expect: { status: 404, error: /unknown operator "conv2d"/ } },
  { name: 'inherited property as operator', path: '/v1/constructor', headers: JSON_TYPE, body: Buffer.from('{}'), expect: { status: 404, error: /unknown operator "constructor"/ } },
  { name: 'no route', path: '/v2/maxPool2d', headers: JSON_TYPE, body: Buffer.from('{}'), expect: { status: 404, error: /no route/ } },
  { name: 'GET', path: '/v1/maxPool2d', method: 'GET', expect: { status: 405, error: /use POST/ } },
  { name: 'truncated body', raw: head('/v1/maxPool2d', 'content-type: application/json\r\n', '{"data": [1, 2'), expect: { status: 400, error: /ended before its whole body was received/ } },
  { name: 'stalled body', raw: head('/v1/avgPool2d', 'content-type: application/octet-stream\r\n', 'abcd'), stall: true, expect: { status: 408, error: /not received within 1000 ms/ } },
  { name: 'garbage', raw: 'HELLO THERE\r\n\r\n', expect: { status: 400, error: /malformed HTTP request/ } },
  { name: 'bad header', raw: 'POST /v1/maxPool2d HTTP/1.1\r\nhost x\r\n\r\n', expect: { status: 400, error: /malformed HTTP request/ } },
];

const request = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...OPS).chain(validRequest) },
  { weight: 1, arbitrary: fc.constantFrom(...INVALID) },
);

/** Send a request with fetch, or raw on a socket; the answer's status and body. */
async function send(r: Req): Promise<{ status: number; headers: Headers | Map<string, string>; body: Buffer }> {
  if (r.raw === undefined) {
    const res = await fetch(`http://127.0.0.1:${port}${r.path}`, { method: r.method ?? 'POST', headers: r.headers, body: r.method === 'GET' ? undefined : r.body });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  }
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(r.raw!);
      if (!r.stall) socket.end();
    });
    const chunks: Buffer[] = [];
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.1 (\d+) [^\r]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(text);
      if (!m) return reject(new Error(`not an HTTP answer: ${JSON.stringify(text)}`));
      const headers = new Map(m[2].split('\r\n').map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()] as [string, string]));
      resolve({ status: Number(m[1]), headers, body: Buffer.from(m[3], 'latin1') });
    });
  });
}

async function check(r: Req): Promise<number> {
  const { status, headers, body } = await send(r);
  if ('status' in r.expect) {
    expect(headers.get('content-type'), r.name).toBe('application/json');
    const doc = JSON.parse(body.toString());
    expect({ status, error: doc.error }, r.name).toEqual({ status: r.expect.status, error: expect.stringMatching(r.expect.error) });
    return status;
  }
  const { op, last, want, json } = r.expect.ok;
  if (status !== 200) expect.fail(`${r.name}: answered ${status} ${body.toString()}`);
  if (json) {
    const doc = JSON.parse(body.toString());
    const decode = (a: unknown[]) => Float32Array.from(a, (v) => (typeof v === 'string' ? Number(v) : (v as number)));
    const output = { data: decode(doc.data), shape: doc.shape, layout: doc.layout };
    const result = doc.indices ? { output, indices: { data: Int32Array.from(doc.indices), shape: doc.shape, layout: doc.layout } } : output;
    expectReferenceResult(op, last, result, want, r.name);
  } else {
    const data = new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.length));
    expectReferenceResult(op, last, { data, shape: headers.get('x-shape')!.split(',').filter(Boolean).map(Number), layout: headers.get('x-layout') }, want, r.name);
  }
  return status;
}

describe('examples/server under a bounded load test', () => {
  it('answers every request correctly or with a clear 4xx, and stays up', async () => {
    const statuses = new Map<number, number>();
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 150, maxLength: 150 }), async (requests) => {
        // Every invalid request at least once per run, the rest random; CONCURRENCY in flight.
        const queue = [...INVALID, ...requests];
        const lane = async () => {
          for (let r = queue.shift(); r; r = queue.shift()) {
            const status = await check(r);
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            seen.add(r.name);
          }
        };
        await Promise.all(Array.from({ length: CONCURRENCY }, lane));
      }),
      { numRuns: 2, endOnFailure: true },
    );
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(2 * (150 + INVALID.length));
    // Most random requests are valid and were answered with a checked result.
    expect(statuses.get(200)).toBeGreaterThan(100);
    expect(INVALID.every((r) => seen.has(r.name))).toBe(true);
    // Still up and idle: health answers, nothing pending, and a last call is right.
    const health = await (await fetch(`http://127.0.0.1:${port}/health`)).json();
    expect(health).toMatchObject({ ok: true, pending: 0 });
    const x = { data: values(2 * 3 * 8 * 8, 3), shape: [2, 3, 8, 8] };
    await check({ name: 'after', path: '/v1/maxPool2d?shape=2,3,8,8&kernelSize=2', headers: BINARY, body: Buffer.from(x.data.buffer), expect: { ok: { op: OPERATORS.maxPool2d as OperatorSpec, last: false, want: referenceFor(OPERATORS.maxPool2d as OperatorSpec, x, { kernelSize: 2 }) as { output: ref.T }, json: false } } });
  });
});
