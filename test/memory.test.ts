// The allocator (src/memory.ts). Its free list, on a wasm memory that cannot grow: what is freed
// must come back as one block, or a later allocation that used to fit fails (or grows memory).
// Its table of block sizes and its views, against a model, on a memory that grows.
import fc from 'fast-check';
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

describe('the allocator when other code grows its memory', () => {
  // simdpool/parallel hands out its memory (not shared in its one-thread fallback): growing it
  // detaches every view, the allocator's cached ones too, without the allocator knowing.
  it('makes its views again, attached and of the new length', () => {
    const wasm = new WebAssembly.Memory({ initial: 1 });
    const memory = new LinearMemory(wasm, 0);
    const ptr = memory.alloc(16);
    expect(memory.view(Float32Array).length).toBe(PAGE / 4);
    wasm.grow(1);
    const view = memory.view(Float32Array);
    expect(view.length).toBe((2 * PAGE) / 4);
    view.set([1, 2, 3, 4], ptr / 4);
    expect([...new Float32Array(wasm.buffer, ptr, 4)]).toEqual([1, 2, 3, 4]);
  });
});

describe('the allocator against a model of its blocks', () => {
  // Freed blocks' entries stay in the block table until they outnumber the live blocks by 1024
  // and are swept: runs that allocate over a thousand blocks and free most of them in random
  // order pass several sweeps, and grow memory. Throughout, live blocks never overlap and keep
  // their sizes, stats count exactly the live ones, a freed block cannot be freed again, and
  // views of the memory follow its growth.
  it('keeps live blocks apart and counted through sweeps and growth', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1100, max: 2600 }),
        fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 16 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 50 }),
        (count, sizes, picks) => {
          const memory = new LinearMemory(new WebAssembly.Memory({ initial: 1 }), 0);
          const live = new Map<number, number>();
          const freed = new Set<number>();
          const alloc = (bytes: number) => {
            const ptr = memory.alloc(bytes);
            expect(memory.size(ptr)).toBeGreaterThanOrEqual(bytes + GUARD_BYTES);
            live.set(ptr, memory.size(ptr));
            freed.delete(ptr);
          };
          const free = (ptr: number) => {
            memory.free(ptr);
            live.delete(ptr);
            freed.add(ptr);
          };
          const check = () => {
            const spans = [...live].sort((a, b) => a[0] - b[0]);
            for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][0] + spans[i - 1][1]);
            for (const [ptr, size] of spans) expect(memory.size(ptr)).toBe(size);
            const { blocks, bytesInUse, memoryBytes } = memory.stats();
            expect(blocks).toBe(live.size);
            expect(bytesInUse).toBe(spans.reduce((n, [, size]) => n + size, 0));
            expect(memory.view(Float32Array).length).toBe(memoryBytes / 4);
          };
          for (let i = 0; i < count; i++) {
            if (i % 300 === 0) check(); // (the first at one page: views made before memory grows)
            alloc(sizes[i % sizes.length]);
          }
          check();
          // Free all but a few, in an order the picks scramble, allocating again now and then.
          for (let i = 0; live.size > 8; i++) {
            const ptrs = [...live.keys()];
            free(ptrs[picks[i % picks.length] % ptrs.length]);
            if (i % 7 === 0) alloc(sizes[i % sizes.length]);
            if (i % 500 === 0) check();
          }
          check();
          for (const ptr of [...freed].slice(-3)) expect(() => memory.free(ptr)).toThrow(/free of unknown block/);
          for (const ptr of [...live.keys()]) free(ptr);
          expect(memory.stats()).toMatchObject({ bytesInUse: 0, blocks: 0 });
          expect(memory.alloc(memory.stats().memoryBytes - 2 * GUARD_BYTES)).toBe(GUARD_BYTES);
        },
      ),
      { numRuns: 12 },
    );
  });
});
