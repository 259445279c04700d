import { defineConfig } from 'vitest/config';

// Self-tests live in test/, conformance suites in suites/. The launcher in bin/
// chooses which to run and passes the target through `provide`.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'suites/**/*.conformance.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
