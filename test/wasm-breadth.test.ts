// Every kernel export does its work with SIMD: its body (build/simdpool.wat, the text of the
// release build) holds 128-bit loads or stores, and the element-wise kernels' vector arithmetic.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const wat = readFileSync(fileURLToPath(new URL('../build/simdpool.wat', import.meta.url)), 'utf8');
const exports = [...wat.matchAll(/\(export "(\w+)" \(func (\$[^)]+)\)\)/g)].map(([, name, fn]) => ({ name, fn }));

/** A function's text together with every function it calls (slow paths live in callees). */
function body(fn: string, seen = new Set<string>()): string {
  if (seen.has(fn)) return '';
  seen.add(fn);
  const start = wat.indexOf(`(func ${fn} `);
  expect(start, fn).toBeGreaterThan(0);
  const next = wat.indexOf('\n (func ', start + 1);
  const text = wat.slice(start, next < 0 ? undefined : next);
  return text + [...text.matchAll(/\bcall (\$[^\s)]+)/g)].map((m) => body(m[1], seen)).join('');
}

const NOT_KERNELS = new Set(['heapBase', 'planBytes']);

describe('kernels are SIMD', () => {
  it('exports every kernel the engine uses', () => {
    const names = exports.map((e) => e.name);
    for (const k of ['maxPoolQuads_f32', 'avgPoolQuads_f32', 'maxPoolQuadsIndicesNoNaN_f32', 'maxPoolRowsNoNaN_f32', 'maxPoolChannelsIndicesNoNaN_f32',
      'globalMaxPlanesNoNaN_f32', 'powElements_f32', 'firstInvalidIndex_i32', 'unpoolPlanes_f32', 'unpoolChannels_f32',
      'remapIndices_i32', 'remapIndicesColumnMajor_i32']) expect(names).toContain(k);
  });
  it.each(exports.filter((e) => !NOT_KERNELS.has(e.name)).map((e) => [e.name, e.fn]))('%s uses v128 loads/stores', (_name, fn) => {
    expect(body(fn)).toMatch(/v128\.(load|store)/);
  });
  it.each([
    ['powElements_f32', /f32x4\.(mul|sqrt)/],
    ['remapIndicesColumnMajor_i32', /f64x2\.div/],
    ['firstInvalidIndex_i32', /i32x4\.ge_u/],
    ['maxPoolQuadsIndices_f32', /i8x16\.shuffle/],
  ])('%s computes in vector lanes', (name, pattern) => {
    expect(body(exports.find((e) => e.name === name)!.fn)).toMatch(pattern);
  });
});
