// The parallel engine's allocator: a LinearMemory over the shared wasm memory whose blocks can
// be pinned while worker threads use them. Freeing a pinned block (a tensor disposed, a plan
// evicted from the cache while a call is still running) takes effect when its last pin goes.
import { LinearMemory } from '../memory';

export class PinnedMemory extends LinearMemory {
  private readonly pins = new Map<number, number>();
  private readonly freeLater = new Set<number>();

  /** Pin `ptr` if it is the start of a live block; returns whether it was pinned. */
  pin(ptr: number): boolean {
    if (!this.isLive(ptr) || this.freeLater.has(ptr)) return false;
    this.pins.set(ptr, (this.pins.get(ptr) ?? 0) + 1);
    return true;
  }

  unpin(ptr: number): void {
    const n = this.pins.get(ptr);
    if (n === undefined) throw new Error(`simdpool internal error: unpin of unpinned block ${ptr}`);
    if (n > 1) {
      this.pins.set(ptr, n - 1);
      return;
    }
    this.pins.delete(ptr);
    if (this.freeLater.delete(ptr)) super.free(ptr);
  }

  override free(ptr: number): number {
    if (this.pins.has(ptr)) {
      if (this.freeLater.has(ptr)) throw new Error(`simdpool internal error: double free of block ${ptr}`);
      this.freeLater.add(ptr);
      return this.size(ptr);
    }
    return super.free(ptr);
  }

  /** Blocks freed by their owner but still pinned by running calls. */
  get deferredFrees(): number {
    return this.freeLater.size;
  }
}
