// simdpool side-by-side benchmark.
//   node run.mjs [--quick] [--cases B,C] [--impls simdpool,js] [--rounds N] [--no-write] [--no-startup]
// Every implementation runs in this one process, single-threaded, on the same data;
// samples are interleaved round-robin so machine noise hits all of them alike.
import os from 'node:os';
import { readdirSync } from 'node:fs';
import { CASES, selectCases, caseInputs, toLayout } from './cases.mjs';
import { warmUp, calibrate, median, sampleRounds } from './timing.mjs';
import { compare } from './verify.mjs';
import { measureStartup, wasmSize } from './startup.mjs';
import { machineInfo } from './machine.mjs';
import { buildReport, printReport, writeReport } from './report.mjs';

const IMPL_MODULES = [
  './impl/simdpool.mjs',
  './impl/memlimit.mjs',
  './impl/e2e-floor.mjs',
  './impl/tfjs-wasm.mjs',
  './impl/tfjs-cpu.mjs',
  './impl/ort-web.mjs',
  './impl/ort-node.mjs',
  './impl/js-loops.mjs',
];

function parseArgs(argv) {
  const a = { quick: false, cases: null, impls: null, rounds: null, write: true, startup: true, nice: true };
  for (let i = 0; i < argv.length; i++) {
    const [k, inline] = argv[i].split('=', 2);
    const val = () => inline ?? argv[++i];
    if (k === '--quick') a.quick = true;
    else if (k === '--cases') a.cases = val();
    else if (k === '--impls') a.impls = val();
    else if (k === '--rounds') a.rounds = Number(val());
    else if (k === '--no-write') a.write = false;
    else if (k === '--no-startup') a.startup = false;
    else if (k === '--no-nice') a.nice = false;
    else if (k === '--help' || k === '-h') {
      console.log('usage: node run.mjs [--quick] [--cases A,B,G] [--impls id,id] [--rounds N] [--no-write] [--no-startup] [--no-nice]');
      console.log(`cases: ${CASES.map((c) => c.id).join(', ')} (G = G-max + G-avg)`);
      process.exit(0);
    } else throw new Error(`unknown argument ${argv[i]}`);
  }
  return a;
}

const args = parseArgs(process.argv.slice(2));
const config = args.quick
  ? { mode: 'quick', rounds: 5, sampleMs: 5, budgetMs: 1000, minSamples: 3, warmMs: 30 }
  : { mode: 'full', rounds: 31, sampleMs: 12, budgetMs: 4000, minSamples: 7, warmMs: 100 };
if (args.rounds) config.rounds = args.rounds;
const cases = selectCases(args.cases);
const log = (...m) => console.log(...m);
const started = performance.now();
// Raise this process's scheduling priority when allowed (root, or CAP_SYS_NICE), so
// other work on a shared machine preempts the measurements less. --no-nice skips it.
// On Linux nice values are per thread: renice every thread of this process (worker
// threads created later inherit the value from the thread that creates them).
const NICE = -10;
function renice() {
  if (!args.nice) return;
  let tids = [0];
  try {
    tids = readdirSync('/proc/self/task').map(Number);
  } catch {
    // no procfs: the calling thread only
  }
  for (const tid of tids) {
    try {
      os.setPriority(tid, NICE);
    } catch {
      // not permitted (or the thread is gone): leave it
    }
  }
}
renice();
const priority = os.getPriority();
const loadBefore = os.loadavg()[0];

// ---- load implementations ------------------------------------------------------
const impls = [];
const skipped = [];
for (const mod of IMPL_MODULES) {
  let made;
  try {
    made = await (await import(mod)).default();
  } catch (e) {
    made = { skip: `failed to load: ${e.message}` };
  }
  if (!Array.isArray(made)) {
    skipped.push({ module: mod, reason: made.skip });
    log(`SKIP ${mod}: ${made.skip}`);
    continue;
  }
  for (const impl of made) {
    if (args.impls && !args.impls.split(',').some((p) => impl.id === p || impl.id.startsWith(p + '-'))) continue;
    impls.push(impl);
  }
}
renice(); // threads the implementations started while loading
log(`implementations: ${impls.map((i) => i.id).join(', ')}`);
log(`load average ${os.loadavg().map((v) => v.toFixed(2)).join(' ')} on ${os.cpus().length} cores${loadBefore > 1.5 ? ' — machine busy, expect noisy numbers' : ''}; nice ${priority}`);
log(`mode ${config.mode}: ${config.rounds} interleaved rounds, ~${config.sampleMs} ms per sample, ≤${config.budgetMs} ms sampling per implementation and case\n`);

