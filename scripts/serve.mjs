// A small static file server for the browser tests and the demo (127.0.0.1 only).
//   serve({ root, port, headers }) -> { url, close() }
//   node scripts/serve.mjs [--demo] [--port N]   serves the package root; --demo prints the demo's address
// .wasm goes out as application/wasm (needed by WebAssembly.instantiateStreaming). The demo is
// served with the headers simdpool needs in a strict page: a Content-Security-Policy that allows
// WebAssembly ('wasm-unsafe-eval') and no other eval, and blob: workers (simdpool/parallel), and
// COOP/COEP for cross-origin isolation.
import { closeSync, createReadStream, fstatSync, openSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
};

// worker-src blob: lets simdpool/parallel start its Web Workers (the demo's workers bar).
export const STRICT_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; worker-src blob:",
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export function serve({ root, port = 0, headers = {} }) {
  const base = path.resolve(root);
  const server = createServer((req, res) => {
    let pathname, search;
    try {
      // (Appended, not resolved: a path of '//name/...' is a path here, not a host.)
      if (!req.url?.startsWith('/')) throw new URIError('not a path');
      ({ pathname, search } = new URL(`http://x${req.url}`));
      pathname = decodeURIComponent(pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = path.join(base, pathname);
    if (file !== base && !file.startsWith(base + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    let fd, size;
    try {
      if (statSync(file).isDirectory()) {
        if (!pathname.endsWith('/')) {
          res.writeHead(301, { Location: encodeURI(pathname) + '/' + search }).end();
          return;
        }
        file = path.join(file, 'index.html');
      }
      // Opened before the answer starts: a file that cannot be read (a directory, no permission)
      // is a 404, not an 'error' event on a stream already piped into a 200.
      fd = openSync(file, 'r');
      const stat = fstatSync(fd);
      if (!stat.isFile()) throw new Error('not a file');
      size = stat.size;
    } catch {
      if (fd !== undefined) closeSync(fd);
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Content-Length': size,
      'Cache-Control': 'no-store',
      ...headers,
    });
    const stream = createReadStream('', { fd });
    if (req.method === 'HEAD') {
      stream.destroy();
      res.end();
      return;
    }
    // (A read that fails midway can only cut the answer short.)
    stream.on('error', () => res.destroy()).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address();
      resolve({
        url: `http://127.0.0.1:${actual}/`,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const demo = args.includes('--demo');
  const portArg = args.indexOf('--port');
  const port = portArg >= 0 ? Number(args[portArg + 1]) : Number(process.env.PORT ?? (demo ? 8080 : 0));
  const root = fileURLToPath(new URL('..', import.meta.url));
  let server;
  try {
    server = await serve({ root, port, headers: STRICT_HEADERS });
  } catch (e) {
    if (e.code !== 'EADDRINUSE') throw e;
    server = await serve({ root, port: 0, headers: STRICT_HEADERS }); // taken: any free port
  }
  console.log(demo ? `simdpool demo: ${server.url}demo/` : `serving ${root} at ${server.url}`);
  console.log('(Ctrl-C to stop)');
}
