import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // The engine tests import the built package (dist/), which `npm test` builds first.
  },
});
