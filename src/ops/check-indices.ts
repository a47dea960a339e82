// Index arguments (unpooling's, the max gradients') are checked in wasm before any kernel reads
// them: a bad index is a RangeError naming its value and flat position, never a stray write.
import type { Context } from '../context';

/**
 * Throws for the first of `length` indices at `ptr` outside [lowest, end). `from` is the flat
 * position of the first (a chunk's offset); `range` says in words what the indices address.
 */
export function checkIndices(
  ctx: Context, name: string, ptr: number, length: number, lowest: number, end: number, from: number, range: string,
): void {
  const bad = ctx.kernels.firstIndexOutside_i32(ptr, length, lowest, end);
  if (bad < 0) return;
  const value = new Int32Array(ctx.memory.memory.buffer, ptr, length)[bad];
  throw new RangeError(`${name}: indices holds ${value} at flat position ${from + bad}, outside ${range}`);
}
