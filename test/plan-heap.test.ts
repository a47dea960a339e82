// Window plans of calls with millions of output rows or columns are built in typed arrays, not
// in JavaScript arrays or objects per window: a 1 GiB 1D signal (2^27 output columns) pooled with
// k2 ended the process with V8's fatal "JavaScript heap out of memory" (uncatchable), and so did
// a 512 MiB [1, 1, 2^25, 4] input (2^24 output rows). A child process with a small heap limit
// runs such calls against the built package: typed arrays live outside that heap, so the calls
// must pass with it, where per-window JavaScript values exhaust it.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../dist/node/index.js', import.meta.url));

const script = `
import { init } from ${JSON.stringify(entry)};
const sp = await init();
const results = [];
// Max of each pair along the last axis, as the reference (x[i] = i % 1009 - 500: no ties, no NaN).
const check = (name, got, n) => {
  let bad = 0;
  for (let o = 0; o < got.length; o++) {
    const a = (2 * o) % 1009 - 500, b = (2 * o + 1) % 1009 - 500;
    if (got[o] !== Math.max(a, b)) bad++;
  }
  results.push({ name, length: got.length, bad });
};
const x = (n) => Float32Array.from({ length: n }, (_, i) => (i % 1009) - 500);
const n1 = 2 ** 24;
check('maxPool1d over 2^24 columns', sp.maxPool1d({ data: x(n1), shape: [1, 1, n1] }, { kernelSize: 2 }).data, n1);
// 2^21 rows of 2 columns, pooled 1x2: 2^21 output rows, each reading one input row.
const n2 = 2 ** 22;
check('maxPool2d over 2^21 rows', sp.maxPool2d({ data: x(n2), shape: [1, 1, n2 / 2, 2] }, { kernelSize: [1, 2] }).data, n2);
console.log(JSON.stringify({ results }));
`;

describe('window plans of millions of windows', () => {
  it('are built without exhausting a small JavaScript heap, and pool correctly', () => {
    const out = execFileSync(process.execPath, ['--max-old-space-size=40', '--input-type=module', '-e', script], {
      encoding: 'utf8', timeout: 120_000,
    });
    const { results } = JSON.parse(out.trim().split('\n').pop()!);
    expect(results).toEqual([
      { name: 'maxPool1d over 2^24 columns', length: 2 ** 23, bad: 0 },
      { name: 'maxPool2d over 2^21 rows', length: 2 ** 21, bad: 0 },
    ]);
  }, 180_000);
});
