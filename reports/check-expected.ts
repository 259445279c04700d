/**
 * CI gate for verifier runs:
 *   npx tsx reports/check-expected.ts <results.json> <expected.json>
 * Exit 0 when the run matches the expected file, 1 with the list of
 * differences, 2 on a usage or file error.
 */
import { foreignLine } from './sanitize.js';
import { readFileSync } from 'node:fs';
import type { RunResults } from './results.js';
import { compareWithExpected } from './expected.js';

const [resultsPath, expectedPath] = process.argv.slice(2);
if (!resultsPath || !expectedPath) {
  console.error('usage: check-expected.ts <results.json> <expected.json>');
  process.exit(2);
}
try {
  const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as RunResults;
  const r = compareWithExpected(results, expectedPath);
  if (r.ok) {
    console.log(`${foreignLine(results.target.name, 200)}: matches ${expectedPath}`);
    process.exit(0);
  }
  if (r.unexpectedFailures.length) console.error(`${foreignLine(results.target.name, 200)}: new failures not in ${expectedPath}:\n${r.unexpectedFailures.map((x) => `  ✗ ${x}`).join('\n')}`);
  if (r.fixedExpectedFailures.length) console.error(`${foreignLine(results.target.name, 200)}: expected failures that no longer fail (update ${expectedPath}):\n${r.fixedExpectedFailures.map((x) => `  ✓ ${x}`).join('\n')}`);
  process.exit(1);
} catch (e) {
  console.error(`check-expected: ${(e as Error).message}`);
  process.exit(2);
}
