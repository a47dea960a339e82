// Shared test helpers: one engine from the built package, and result comparisons.
// The vitest project picks the bundle and the build (vitest.config.ts `provide`):
//   bundle 'inline' (dist/index.js, default), 'url' (dist/url/index.js, fetches the .wasm next to
//   it: browsers only), 'iife' (dist/simdpool.iife.js through a <script> tag: browsers only) or
//   'core' (dist/core.js, simdpool/core: only the suites' operators are there) or 'node'
//   (dist/node/index.js, what Node resolves `simdpool` to: plain builds, minified, start-up
//   functions compiled with the script);
//   simd: undefined picks the build by feature detection, false forces the scalar build.
import { expect, inject } from 'vitest';
import type { Engine } from '../../dist/index.js';

export type Bundle = 'inline' | 'url' | 'iife' | 'core' | 'node';
type Api = typeof import('../../dist/index.js');

declare module 'vitest' {
  export interface ProvidedContext {
    bundle?: Bundle;
    simd?: boolean;
  }
}

/** The bundle under test and the build forced on it (undefined: chosen by detection). */
export function target(): { bundle: Bundle; simd: boolean | undefined } {
  return { bundle: inject('bundle') ?? 'inline', simd: inject('simd') };
}

async function loadApi(bundle: Bundle): Promise<Api> {
  if (bundle === 'url') return import('../../dist/url/index.js');
  if (bundle === 'iife') {
    const script = document.createElement('script');
    script.src = new URL('../../dist/simdpool.iife.js', import.meta.url).href;
    await new Promise((resolve, reject) => {
      script.onload = resolve;
      script.onerror = () => reject(new Error(`could not load ${script.src}`));
      document.head.append(script);
    });
    return (globalThis as unknown as { simdpool: Api }).simdpool;
  }
  if (bundle === 'core') return import('../../dist/core.js') as unknown as Promise<Api>;
  if (bundle === 'node') return import('../../dist/node/index.js');
  return import('../../dist/index.js');
}

let api: Promise<Api> | undefined;
let engine: Promise<Engine> | undefined;

/** The package's exports from the bundle under test. */
export function getApi(): Promise<Api> {
  api ??= loadApi(target().bundle);
  return api;
}

/** The engine from the built package (what users import), created once per test file. */
export function getEngine(): Promise<Engine> {
  const { simd } = target();
  engine ??= getApi().then((m) => m.init(simd === undefined ? {} : { simd }));
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

/**
 * Averages: within 1e-6 + 1e-5*|expected| (NaN and infinities must match exactly). With `scale`
 * (Lp gradients: the magnitude of each cell's terms, which overlapping windows' terms may cancel
 * far below; the powers are correctly rounded neither here nor in PyTorch) within 1e-5 of that.
 */
export function expectCloseFloats(actual: Float32Array, expected: Float32Array, what = 'values', scale?: Float32Array): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      if (!Object.is(a, e) && !(Number.isNaN(a) && Number.isNaN(e))) expect.fail(`${what}[${i}]: got ${a}, expected ${e}`);
      continue;
    }
    const magnitude = scale ? scale[i] : Math.abs(e);
    if (!(Math.abs(a - e) <= 1e-6 + 1e-5 * magnitude)) expect.fail(`${what}[${i}]: got ${a}, expected ${e}${scale ? ` (terms of magnitude ${magnitude})` : ''}`);
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
