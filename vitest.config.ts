import { defineConfig } from 'vitest/config';

// The self-tests (test/). Conformance runs do not go through vitest: bin/cli.ts
// drives runner/ directly, and `test` runs this config with the package as root.

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
