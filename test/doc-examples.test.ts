// Every ```js example of README.md and docs/*.md runs as written against the built package (only
// its imports adapted), and every statement whose comment names a shape ([1, 3, 4, 5]) gives a
// result of that shape. Examples use `x` as "an input of the operator's dimensionality": each
// `sp.<op>Nd(x` gets an N-D input, unless the example defines its own `x`. The few examples that
// need a browser or the network are listed in SKIPPED, each matched by a string it contains.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as simdpool from '../dist/node/index.js';
import * as core from '../dist/core.js';
import * as parallel from '../dist/parallel.js';

const ROOT = new URL('..', import.meta.url);
const FILES = ['README.md', 'docs/api-breadth.md', 'docs/browser.md', 'docs/services.md', 'docs/performance.md'];
const ENTRIES: Record<string, object> = { simdpool, 'simdpool/core': core, 'simdpool/parallel': parallel };
const SKIPPED: Record<string, string> = {
  "from 'simdpool/url'": 'fetches the .wasm next to the bundle (browsers and bundlers)',
  'cdn.example': 'fetches from a CDN',
  'navigator.hardwareConcurrency': 'a browser page',
};
const skipped = (e: Example) => Object.keys(SKIPPED).some((key) => e.code.includes(key));

interface Example {
  file: string;
  line: number;
  code: string;
}

function examples(): Example[] {
  return FILES.flatMap((file) => {
    const text = readFileSync(new URL(file, ROOT), 'utf8');
    return [...text.matchAll(/^```js\n([\s\S]*?)^```/gm)].map((m) => ({
      file, line: text.slice(0, m.index).split('\n').length + 1, code: m[1],
    }));
  });
}

/** The example as the body of an async function: imports bound from ENTRIES, checks added. */
function instrument(code: string): string {
  const declares = (name: string) => new RegExp(`\\b(const|let)\\s+${name}\\b`).test(code);
  const [ownX, ownData] = [declares('x'), declares('data')];
  return code.split('\n').map((line) => {
    const imports = line.match(/^import\s*\{([^}]*)\}\s*from\s*'([^']+)';\s*(\/\/.*)?$/);
    if (imports) {
      if (!ENTRIES[imports[2]]) throw new Error(`unknown entry ${imports[2]}`);
      return `const {${imports[1].replace(/\bas\b/g, ':')}} = entries['${imports[2]}'];`;
    }
    // `{ data, shape: [8, 64, 4096] }`: data of that shape's size (the docs' convention)
    let out = ownData ? line : line.replace(/\{ data, shape: \[([\d, ]+)\] \}/g, (_, dims: string) =>
      `{ data: new Float32Array(${dims.split(',').join(' * ')}), shape: [${dims}] }`);
    if (!ownX) out = out.replace(/(sp\.\w*?([123])d\w*\()x\b/g, '$1x$2');
    // `statement; // ... [1, 3, 4, 5]`: the statement's result has that shape
    const claim = out.match(/^(\s*)(?:const (\w+) = )?(.*?);\s*\/\/(?! or)[^[]*\[(\d+(?:, \d+)*)\]/);
    if (!claim) return out;
    const [, indent, name, expr, shape] = claim;
    return `${indent}${name ? `const ${name} = ` : ''}check(${expr}, [${shape}], ${JSON.stringify(expr)});`;
  }).join('\n');
}

function check<T>(value: T, shape: number[], what: string): T {
  const v = value as { shape?: readonly number[]; output?: { shape: readonly number[] } };
  expect([...(v.shape ?? v.output?.shape ?? [])], what).toEqual(shape);
  return value;
}

describe('the documentation examples', () => {
  const all = examples();

  it('are found, and every skip names one', () => {
    expect(all.length).toBeGreaterThanOrEqual(15);
    for (const key of Object.keys(SKIPPED)) expect(all.filter((e) => e.code.includes(key)), key).toHaveLength(1);
  });

  for (const example of all.filter((e) => !skipped(e))) {
    it(`${example.file}:${example.line} runs as written`, async () => {
      const sp = await simdpool.init();
      const input = (shape: number[]) => ({ data: Float32Array.from({ length: shape.reduce((a, b) => a * b) }, Math.random), shape });
      const [x1, x2, x3] = [input([2, 3, 20]), input([2, 3, 16, 18]), input([2, 3, 6, 8, 10])];
      const AsyncFunction = (async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
      const run = new AsyncFunction('entries', 'sp', 'x1', 'x2', 'x3', 'check', `{\n${instrument(example.code)}\n}`);
      await run(ENTRIES, sp, x1, x2, x3, check);
    });
  }
});
