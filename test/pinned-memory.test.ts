// simdpool/parallel's allocator (src/parallel/memory.ts): a call may name a block by any address
// inside it, and that block, not only one whose start is named, stays alive until the call is done.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlockStarts } from '../src/parallel/block-starts';
import { PinnedMemory } from '../src/parallel/memory';

const fresh = () => new PinnedMemory(new WebAssembly.Memory({ initial: 1, maximum: 1 }), 0);
/** A freed block's size is 0, or undefined once its entry is swept. */
const isLive = (memory: PinnedMemory, ptr: number) => memory.size(ptr) > 0;

describe('PinnedMemory', () => {
  it('pins the block that holds an interior address, and frees it only when the last pin goes', () => {
    const memory = fresh();
    const a = memory.alloc(1000), b = memory.alloc(1000), c = memory.alloc(1000);
    expect(memory.pin(b + 500)).toBe(b);
    expect(memory.pin(b + 999)).toBe(b);
    memory.free(b);
    expect(memory.deferredFrees).toBe(1);
    // (freed but pinned: its bytes are not handed out again)
    expect(memory.alloc(1000)).not.toBe(b);
    memory.unpin(b);
    expect(isLive(memory, b)).toBe(true);
    memory.unpin(b);
    expect(isLive(memory, b)).toBe(false);
    expect(memory.deferredFrees).toBe(0);
    expect(memory.alloc(1000)).toBe(b);
    for (const ptr of [a, c]) expect(isLive(memory, ptr)).toBe(true);
  });

  it('tells each block by its bounds: the last byte of its slack is its own, the next byte the next block', () => {
    const memory = fresh();
    const a = memory.alloc(100), b = memory.alloc(100);
    const end = a + memory.size(a);
    expect(end).toBe(b);
    expect(memory.pin(end - 1)).toBe(a);
    expect(memory.pin(end)).toBe(b);
    expect(memory.pin(a - 1)).toBe(-1);
    expect(memory.pin(b + memory.size(b))).toBe(-1); // free memory past the last block
    expect(memory.pin(7)).toBe(-1); // a count among the arguments
  });

  it('does not pin a block its owner has freed already, and keeps no stale starts after frees', () => {
    const memory = fresh();
    const blocks = Array.from({ length: 20 }, (_, i) => memory.alloc(64 * (i + 1)));
    expect(memory.pin(blocks[3] + 8)).toBe(blocks[3]);
    memory.free(blocks[3]);
    expect(memory.pin(blocks[3])).toBe(-1);
    for (const [i, ptr] of blocks.entries()) if (i % 2 === 0) memory.free(ptr);
    for (const [i, ptr] of blocks.entries()) {
      const expected = i % 2 === 1 && i !== 3 ? ptr : -1;
      expect(memory.pin(ptr + 64)).toBe(expected);
    }
    // a block over freed ones' old starts is found from any of its bytes
    const again = fresh();
    const x = again.alloc(100), y = again.alloc(100);
    again.free(x);
    again.free(y);
    const z = again.alloc(400);
    expect(z).toBe(x);
    expect(again.pin(y + 8)).toBe(z);
  });
});

describe('BlockStarts', () => {
  // (thousands of starts, so that buckets split and empty; against a plain sorted array)
  it('finds the largest start at or below any address, through adds and removals', () => {
    const op = fc.oneof(
      { weight: 3, arbitrary: fc.record({ add: fc.integer({ min: 0, max: 1 << 20 }) }) },
      { weight: 2, arbitrary: fc.record({ remove: fc.nat() }) },
      { weight: 2, arbitrary: fc.record({ find: fc.integer({ min: -5, max: (1 << 20) + 5 }) }) },
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 3000 }), (ops) => {
        const starts = new BlockStarts(), model: number[] = [];
        for (const o of ops) {
          if ('add' in o) {
            if (model.includes(o.add)) continue;
            starts.add(o.add);
            model.push(o.add);
            model.sort((a, b) => a - b);
          } else if ('remove' in o) {
            if (model.length === 0) continue;
            const [ptr] = model.splice(o.remove % model.length, 1);
            starts.remove(ptr);
          } else {
            const below = model.filter((p) => p <= o.find);
            expect(starts.atOrBelow(o.find)).toBe(below.length ? below[below.length - 1] : -1);
          }
        }
        for (const ptr of model) expect(starts.atOrBelow(ptr)).toBe(ptr);
      }),
      { numRuns: 30 },
    );
  });

  it('keeps its order when whole buckets split and empty', () => {
    const n = 6000, starts = new BlockStarts();
    for (let i = 0; i < n; i++) starts.add(16 * ((i * 7919) % n)); // every multiple of 16 below 16n, shuffled
    // slots 1000 up to `gone` removed, 250 at a time (a bucket holds 256 to 512), every address
    // checked after each step
    for (let gone = 1250; gone <= 5000; gone += 250) {
      for (let p = 16 * (gone - 250); p < 16 * gone; p += 16) starts.remove(p);
      for (let address = -8; address < 16 * n + 64; address += 8) {
        const slot = Math.floor(address / 16);
        const expected = address < 0 ? -1 : slot >= 1000 && slot < gone ? 16 * 999 : 16 * Math.min(slot, n - 1);
        if (starts.atOrBelow(address) !== expected) expect(starts.atOrBelow(address), `address ${address}, slots 1000-${gone - 1} gone`).toBe(expected);
      }
    }
  });

  it('refuses to remove a start it does not hold', () => {
    const starts = new BlockStarts();
    starts.add(64);
    expect(() => starts.remove(80)).toThrow(/no block starts at 80/);
  });
});
