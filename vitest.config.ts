import { defineConfig } from 'vitest/config';

// Self-tests live in test/, issuer conformance suites in suites/*.conformance.ts,
// verifier conformance suites in suites/*.verifier.ts. The launcher (bin/cli.ts)
// sets KTC_SUITE=verifier for `--verifier` runs and passes the options through `provide`.
const verifierRun = process.env.KTC_SUITE === 'verifier';

export default defineConfig({
  test: {
    include: verifierRun ? ['suites/**/*.verifier.ts'] : ['test/**/*.test.ts', 'suites/**/*.conformance.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
