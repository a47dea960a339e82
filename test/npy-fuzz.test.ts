// parseNpy under abuse: every truncation and random corruption of valid .npy files (and header
// edits: shapes, dtypes, versions, lengths) gives a clear NpyError or a consistent array —
// never another exception.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatNpy, NpyError, parseNpy } from '../src/cli/npy';

const arrays = [
  formatNpy({ data: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3] }),
  formatNpy({ data: Int32Array.from([7, -8]), shape: [2] }),
  formatNpy({ data: Int8Array.from([1, -1, 3]), shape: [1, 3] }),
  formatNpy({ data: new Uint8Array(0), shape: [0, 4] }),
];

function check(bytes: Uint8Array): void {
  let result;
  try {
    result = parseNpy(bytes, 'in.npy');
  } catch (e) {
    if (!(e instanceof NpyError)) throw new Error(`not an NpyError: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    expect(e.message).toMatch(/^in\.npy: /);
    return;
  }
  // Accepted: shape and data agree.
  expect(result.data.length).toBe(result.shape.reduce((a, b) => a * b, 1));
}

describe('parseNpy on truncated and corrupted bytes', () => {
  it('every truncation of every file is an NpyError', () => {
    for (const file of arrays) {
      for (let n = 0; n < file.length; n++) {
        expect(() => parseNpy(file.subarray(0, n), 'in.npy')).toThrow(NpyError);
      }
      check(file);
    }
  });

  it('random byte corruption, header edits and appended bytes give an NpyError or a consistent array', () => {
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('byte' as const), at: fc.nat(200), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('text' as const), from: fc.constantFrom("'shape': (", "'descr': '<", 'False', '(2, 3)', ', }'), to: fc.constantFrom("'shape': (-", "'descr': '>", 'True', '(1e400, 3)', '(2, 3', '(99999999999999999999,)', '(3.5,)', '', ')', "'", '\u00ff') }),
      fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ maxLength: 9 }) }),
      fc.record({ kind: fc.constant('version' as const), major: fc.integer({ min: 0, max: 4 }), len: fc.nat(0xffffffff) }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...arrays), fc.array(edit, { minLength: 1, maxLength: 4 }), (file, edits) => {
        let bytes = Uint8Array.from(file);
        for (const e of edits) {
          if (e.kind === 'byte') {
            if (bytes.length) bytes[e.at % bytes.length] = e.value;
          } else if (e.kind === 'append') {
            bytes = Uint8Array.from([...bytes, ...e.bytes]);
          } else if (e.kind === 'version') {
            bytes[6] = e.major;
            new DataView(bytes.buffer).setUint32(8, e.len, true);
          } else {
            const text = Array.from(bytes, (b) => String.fromCharCode(b)).join('').replace(e.from, e.to);
            bytes = Uint8Array.from(text, (ch) => ch.charCodeAt(0) & 0xff);
          }
        }
        check(bytes);
      }),
      { numRuns: 3000 },
    );
  });
});
