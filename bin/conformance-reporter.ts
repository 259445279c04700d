/**
 * A vitest reporter that turns the conformance tests of a run into
 * RunResults and writes every report format. Self-tests (no conformance meta)
 * are ignored here; vitest's own reporter shows them.
 */
import type { Reporter, TestModule } from 'vitest/node';
import type { RunResults } from '../reports/results.js';
import { collectResults, type CollectedTest } from '../suites/lib/collect.js';
import type { ConformanceOptions } from '../suites/lib/options.js';

export class ConformanceReporter implements Reporter {
  readonly #options: ConformanceOptions;
  readonly #startedAt = new Date();
  readonly #shard: { index: number; count: number } | undefined;
  results?: RunResults;
  counts = { passed: 0, failed: 0, skipped: 0 };

  constructor(options: ConformanceOptions, shard?: { index: number; count: number }) {
    this.#options = options;
    this.#shard = shard;
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
