// simdpool, the library under test, from the repo root's build (`npm run build`):
// the entry Node itself would load for `import 'simdpool'` (package.json exports,
// "node" condition; ../dist/index.js as a fallback). Two rows per case:
//   resident: input made once with sp.fromArray (lives in wasm memory), output made
//             once with sp.tensor; timed = sp.<op>(t, { ...opts, out: o }).
//   e2e:      timed = sp.<op>({ data: Float32Array, shape, layout }, opts) and
//             reading the returned Float32Array (one copy in, one copy out).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { dimsIn } from '../cases.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
export const WASM = path.resolve(root, 'build', 'simdpool.wasm');

/** Node's choice among conditional exports: first key, in order, that Node matches. */
function pickTarget(target) {
  if (typeof target === 'string') return target;
  if (!target || typeof target !== 'object' || Array.isArray(target)) return null;
  for (const [cond, value] of Object.entries(target)) {
    if (cond === 'node' || cond === 'import' || cond === 'default') {
      const hit = pickTarget(value);
      if (hit) return hit;
    }
  }
  return null;
}

/** The file `import 'simdpool'` loads in Node, per the root package.json. */
export function resolveEntry() {
  const fallback = path.join(root, 'dist', 'index.js');
  try {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    const dot = typeof pkg.exports === 'string' || pkg.exports?.['.'] === undefined ? pkg.exports : pkg.exports['.'];
    const rel = pickTarget(dot) ?? pkg.main;
    if (rel) return path.resolve(root, rel);
  } catch {
    // no readable package.json: fall back
  }
  return fallback;
}

export const DIST = resolveEntry();

/** simdpool reads `shape` in the tensor's layout: [N,C,H,W] for NCHW, [N,H,W,C] for NHWC. */
export function spShape(shape, layout) {
  return dimsIn(shape, layout);
}

export function spOp(sp, spec) {
  if (spec.op === 'gap') return { fn: sp.globalAvgPool2d.bind(sp), opts: {} };
  const one = ([a, b]) => (a === b ? a : [a, b]);
  const opts = {
    kernelSize: one(spec.kernel),
    stride: one(spec.stride),
    padding: one(spec.padding),
  };
  if (spec.op === 'avg') opts.countIncludePad = !!spec.countIncludePad;
  return { fn: (spec.op === 'max' ? sp.maxPool2d : sp.avgPool2d).bind(sp), opts };
}

/**
 * An engine's resident call for a case: the input tensor already in wasm memory
 * (sp.fromArray), the output preallocated (sp.tensor), `run` writing into it. run.mjs's
 * simdpool-resident row, and the one-process comparisons (ab.mjs, size-speed.mjs,
 * same-pages.mjs) with engines of their own.
 */
export function residentRunner(sp, spec, inputs) {
  const layout = spec.layout;
  const { fn, opts } = spOp(sp, spec);
  const x = sp.fromArray(inputs.of(layout), spShape(spec.shape, layout), layout);
  const out = sp.tensor(spShape(spec.outShape, layout), { layout });
  const withOut = { ...opts, out };
  return {
    layout,
    x,
    out,
    run: () => fn(x, withOut),
    dispose() {
      x.dispose();
      out.dispose();
    },
  };
}

/**
 * `mod.init(options)` with the engine's WebAssembly.Memory caught on the way (simdpool does not
 * expose it; its instances are made with `new WebAssembly.Instance`): the memory-limit loop runs
 * over the engine's own tensors in it (impl/memlimit.mjs, same-pages.mjs).
 */
export async function initWithMemory(mod, options) {
  const memories = [];
  const Instance = WebAssembly.Instance;
  WebAssembly.Instance = function (module, imports) {
    const instance = new Instance(module, imports);
    if (instance.exports.memory instanceof WebAssembly.Memory) memories.push(instance.exports.memory);
    return instance;
  };
  try {
    const sp = await mod.init(options);
    if (!memories.length) throw new Error('init() made no WebAssembly.Instance with a memory of its own');
    return { sp, memory: memories.at(-1) };
  } finally {
    WebAssembly.Instance = Instance;
  }
}

export async function loadSimdpool() {
  if (!existsSync(DIST)) {
    return { skip: `simdpool not built: ${path.relative(process.cwd(), DIST)} is missing (run \`npm run build\` in the repo root)` };
  }
  const mod = await import(pathToFileURL(DIST).href);
  if (typeof mod.init !== 'function') return { skip: `${DIST} exports no init()` };
  const { sp, memory } = await initWithMemory(mod);
  return { mod, sp, memory };
}

export default async function create() {
  const loaded = await loadSimdpool();
  if (loaded.skip) return loaded;
  const { sp, memory } = loaded;
  const entry = path.relative(root, DIST);
  const note = `${entry}; kernels: ${sp.simd === false ? 'SCALAR build (no SIMD!)' : sp.simd === true ? 'SIMD build' : 'build unknown'}`;
  return [
    {
      id: 'simdpool-resident',
      label: 'simdpool (resident)',
      role: 'resident',
      note,
      describe: 'input tensor already in wasm memory (sp.fromArray), output preallocated (sp.tensor); times the op call writing into `out`',
      prepare(spec, inputs) {
        const r = residentRunner(sp, spec, inputs);
        if (r.run() !== r.out) throw new Error(`${spec.id}: the op called with { out } did not return the \`out\` tensor`);
        // memory: the engine's, for the memory-limit loop over the same tensors (impl/memlimit.mjs)
        return { ...r, memory, output: () => r.out.data.slice() };
      },
    },
    {
      id: 'simdpool',
      label: 'simdpool (end-to-end)',
      role: 'e2e',
      note,
      describe: 'plain { data: Float32Array, shape, layout } in, new Float32Array out',
      prepare(spec, inputs) {
        const layout = spec.layout;
        const { fn, opts } = spOp(sp, spec);
        const x = { data: inputs.of(layout), shape: spShape(spec.shape, layout), layout };
        let last = null;
        return {
          layout,
          run() {
            last = fn(x, opts).data;
          },
          output() {
            this.run();
            return last;
          },
          dispose() {},
        };
      },
    },
  ];
}
