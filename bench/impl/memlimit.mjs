// Memory-limit and arithmetic-floor references: bench/memlimit.ts compiled with the root's asc
// (--enable simd -O3 --runtime stub) at bench time, instantiated in this process.
//   memlimit:     the loop over simdpool-resident's own input and output tensors (the same wasm
//                 pages), making as many calls per sample as simdpool-resident does: the reference
//                 of the memory-limit targets. Which pages, and how warm the caches start a sample,
//                 moved the ratio by up to 2x when the loop had a memory of its own (with data too
//                 big for L2 the host's shared L3 decides: docs/performance.md, sixth round).
//   memlimit-own: the same loop in a wasm memory of its own (kept beside it to show that effect;
//                 ab.mjs and size-speed.mjs, whose engines are many, use it).
//   arithfloor:   E's arithmetic floor, from L1.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const benchDir = path.resolve(here, '..');
const source = path.join(benchDir, 'memlimit.ts');
const pagesSource = path.join(benchDir, 'memlimit-pages.ts');
const asc = path.resolve(benchDir, '..', 'node_modules', '.bin', 'asc');

/**
 * bench/build/memlimit.wasm, built when stale; `importMemory`: memlimit-pages.wasm, its `stream`
 * alone, which runs in a memory it is given (simdpool's own) and writes nothing into it at
 * instantiation.
 */
export function buildMemlimit({ force = false, importMemory = false } = {}) {
  const entry = importMemory ? pagesSource : source;
  const wasmFile = path.join(benchDir, 'build', importMemory ? 'memlimit-pages.wasm' : 'memlimit.wasm');
  const stale = !existsSync(wasmFile) || [source, entry].some((f) => statSync(wasmFile).mtimeMs < statSync(f).mtimeMs);
  if (!force && !stale) return wasmFile;
  if (!existsSync(asc)) throw new Error(`AssemblyScript compiler not found at ${asc} (run npm install in the repo root)`);
  mkdirSync(path.dirname(wasmFile), { recursive: true });
  const flags = importMemory ? ['--importMemory'] : [];
  execFileSync(asc, [entry, '--enable', 'simd', '-O3', '--runtime', 'stub', ...flags, '--outFile', wasmFile], {
    cwd: benchDir,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return wasmFile;
}

/** bench/memlimit.ts built (when stale) and instantiated: its exports, in a wasm memory of its own. */
export async function instantiateMemlimit() {
  const { instance } = await WebAssembly.instantiate(readFileSync(buildMemlimit()), {
    env: {
      abort() {
        throw new Error('memlimit.wasm aborted');
      },
    },
  });
  return instance.exports;
}

/** bench/memlimit.ts's exports running in `memory` (memlimit-pages.wasm), one instance per memory. */
const inMemory = new WeakMap();
export async function memlimitIn(memory) {
  if (!inMemory.has(memory)) {
    const { instance } = await WebAssembly.instantiate(readFileSync(buildMemlimit({ importMemory: true })), { env: { memory } });
    inMemory.set(memory, instance.exports);
  }
  return inMemory.get(memory);
}

/** The loop over a resident runner's own tensors ({ x, out, memory }): whole vectors inside both. */
export async function streamOver({ x, out, memory }, spec) {
  const { stream } = await memlimitIn(memory);
  const inVecs = Math.floor((spec.inElems * 4) / 16);
  const outVecs = Math.floor((spec.outElems * 4) / 16);
  return () => stream(x.data.byteOffset, inVecs, out.data.byteOffset, outVecs);
}

const LOOP = 'wasm SIMD loop that streams through the input once (OR-reduce, 4 accumulators) and writes an output-sized buffer once, in 1 KiB output blocks; no pooling arithmetic (bench/memlimit.ts)';

export default async function create() {
  const { alloc, stream, avgFloor3x3, memory } = await instantiateMemlimit();
  return [
    {
      id: 'memlimit',
      label: "memory limit (wasm SIMD read+write) on simdpool's pages",
      role: 'reference',
      // run.mjs gives both rows the fewer calls per sample of the two
      sameRepsAs: 'simdpool-resident',
      describe: `${LOOP}; run over simdpool-resident's own input and output tensors (the same wasm pages), with as many calls per sample`,
      async prepare(spec, inputs, { runnerOf } = {}) {
        const resident = runnerOf?.('simdpool-resident');
        if (!resident?.memory) throw new Error('runs on the simdpool-resident row\'s tensors: run it with that row');
        return { layout: spec.layout, run: await streamOver(resident, spec), output: null, dispose() {} };
      },
    },
    {
      id: 'memlimit-own',
      label: 'memory limit (wasm SIMD read+write), memory of its own',
      role: 'reference',
      describe: `${LOOP}; data resident in a wasm memory of its own`,
      prepare(spec, inputs) {
        const inVecs = Math.ceil((spec.inElems * 4) / 16);
        const outVecs = Math.ceil((spec.outElems * 4) / 16);
        const src = alloc(inVecs * 16);
        const dst = alloc(outVecs * 16);
        new Float32Array(memory.buffer, src, spec.inElems).set(inputs.nchw);
        new Float32Array(memory.buffer, dst, outVecs * 4).fill(0); // touch the pages
        return {
          layout: spec.layout,
          run: () => stream(src, inVecs, dst, outVecs),
          output: null, // computes no pooling result: not verified
          dispose() {},
        };
      },
    },
    {
      id: 'arithfloor',
      label: "arithmetic floor of PyTorch's 3×3 stride-1 average (wasm SIMD)",
      role: 'reference',
      describe: 'per 4 outputs: 9 unaligned loads from a 3-row window kept in L1, the 8 dependent adds of PyTorch\'s row-major sum, one divps, one store into an output-sized buffer (bench/memlimit.ts avgFloor3x3). Leaves out what a real kernel adds: streaming the input from memory, borders, divisor loads, the -0 fix, row/plane bookkeeping; computes no pooling result',
      supports: (spec) =>
        spec.op === 'avg' && spec.layout === 'NCHW' && spec.kernel.every((k) => k === 3) && spec.stride.every((s) => s === 1)
          ? true
          : '3×3 stride-1 NCHW averages only',
      prepare(spec) {
        const outW = spec.outShape[3];
        const groupsPerRow = Math.ceil(outW / 4);
        const rowFloats = groupsPerRow * 4 + 4;
        const window = alloc(3 * rowFloats * 4);
        new Float32Array(memory.buffer, window, 3 * rowFloats).fill(0.25);
        const outVecs = Math.ceil(spec.outElems / 4);
        const dst = alloc(outVecs * 16);
        new Float32Array(memory.buffer, dst, outVecs * 4).fill(0); // touch the pages
        return {
          layout: spec.layout,
          run: () => avgFloor3x3(window, rowFloats * 4, groupsPerRow, dst, outVecs),
          output: null,
          dispose() {},
        };
      },
    },
  ];
}
