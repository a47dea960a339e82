// Ratios, targets, console table, results.md / results.json (and results.svg via svg.mjs).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { renderSvg } from './svg.mjs';
import { AVG_REL, AVG_ABS } from './verify.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

export const E2E_PEERS = ['tfjs-wasm', 'tfjs-cpu', 'ort-web', 'ort-node'];
const G = ['G-max', 'G-avg'];

export const TARGETS = [
  { id: 'res-mem-1.3', text: 'resident simdpool within 1.3× of the memory-limit reference', cases: ['C', 'D', ...G], metric: 'spResVsMem', bound: 'floorOverMem', cmp: '<=', goal: 1.3, unit: '× memlimit time' },
  { id: 'res-mem-2', text: 'resident simdpool within 2× of the memory-limit reference', cases: ['B', 'E', 'F', 'H'], metric: 'spResVsMem', bound: 'floorOverMem', cmp: '<=', goal: 2, unit: '× memlimit time' },
  { id: 'res-tfjs-3', text: 'resident simdpool ≥3× faster than tfjs-wasm resident op', cases: ['B', 'C', 'D', 'E', ...G, 'H'], metric: 'tfjsResOverSpRes', bound: 'tfjsResOverFloor', cmp: '>=', goal: 3, unit: '× faster' },
  { id: 'res-tfjs-F', text: 'resident simdpool faster than tfjs-wasm resident op on F', cases: ['F'], metric: 'tfjsResOverSpRes', cmp: '>', goal: 1, unit: '× faster' },
  { id: 'e2e-peers', text: 'end-to-end simdpool faster than every peer end-to-end (A also vs JS loops)', cases: ['A', 'B', 'C', 'D', 'E', 'F', ...G, 'H'], metric: 'e2eVsSlowestBeaten', bound: 'fastestPeerOverFloor', cmp: '>', goal: 1, unit: '× faster than the fastest peer' },
  { id: 'e2e-js-20', text: 'end-to-end simdpool ≥20× faster than JS loops', cases: ['B', 'C', 'D', 'E', ...G, 'H'], metric: 'jsOverSpE2e', bound: 'jsOverE2eFloor', cmp: '>=', goal: 20, unit: '× faster' },
];

/** The memory-limit bound a case is held to (1.3 or 2), as the targets above check it. */
export function memLimitGoal(id) {
  return TARGETS.find((t) => t.metric === 'spResVsMem' && t.cases.includes(id)).goal;
}
// A target's `bound` is the best value of its metric that this run's references allow: no
// resident kernel beats the memory-limit loop (nor, on E, the arithmetic floor of PyTorch's
// summation order), and no end-to-end call beats the end-to-end floor (copy in, that loop, copy
// out; on E with the arithmetic floor's extra time). simdpool streams large end-to-end calls in
// L2-sized chunks of planes (src/ops/stream.ts), which beat the old copy-everything floor; so the
// floor streams too, in the same chunks (impl/e2e-floor.mjs), rather than the bound being dropped
// where simdpool streams: it stays a floor for every case, and the arithmetic floor's extra time
// on E is the same whether the data stream or not. A MISS whose bound also misses is physically
// out of reach on this machine, by this run's own measurements.

const med = (r) => (r && Number.isFinite(r.medianMs) ? r.medianMs : null);
// A floor's best (fastest) sample: noise only ever slows a floor down, and a bound from its median
// could call a reachable target out of reach. Bounds use it; every measured ratio uses medians.
const best = (r) => (r && Number.isFinite(r.minMs) ? r.minMs : med(r));
const div = (a, b) => (a != null && b != null ? a / b : null);
const checkOk = (r) => !r?.check || r.check.status === 'ok' || r.check.status === 'ref';

