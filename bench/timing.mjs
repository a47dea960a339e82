// Timing primitives: warm-up, calibration of repetitions per sample, one sample.
// Every sample runs `reps` back-to-back calls and reports the mean time per call;
// the harness (run.mjs) interleaves samples of all implementations round-robin.

const now = () => performance.now();

/** Time `reps` calls; returns ms per call. Sync runners stay in a tight sync loop. */
export async function sample(runner, reps) {
  const run = runner.run;
  if (runner.async) {
    const t0 = now();
    for (let i = 0; i < reps; i++) await run();
    return (now() - t0) / reps;
  }
  const t0 = now();
  for (let i = 0; i < reps; i++) run();
  return (now() - t0) / reps;
}

/**
 * Warm up (JIT tiers, caches, allocator pools) for at least `minMs` and `minCalls`
 * calls, stopping early only for very slow calls. Returns the last per-call time.
 */
export async function warmUp(runner, { minMs = 60, minCalls = 8, maxMs = 1500 } = {}) {
  const t0 = now();
  let calls = 0;
  let last = 0;
  for (;;) {
    last = await sample(runner, 1);
    calls++;
    const spent = now() - t0;
    if ((spent >= minMs && calls >= minCalls) || spent >= maxMs) return last;
  }
}

/**
 * Repetitions so one sample takes about `targetMs` (at least 1): double the
 * repetitions until a sample takes at least a quarter of the target, then scale.
 */
export async function calibrate(runner, targetMs) {
  let reps = 1;
  for (;;) {
    const perCall = await sample(runner, reps);
    if (perCall * reps >= targetMs / 4 || reps >= 1 << 20) {
      // two refinement passes: one slow outlier (GC, tier-up) must not fix the count
      let est = perCall;
      for (let k = 0; k < 2; k++) {
        const n = Math.max(1, Math.round(targetMs / est));
        est = Math.min(est, await sample(runner, n));
      }
      return { reps: Math.max(1, Math.round(targetMs / est)), perCall: est };
    }
    reps *= 2;
  }
}

/**
 * The sampling of the one-process comparisons (ab.mjs, size-speed.mjs, same-pages.mjs,
 * quant.mjs): each runner warmed up and its calls per sample calibrated to about `sampleMs`,
 * then `rounds` rounds sampling every runner in turn. `sameReps`: every runner makes the fewest
 * calls any of them was calibrated to, so no sample warms the caches more than another.
 * Returns each runner's samples (ms per call), their medians, and the calls per sample.
 */
export async function interleaved(runners, { rounds, sampleMs, sameReps = false }) {
  let reps = [];
  for (const r of runners) {
    await warmUp(r);
    reps.push((await calibrate(r, sampleMs)).reps);
  }
  if (sameReps) reps = reps.map(() => Math.min(...reps));
  const times = runners.map(() => []);
  for (let k = 0; k < rounds; k++) for (let i = 0; i < runners.length; i++) times[i].push(await sample(runners[i], reps[i]));
  return { times, medians: times.map(median), reps };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Interleaved rounds of timed samples: round r visits the entries starting from the r-th, so no
 * implementation always runs first or last. Each entry ({ runner, reps, samples, spent }) is
 * sampled until it has `minSamples` samples and `budgetMs` of timed work; its process CPU time
 * adds up in `cpuMs`. An entry whose runner throws is marked `failed` (its message) and
 * `onError(entry, error)` is called, which may rethrow.
 */
export async function sampleRounds(entries, { rounds, minSamples, budgetMs }, onError) {
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < entries.length; k++) {
      const e = entries[(k + r) % entries.length];
      if (e.failed || (e.samples.length >= minSamples && e.spent >= budgetMs)) continue;
      try {
        await e.runner.activate?.();
        const cpu0 = process.cpuUsage();
        const perCall = await sample(e.runner, e.reps);
        const cpu = process.cpuUsage(cpu0);
        e.samples.push(perCall);
        e.spent += perCall * e.reps;
        e.cpuMs = (e.cpuMs ?? 0) + (cpu.user + cpu.system) / 1000;
      } catch (err) {
        e.failed = err.message;
        onError?.(e, err);
      }
    }
  }
}
