// Test projects. The conformance suites (golden PyTorch cases, property tests, build checks) run
// against every way simdpool is loaded: in Node on the SIMD and the scalar build, on
// simdpool/core and on the Node entry (dist/node/index.js, what Node resolves `simdpool` to),
// and in headless Chromium (Debian's /usr/bin/chromium, driven by playwright) on the inlined ESM
// bundle (SIMD and scalar), the streaming ESM bundle (dist/url/), the IIFE bundle and
// simdpool/core (SIMD and scalar). The engine tests import the built package (dist/), which
// `npm test` builds first.
// The Node projects run first, alone (group 0): timing-sensitive tests (simdpool/parallel's worker
// threads) should not share the 2 cores with Chromium; the browser projects and e2e follow (group 1).
// SIMDPOOL_BROWSER=0 skips the browser projects and the e2e tests (e.g. where no Chromium is installed).
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const CONFORMANCE = ['test/golden.test.ts', 'test/golden-breadth.test.ts', 'test/golden-interop.test.ts', 'test/properties.test.ts', 'test/nan-positions.test.ts', 'test/row-folds.test.ts', 'test/paths.test.ts', 'test/builds.test.ts', 'test/quant.test.ts'];
// simdpool/core pools float32 only (test/core.test.ts checks that it rejects int8/uint8), and
// has neither 3D, Lp, unpooling nor the index formats of the breadth and interop golden cases.
const FULL_ONLY = ['test/quant.test.ts', 'test/golden-breadth.test.ts', 'test/golden-interop.test.ts'];
const CORE_CONFORMANCE = CONFORMANCE.filter((file) => !FULL_ONLY.includes(file));

const browser = (name: string, provide: { bundle: 'inline' | 'url' | 'iife' | 'core'; simd?: boolean }) => ({
  extends: true as const,
  test: {
    name,
    include: provide.bundle === 'core' ? CORE_CONFORMANCE : CONFORMANCE,
    provide,
    sequence: { groupOrder: 1 },
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({ launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS } }),
      instances: [{ browser: 'chromium' as const }],
    },
  },
});

export default defineConfig({
  test: {
    testTimeout: 60_000,
    // Set-up hooks pack and npm-install the package or launch Chromium: seconds alone, more on a
    // loaded machine (vitest's default of 10 s failed there).
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'node', include: ['test/**/*.test.ts'], exclude: ['test/e2e/**'] } },
      // The backward passes' tests (golden JSON read with node:fs) and the int8/uint8 averages over
      // huge windows (inputs of 9-34 MB: Node only) run on both Node builds.
      { extends: true, test: { name: 'node-scalar', include: [...CONFORMANCE, 'test/golden-backward.test.ts', 'test/properties-backward.test.ts', 'test/one-cell.test.ts', 'test/quant-large-windows.test.ts'], provide: { simd: false } } },
      { extends: true, test: { name: 'node-core', include: CORE_CONFORMANCE, provide: { bundle: 'core' } } },
      // The Node entry (dist/node/index.js: plain builds, minified, start-up functions compiled eagerly).
      { extends: true, test: { name: 'node-entry', include: [...CONFORMANCE, 'test/errors.test.ts'], provide: { bundle: 'node' } } },
      ...(process.env.SIMDPOOL_BROWSER === '0' ? [] : [
        { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 180_000, sequence: { groupOrder: 1 } } },
        browser('chromium-inline', { bundle: 'inline' }),
        browser('chromium-inline-scalar', { bundle: 'inline', simd: false }),
        browser('chromium-url', { bundle: 'url' }),
        browser('chromium-iife', { bundle: 'iife' }),
        browser('chromium-core', { bundle: 'core' }),
        browser('chromium-core-scalar', { bundle: 'core', simd: false }),
      ]),
    ],
  },
});
