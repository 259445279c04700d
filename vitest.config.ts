import { defineConfig } from 'vitest/config';

// The fast self-tests (test/, without test/full/): units, schemas, generators,
// reports, the command line and a sample of the seeded defects. `npm test` runs
// them (bin/self-tests.ts, with the package as root), then a short conformance
// run; under 5 minutes on a quiet 2-core machine. The long matrices live in
// test/full/ (vitest.full.config.ts, `npm run test:full`, CI gates). A test
// file that takes more than ~20 s goes there.
// Conformance runs do not go through vitest: bin/cli.ts drives runner/ directly.

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/full/**', '**/node_modules/**'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
