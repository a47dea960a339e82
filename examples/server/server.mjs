// A small pooling service on Node's http module and simdpool/parallel.
//
//   node examples/server/server.mjs [--port 8080] [--host 127.0.0.1] [--threads N]
//
//   [--max-body BYTES] [--max-result BYTES] [--max-memory BYTES] [--request-timeout MS]
//
// POST /v1/<op> where <op> is any operator of the registry (maxPool2d, avgPool2d, adaptiveAvgPool1d,
// globalMaxPool3d, toNHWC, maxUnpool2d, maxPool2dBackward, ...). Two body formats:
//   * Content-Type: application/octet-stream — little-endian float32 values; the shape in the
//     query (?shape=1,3,224,224) or an X-Shape header; layout in ?layout= / X-Layout; options
//     as query parameters (?kernelSize=3&stride=2&padding=1&ceilMode=true, pairs as "3,2";
//     inputShape is a list as shape is, ?inputShape=8 for 1D) or as JSON in an X-Options
//     header. Answer: float32 bytes, X-Shape and X-Layout headers.
//   * Content-Type: application/json — {"data": [...], "shape": [...], "layout"?, "options"?};
//     NaN and ±Infinity may be written as the strings "NaN", "Infinity", "-Infinity". Answer:
//     {"data", "shape", "layout"} (plus "indices" with returnIndices), same encoding, and -0 as
//     "-0" (JSON.stringify would write 0: results keep the sign of zero, as PyTorch's do).
//     maxUnpool* takes the indices as "indices": [...] (int32, the shape of x); JSON only.
//   * Backward passes: the body's tensor is gradOutput. avg/adaptiveAvg*Backward take
//     options.inputShape, in either format. max/adaptiveMax*Backward and lpPool*Backward are JSON
//     only: max with "indices": [...] (int32, gradOutput's shape) and options.inputShape, or
//     without indices; then, as Lp always, the forward input as "input": {"data", "shape",
//     "layout"?} (it becomes options.input).
// Errors are JSON {"error": message} with 400 (bad request, tensor or options; a result over
// --max-result bytes, refused before it is computed; a JSON answer of more than 2^24 values), 404, 405,
// 408 (body not received within --request-timeout), 411 (no Content-Length nor chunked body), 413 (body over the limit; a JSON body of
// more than 2^24 values or 4096 arrays and objects; a call that cannot fit in --max-memory even
// alone), 415 (other content types), 431 (headers over Node's 16 KiB: a long X-Shape or
// X-Options), 503 with Retry-After: 1 (engine queue full, or memory held by other calls). A query
// parameter given twice is a 400.
// JSON bodies are meant for small tensors: parsing one costs far more than its binary form.
import { constants as bufferConstants } from 'node:buffer';
import { STATUS_CODES, createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { initParallel, OPERATORS } from 'simdpool/parallel';

const JSON_LIMIT_FACTOR = 8; // JSON numbers take ~8x the bytes of float32
/**
 * JSON.parse builds the whole document on the JavaScript heap. A body within the byte limit can
 * still hold far more values than a binary body ("0," is 2 bytes): an array of more than ~134M
 * elements is a fatal V8 error that kills the process, and far fewer exhaust the heap. So a JSON
 * body (and a JSON answer) holds at most this many values (numbers, strings; data and indices
 * together), counted before parsing, and at most JSON_MAX_CONTAINERS arrays and objects.
 */
const JSON_MAX_VALUES = 2 ** 24;
const JSON_MAX_CONTAINERS = 4096;

export class HttpError extends Error {
  constructor(status, message, headers = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

/** The HTTP status for an error of a request. */
function statusOf(e) {
  if (e instanceof HttpError) return e.status;
  switch (e?.code) {
    case 'ERR_SIMDPOOL_QUEUE_FULL': case 'ERR_SIMDPOOL_CLOSED': return 503;
    // Memory held by other calls frees up; an allocation larger than the whole memory never fits.
    case 'ERR_SIMDPOOL_OUT_OF_MEMORY': return e.bytes > e.limit ? 413 : 503;
  }
  return e instanceof TypeError || e instanceof RangeError ? 400 : 500;
}

/** Malformed HTTP (Node's parser errors): status and what to tell the client. */
function clientErrorStatus(err) {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  if (err.code === 'HPE_HEADER_OVERFLOW') return 431;
  return 400;
}

/**
 * The request handler. `engine`: a ParallelEngine (or anything with the same async operators);
 * `maxBodyBytes`: largest binary body (JSON bodies may be JSON_LIMIT_FACTOR times larger);
 * `maxResultBytes`: largest result (output and indices) sent back; `requestTimeoutMs`: time to
 * receive a whole request, after which it is answered 408 and the connection closed;
 * `sendTimeoutMs` (default requestTimeoutMs): how long a connection may take no byte of its
 * answer before it is dropped.
 */
export function createPoolServer({ engine, maxBodyBytes = 64 << 20, maxResultBytes = maxBodyBytes, requestTimeoutMs = 30_000, sendTimeoutMs = requestTimeoutMs }) {
  // Node checks request timeouts every connectionsCheckingInterval (default 30 s).
  const options = { requestTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.max(50, Math.min(30_000, requestTimeoutMs / 4)) };
  const server = createServer(options, (req, res) => {
    // A client that stops reading its answer would hold the answer's buffer (up to
    // maxResultBytes) forever: once the answer is being written, a socket idle for sendTimeoutMs
    // (no byte taken by the client) is destroyed, as nginx's send_timeout does. After the answer,
    // Node replaces this timeout with keepAliveTimeout.
    const sending = () => res.setTimeout(sendTimeoutMs);
    handle(engine, { maxBodyBytes, maxResultBytes, sending }, req, res).catch((e) => {
      const status = statusOf(e);
      const headers = { 'content-type': 'application/json', ...(e instanceof HttpError ? e.headers : {}) };
      if (status === 503) headers['retry-after'] = '1';
      if (status === 413 || status === 411) headers.connection = 'close';
      const message = status === 500 ? `internal error: ${e?.message ?? e}` : String(e?.message ?? e);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // An oversized body is not read further: 'connection: close' drops it after the answer.
      sending();
      res.writeHead(status, headers).end(JSON.stringify({ error: message }));
    });
  });
  server.on('clientError', (err, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const status = clientErrorStatus(err);
    const body = JSON.stringify({
      error: status === 408 ? `the request was not received within ${requestTimeoutMs} ms`
        : err.code === 'HPE_INVALID_EOF_STATE' ? 'the request ended before its whole body was received (shorter than its Content-Length?)'
        : `malformed HTTP request (${err.code ?? 'error'}): ${err.message}`,
    });
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
  return server;
}

/**
 * The shape and bytes of the result a call would make, from the same call on an empty batch
 * (options and shapes are checked, nothing is computed), so that a request of a few bytes cannot
 * make the server compute and copy out a result far over --max-result before refusing it:
 * adaptive pooling's outputSize, unpooling, a backward pass's inputShape, windowed pooling with
 * wide padding sides. Undefined when x's shape is not of the operator's ranks or does not match
 * its data (the call itself then says why).
 */
async function plannedResult(engine, op, dims, x, indices, options) {
  const rank = Array.isArray(x.shape) ? x.shape.length : 0;
  if (rank !== dims + 1 && rank !== dims + 2) return undefined;
  if (!x.shape.every(Number.isSafeInteger) || x.shape.reduce((a, b) => a * b, 1) !== x.data?.length) return undefined;
  // Unbatched shapes gain a batch of 0, batched ones have theirs set to 0.
  const empty = (shape) => !Array.isArray(shape) ? shape : shape.length === dims + 1 ? [0, ...shape] : shape.length === dims + 2 ? [0, ...shape.slice(1)] : shape;
  const emptyTensor = (t) => (t && typeof t === 'object' && t.data ? { ...t, data: new t.data.constructor(0), shape: empty(t.shape) } : t);
  // (shapes in options, backward passes': only where given, so an absent one stays absent)
  const opts = options && { ...options };
  if (opts?.inputShape !== undefined) opts.inputShape = empty(opts.inputShape);
  if (opts?.input !== undefined) opts.input = emptyTensor(opts.input);
  let dry;
  try {
    dry = await (indices ? engine.run(op, emptyTensor(x), emptyTensor(indices), opts) : engine.run(op, emptyTensor(x), opts));
  } catch (e) {
    // A bad request: the call itself says why, with the client's shapes (this one's batch is 0).
    if (e instanceof TypeError || e instanceof RangeError) return undefined;
    throw e;
  }
  const out = dry.output ?? dry;
  const batch = rank === dims + 2 ? x.shape[0] : 1;
  const shape = rank === dims + 2 ? [batch, ...out.shape.slice(1)] : out.shape.slice(1);
  const bytes = shape.reduce((a, b) => a * b, 1) * 4 * (dry.indices ? 2 : 1);
  return { shape, bytes };
}

async function handle(engine, { maxBodyBytes, maxResultBytes, sending }, req, res) {
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
  const spec = OPERATORS[op];
  if (!isJson) {
    if (spec.kind === 'unpool') throw new HttpError(400, `${op} needs the JSON format, with the indices as "indices"`);
    if (spec.kind === 'backward' && spec.reduce === 'max') {
      throw new HttpError(400, `${op} needs the JSON format, with "indices" (and options.inputShape) or the forward input as "input"`);
    }
    if (spec.kind === 'backward' && spec.reduce === 'lp') throw new HttpError(400, `${op} needs the JSON format, with the forward input as "input"`);
  }
  // A body is required, and its end must be known: a length, or chunks (else the bytes that
  // follow would be read as the next request).
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
    throw new HttpError(411, 'a body is required, with a Content-Length (or Transfer-Encoding: chunked)');
  }
  // (a JSON body is decoded to one string: never longer than V8's longest)
  const limit = isJson ? Math.min(maxBodyBytes * JSON_LIMIT_FACTOR, bufferConstants.MAX_STRING_LENGTH) : maxBodyBytes;
  const body = await readBody(req, limit);

  let x, options, indices;
  if (isJson) {
    checkJsonSize(body);
    let doc;
    try {
      doc = JSON.parse(body.toString('utf8'));
    } catch (e) {
      throw new HttpError(400, `body is not valid JSON: ${e.message}`);
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new HttpError(400, 'JSON body must be an object {"data", "shape", "layout"?, "options"?}');
    x = { data: decodeData(doc.data, 'data'), shape: doc.shape, layout: doc.layout };
    options = doc.options;
    if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
      throw new HttpError(400, `JSON body: "options" must be an object, got ${brief(options)}`);
    }
    // Unpooling needs indices; a max backward pass takes them or not (then it needs "input").
    if (spec.kind === 'unpool' || (spec.kind === 'backward' && spec.reduce === 'max' && doc.indices !== undefined)) {
      if (!Array.isArray(doc.indices) || !doc.indices.every((v) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31)) {
        throw new HttpError(400, spec.kind === 'unpool'
          ? `JSON body: ${op} needs "indices", an array of int32 values (the shape of x)`
          : `JSON body: "indices" must be an array of int32 values (the shape of gradOutput)`);
      }
      indices = { data: Int32Array.from(doc.indices), shape: doc.shape, layout: doc.layout };
    } else if (doc.indices !== undefined) throw new HttpError(400, `JSON body: ${op} takes no "indices"`);
    if (doc.input !== undefined) {
      if (spec.kind !== 'backward' || spec.reduce === 'avg') throw new HttpError(400, `JSON body: ${op} takes no "input"`);
      const t = doc.input;
      if (typeof t !== 'object' || t === null || Array.isArray(t)) throw new HttpError(400, 'JSON body: "input" must be an object {"data", "shape", "layout"?}');
      options = { ...options, input: { data: decodeData(t.data, 'input.data'), shape: t.shape, layout: t.layout } };
    }
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
  if (spec.kind !== 'pool' && options !== undefined && Object.keys(options).length === 0) options = undefined;
  if (!isJson && options?.returnIndices === true) throw new HttpError(400, 'returnIndices needs the JSON format');
  const tooLarge = (shape, bytes) => new HttpError(400, `the result (shape ${JSON.stringify(shape)}, ${bytes} bytes) is over this server's limit of ${maxResultBytes} bytes`);
  // A JSON answer is built as one array and one string: at most JSON_MAX_VALUES values.
  const tooManyValues = (shape, bytes) => new HttpError(400, `the result (shape ${JSON.stringify(shape)}, ${bytes / 4} values) is over this server's limit of ${JSON_MAX_VALUES} values for a JSON answer; use application/octet-stream`);
  const planned = await plannedResult(engine, op, spec.dims, x, indices, options);
  if (planned && planned.bytes > maxResultBytes) throw tooLarge(planned.shape, planned.bytes);
  if (planned && isJson && planned.bytes / 4 > JSON_MAX_VALUES) throw tooManyValues(planned.shape, planned.bytes);
  let result;
  try {
    result = await (indices ? engine.run(op, x, indices, options) : engine.run(op, x, options));
  } catch (e) {
    // Out of memory with this call's own input and result more than the whole memory: it can
    // never fit, whatever the other calls hold (the 503 that statusOf would give asks to retry).
    const own = tensorBytes(x) + tensorBytes(indices) + tensorBytes(options?.input) + (planned?.bytes ?? 0);
    if (e?.code === 'ERR_SIMDPOOL_OUT_OF_MEMORY' && e.bytes <= e.limit && own > e.limit) {
      throw new HttpError(413, `${e.message}; this call's input and result alone take ${own} bytes, over the limit`);
    }
    throw e;
  }
  const output = result.output ?? result;
  const resultBytes = output.data.byteLength + (result.indices?.data.byteLength ?? 0);
  if (resultBytes > maxResultBytes) throw tooLarge(output.shape, resultBytes);
  if (isJson && resultBytes / 4 > JSON_MAX_VALUES) throw tooManyValues(output.shape, resultBytes);
  sending();
  if (isJson) {
    const doc = { data: Array.from(output.data, encodeNumber), shape: output.shape, layout: output.layout };
    if (result.indices) doc.indices = Array.from(result.indices.data);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
  } else {
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'x-shape': output.shape.join(','),
      'x-layout': output.layout,
      'content-length': output.data.byteLength,
    }).end(Buffer.from(output.data.buffer, output.data.byteOffset, output.data.byteLength));
  }
}

/** Bytes of a tensor's data in the engine's memory (0 for anything else). */
function tensorBytes(t) {
  return ArrayBuffer.isView(t?.data) ? t.data.byteLength : 0;
}

/**
 * Refuse (413) a JSON body with more values or containers than JSON.parse may build: count the
 * bytes that precede a value (',' between elements and members) and open a container ('[', '{').
 * Inside strings they count too, which only over-counts.
 */
function checkJsonSize(body) {
  let separators = 0;
  let containers = 0;
  for (let i = 0; i < body.length; i++) {
    const b = body[i];
    if (b === 0x2c) separators++;
    else if (b === 0x5b || b === 0x7b) containers++;
  }
  if (separators >= JSON_MAX_VALUES) {
    throw new HttpError(413, `JSON body has more than ${JSON_MAX_VALUES} values, this server's limit for JSON; send large tensors as application/octet-stream`);
  }
  if (containers > JSON_MAX_CONTAINERS) {
    throw new HttpError(413, `JSON body has more than ${JSON_MAX_CONTAINERS} arrays and objects, this server's limit`);
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

const BOOLEAN_OPTIONS = new Set(['ceilMode', 'returnIndices', 'countIncludePad', 'includeBatchInIndex']);
/**
 * Options that are shapes: a list whatever its length, read as ?shape= is. (Other single numbers
 * stay numbers: the size options take one for every dim, and outputSize in 2D and 3D takes a
 * number but not a one-element list.)
 */
const SHAPE_OPTIONS = new Set(['inputShape']);

/** Options from query parameters (numbers, "a,b" pairs, shapes, true/false, 'same'/'valid') or X-Options JSON. */
function readQueryOptions(params, header) {
  let options = {};
  if (header !== undefined) {
    try {
      options = JSON.parse(header);
    } catch (e) {
      throw new HttpError(400, `X-Options header is not valid JSON: ${e.message}`);
    }
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw new HttpError(400, `X-Options header must be a JSON object, got ${brief(options)}`);
    }
  }
  const seen = new Set();
  // (defined, not assigned: ?__proto__=1 is an option named "__proto__", which the engine
  // rejects as unknown, not the options object's prototype)
  const put = (key, value) => Object.defineProperty(options, key, { value, enumerable: true, writable: true, configurable: true });
  for (const [key, value] of params) {
    // (one value a name: which of two would win is a guess; shape and layout too)
    if (seen.has(key)) throw new HttpError(400, `query parameter ${JSON.stringify(key)} is given more than once`);
    seen.add(key);
    if (key === 'shape' || key === 'layout') continue;
    if (BOOLEAN_OPTIONS.has(key)) {
      if (value !== 'true' && value !== 'false') throw new HttpError(400, `${key} must be true or false, got ${JSON.stringify(value)}`);
      put(key, value === 'true');
    } else if (SHAPE_OPTIONS.has(key)) {
      put(key, parseList(value, key));
    } else if (/^-?\d+(\.\d+)?(,-?\d+(\.\d+)?)*$/.test(value)) {
      const nums = value.split(',').map(Number);
      put(key, nums.length === 1 ? nums[0] : nums);
    } else {
      put(key, value); // 'same', 'valid', or rejected by the engine with a clear message
    }
  }
  return options;
}

/** A JSON array of numbers (NaN, ±Infinity and -0 as strings) as float32; `name` for messages. */
function decodeData(values, name) {
  if (!Array.isArray(values)) throw new HttpError(400, `JSON body: "${name}" must be an array of numbers`);
  const data = new Float32Array(values.length);
  for (let i = 0; i < data.length; i++) data[i] = decodeNumber(values[i], `${name}[${i}]`);
  return data;
}

function decodeNumber(v, where) {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (v === '-0') return -0;
  throw new HttpError(400, `JSON body: ${where} must be a number (or "NaN", "Infinity", "-Infinity", "-0"), got ${brief(v)}`);
}

/** A short rendering of a client's value for an error message (bounded, whatever its size or depth). */
function brief(v) {
  if (Array.isArray(v)) return v.length === 0 ? '[]' : `an array of ${v.length}`;
  if (typeof v === 'object' && v !== null) return 'an object';
  const s = JSON.stringify(v) ?? String(v);
  return s.length <= 80 ? s : `${s.slice(0, 77)}...`;
}

function encodeNumber(v) {
  if (Object.is(v, -0)) return '-0';
  return Number.isFinite(v) ? v : String(v);
}

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const threads = arg('threads') === undefined ? undefined : Number(arg('threads'));
  // A bounded shared memory: one request cannot take the machine's RAM (up to 4 GiB).
  const engine = await initParallel({ threads, maxMemoryBytes: Number(arg('max-memory', 1 << 30)) });
  const maxBodyBytes = Number(arg('max-body', 64 << 20));
  const server = createPoolServer({
    engine, maxBodyBytes, maxResultBytes: Number(arg('max-result', maxBodyBytes)), requestTimeoutMs: Number(arg('request-timeout', 30_000)),
  });
  const port = Number(arg('port', process.env.PORT ?? 8080));
  server.listen(port, arg('host', '127.0.0.1'), () => {
    const a = server.address();
    console.log(`simdpool server on http://${a.address}:${a.port} (${engine.threads} worker threads)`);
  });
  const stop = () => server.close(() => engine.close());
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
