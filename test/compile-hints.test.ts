// scripts/compile-hints.mjs: the Node entry's start-up functions are moved to the top of the
// bundle as parenthesized function expressions (V8 compiles those with the script).
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script, no declarations
import { compileEagerly, startupFunctions } from '../scripts/compile-hints.mjs';

const bundle = [
  'var TABLE = { twice, name: "t" };',
  'function twice(x) {',
  '  return 2 * x;',
  '}',
  'function untouched(x) {',
  '  return x;',
  '}',
  'async function load() { return twice(21); }',
  'export { TABLE, load, untouched };',
].join('\n');

/** Evaluates a module body made of the declarations above (exports as a returned object). */
function evaluate(code: string): { TABLE: { twice: (x: number) => number }; load: () => Promise<number>; untouched: (x: number) => number } {
  return new Function(code.replace(/export \{ (.*) \};/, 'return { $1 };'))();
}

describe('compile hints', () => {
  it('wraps the named declarations in parentheses, hoisted above their uses', async () => {
    const hinted: string = compileEagerly(bundle, ['twice', 'load']);
    expect(hinted.startsWith('var twice = (function twice(x) {\n  return 2 * x;\n});\nvar load = (async function load()')).toBe(true);
    expect(hinted).toContain('function untouched(x) {');
    expect(hinted.match(/function twice/g)).toHaveLength(1);
    // TABLE names `twice` above its old place: it still sees the function, as with the declaration.
    const m = evaluate(hinted);
    expect(m.TABLE.twice(4)).toBe(8);
    expect(await m.load()).toBe(42);
    expect(m.untouched(3)).toBe(3);
  });

  it('fails on a name that is not a top-level function declaration', () => {
    expect(() => compileEagerly(bundle, ['thrice'])).toThrow(/no top-level function thrice/);
    expect(() => compileEagerly(bundle, ['TABLE'])).toThrow(/no top-level function TABLE/);
  });

  it('lists the start-up functions of the Node entry', () => {
    const names: string[] = startupFunctions();
    expect(names).toEqual(expect.arrayContaining(['init', 'loadKernels', 'pool', 'resolve', 'runPool', 'writePlan']));
  });
});