function caseRatios({ spec, results }) {
  const R = results;
  const spRes = med(R['simdpool-resident']);
  const spE2e = med(R.simdpool);
  const mem = best(R.memlimit);
  const kernelFloor = mem == null ? null : Math.max(mem, best(R.arithfloor) ?? 0); // the least a resident call takes
  const e2eFloor = best(R['e2e-floor']) == null || kernelFloor == null ? null : best(R['e2e-floor']) + kernelFloor - mem;
  const ratios = {
    spResVsMem: div(spRes, med(R.memlimit)),
    spResVsMemOwn: div(spRes, med(R['memlimit-own'])),
    spResVsFloor: div(spRes, med(R.arithfloor)),
    tfjsResOverSpRes: div(med(R['tfjs-wasm-resident']), spRes),
    jsOverSpE2e: div(med(R.js), spE2e),
    jsOverSpRes: div(med(R.js), spRes),
    floorOverMem: div(kernelFloor, mem),
    tfjsResOverFloor: div(med(R['tfjs-wasm-resident']), kernelFloor),
    jsOverE2eFloor: div(med(R.js), e2eFloor),
    fastestPeerOverFloor: null,
    e2e: {},
    // A floor's median above the time of what it bounds: this run's noise swamped the floor.
    floorsAbove: [
      ...(med(R.memlimit) != null && spRes != null && Math.max(med(R.memlimit), med(R.arithfloor) ?? 0) > spRes ? ['resident'] : []),
      ...(med(R['e2e-floor']) != null && spE2e != null && med(R['e2e-floor']) > spE2e ? ['end-to-end'] : []),
    ],
  };
  const peers = spec.id === 'A' ? [...E2E_PEERS, 'js'] : E2E_PEERS;
  let fastest = null;
  let fastestId = null;
  let missing = [];
  for (const p of peers) {
    const v = div(med(R[p]), spE2e);
    ratios.e2e[p] = v;
    if (v == null) missing.push(p);
    else if (fastest == null || v < fastest) {
      fastest = v;
      fastestId = p;
    }
  }
  ratios.e2eVsSlowestBeaten = spE2e == null ? null : fastest; // worst case over the peers
  if (e2eFloor != null && fastestId != null) ratios.fastestPeerOverFloor = med(R[fastestId]) / e2eFloor;
  ratios.e2eFastestPeer = fastestId;
  ratios.e2eMissingPeers = missing;
  return ratios;
}

function involved(metric, caseId) {
  if (metric === 'spResVsMem') return ['simdpool-resident'];
  if (metric === 'tfjsResOverSpRes') return ['simdpool-resident', 'tfjs-wasm-resident'];
  if (metric === 'jsOverSpE2e') return ['simdpool', 'js'];
  return ['simdpool', ...E2E_PEERS, ...(caseId === 'A' ? ['js'] : [])];
}

function evaluate(target, byCase) {
  const rows = target.cases.map((id) => {
    const c = byCase.get(id);
    if (!c) return { case: id, value: null, status: 'not run' };
    const value = c.ratios[target.metric];
    if (value == null) return { case: id, value: null, status: 'n/a' };
    const meets = (v) => (target.cmp === '<=' ? v <= target.goal : target.cmp === '>=' ? v >= target.goal : v > target.goal);
    const pass = meets(value);
    const bound = target.bound ? c.ratios[target.bound] : null;
    const outOfReach = !pass && bound != null && !meets(bound);
    const bad = involved(target.metric, id).filter((i) => !checkOk(c.results[i]));
    const e2e = target.metric === 'e2eVsSlowestBeaten';
    const missing = e2e ? c.ratios.e2eMissingPeers : undefined;
    // within 3% of the goal either way: below this run's noise, too close to call
    const close = Math.abs(value / target.goal - 1) < 0.03;
    // A time of a wrong output proves nothing (INVALID), and "every peer" is not met while a peer did not run.
    const status = bad.length ? 'INVALID' : !pass ? 'MISS' : missing?.length ? 'incomplete' : 'PASS';
    return { case: id, value, close, bound, outOfReach, status, mismatch: bad, extra: e2e ? c.ratios.e2eFastestPeer : undefined, missing, floorsAbove: c.ratios.floorsAbove };
  });
  const statuses = rows.map((r) => r.status);
  let status = 'n/a';
  if (statuses.includes('INVALID')) status = 'INVALID';
  else if (statuses.includes('MISS')) status = 'MISS';
  else if (statuses.every((s) => s === 'PASS')) status = 'PASS';
  else if (statuses.includes('PASS')) status = 'partial';
  return { ...target, rows, status };
}

