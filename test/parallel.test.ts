// simdpool/parallel: bit-identical to the single-threaded engine for every operator (random
// cases, every call forced onto the workers and split into items), resident tensors in shared
// memory, worker death, close(), backpressure, and a browser-safe main entry.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initParallel, type ParallelEngine } from '../dist/parallel.js';
import { getEngine } from './support/engine';
import type { Engine, Layout } from '../dist/index.js';

type Op = 'maxPool2d' | 'avgPool2d' | 'globalMaxPool2d' | 'globalAvgPool2d' | 'toNHWC' | 'toNCHW' | 'adaptiveMaxPool2d';

let pp: ParallelEngine;
let pp3: ParallelEngine;
beforeAll(async () => {
  // inlineBelow 0: every call goes to the workers, split into up to 2*threads items.
  pp = await initParallel({ threads: 2, inlineBelow: 0 });
  pp3 = await initParallel({ threads: 3, inlineBelow: 0 });
});
afterAll(async () => {
  await pp?.close();
  await pp3?.close();
});

const value = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -4, max: 4 }) },
  { weight: 3, arbitrary: fc.float({ noNaN: true, min: -1e3, max: 1e3 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, NaN, Infinity, -Infinity) },
);

const tensorCase = fc
  .record({
    layout: fc.constantFrom<Layout>('NCHW', 'NHWC'),
    n: fc.integer({ min: 0, max: 5 }),
    c: fc.integer({ min: 1, max: 9 }),
    h: fc.integer({ min: 1, max: 13 }),
    w: fc.integer({ min: 1, max: 17 }),
  })
  .chain((r) => {
    const size = r.n * r.c * r.h * r.w;
    return fc.array(value, { minLength: size, maxLength: size }).map((vals) => ({
      layout: r.layout,
      shape: r.layout === 'NCHW' ? [r.n, r.c, r.h, r.w] : [r.n, r.h, r.w, r.c],
      data: Float32Array.from(vals),
    }));
  });

const size2 = fc.oneof(fc.integer({ min: 1, max: 4 }), fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })));
const options = fc.record(
  {
    kernelSize: size2,
    stride: size2,
    padding: fc.oneof(fc.constant(0), fc.constant(1), fc.constantFrom('valid', 'same')),
    ceilMode: fc.boolean(),
    dilation: fc.integer({ min: 1, max: 2 }),
    returnIndices: fc.boolean(),
    countIncludePad: fc.boolean(),
  },
  { requiredKeys: ['kernelSize'] },
);

function optsFor(op: Op, o: Record<string, unknown>): Record<string, unknown> | undefined {
  if (op === 'maxPool2d') {
    const { countIncludePad: _, ...rest } = o;
    return rest;
  }
  if (op === 'avgPool2d') {
    const { dilation: _d, returnIndices: _r, ...rest } = o;
    return rest;
  }
  return undefined;
}

function bits(a: Float32Array | Int32Array): number[] {
  return Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
}

/**
 * Bits, with every NaN an average computes written as one: WebAssembly leaves the sign and
 * payload of an arithmetic NaN to the engine (V8's baseline and optimising compilers may order
 * an add's operands differently, and a worker may still run baseline code), so only max pooling
 * and layout changes, which move values without arithmetic, keep a NaN's bits.
 */
function arithmeticBits(a: Float32Array | Int32Array): number[] {
  return bits(a).map((b, i) => (a instanceof Float32Array && Number.isNaN(a[i]) ? 0x7fc00000 : b));
}

type Result = { data: Float32Array; shape: number[]; dispose?: () => void };
function flatten(r: unknown): Array<Float32Array | Int32Array> {
  const x = r as Result | { output: Result; indices: { data: Int32Array } };
  return 'output' in x ? [x.output.data.slice(), x.indices.data.slice()] : [x.data.slice()];
}
function disposeAll(r: unknown): void {
  const x = r as Result | { output: Result; indices: Result };
  if ('output' in x) {
    x.output.dispose?.();
    x.indices.dispose?.();
  } else x.dispose?.();
}

