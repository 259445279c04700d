import { defineConfig } from 'vitest/config';

// The long self-tests (test/full/): every seeded defect at full runs, third-party
// targets and real verifiers, the soak and server limits, the real browser.
// `npm run test:full` runs them all; CI runs them as gates (.ci/gates.d/10-full-tests.sh),
// in groups that run in parallel. Timeouts bound hangs only, never speed.

export default defineConfig({
  test: {
    include: ['test/full/**/*.test.ts'],
    testTimeout: 1_200_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
