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
 * Each test's timeout is its check's budget (runs × per-call timeout + the
 * shrinking budget, per requirement: runner/register.ts `checkBudgetMs`),
 * overridable with `testTimeoutMs`; checks run one at a time, each with an
 * environment of its own. Options that cannot work (no `targetUrl` for the
 * `http` target) fail one test that says so, and register no check.
 */
import { resolve } from 'node:path';
import { isModulePath } from '../targets/load.js';
import { SUITES, VERIFIER_SUITES } from '../suites/index.js';
import { DEFAULT_RUNS } from '../runner/options.js';
import { registerChecks, registerConfigurationError } from '../runner/register.js';
import type { ConformanceRunOptions } from './index.js';

/** The options of {@link runConformance}, with the target and verifier named (each worker of vitest makes its own). */
export type VitestConformanceOptions = Omit<ConformanceRunOptions, 'target' | 'verifier' | 'concurrency' | 'keepGoing' | 'reportDir'> & {
  target?: string;
  verifier?: string;
  /** Timeout of every registered test, ms. Default: each check's own budget (see above). */
  testTimeoutMs?: number;
};

/** What is wrong with the options before any check could run, if anything. */
export function configurationError(opts: VitestConformanceOptions): string | undefined {
  const blank = (v: string | undefined) => v === undefined || v.trim() === '';
  if ((opts.target ?? 'reference') === 'http' && blank(opts.targetUrl)) {
    return 'target "http" needs targetUrl, the base URL of the issuer under test (e.g. targetUrl: process.env.ISSUER_URL — is that variable set?)';
  }
  if (opts.verifier === 'http-api' && blank(opts.verifierUrl)) {
    return 'verifier "http-api" needs verifierUrl, the base URL of the API under test';
  }
  for (const k of ['runs', 'timeoutMs', 'testTimeoutMs'] as const) {
    const v = opts[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) return `${k} must be a positive integer, got ${JSON.stringify(v)}`;
  }
  return undefined;
}

export function conformance(opts: VitestConformanceOptions = {}): void {
  const wrong = configurationError(opts);
  if (wrong !== undefined) {
    registerConfigurationError(wrong);
    return;
  }
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
    ...(opts.testTimeoutMs !== undefined ? { testTimeoutMs: opts.testTimeoutMs } : {}),
  };
  for (const suite of opts.verifier !== undefined ? VERIFIER_SUITES : SUITES) registerChecks(suite.area, suite.checks, options);
}
