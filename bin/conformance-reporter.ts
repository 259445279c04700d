/**
 * A vitest reporter that turns the conformance tests of a run into
 * RunResults and writes every report format. Self-tests (no conformance meta)
 * are ignored here; vitest's own reporter shows them.
 */
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import type { RunResults } from '../reports/results.js';
import { collectResults, type CollectedTest } from '../suites/lib/collect.js';
import type { ConformanceOptions } from '../suites/lib/options.js';

export class ConformanceReporter implements Reporter {
  readonly #options: ConformanceOptions;
  readonly #startedAt = new Date();
  readonly #shard: { index: number; count: number } | undefined;
  results?: RunResults;
  counts = { passed: 0, failed: 0, skipped: 0 };

  readonly #expected: number | undefined;

  /** `expectedChecks`: how many checks the run selects, when known up front (progress denominator). */
  constructor(options: ConformanceOptions, shard?: { index: number; count: number }, expectedChecks?: number) {
    this.#options = options;
    this.#shard = shard;
    this.#expected = shard ? undefined : expectedChecks;
  }

  #total = 0;
  #done = 0;

  onTestModuleCollected(mod: TestModule): void {
    for (const tc of mod.children.allTests()) if (tc.name.startsWith('[') && tc.options.mode !== 'skip') this.#total += 1;
  }

  /** One line per decided check: progress a CI log can show while the run goes on. */
  onTestCaseResult(tc: TestCase): void {
    const meta = tc.meta().conformance;
    if (!meta) return;
    this.#done += 1;
    const verdicts = Object.entries(meta.outcomes)
      .map(([id, o]) => `${id} ${o.verdict}`)
      .join(', ');
    process.stdout.write(`  [${this.#done}/${this.#expected ?? this.#total} checks · ${meta.target.name}] ${verdicts} (${(meta.durationMs / 1000).toFixed(1)} s)\n`);
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const tests: CollectedTest[] = [];
    for (const mod of testModules) {
      for (const tc of mod.children.allTests()) {
        const state = tc.result().state;
        if (state === 'passed') this.counts.passed += 1;
        else if (state === 'failed') this.counts.failed += 1;
        else this.counts.skipped += 1;
        const meta = tc.meta().conformance;
        if (meta) tests.push({ title: tc.fullName, meta });
      }
      // A module that failed to load has no tests but must not count as green.
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) this.counts.failed += 1;
    }
    if (tests.length > 0) {
      this.results = collectResults(tests, this.#options, { startedAt: this.#startedAt, finishedAt: new Date() }, this.#shard);
    }
  }
}
