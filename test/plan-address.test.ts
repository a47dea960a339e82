// Window plans are written straight into wasm memory (src/ops/plan.ts writePlan), through views
// indexed by address / 4: a block at or above 2 GiB must be indexed unsigned (`>>> 2`), or its
// tables would land at negative indices (not written at all) while its header still pointed at
// them. The same plan written below and above 2 GiB holds the same tables, and its header's
// table addresses are its own block's.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GUARD_BYTES, LinearMemory } from '../src/memory';
import { PLAN_FIELDS, writePlan } from '../src/ops/plan';

const TABLES = ['rowStarts', 'rowList', 'rowInit', 'rowDiv', 'colFirst', 'colCount', 'colDiv', 'colMasks'];
const axis = fc.record({
  size: fc.integer({ min: 1, max: 24 }), kernel: fc.integer({ min: 1, max: 4 }), stride: fc.integer({ min: 1, max: 3 }),
  dilation: fc.integer({ min: 1, max: 2 }), pad: fc.integer({ min: 0, max: 2 }),
}).map(({ size, kernel, stride, dilation, pad }) => {
  const padBefore = Math.min(pad, kernel >> 1);
  const out = Math.max(1, Math.floor((size + 2 * padBefore - dilation * (kernel - 1) - 1) / stride) + 1);
  return { size, kernel, stride, dilation, padBefore, padAfter: padBefore, out };
});

describe('a window plan written above 2 GiB', () => {
  // One memory of 2 GiB and 1 MiB: its pages are reserved, and only the plans' are touched.
  const memory = new WebAssembly.Memory({ initial: 32768 + 16, maximum: 32768 + 16 });
  it('holds the same tables as below 2 GiB, at addresses in its own block', () => {
    fc.assert(
      fc.property(fc.array(axis, { minLength: 1, maxLength: 3 }), fc.boolean(), (axes, countPadding) => {
        const shape = { channelsLast: false, planes: 3, channels: 1 };
        const read = (heapBase: number) => {
          const allocator = new LinearMemory(memory, heapBase);
          const plan = writePlan(allocator, shape, axes, { countPadding });
          const header = new Int32Array(memory.buffer, plan, PLAN_FIELDS.length);
          const bytes = allocator.size(plan) - GUARD_BYTES;
          const tables = TABLES.map((name) => (header[PLAN_FIELDS.indexOf(name)] >>> 0) - plan);
          for (const offset of tables) expect(offset > 0 && offset < bytes).toBe(true);
          const body = new Uint8Array(memory.buffer, plan + tables[0], bytes - tables[0]).slice();
          const fields = [...header].filter((_, i) => !TABLES.includes(PLAN_FIELDS[i]));
          return { tables, body, fields, plan };
        };
        const low = read(0), high = read(2 ** 31);
        expect(high.plan).toBeGreaterThanOrEqual(2 ** 31);
        expect(high.tables).toEqual(low.tables);
        expect(high.fields).toEqual(low.fields);
        expect(high.body).toEqual(low.body);
      }),
      { numRuns: 60 },
    );
  });
});
