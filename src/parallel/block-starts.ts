// The start addresses of live blocks, sorted, for finding the block that holds an address
// (src/parallel/memory.ts). One sorted array made every alloc and free shift all the starts after
// it: with 100k resident tensors a small call took 210 µs instead of 37. Here the starts are kept
// in buckets of at most 2 * BUCKET sorted starts, each bucket's above the one before: an insert or
// a removal shifts one bucket, and a lookup is two binary searches.
const BUCKET = 256;

export class BlockStarts {
  private readonly buckets: number[][] = [];

  add(ptr: number): void {
    const buckets = this.buckets;
    if (buckets.length === 0) {
      buckets.push([ptr]);
      return;
    }
    const b = this.bucketOf(ptr), bucket = buckets[b];
    bucket.splice(firstAbove(bucket, ptr), 0, ptr);
    if (bucket.length > 2 * BUCKET) buckets.splice(b + 1, 0, bucket.splice(BUCKET));
  }

  /** Remove `ptr`, which add() added. */
  remove(ptr: number): void {
    const b = this.bucketOf(ptr), bucket = this.buckets[b];
    const i = firstAbove(bucket, ptr) - 1;
    if (bucket[i] !== ptr) throw new Error(`simdpool internal error: no block starts at ${ptr}`);
    bucket.splice(i, 1);
    if (bucket.length === 0) this.buckets.splice(b, 1);
  }

  /** The largest start at or below `address`, or -1. */
  atOrBelow(address: number): number {
    if (this.buckets.length === 0) return -1;
    const bucket = this.buckets[this.bucketOf(address)];
    const i = firstAbove(bucket, address) - 1;
    return i < 0 ? -1 : bucket[i];
  }

  /** The last bucket whose first start is at or below `address` (the first bucket if none is). */
  private bucketOf(address: number): number {
    const buckets = this.buckets;
    let lo = 0, hi = buckets.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (buckets[mid][0] <= address) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(0, lo - 1);
  }
}

/** Index of the first of the sorted `starts` above `address`. */
function firstAbove(starts: number[], address: number): number {
  let lo = 0, hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid] <= address) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
