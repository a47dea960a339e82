// The parallel engine's allocator: a LinearMemory over the shared wasm memory whose blocks can
// be pinned while worker threads use them. Freeing a pinned block (a tensor disposed, a plan
// evicted from the cache while a call is still running) takes effect when its last pin goes.
// A call may name a block by any address inside it (a band's first row, a sample of a batch),
// so pins go to the block that contains the address, found among the blocks' starts.
import { LinearMemory } from '../memory';
import { BlockStarts } from './block-starts';

export class PinnedMemory extends LinearMemory {
  private readonly pins = new Map<number, number>();
  private readonly freeLater = new Set<number>();
  private readonly starts = new BlockStarts();

  override alloc(bytes: number, what?: string): number {
    const ptr = super.alloc(bytes, what);
    this.starts.add(ptr);
    return ptr;
  }

  /**
   * Pin the live block that holds `address` (its start or any byte up to its end, slack
   * included) unless its owner has freed it already; returns the block's start, or -1 when
   * nothing was pinned (an address outside every block: a size or a count among the arguments).
   */
  pin(address: number): number {
    const ptr = this.blockOf(address);
    if (ptr < 0 || this.freeLater.has(ptr)) return -1;
    this.pins.set(ptr, (this.pins.get(ptr) ?? 0) + 1);
    return ptr;
  }

  /** Release a pin that pin() returned `ptr` for. */
  unpin(ptr: number): void {
    const n = this.pins.get(ptr);
    if (n === undefined) throw new Error(`simdpool internal error: unpin of unpinned block ${ptr}`);
    if (n > 1) {
      this.pins.set(ptr, n - 1);
      return;
    }
    this.pins.delete(ptr);
    if (this.freeLater.delete(ptr)) this.release(ptr);
  }

  override free(ptr: number): number {
    if (this.pins.has(ptr)) {
      if (this.freeLater.has(ptr)) throw new Error(`simdpool internal error: double free of block ${ptr}`);
      this.freeLater.add(ptr);
      return this.size(ptr);
    }
    return this.release(ptr);
  }

  /** Blocks freed by their owner but still pinned by running calls. */
  get deferredFrees(): number {
    return this.freeLater.size;
  }

  /** The start of the live block holding `address`, or -1. */
  private blockOf(address: number): number {
    const ptr = this.starts.atOrBelow(address);
    return ptr >= 0 && address < ptr + this.size(ptr) ? ptr : -1;
  }

  private release(ptr: number): number {
    const size = super.free(ptr);
    this.starts.remove(ptr);
    return size;
  }
}
