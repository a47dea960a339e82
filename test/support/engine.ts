// Shared test helpers: one engine from the built package, and result comparisons.
import { expect } from 'vitest';
import { init, type Engine } from '../../dist/index.js';

let engine: Promise<Engine> | undefined;

/** The engine from the built package (what users import), created once per test file. */
export function getEngine(): Promise<Engine> {
  engine ??= init();
  return engine;
}

/** Bit-for-bit equality of float values (any NaN equals any NaN; -0 differs from +0). */
export function expectSameFloats(actual: Float32Array, expected: Float32Array, what = 'values'): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (!Object.is(a, e)) expect.fail(`${what}[${i}]: got ${show(a)}, expected ${show(e)}`);
  }
}

/** Averages: within 1e-6 + 1e-5*|expected| (NaN and infinities must match exactly). */
export function expectCloseFloats(actual: Float32Array, expected: Float32Array, what = 'values'): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      if (!Object.is(a, e) && !(Number.isNaN(a) && Number.isNaN(e))) expect.fail(`${what}[${i}]: got ${a}, expected ${e}`);
      continue;
    }
    if (!(Math.abs(a - e) <= 1e-6 + 1e-5 * Math.abs(e))) expect.fail(`${what}[${i}]: got ${a}, expected ${e}`);
  }
}

export function expectSameInts(actual: Int32Array, expected: Int32Array, what = 'indices'): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) expect.fail(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]}`);
  }
}

function show(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}