async function compare(sp: Engine, p: ParallelEngine, op: Op, x: { data: Float32Array; shape: number[]; layout: Layout }, opts: unknown, resident: boolean) {
  let want: Array<Float32Array | Int32Array> | undefined;
  let wantError: Error | undefined;
  try {
    want = flatten((sp[op] as (x: unknown, o?: unknown) => unknown)(x, opts));
  } catch (e) {
    wantError = e as Error;
  }
  const input = resident && !wantError ? p.fromArray(x.data, x.shape, x.layout) : x;
  try {
    const pending = (p[op] as (x: unknown, o?: unknown) => Promise<unknown>)(input, opts);
    if (wantError) {
      await expect(pending).rejects.toThrow(wantError.message);
      return;
    }
    const got = await pending;
    const flat = flatten(got);
    if (resident) disposeAll(got);
    expect(flat.length).toBe(want!.length);
    const exactBits = !/avg/i.test(op) ? bits : arithmeticBits;
    flat.forEach((a, i) => expect(exactBits(a)).toEqual(exactBits(want![i])));
  } finally {
    if (input !== x) (input as { dispose(): void }).dispose();
  }
}

describe('parallel engine equals the single-threaded engine bit for bit', () => {
  const ops: Op[] = ['maxPool2d', 'avgPool2d', 'globalMaxPool2d', 'globalAvgPool2d', 'toNHWC', 'toNCHW'];
  it.each(ops)('%s on random cases (2 and 3 threads, plain and resident)', async (op) => {
    const sp = await getEngine();
    await fc.assert(
      fc.asyncProperty(tensorCase, options, fc.boolean(), fc.boolean(), async (x, o, resident, three) => {
        await compare(sp, three ? pp3 : pp, op, x, optsFor(op, o), resident);
      }),
      { numRuns: op.endsWith('Pool2d') && !op.startsWith('global') ? 120 : 60 },
    );
    expect(pp.memoryStats().blocks).toBeLessThanOrEqual(64 + 1); // cached plans only
  });

  it('splits single-sample channels-last calls by output rows (pinned example)', async () => {
    const sp = await getEngine();
    const x = { data: Float32Array.from({ length: 1 * 23 * 19 * 6 }, (_, i) => Math.sin(i * 12.9898) * 10), shape: [1, 23, 19, 6], layout: 'NHWC' as Layout };
    for (const opts of [{ kernelSize: 3, stride: 2, padding: 1, returnIndices: true }, { kernelSize: [2, 3], stride: 1, ceilMode: true }]) {
      await compare(sp, pp, 'maxPool2d', x, opts, false);
      await compare(sp, pp3, 'maxPool2d', x, opts, true);
    }
    await compare(sp, pp3, 'avgPool2d', x, { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false }, false);
  });

  it('splits narrow planar calls (the PlaneGroups path) in whole groups of 16 planes, each with its own scratch (pinned example)', async () => {
    const sp = await getEngine();
    // 2 x 37 = 74 planes of 7 x 7: groups of 16 and a ragged last one, NaN in some windows.
    const x = { data: Float32Array.from({ length: 2 * 37 * 7 * 7 }, (_, i) => (i % 17 === 0 ? NaN : Math.sin(i * 12.9898) * 10)), shape: [2, 37, 7, 7], layout: 'NCHW' as Layout };
    for (const opts of [{ kernelSize: 3, stride: 1, padding: 1, returnIndices: true }, { kernelSize: [2, 3], stride: 2, dilation: [2, 1], ceilMode: true }]) {
      await compare(sp, pp, 'maxPool2d', x, opts, false);
      await compare(sp, pp3, 'maxPool2d', x, opts, true);
    }
    await compare(sp, pp3, 'avgPool2d', x, { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false }, false);
    await compare(sp, pp, 'adaptiveMaxPool2d', x, { outputSize: 4, returnIndices: true }, true);
  });

  it("splits nanMode 'ignore' calls over the workers too (each kernel family's NoNaN variant)", async () => {
    const sp = await getEngine();
    const x = { data: Float32Array.from({ length: 2 * 20 * 13 * 11 }, (_, i) => (i % 7 === 0 ? NaN : Math.sin(i * 12.9898) * 10)), shape: [2, 20, 13, 11], layout: 'NCHW' as Layout };
    const xl = { ...x, shape: [2, 13, 11, 20], layout: 'NHWC' as Layout };
    const calls: Array<[Op, typeof x, unknown]> = [
      ['maxPool2d', x, { kernelSize: 3, stride: 2, padding: 1, nanMode: 'ignore' }],
      ['maxPool2d', x, { kernelSize: 2, nanMode: 'ignore', returnIndices: true }],
      ['maxPool2d', xl, { kernelSize: 3, stride: 1, nanMode: 'ignore', returnIndices: true }],
      ['adaptiveMaxPool2d', x, { outputSize: [5, 4], nanMode: 'ignore', returnIndices: true }],
      ['globalMaxPool2d', x, { nanMode: 'ignore' }],
    ];
    for (const [op, input, opts] of calls) {
      const before = pp3.stats().workerCalls;
      await compare(sp, pp3, op, input, opts, false);
      expect(pp3.stats().workerCalls).toBe(before + 1);
    }
  });
});

