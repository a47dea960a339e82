// The allocator over wasm linear memory: the only code of simdpool's that grows it (others' may:
// see view()). Blocks are 16-byte aligned. SIMD kernels may read (never write, never use) up to
// GUARD_BYTES before or after the elements they need, so every block keeps that much slack after
// its end and the heap starts that far above address 0: such reads always stay inside linear memory.
import { describe } from './describe';
import type { AnyTypedArray } from './tensor';

const ALIGN = 16;
/**
 * Bytes every block has past its end, its own: kernels read up to this far past a row, and the
 * byte kernels' narrow rows (assembly/byte-max.ts, byte-avg.ts, bytes.ts) write up to 15 bytes
 * past an output's last row.
 * Must match GUARD_FLOATS * 4 in assembly/lanes.ts.
 */
export const GUARD_BYTES = 128;
const SLACK = GUARD_BYTES;
const PAGE = 65536;
/** wasm32 addresses 4 GiB; engines cap a memory at 65536 pages. */
export const MAX_MEMORY_BYTES = 65536 * PAGE;
/** The end of every message about a request that no wasm32 memory can hold. */
export const BEYOND_WASM_MEMORY = 'more than wasm memory can hold (4 GiB)';

interface Block {
  ptr: number;
  size: number;
}

export interface MemoryStats {
  /** Bytes currently reserved by live blocks (slack included). */
  bytesInUse: number;
  /** Live blocks. */
  blocks: number;
  /** Current size of linear memory in bytes. */
  memoryBytes: number;
  /** Resident tensors freed by garbage collection (never disposed) so far. */
  finalized: number;
}

/**
 * Wasm memory cannot grow enough for an allocation: a RangeError, with fields that tell a
 * service whether waiting may help (`bytes <= limit`: other calls may be holding the memory)
 * or not (`bytes > limit`: it can never fit). A request larger than any wasm32 memory (4 GiB,
 * BEYOND_WASM_MEMORY) is not one: it is a plain RangeError about the argument, whatever the limit.
 */
export class OutOfMemoryError extends RangeError {
  readonly code = 'ERR_SIMDPOOL_OUT_OF_MEMORY';
  constructor(message: string, readonly bytes: number, readonly inUse: number, readonly limit: number) {
    super(message);
    this.name = 'OutOfMemoryError';
  }
}

export class LinearMemory {
  readonly memory: WebAssembly.Memory;
  /** Free blocks, sorted by address, never adjacent (coalesced on free). */
  readonly #freeList: Block[] = [];
  /**
   * Each block's size by its address. A freed block's entry stays, as 0, until free() sweeps
   * such entries away: deleting and adding keys made the Map rebuild its table every few calls
   * (a small call's alloc and free took 100 ns instead of 25).
   */
  readonly #sizes = new Map<number, number>();
  /** Live blocks. */
  #blocks = 0;
  #inUse = 0;
  #finalized = 0;
  /** Set when memory could not grow for a block; the plan cache reads and clears it (PlanCache.trim). */
  pressure = false;
  /** Views of the whole memory by element type (see view()); emptied when memory grows. */
  readonly #views = new Map<unknown, AnyTypedArray>();

  /** `maxBytes`: the memory's maximum size (a multiple of 64 KiB; the wasm memory's own maximum). */
  constructor(memory: WebAssembly.Memory, heapBase: number, readonly maxBytes = MAX_MEMORY_BYTES) {
    this.memory = memory;
    const start = roundUp(heapBase + GUARD_BYTES, ALIGN);
    const end = memory.buffer.byteLength;
    if (end > start) this.#freeList.push({ ptr: start, size: end - start });
  }

  /**
   * All of wasm memory as elements of `Ctor`, made again only after the buffer was replaced:
   * plain tensors are copied in and out through it, at ptr / element size, without a view per
   * call (small calls spent ~5% of their time on them) nor a read of `memory.buffer` (another 2%).
   * #grow empties the cache. Code outside the allocator can grow the memory too (simdpool/parallel
   * hands out its `memory`, not shared in its one-thread fallback): that detaches the view, whose
   * length then reads 0, so it is made again. (A shared memory's old views stay attached, and
   * cover every block the allocator knows of.)
   */
  view<A extends AnyTypedArray>(Ctor: new (buffer: ArrayBuffer) => A): A {
    let view = this.#views.get(Ctor) as A | undefined;
    if (!view || view.length === 0) this.#views.set(Ctor, view = new Ctor(this.memory.buffer as ArrayBuffer));
    return view;
  }

