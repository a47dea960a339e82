// The engine's window plans (src/ops/plan.ts PlanCache) stay cached between calls, at most 64 of
// them and, but for the newest two, at most 16 MiB, trimmed as each call ends: a plan takes 12
// bytes an output column, so plans of very wide rows (1D signals of millions of samples) are freed
// as new ones come, and a stream of new shapes never runs wasm memory out. Results stay right
// across the evictions (a resident call's kept plan address is looked up again once a plan has
// been freed). The engine is built from src/ (as test/stream.test.ts's) to count plans written.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Engine } from '../src/engine';
import { LinearMemory } from '../src/memory';
import { loadKernels } from '../src/wasm';
import { expectSameFloats } from './support/engine';

const module = new WebAssembly.Module(readFileSync(new URL('../build/simdpool.wasm', import.meta.url)));
async function init(): Promise<Engine> {
  return new Engine(await loadKernels({ wasm: module }, () => module));
}

/** Counts the plans the engines write from now on (LinearMemory.alloc of a 'pooling plan'). */
function countPlans(): () => number {
  const alloc = vi.spyOn(LinearMemory.prototype, 'alloc');
  return () => alloc.mock.calls.filter(([, what]) => what === 'pooling plan').length;
}
afterEach(() => vi.restoreAllMocks());

/** PyTorch's max_pool1d, kernel 3, stride 1, straight from the definition (no NaNs here). */
function max3(x: Float32Array): Float32Array {
  const out = new Float32Array(x.length - 2);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(x[i], x[i + 1], x[i + 2]);
  return out;
}

function signal(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.sin(i * 0.61 + seed) * 100;
  return x;
}

const K3S1 = { kernelSize: 3, stride: 1 };

describe('plan cache', () => {
  it('plans of wide rows are freed past 16 MiB: memory stays bounded over new shapes, results right', async () => {
    const sp = await init();
    const base = 1_500_000; // a plan of about 18 MB each
    const kept = sp.fromArray(signal(base, 0), [1, 1, base], 'NCW');
    const expected = max3(signal(base, 0));
    const first = sp.maxPool1d(kept, K3S1);
    expectSameFloats(first.data, expected, 'first call');
    first.dispose();
    const held = sp.memoryStats().bytesInUse;
    for (let i = 1; i <= 8; i++) {
      const n = base + i;
      const x = signal(n, i);
      const y = sp.maxPool1d({ data: x, shape: [1, 1, n] }, K3S1);
      if (i % 4 === 0) expectSameFloats(y.data, max3(x), `wide call ${i}`);
      // the resident tensor, and the two newest plans (a call's own and channel planes' are both kept)
      expect(sp.memoryStats().bytesInUse, `after wide call ${i}`).toBeLessThan(held + 40_000_000);
    }
    // the first call's plan was freed: the same resident call plans again, and is still right
    const again = sp.maxPool1d(kept, K3S1);
    expectSameFloats(again.data, expected, 'again');
    again.dispose();
    kept.dispose();
  });

  it('a call that takes two plans keeps both for its next call (channels-last samples of 3 channels pooled as planes)', async () => {
    const sp = await init();
    const plans = countPlans();
    const n = 900_000; // its own plan and the planes' (./channel-planes.ts): about 10.8 MB each
    const x = signal(3 * n, 1);
    const expected = new Float32Array(3 * (n - 2));
    for (let i = 0; i < n - 2; i++) for (let c = 0; c < 3; c++) expected[3 * i + c] = Math.max(x[3 * i + c], x[3 * i + 3 + c], x[3 * i + 6 + c]);
    const t = sp.fromArray(x, [1, n, 3], 'NWC');
    for (let round = 0; round < 3; round++) {
      const y = sp.maxPool1d(t, K3S1);
      expectSameFloats(y.data, expected, `round ${round}`);
      y.dispose();
      expect(plans(), `round ${round}`).toBe(2); // written once: kept past 16 MiB, the pair not split
    }
    t.dispose();
  });

  it('small plans: 64 kept, the least recently used freed first', async () => {
    const sp = await init();
    const x = (w: number) => ({ data: signal(w, w), shape: [1, 1, w] });
    sp.maxPool1d(x(10), K3S1);
    const one = sp.memoryStats();
    for (let w = 11; w < 10 + 64; w++) sp.maxPool1d(x(w), K3S1);
    const full = sp.memoryStats();
    expect(full.blocks).toBe(one.blocks + 63);
    sp.maxPool1d(x(10), K3S1); // (used again: now the most recent)
    sp.maxPool1d(x(100), K3S1); // the 65th: frees the least recently used (width 11)
    expect(sp.memoryStats().blocks).toBe(full.blocks);
    for (const w of [10, 11, 12, 100]) expectSameFloats(sp.maxPool1d(x(w), K3S1).data, max3(x(w).data), `width ${w}`);
  });
});
