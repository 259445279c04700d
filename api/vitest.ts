/**
 * Conformance checks inside your own vitest run:
 *
 *   // conformance.test.ts
 *   import { conformance } from 'kinde-token-conformance/vitest';
 *   conformance({ target: 'http', targetUrl: 'http://127.0.0.1:4000', runs: 50 });
 *
 * One test per check, titled with the requirement IDs it decides; a failed
 * requirement fails its test with the counterexample and a replay command;
 * a check that does not apply to the target is skipped, never passed.
 */
import { resolve } from 'node:path';
import { isModulePath } from '../targets/load.js';
import { SUITES, VERIFIER_SUITES } from '../suites/index.js';
import { DEFAULT_RUNS } from '../runner/options.js';
import { registerChecks } from '../runner/register.js';
import type { ConformanceRunOptions } from './index.js';

/** The options of {@link runConformance}, with the target and verifier named (each worker of vitest makes its own). */
export type VitestConformanceOptions = Omit<ConformanceRunOptions, 'target' | 'verifier' | 'concurrency' | 'keepGoing' | 'reportDir'> & {
  target?: string;
  verifier?: string;
};

export function conformance(opts: VitestConformanceOptions = {}): void {
  const named = (x: string) => (isModulePath(x) ? resolve(x) : x);
  const options = {
    target: named(opts.target ?? 'reference'),
    seed: opts.seed ?? (Date.now() & 0x7fffffff),
    runs: opts.runs ?? DEFAULT_RUNS,
    strict: opts.strict ?? false,
    only: opts.only ?? [],
    ...(opts.targetUrl !== undefined ? { targetUrl: opts.targetUrl } : {}),
    ...(opts.verifier !== undefined ? { verifier: named(opts.verifier) } : {}),
    ...(opts.verifierUrl !== undefined ? { verifierUrl: opts.verifierUrl } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
  };
  for (const suite of opts.verifier !== undefined ? VERIFIER_SUITES : SUITES) registerChecks(suite.area, suite.checks, options);
}
