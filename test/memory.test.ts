// The allocator's free list (src/memory.ts), on a wasm memory that cannot grow: what is freed
// must come back as one block, or a later allocation that used to fit fails (or grows memory).
import { describe, expect, it } from 'vitest';
import { GUARD_BYTES, LinearMemory } from '../src/memory';

const PAGE = 65536;
/** The largest request a fresh one-page heap (heap base 0) holds: the page less the guard below and the slack after. */
const WHOLE_HEAP = PAGE - 2 * GUARD_BYTES;

describe('the allocator', () => {
  it('hands out the whole heap in one block, and not a byte more', () => {
    const memory = new LinearMemory(new WebAssembly.Memory({ initial: 1, maximum: 1 }), 0);
    const ptr = memory.alloc(WHOLE_HEAP);
    expect(ptr).toBe(GUARD_BYTES);
    expect(() => memory.alloc(0)).toThrow(RangeError);
    memory.free(ptr);
    expect(memory.alloc(WHOLE_HEAP)).toBe(ptr);
  });

  it('coalesces every freed block, also when a block was reused exactly (a hole of its size)', () => {
    const memory = new LinearMemory(new WebAssembly.Memory({ initial: 1, maximum: 1 }), 0);
    const a = memory.alloc(1000), b = memory.alloc(1000), c = memory.alloc(1000);
    memory.free(b);
    const again = memory.alloc(1000); // b's hole, to the byte
    expect(again).toBe(b);
    for (const ptr of [c, again, a]) memory.free(ptr);
    expect(memory.stats()).toMatchObject({ bytesInUse: 0, blocks: 0, memoryBytes: PAGE });
    expect(memory.alloc(WHOLE_HEAP)).toBe(a);
  });
});
