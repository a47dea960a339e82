// A small pooling service on Node's http module and simdpool/parallel.
//
//   node examples/server/server.mjs [--port 8080] [--host 127.0.0.1] [--threads N]
//
// POST /v1/<op> where <op> is maxPool2d, avgPool2d, globalMaxPool2d, globalAvgPool2d, toNHWC
// or toNCHW. Two body formats:
//   * Content-Type: application/octet-stream — little-endian float32 values; the shape in the
//     query (?shape=1,3,224,224) or an X-Shape header; layout in ?layout= / X-Layout; options
//     as query parameters (?kernelSize=3&stride=2&padding=1&ceilMode=true, pairs as "3,2") or
//     as JSON in an X-Options header. Answer: float32 bytes, X-Shape and X-Layout headers.
//   * Content-Type: application/json — {"data": [...], "shape": [...], "layout"?, "options"?};
//     NaN and ±Infinity may be written as the strings "NaN", "Infinity", "-Infinity". Answer:
//     {"data", "shape", "layout"} (plus "indices" with returnIndices), same encoding.
// Errors are JSON {"error": message} with 400 (bad tensor or options), 404, 405, 411, 413
// (body over the limit), 415 (other content types), 503 (engine queue full; Retry-After: 1).
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { initParallel, OPERATORS } from 'simdpool/parallel';

const JSON_LIMIT_FACTOR = 8; // JSON numbers take ~8x the bytes of float32

export class HttpError extends Error {
  constructor(status, message, headers = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

/**
 * The request handler. `engine`: a ParallelEngine (or anything with the same async operators);
 * `maxBodyBytes`: largest binary body (JSON bodies may be JSON_LIMIT_FACTOR times larger).
 */
export function createPoolServer({ engine, maxBodyBytes = 64 << 20 }) {
  const server = createServer((req, res) => {
    handle(engine, maxBodyBytes, req, res).catch((e) => {
      const status = e instanceof HttpError ? e.status : e?.code === 'ERR_SIMDPOOL_QUEUE_FULL' ? 503 : e instanceof TypeError || e instanceof RangeError ? 400 : 500;
      const headers = { 'content-type': 'application/json', ...(e instanceof HttpError ? e.headers : {}) };
      if (status === 503) headers['retry-after'] = '1';
      if (status === 413 || status === 411) headers.connection = 'close';
      const message = status === 500 ? `internal error: ${e?.message ?? e}` : String(e?.message ?? e);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // An oversized body is not read further: 'connection: close' drops it after the answer.
      res.writeHead(status, headers).end(JSON.stringify({ error: message }));
    });
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

async function handle(engine, maxBodyBytes, req, res) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, ...engine.stats?.() }));
    return;
  }
  const m = /^\/v1\/([A-Za-z0-9]+)$/.exec(url.pathname);
  if (!m) throw new HttpError(404, `no route ${url.pathname}; POST /v1/<op> with op one of ${Object.keys(OPERATORS).join(', ')}`);
  const op = m[1];
  if (!Object.hasOwn(OPERATORS, op)) throw new HttpError(404, `unknown operator ${JSON.stringify(op)}; one of ${Object.keys(OPERATORS).join(', ')}`);
  if (req.method !== 'POST') throw new HttpError(405, `use POST for /v1/${op}`, { allow: 'POST' });

  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const isJson = type === 'application/json';
  if (!isJson && type !== 'application/octet-stream') {
    throw new HttpError(415, `Content-Type must be application/octet-stream (float32 values) or application/json, got ${JSON.stringify(type || '(none)')}`);
  }
  const limit = isJson ? maxBodyBytes * JSON_LIMIT_FACTOR : maxBodyBytes;
  const body = await readBody(req, limit);

