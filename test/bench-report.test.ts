// bench/report.mjs's verdicts on made-up runs: a target timed on a wrong output is INVALID, a
// missing peer leaves "every peer" incomplete, and "out of reach" comes from a floor's best time.
import { expect, it } from 'vitest';
import { CASES } from '../bench/cases.mjs';
import { buildReport, renderMarkdown } from '../bench/report.mjs';

const ok = { status: 'ok', against: 'js' };
const row = (medianMs: number, check: object = { status: 'ok' }, minMs = medianMs) => ({ medianMs, minMs, check });
const META = { date: 'today', cpu: 'cpu', cores: 2, cpuFlags: [], memoryGiB: 1, platform: 'linux', node: '20', v8: '11', commit: null, versions: {}, loadavg1: { start: 0, end: 0 } };

function report(id: string, results: Record<string, object>) {
  const spec = CASES.find((c: { id: string }) => c.id === id);
  return buildReport({ config: { mode: 'test', cases: [id] }, meta: META, impls: [], skipped: [], caseResults: [{ spec, reference: 'simdpool', results }], startup: {}, wasm: {}, elapsedS: 1 });
}
const target = (r: ReturnType<typeof report>, id: string, caseId: string) => {
  const t = r.targets.find((x: { id: string }) => x.id === id);
  return { status: t.status, row: t.rows.find((x: { case: string }) => x.case === caseId) };
};

const caseC = (sp: object) => ({
  'simdpool-resident': row(0.03, sp), simdpool: row(0.1, sp), memlimit: row(0.026, { status: 'n/a' }), 'e2e-floor': row(0.09, { status: 'n/a' }),
  'tfjs-wasm-resident': row(0.095), 'tfjs-wasm': row(0.18), 'tfjs-cpu': row(4), 'ort-web': row(0.35), 'ort-node': row(0.24), js: row(2.7, { status: 'ref' }),
});

it('times that pass on a mismatched output are INVALID, not PASS', () => {
  const good = report('C', caseC(ok));
  expect(target(good, 'res-mem-1.3', 'C')).toMatchObject({ status: 'partial', row: { status: 'PASS' } }); // (D and G not run)
  expect(target(good, 'e2e-peers', 'C').row.status).toBe('PASS');
  const bad = report('C', caseC({ status: 'MISMATCH', detail: 'all differ', against: 'js' }));
  for (const id of ['res-mem-1.3', 'res-tfjs-3', 'e2e-peers', 'e2e-js-20']) {
    expect(target(bad, id, 'C')).toMatchObject({ status: 'INVALID', row: { status: 'INVALID', mismatch: expect.arrayContaining([expect.stringMatching(/^simdpool/)]) } });
  }
});

it('"faster than every peer" with a peer that did not run is incomplete', () => {
  const results = caseC(ok) as Record<string, object>;
  delete results['ort-node'];
  expect(target(report('C', results), 'e2e-peers', 'C').row).toMatchObject({ status: 'incomplete', missing: ['ort-node'] });
});

it("a floor's bound is its best sample: a noisy median does not make a target out of reach", () => {
  // E: simdpool end to end 0.35 ms, the JS loops 7 ms (20x, met at 0.35); floors with slow medians
  const e = (spE2e: number, floorMedian: number) => report('E', {
    'simdpool-resident': row(0.15, ok), simdpool: row(spE2e, ok), memlimit: row(0.03, { status: 'n/a' }, 0.027), arithfloor: row(0.14, { status: 'n/a' }, 0.13),
    'e2e-floor': row(floorMedian, { status: 'n/a' }, 0.13), js: row(7, { status: 'ref' }),
  });
  const slow = target(e(0.5, 0.6), 'e2e-js-20', 'E').row;
  expect(slow).toMatchObject({ status: 'MISS', outOfReach: false, floorsAbove: ['end-to-end'] }); // 14x; best floor 0.13 + 0.13 - 0.027 ms allows 30x
  expect(slow.bound).toBeCloseTo(7 / (0.13 + 0.13 - 0.027), 6);
  expect(target(e(0.35, 0.3), 'e2e-js-20', 'E').row).toMatchObject({ status: 'PASS', floorsAbove: [] });
});

it('results.md says whether simdpool was checked against the JS loops in that run', () => {
  expect(renderMarkdown(report('C', caseC(ok)))).toContain("simdpool's own outputs (resident and end-to-end) with the plain JS loops");
  expect(renderMarkdown(report('C', caseC({ status: 'ok' })))).toContain('the JS loops were not run: no independent check');
});