// ---- run the cases -------------------------------------------------------------
const caseResults = [];
for (const spec of cases) {
  const t0 = performance.now();
  log(`case ${spec.id}: ${spec.title} -> [${spec.outShape.join(',')}]`);
  const inputs = caseInputs(spec);
  const entries = [];
  const results = {};
  for (const impl of impls) {
    const ok = impl.supports ? impl.supports(spec) : true;
    if (ok !== true) {
      results[impl.id] = { skip: ok };
      continue;
    }
    try {
      // runnerOf: a row prepared before it in this case (memlimit runs on simdpool-resident's tensors)
      const runner = await impl.prepare(spec, inputs, { runnerOf: (id) => entries.find((e) => e.impl.id === id)?.runner });
      await runner.activate?.();
      await warmUp(runner, { minMs: config.warmMs });
      const raw = runner.output ? await runner.output() : null;
      const output = raw ? toLayout(raw, spec.outShape, runner.layout, spec.layout) : null;
      entries.push({ impl, runner, output, samples: [], spent: 0 });
    } catch (e) {
      results[impl.id] = { error: e.message };
      log(`  ${impl.id}: ERROR ${e.message}`);
    }
  }

  // reference output: simdpool's own (end-to-end, else resident); JS loops only if simdpool is absent
  const refEntry =
    entries.find((e) => e.impl.id === 'simdpool' && e.output) ??
    entries.find((e) => e.impl.id === 'simdpool-resident' && e.output) ??
    entries.find((e) => e.impl.id === 'js' && e.output);
  const reference = refEntry?.impl.id ?? null;
  const refOutput = refEntry?.output;
  // simdpool's own rows are checked against the plain JS loops (an independent
  // implementation of PyTorch's semantics), so a wrong reference shows up too
  const jsOutput = entries.find((e) => e.impl.id === 'js')?.output;
  for (const e of entries) {
    if (!refEntry) e.check = { status: 'n/a' };
    else if (e.impl.id.startsWith('simdpool') && jsOutput) e.check = { ...compare(e.output, jsOutput, spec.op), against: 'js' };
    else if (e === refEntry) e.check = { status: 'ref' };
    else e.check = compare(e.output, refOutput, spec.op);
  }
  for (const e of entries) e.output = null;

  for (const e of entries) {
    try {
      await e.runner.activate?.();
      e.reps = (await calibrate(e.runner, config.sampleMs)).reps;
    } catch (err) {
      e.failed = err.message;
      log(`  ${e.impl.id}: ERROR while calibrating: ${err.message}`);
    }
  }
  // A row paired with another (memlimit with simdpool-resident) and that row make the same number
  // of calls per sample, the fewer of the two: neither warms the caches more within a sample.
  for (const e of entries) {
    const partner = e.impl.sameRepsAs && entries.find((p) => p.impl.id === e.impl.sameRepsAs);
    if (partner?.reps && e.reps) e.reps = partner.reps = Math.min(e.reps, partner.reps);
  }
  await sampleRounds(entries, config, (e) => log(`  ${e.impl.id}: ERROR while timing: ${e.failed}`));
  for (const e of entries) {
    await e.runner.dispose?.();
    if (e.failed || !e.samples.length) {
      results[e.impl.id] = { error: e.failed ?? 'no samples' };
      continue;
    }
    const med = median(e.samples);
    const min = Math.min(...e.samples);
    results[e.impl.id] = {
      medianMs: med,
      minMs: min,
      samples: e.samples.length,
      reps: e.reps,
      gbps: spec.bytes / med / 1e6,
      gbpsBest: spec.bytes / min / 1e6,
      check: e.check,
      samplesMs: e.samples.map((v) => +v.toPrecision(5)),
      // process CPU time ÷ wall time over the samples: ~1 for one busy thread (GC and
      // compiler helper threads add a little); well above 1 would mean hidden threads,
      // below 1 that the process waited for a core (other load on the machine)
      cpuPerWall: +(e.cpuMs / e.spent).toFixed(2),
    };
    const c = e.check.status === 'ok' || e.check.status === 'ref' ? '' : `  ${e.check.status}${e.check.detail ? ' ' + e.check.detail : ''}`;
    log(`  ${e.impl.id.padEnd(20)} ${fmtMs(med).padStart(10)} median ${fmtMs(min).padStart(10)} min ${(spec.bytes / med / 1e6).toFixed(2).padStart(7)} GB/s  (${e.samples.length}×${e.reps})${c}`);
  }
  log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  caseResults.push({ spec, reference, results });
}

function fmtMs(ms) {
  return ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(1)} µs`;
}

// ---- startup + size ----------------------------------------------------------
let startup = { skip: 'not measured (--no-startup)' };
if (args.startup) {
  try {
    startup = measureStartup();
  } catch (e) {
    startup = { error: e.message };
  }
}
const wasm = wasmSize();

const report = buildReport({
  config: { ...config, cases: cases.map((c) => c.id) },
  meta: { ...(await machineInfo()), loadavg1: { start: loadBefore, end: os.loadavg()[0] }, priority },
  impls,
  skipped,
  caseResults,
  startup,
  wasm,
  elapsedS: (performance.now() - started) / 1000,
});
printReport(report);
if (args.write) {
  const files = await writeReport(report);
  log(`\nwrote ${files.join(', ')}`);
}
log(`total ${report.elapsedS.toFixed(1)} s`);
