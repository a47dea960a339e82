// Lists of sizes that an operator takes whole (unpooling's outputSize, the backward passes'
// inputShape): numbers, of one of a few lengths.
import { describe } from '../describe';

/**
 * `value` as a list of numbers of one of `lengths`: another length is a RangeError, checked before
 * any element is visited (some() would visit each index of a sparse array of length 2**32 - 1);
 * anything but an array of numbers a TypeError. `what` says in messages what the list must be.
 */
export function readNumberList(op: string, name: string, value: unknown, lengths: readonly number[], what: string): number[] {
  if (Array.isArray(value) && !lengths.includes(value.length)) throw new RangeError(`${op}: ${name} must be ${what}, got ${describe(value)}`);
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'number')) {
    throw new TypeError(`${op}: ${name} must be ${what}, got ${describe(value)}`);
  }
  return value;
}