  /** Reserve `bytes` (may grow memory, detaching earlier views). Throws RangeError when it cannot. */
  alloc(bytes: number, what = 'buffer'): number {
    if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`cannot allocate ${describe(bytes)} bytes for ${what}`);
    const size = roundUp(bytes + SLACK, ALIGN);
    if (size > MAX_MEMORY_BYTES) {
      throw new RangeError(`${what} needs ${bytes} bytes, ${BEYOND_WASM_MEMORY}`);
    }
    let index = this.#freeList.findIndex((b) => b.size >= size);
    if (index < 0) index = this.#grow(size, bytes, what);
    const block = this.#freeList[index];
    const ptr = block.ptr;
    if (block.size === size) this.#freeList.splice(index, 1);
    else {
      block.ptr += size;
      block.size -= size;
    }
    this.#sizes.set(ptr, size);
    this.#blocks++;
    this.#inUse += size;
    return ptr;
  }

  /** The bytes a block from alloc() takes (its slack and alignment included); 0 or undefined once freed. */
  size(ptr: number): number {
    return this.#sizes.get(ptr)!;
  }

  /** Return a block from alloc(); returns its size(). Freeing anything else is a programming error. */
  free(ptr: number): number {
    const size = this.#sizes.get(ptr);
    if (!size) throw new Error(`simdpool internal error: free of unknown block ${ptr}`);
    this.#sizes.set(ptr, 0);
    this.#blocks--;
    this.#inUse -= size;
    // Swept once freed entries outnumber live blocks by 1024: each sweep follows as many frees
    // as it visits entries, so its cost per free stays constant however many tensors live.
    if (this.#sizes.size > 2 * this.#blocks + 1024) for (const [p, n] of this.#sizes) if (!n) this.#sizes.delete(p);
    const list = this.#freeList;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid].ptr < ptr) lo = mid + 1;
      else hi = mid;
    }
    // (list[-1] would be a named-property lookup, 3x slower than the guard)
    const prev = lo && list[lo - 1];
    const next = list[lo];
    if (prev && prev.ptr + prev.size === ptr) {
      prev.size += size;
      if (next && prev.ptr + prev.size === next.ptr) {
        prev.size += next.size;
        list.splice(lo, 1);
      }
    } else if (next && ptr + size === next.ptr) {
      next.ptr = ptr;
      next.size += size;
    } else {
      list.splice(lo, 0, { ptr, size });
    }
    return size;
  }

  /** Free the block of a tensor garbage-collected without dispose() (a disposed one's ptr is -1: none). */
  freeFinalized(ptr: number): void {
    if (!this.#sizes.get(ptr)) return;
    this.#finalized++;
    this.free(ptr);
  }

  stats(): MemoryStats {
    return { bytesInUse: this.#inUse, blocks: this.#blocks, memoryBytes: this.memory.buffer.byteLength, finalized: this.#finalized };
  }

  /** Grow memory so that a free block of `size` exists at the top; returns its index. */
  #grow(size: number, bytes: number, what: string): number {
    const end = this.memory.buffer.byteLength;
    const last = this.#freeList[this.#freeList.length - 1];
    const topFree = last && last.ptr + last.size === end ? last.size : 0;
    const needed = size - topFree;
    // Grow by at least an eighth of the current size, so many small growths stay cheap.
    const pages = Math.max(Math.ceil(needed / PAGE), Math.ceil(end / PAGE / 8));
    const minimum = Math.ceil(needed / PAGE);
    if (!this.#tryGrow(pages) && !this.#tryGrow(minimum)) {
      this.pressure = true;
      // Over the limit, or the JavaScript engine refused to grow memory under it: the facts tell which.
      throw new OutOfMemoryError(
        `${what} needs ${bytes} bytes, but wasm memory cannot grow to fit it ` +
          `(${this.#inUse} bytes in use; the limit is ${this.maxBytes === MAX_MEMORY_BYTES ? '4 GiB' : `${this.maxBytes} bytes`})`,
        bytes, this.#inUse, this.maxBytes,
      );
    }
    this.#views.clear();
    const newEnd = this.memory.buffer.byteLength;
    if (topFree > 0) last.size += newEnd - end;
    else this.#freeList.push({ ptr: end, size: newEnd - end });
    return this.#freeList.length - 1;
  }

  #tryGrow(pages: number): boolean {
    const current = this.memory.buffer.byteLength / PAGE;
    if (current + pages > this.maxBytes / PAGE) return false;
    try {
      this.memory.grow(pages);
      return true;
    } catch {
      return false;
    }
  }
}

function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