describe('parallel engine as a service component', () => {
  it('runs many concurrent calls and keeps results apart', async () => {
    const sp = await getEngine();
    const inputs = Array.from({ length: 40 }, (_, k) => ({
      data: Float32Array.from({ length: 2 * 3 * 8 * 8 }, (_, i) => ((i * 7 + k * 13) % 17) - 8),
      shape: [2, 3, 8, 8],
    }));
    const got = await Promise.all(inputs.map((x) => pp.maxPool2d(x, { kernelSize: 2 })));
    got.forEach((g, k) => expect(bits(g.data)).toEqual(bits(sp.maxPool2d(inputs[k], { kernelSize: 2 }).data)));
  });

  it('keeps resident tensors valid across growth of the shared memory', async () => {
    const t = pp.fromArray(Float32Array.from({ length: 64 }, (_, i) => i), [1, 1, 8, 8]);
    const view = t.data;
    expect(view.buffer).toBeInstanceOf(SharedArrayBuffer);
    const big = pp.tensor([1, 1, 2048, 2048]); // 16 MiB: grows the memory
    expect(t.data).not.toBe(view); // new SharedArrayBuffer object after the grow...
    expect(view[63]).toBe(63); // ...but the old view still reads the same memory
    t.data[5] = -1;
    expect(view[5]).toBe(-1);
    const out = await pp.maxPool2d(t, { kernelSize: 2 });
    expect(Array.from(out.data.slice(0, 4))).toEqual([9, 11, 13, 15]);
    out.dispose();
    big.dispose();
    t.dispose();
  });

  it('writes into an out tensor, and a tensor disposed during a call is freed after it', async () => {
    const before = pp.memoryStats().bytesInUse;
    const x = pp.fromArray(Float32Array.from({ length: 4 * 8 * 32 * 32 }, (_, i) => i % 101), [4, 8, 32, 32]);
    const out = pp.tensor([4, 8, 16, 16]);
    const pending = pp.avgPool2d(x, { kernelSize: 2, out });
    x.dispose(); // while the workers read it
    expect(await pending).toBe(out);
    const sp = await getEngine();
    const want = sp.avgPool2d({ data: Float32Array.from({ length: 4 * 8 * 32 * 32 }, (_, i) => i % 101), shape: [4, 8, 32, 32] }, { kernelSize: 2 });
    expect(bits(out.data)).toEqual(bits(want.data));
    out.dispose();
    expect(pp.memoryStats().bytesInUse - before).toBeLessThan(1024); // at most one newly cached plan
  });

  it('rejects bad arguments exactly as the single-threaded engine throws', async () => {
    await expect(pp.maxPool2d({ data: new Float32Array(3), shape: [1, 1, 2, 2] }, { kernelSize: 2 })).rejects.toThrow(/x.data has 3 elements/);
    await expect(pp.avgPool2d({ data: new Float32Array(4), shape: [1, 1, 2, 2] }, { kernelSize: 5 } as never)).rejects.toThrow(RangeError);
    await expect(pp.run('nope', {})).rejects.toThrow(/no operator "nope"/);
  });

  it('a worker that dies fails only its call; the engine replaces it and keeps serving', async () => {
    const p = await initParallel({ threads: 2, inlineBelow: 0 });
    try {
      const x = p.fromArray(new Float32Array(4 * 16 * 32 * 32).fill(1), [4, 16, 32, 32]);
      // Every worker waits once it has begun its item, so worker 0 is still running it when
      // terminate() lands, whatever the machine's load (a worker killed before beginning its
      // item fails nothing: the item runs elsewhere; one that finished it fails nothing either).
      p.holdWorkers('run');
      const doomed = p.maxPool2d(x, { kernelSize: 3, stride: 1, padding: 1 });
      while (p.stats().runningWorkers < 2) await new Promise((r) => setTimeout(r, 1));
      await p.workers[0].terminate();
      p.holdWorkers(false);
      await expect(doomed).rejects.toThrow(/worker thread 0 exited .* while running maxPool2d; that call failed, and the engine replaced the worker/);
      const again = await p.maxPool2d(x, { kernelSize: 2 });
      expect(again.data.every((v) => v === 1)).toBe(true);
      expect(p.stats().workersReplaced).toBe(1);
      again.dispose();
      x.dispose();
      expect(p.memoryStats().bytesInUse).toBeLessThan(70_000); // the failed call's memory was released
    } finally {
      await p.close();
    }
  });

  it('close() rejects pending calls and later calls clearly', async () => {
    const p = await initParallel({ threads: 1, inlineBelow: 0 });
    const x = { data: new Float32Array(4 * 64 * 64 * 64), shape: [4, 64, 64, 64] };
    const pending = [p.maxPool2d(x, { kernelSize: 3, stride: 1 }), p.avgPool2d(x, { kernelSize: 3, stride: 1 })];
    await p.close();
    for (const c of pending) await expect(c).rejects.toMatchObject({ code: 'ERR_SIMDPOOL_CLOSED' });
    await expect(p.maxPool2d(x, { kernelSize: 2 })).rejects.toThrow(/engine was closed before this call/);
    expect(() => p.tensor([1])).toThrow(/closed/);
  });

  it('a full queue rejects at once (backpressure), and the queue drains', async () => {
    const p = await initParallel({ threads: 1, inlineBelow: 0, maxPending: 2 });
    try {
      const x = { data: new Float32Array(2 * 32 * 64 * 64), shape: [2, 32, 64, 64] };
      const calls = [1, 2, 3].map(() => p.maxPool2d(x, { kernelSize: 2 }));
      const settled = await Promise.allSettled(calls);
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
      expect((settled[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'ERR_SIMDPOOL_QUEUE_FULL' });
      expect(p.stats().pending).toBe(0);
      await expect(p.maxPool2d(x, { kernelSize: 2 })).resolves.toBeTruthy();
    } finally {
      await p.close();
    }
  });

  it('small calls run on the calling thread below the threshold', async () => {
    const p = await initParallel({ threads: 1 });
    try {
      const before = p.stats().inlineCalls;
      await p.maxPool2d({ data: new Float32Array(16), shape: [1, 1, 4, 4] }, { kernelSize: 2 });
      expect(p.stats().inlineCalls).toBe(before + 1);
    } finally {
      await p.close();
    }
  });
});

describe('the one-thread fallback (the browser entry outside a cross-origin isolated page)', () => {
  // Its memory is not shared, and the engine hands it out: growing it detaches the allocator's
  // cached views, which plain inputs are copied through and window plans are written through.
  it('keeps serving plain and resident calls after other code grows its memory', async () => {
    const { initParallel: initBrowser } = (await import('../dist/parallel.browser.js' as string)) as typeof import('../dist/parallel.js');
    const p = await initBrowser();
    try {
      expect(p.threads).toBe(0);
      expect(p.memory.buffer).toBeInstanceOf(ArrayBuffer);
      const x = { data: Float32Array.from({ length: 16 }, (_, i) => i), shape: [1, 1, 4, 4] };
      expect([...(await p.maxPool2d(x, { kernelSize: 2 })).data]).toEqual([5, 7, 13, 15]);
      const blocks = p.memoryStats().blocks;
      p.memory.grow(1);
      expect([...(await p.maxPool2d(x, { kernelSize: 2 })).data]).toEqual([5, 7, 13, 15]);
      // A shape not seen before: its window plan is written into wasm memory.
      const t = p.fromArray(Float32Array.from({ length: 36 }, (_, i) => i), [1, 1, 6, 6]);
      const y = await p.maxPool2d(t, { kernelSize: 2 });
      expect([...y.data]).toEqual([7, 9, 11, 19, 21, 23, 31, 33, 35]);
      y.dispose();
      t.dispose();
      expect(p.memoryStats().blocks).toBe(blocks + 1); // the new plan, cached
    } finally {
      await p.close();
    }
  });
});

describe('entries', () => {
  it('dist/index.js stays browser-safe (no node: imports); the parallel engine is its own entry', () => {
    const main = readFileSync(new URL('../dist/index.js', import.meta.url), 'utf8');
    expect(main).not.toMatch(/from ["']node:|require\(["']node:|import\(["']node:/);
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.exports['./parallel'].node).toBe('./dist/parallel.js');
    // Browsers and bundlers: Web Workers, with no node: imports either.
    expect(pkg.exports['./parallel'].default).toBe('./dist/parallel.browser.js');
    const browser = readFileSync(new URL('../dist/parallel.browser.js', import.meta.url), 'utf8');
    expect(browser).not.toMatch(/from ["']node:|require\(["']node:|import\(["']node:/);
  });
});