export function buildReport({ config, meta, impls, skipped, caseResults, startup, wasm, elapsedS }) {
  const cases = caseResults.map((c) => ({
    id: c.spec.id,
    title: c.spec.title,
    shape: c.spec.shape,
    outShape: c.spec.outShape,
    layout: c.spec.layout,
    op: c.spec.op,
    bytes: c.spec.bytes,
    reference: c.reference,
    results: c.results,
    ratios: caseRatios(c),
  }));
  const byCase = new Map(cases.map((c) => [c.id, c]));
  const targets = TARGETS.map((t) => evaluate(t, byCase));
  const extra = [];
  const ms = startup?.initFirstCallMs?.median;
  extra.push({
    id: 'startup',
    text: 'init() + first call in a fresh process < 5 ms (median)',
    status: ms == null ? 'n/a' : ms < 5 ? 'PASS' : 'MISS',
    value: ms,
  });
  extra.push({
    id: 'wasm-size',
    text: 'build/simdpool.wasm < 32 KB (32768 bytes)',
    status: wasm?.bytes == null ? 'n/a' : wasm.bytes < 32768 ? 'PASS' : 'MISS',
    value: wasm?.bytes ?? null,
  });
  return {
    meta,
    config,
    elapsedS,
    impls: impls.map(({ id, label, role, describe, note }) => ({ id, label, role, describe, note })),
    skipped,
    checks: { max: 'bit-exact', avg: `|a-b| <= ${AVG_REL}*max(|a|,|b|) + ${AVG_ABS}` },
    cases,
    targets,
    extraTargets: extra,
    startup,
    wasm,
  };
}