  let x, options;
  if (isJson) {
    let doc;
    try {
      doc = JSON.parse(body.toString('utf8'));
    } catch (e) {
      throw new HttpError(400, `body is not valid JSON: ${e.message}`);
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new HttpError(400, 'JSON body must be an object {"data", "shape", "layout"?, "options"?}');
    if (!Array.isArray(doc.data)) throw new HttpError(400, 'JSON body: "data" must be an array of numbers');
    const data = new Float32Array(doc.data.length);
    for (let i = 0; i < data.length; i++) data[i] = decodeNumber(doc.data[i], i);
    x = { data, shape: doc.shape, layout: doc.layout };
    options = doc.options;
  } else {
    if (body.length % 4 !== 0) throw new HttpError(400, `binary body must be float32 values (a multiple of 4 bytes), got ${body.length} bytes`);
    const shapeText = url.searchParams.get('shape') ?? req.headers['x-shape'];
    if (shapeText === undefined || shapeText === null) throw new HttpError(400, 'binary body needs a shape: ?shape=N,C,H,W or an X-Shape header');
    const shape = parseList(shapeText, 'shape');
    // Copy into an aligned Float32Array (the Buffer may sit at any offset); the engine copies it again.
    const data = new Float32Array(body.length / 4);
    new Uint8Array(data.buffer).set(body);
    x = { data, shape, layout: url.searchParams.get('layout') ?? req.headers['x-layout'] ?? undefined };
    options = readQueryOptions(url.searchParams, req.headers['x-options']);
  }
  const spec = OPERATORS[op];
  if (spec.kind !== 'pool' && options !== undefined && Object.keys(options).length === 0) options = undefined;
  const result = await engine.run(op, x, options);
  const output = result.output ?? result;
  if (isJson) {
    const doc = { data: Array.from(output.data, encodeNumber), shape: output.shape, layout: output.layout };
    if (result.indices) doc.indices = Array.from(result.indices.data);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
  } else {
    if (result.indices) throw new HttpError(400, 'returnIndices needs the JSON format');
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'x-shape': output.shape.join(','),
      'x-layout': output.layout,
      'content-length': output.data.byteLength,
    }).end(Buffer.from(output.data.buffer, output.data.byteOffset, output.data.byteLength));
  }
}

function readBody(req, limit) {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    return Promise.reject(new HttpError(413, `body of ${declared} bytes is over the limit of ${limit} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        reject(new HttpError(413, `body is over the limit of ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', (e) => reject(new HttpError(400, `could not read the body: ${e.message}`)));
  });
}

function parseList(text, name) {
  const parts = String(text).split(',').map((s) => s.trim());
  if (parts.some((p) => !/^\d+$/.test(p))) throw new HttpError(400, `${name} must be comma-separated non-negative integers, got ${JSON.stringify(String(text))}`);
  return parts.map(Number);
}

const BOOLEAN_OPTIONS = new Set(['ceilMode', 'returnIndices', 'countIncludePad']);

/** Options from query parameters (numbers, "a,b" pairs, true/false, 'same'/'valid') or X-Options JSON. */
function readQueryOptions(params, header) {
  let options = {};
  if (header !== undefined) {
    try {
      options = JSON.parse(header);
    } catch (e) {
      throw new HttpError(400, `X-Options header is not valid JSON: ${e.message}`);
    }
  }
  for (const [key, value] of params) {
    if (key === 'shape' || key === 'layout') continue;
    if (BOOLEAN_OPTIONS.has(key)) {
      if (value !== 'true' && value !== 'false') throw new HttpError(400, `${key} must be true or false, got ${JSON.stringify(value)}`);
      options[key] = value === 'true';
    } else if (/^-?\d+(\.\d+)?(,-?\d+(\.\d+)?)*$/.test(value)) {
      const nums = value.split(',').map(Number);
      options[key] = nums.length === 1 ? nums[0] : nums;
    } else {
      options[key] = value; // 'same', 'valid', or rejected by the engine with a clear message
    }
  }
  return options;
}

function decodeNumber(v, i) {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  throw new HttpError(400, `JSON body: data[${i}] must be a number (or "NaN", "Infinity", "-Infinity"), got ${JSON.stringify(v)}`);
}

function encodeNumber(v) {
  return Number.isFinite(v) ? v : String(v);
}

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const threads = arg('threads') === undefined ? undefined : Number(arg('threads'));
  const engine = await initParallel({ threads });
  const server = createPoolServer({ engine, maxBodyBytes: Number(arg('max-body', 64 << 20)) });
  const port = Number(arg('port', process.env.PORT ?? 8080));
  server.listen(port, arg('host', '127.0.0.1'), () => {
    const a = server.address();
    console.log(`simdpool server on http://${a.address}:${a.port} (${engine.threads} worker threads)`);
  });
  const stop = () => server.close(() => engine.close());
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
