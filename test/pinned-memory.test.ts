// simdpool/parallel's allocator (src/parallel/memory.ts): a call may name a block by any address
// inside it, and that block, not only one whose start is named, stays alive until the call is done.
import { describe, expect, it } from 'vitest';
import { PinnedMemory } from '../src/parallel/memory';

const fresh = () => new PinnedMemory(new WebAssembly.Memory({ initial: 1, maximum: 1 }), 0);

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
    expect(memory.isLive(b)).toBe(true);
    memory.unpin(b);
    expect(memory.isLive(b)).toBe(false);
    expect(memory.deferredFrees).toBe(0);
    expect(memory.alloc(1000)).toBe(b);
    for (const ptr of [a, c]) expect(memory.isLive(ptr)).toBe(true);
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
