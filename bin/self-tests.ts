/**
 * The suite's fast self-tests (test/**, without test/full/: vitest.config.ts), run by vitest with the package as
 * its root and its own config: never the tests or config of the directory
 * the command was started from. Only a clone carries them.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function selfTestsAvailable(): boolean {
  return existsSync(`${ROOT}/test`) && existsSync(`${ROOT}/vitest.config.ts`);
}

export async function runSelfTests(): Promise<{ passed: number; failed: number; skipped: number }> {
  const { startVitest } = await import('vitest/node');
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const vitest = await startVitest('test', [], {
    root: ROOT,
    config: `${ROOT}/vitest.config.ts`,
    run: true,
    watch: false,
    reporters: [
      'default',
      {
        onTestRunEnd(modules) {
          for (const mod of modules) {
            const tests = [...mod.children.allTests()];
            for (const tc of tests) {
              const state = tc.result().state;
              if (state === 'passed') counts.passed += 1;
              else if (state === 'failed') counts.failed += 1;
              else counts.skipped += 1;
            }
            // A file that failed to load has no tests but must not count as green.
            if (mod.state() === 'failed' && tests.length === 0) counts.failed += 1;
          }
        },
      },
    ],
  });
  await vitest.close();
  if (counts.passed + counts.failed === 0) counts.failed += 1; // ran nothing: never green
  return counts;
}