// ---- formatting ------------------------------------------------------------------
export function fmtTime(ms) {
  if (ms == null) return '–';
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(ms * 1000 >= 100 ? 0 : 1)} µs`;
}
const fmtX = (v) => (v == null ? '–' : v >= 100 ? `${v.toFixed(0)}×` : v >= 10 ? `${v.toFixed(1)}×` : `${v.toFixed(2)}×`);
const fmtG = (v) => (v == null ? '–' : v >= 10 ? v.toFixed(1) : v.toFixed(2));

function cellStatus(r) {
  if (!r) return '';
  if (r.skip) return 'n/s';
  if (r.error) return 'ERR';
  if (r.check?.status === 'MISMATCH') return '✗';
  return '';
}

function table(header, rows, align) {
  const widths = header.map((h, i) => Math.max(String(h).length, ...rows.map((r) => String(r[i]).length)));
  const pad = (s, i) => (align?.[i] === 'l' ? String(s).padEnd(widths[i]) : String(s).padStart(widths[i]));
  return [header.map(pad).join('  '), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => r.map(pad).join('  '))].join('\n');
}

function mdTable(header, rows, align) {
  const sep = header.map((_, i) => (align?.[i] === 'l' ? ':--' : '--:'));
  return [header, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

function matrix(report, pick) {
  const ids = report.impls.map((i) => i.id);
  const header = ['case', ...ids];
  const rows = report.cases.map((c) => [c.id, ...ids.map((id) => {
    const r = c.results[id];
    if (!r || r.skip || r.error) return cellStatus(r) || '–';
    return pick(r, c) + cellStatus(r);
  })]);
  return { header, rows };
}

function ratioRows(report) {
  const header = ['case', 'res/memlimit', 'res/memlimit-own', 'res/arithfloor', 'tfjs-wasm res ÷ res', 'tfjs-wasm e2e ÷ e2e', 'tfjs-cpu ÷ e2e', 'ort-web ÷ e2e', 'ort-node ÷ e2e', 'JS ÷ e2e', 'JS ÷ res'];
  const rows = report.cases.map((c) => {
    const r = c.ratios;
    return [c.id, fmtX(r.spResVsMem), fmtX(r.spResVsMemOwn), fmtX(r.spResVsFloor), fmtX(r.tfjsResOverSpRes), fmtX(r.e2e['tfjs-wasm']), fmtX(r.e2e['tfjs-cpu']), fmtX(r.e2e['ort-web']), fmtX(r.e2e['ort-node']), fmtX(r.jsOverSpE2e), fmtX(r.jsOverSpRes)];
  });
  return { header, rows };
}

function targetLines(report) {
  const lines = [];
  for (const t of report.targets) {
    const detail = t.rows
      .map((r) => `${r.case} ${r.value == null ? r.status : fmtX(r.value)}${['MISS', 'INVALID', 'incomplete'].includes(r.status) ? ` ${r.status}` : ''}${r.outOfReach ? ` (out of reach: at best ${fmtX(r.bound)})` : ''}${r.floorsAbove?.length ? ` (a floor ran slower than simdpool ${r.floorsAbove.join(' and ')}: noise)` : ''}${r.close ? ' (within 3% of the goal: too close to call)' : ''}${r.extra ? ` (vs ${r.extra})` : ''}${r.missing?.length ? ` [not run: ${r.missing.join(',')}]` : ''}${r.mismatch?.length ? ` [output mismatch: ${r.mismatch.join(',')}]` : ''}`)
      .join(', ');
    lines.push({ status: t.status, text: t.text, detail });
  }
  for (const t of report.extraTargets) {
    const v = t.value == null ? 'not measured' : t.id === 'startup' ? `${t.value.toFixed(2)} ms` : `${t.value} bytes (${(t.value / 1024).toFixed(1)} KiB)`;
    lines.push({ status: t.status, text: t.text, detail: v });
  }
  return lines;
}

export function printReport(report) {
  const out = [];
  out.push('\n== median time per call (✗ = output mismatch: peers vs simdpool, simdpool vs JS loops; n/s = not supported) ==');
  const t = matrix(report, (r) => fmtTime(r.medianMs));
  out.push(table(t.header, t.rows, ['l']));
  out.push('\n== GB/s (input + output bytes / median time) ==');
  const g = matrix(report, (r) => fmtG(r.gbps));
  out.push(table(g.header, g.rows, ['l']));
  out.push('\n== ratios (time of X ÷ time of simdpool; res = resident, e2e = end-to-end; res/memlimit, res/arithfloor: simdpool ÷ that reference) ==');
  const rr = ratioRows(report);
  out.push(table(rr.header, rr.rows, ['l']));
  out.push('\n== targets ==');
  for (const l of targetLines(report)) out.push(`${l.status.padEnd(7)} ${l.text}\n        ${l.detail}`);
  const s = report.startup;
  if (s?.initFirstCallMs) {
    out.push(`\nstartup (fresh process, ${s.runs} runs): import ${fmtTime(s.importMs.median)}, init()+first call ${fmtTime(s.initFirstCallMs.median)} (min ${fmtTime(s.initFirstCallMs.min)})`);
  } else out.push(`\nstartup: ${s?.skip ?? s?.error ?? 'n/a'}`);
  console.log(out.join('\n'));
}

export function renderMarkdown(report) {
  const m = report.meta;
  const L = [];
  L.push('# simdpool benchmark results');
  L.push('');
  L.push(`Generated by \`npm run bench\` (bench/run.mjs, mode **${report.config.mode}**, cases ${report.config.cases.join(', ')}) on ${m.date}.`);
  L.push('');
  L.push('## Machine');
  L.push('');
  L.push(`- CPU: ${m.cpu} (${m.cores} cores visible; every implementation runs single-threaded), flags: ${m.cpuFlags.join(' ')}`);
  L.push(`- Memory: ${m.memoryGiB} GiB; ${m.platform}`);
  L.push(`- Node ${m.node} (V8 ${m.v8})`);
  L.push(`- Repo commit: ${m.commit ?? 'none'}${m.dirty ? ' (with uncommitted changes)' : ''}`);
  L.push(`- Versions: ${Object.entries(m.versions).map(([k, v]) => `${k} ${v ?? 'missing'}`).join(', ')}`);
  L.push(`- Run took ${report.elapsedS.toFixed(0)} s; 1-minute load average ${m.loadavg1.start.toFixed(2)} at start, ${m.loadavg1.end.toFixed(2)} at end (2 cores: above ~1 means other processes competed for the machine); bench process nice ${m.priority ?? 0}`);
  L.push('');
  if (m.loadavg1.start > 1.5 || m.loadavg1.end > 1.5) {
    L.push(`> **Busy machine:** the load average was ${m.loadavg1.start.toFixed(1)} → ${m.loadavg1.end.toFixed(1)} on ${m.cores} cores, so other processes took CPU time during this run. Interleaving spreads that noise over all implementations, but absolute numbers and ratios are less reliable than on an idle machine (see cpu/wall below).`);
    L.push('');
  }
  L.push('## Targets');
  L.push('');
  L.push('| status | target | per case |');
  L.push('| :-- | :-- | :-- |');
  for (const l of targetLines(report)) L.push(`| **${l.status}** | ${l.text} | ${l.detail} |`);
  L.push('');
  L.push('Ratios are of medians measured in the same process and run. "res" = resident, "e2e" = end-to-end. "Out of reach: at best X" = the best ratio this run\'s references allow (tfjs-wasm resident ÷ memlimit, or ÷ arithfloor on E: no resident kernel beats the memory-limit loop, nor PyTorch\'s summation order\'s arithmetic; arithfloor ÷ memlimit for the memory-limit targets; JS or the fastest peer ÷ e2e-floor: no end-to-end call beats copying in, the memory-limit loop (on E the arithmetic floor) and copying out, streamed in L2-sized chunks of planes as simdpool streams inputs of 512 KiB or more), and X misses the goal too.');
  L.push('');
  L.push('## Median time per call');
  L.push('');
  L.push('✗ = output mismatch in this run (each peer against simdpool; simdpool\'s own rows against the plain JS loops); n/s = not supported by that implementation; ERR = threw.');
  L.push('');
  const t = matrix(report, (r) => fmtTime(r.medianMs));
  L.push(mdTable(t.header, t.rows, ['l']));
  L.push('');
  L.push('## Throughput, GB/s');
  L.push('');
  L.push('(float32 input bytes + output bytes) ÷ median time. Chart: [results.svg](results.svg).');
  L.push('');
  const g = matrix(report, (r) => fmtG(r.gbps));
  L.push(mdTable(g.header, g.rows, ['l']));
  L.push('');
  L.push('## Ratios');
  L.push('');
  L.push('Time of the named implementation ÷ time of simdpool (above 1 = simdpool faster), except res/memlimit = simdpool resident ÷ memory-limit reference (1 = at the memory limit; the loop over simdpool\'s own tensors), res/memlimit-own = the same with the loop in a memory of its own (shown for comparison, not a target) and res/arithfloor = simdpool resident ÷ the arithmetic floor of PyTorch’s summation order (E only: 1 = no work beyond the adds, divides and stores that order forces).');
  L.push('');
  const rr = ratioRows(report);
  L.push(mdTable(rr.header, rr.rows, ['l']));
  L.push('');
  L.push('## Cases');
  L.push('');
  L.push(mdTable(['case', 'input (N×C×H×W)', 'output', 'pooling', 'layout', 'bytes in+out'], report.cases.map((c) => [c.id, c.shape.join('×'), c.outShape.join('×'), c.title.replace(/^\S+\s/, ''), c.layout, c.bytes >= 1e6 ? `${(c.bytes / 1e6).toFixed(2)} MB` : `${(c.bytes / 1e3).toFixed(1)} kB`]), ['l', 'l', 'l', 'l', 'l']));
  L.push('');
  L.push('## Implementations and what is timed');
  L.push('');
  for (const i of report.impls) L.push(`- **${i.id}** — ${i.label}: ${i.describe}${i.note ? ` (${i.note})` : ''}`);
  for (const s of report.skipped) L.push(`- skipped ${s.module}: ${s.reason}`);
  L.push('');
  const againstJs = report.cases.some((c) => Object.values(c.results).some((r) => r.check?.against === 'js'));
  L.push(`Output checks: every implementation's output is compared with simdpool's from the same run, and simdpool's own outputs (resident and end-to-end) ${againstJs ? 'with the plain JS loops' : 'with each other only (the JS loops were not run: no independent check of simdpool in this run)'} (max: ${report.checks.max}; avg: ${report.checks.avg}). A target timed on a mismatched output is INVALID. The memory-limit and arithmetic-floor references compute no pooling and are not checked.`);
  L.push('');
  L.push('## Method');
  L.push('');
  L.push(`- Inputs are deterministic uniform values in [-1, 1); NHWC implementations get the same tensor transposed outside the timing, and their output is transposed back for the check.`);
  L.push(`- Every buffer the harness controls is allocated once per case outside the timed region; end-to-end APIs that return a fresh output (simdpool end-to-end, tfjs, onnxruntime) allocate it inside the call, which is part of their cost.`);
  L.push(`- Per implementation and case: warm-up (≥${report.config.warmMs} ms and ≥8 calls), then the number of calls per sample is calibrated to ~${report.config.sampleMs} ms.`);
  L.push(`- ${report.config.rounds} interleaved rounds: each round takes one sample of every implementation, round-robin with the starting implementation rotated each round, so noise hits all alike. Slow implementations stop sampling after ${report.config.budgetMs} ms (at least ${report.config.minSamples} samples).`);
  L.push('- The memory-limit reference (memlimit) runs over simdpool-resident\'s own input and output tensors, and the two make the same number of calls per sample (the fewer of their two calibrations): the same pages, equally warm. memlimit-own runs the same loop in a memory of its own, as this benchmark did before the seventh round; with data bigger than L2 which memory the host\'s shared L3 holds moved that ratio by up to 2× (docs/performance.md).');
  L.push('- Reported: median and minimum of the per-call sample means. Everything runs in one Node process on one thread.');
  L.push('- Startup: `init()` + a first 28×28 maxPool2d call, timed inside freshly spawned Node processes (module import timed separately).');
  L.push('');
  L.push('## All measurements');
  L.push('');
  const rows = [];
  for (const c of report.cases) {
    for (const i of report.impls) {
      const r = c.results[i.id];
      if (!r) continue;
      if (r.skip || r.error) {
        rows.push([c.id, i.id, '–', '–', '–', '–', '–', r.skip ? `not supported: ${r.skip}` : `error: ${r.error}`]);
        continue;
      }
      const chk = r.check.status === 'MISMATCH' ? `MISMATCH: ${r.check.detail}` : r.check.status === 'ok' && c.op !== 'max' ? `ok (max abs err ${r.check.maxAbs.toExponential(1)})` : r.check.status;
      rows.push([c.id, i.id, fmtTime(r.medianMs), fmtTime(r.minMs), fmtG(r.gbps), `${r.samples}×${r.reps}`, r.cpuPerWall?.toFixed(2) ?? '–', chk]);
    }
  }
  L.push('cpu/wall = process CPU time ÷ wall time while sampling: about 1 for a single busy thread (V8\'s GC and compiler threads add a little); clearly above 1 would reveal hidden worker threads, below 1 means the process waited for a core (other load on the machine), i.e. a noisy sample.');
  L.push('');
  L.push(mdTable(['case', 'implementation', 'median', 'min', 'GB/s', 'samples×calls', 'cpu/wall', 'check'], rows, ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'l']));
  L.push('');
  const s = report.startup;
  L.push('## Startup and size');
  L.push('');
  if (s?.initFirstCallMs) {
    L.push(`- Fresh process (${s.runs} runs): module import median ${fmtTime(s.importMs.median)}; \`init()\` + first call median ${fmtTime(s.initFirstCallMs.median)}, min ${fmtTime(s.initFirstCallMs.min)}; import + init + first call median ${fmtTime(s.totalMs.median)}.`);
  } else L.push(`- Startup: ${s?.skip ?? s?.error ?? 'not measured'}`);
  L.push(`- build/simdpool.wasm: ${report.wasm?.bytes != null ? `${report.wasm.bytes} bytes (${(report.wasm.bytes / 1024).toFixed(1)} KiB)` : report.wasm?.skip}`);
  L.push('');
  return L.join('\n');
}

export async function writeReport(report) {
  const files = {
    'results.md': renderMarkdown(report),
    'results.json': JSON.stringify(report, null, 2) + '\n',
    'results.svg': renderSvg(report),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(here, name), text);
  return Object.keys(files).map((f) => `bench/${f}`);
}
