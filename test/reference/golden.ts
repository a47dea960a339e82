/**
 * Loader for test/golden/pool2d.json (written by test/golden/generate.py from
 * real PyTorch). Shared by the reference tests and the engine tests.
 *
 * Inputs are NCHW (rank 4) or CHW (rank 3); transpose them yourself for NHWC.
 * Max cases always carry indices; their options do not contain
 * `returnIndices`, so add `returnIndices: true` when calling an API that needs it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeGoldenFile, type GoldenFile, type GoldenCase, type RawGoldenFile } from './golden-decode';

export type { GoldenCase, GoldenFile, GoldenOp } from './golden-decode';

export const GOLDEN_PATH = fileURLToPath(new URL('../golden/pool2d.json', import.meta.url));

export function loadGoldenFile(path: string = GOLDEN_PATH): GoldenFile {
  return decodeGoldenFile(JSON.parse(readFileSync(path, 'utf8')) as RawGoldenFile);
}

/** All golden cases, freshly decoded (callers may mutate the arrays). */
export function loadGoldenCases(path?: string): GoldenCase[] {
  return loadGoldenFile(path).cases;
}
