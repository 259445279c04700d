/**
 * Registers checks as vitest tests, for a consumer's own vitest
 * (`kinde-token-conformance/vitest`). One test per check, titled with the
 * requirement IDs it decides; the decided outcomes travel in
 * `task.meta.conformance`. A check whose capability the target lacks is
 * skipped with the reason (NOT_APPLICABLE), never counted as passed.
 *
 * What keeps a verdict the same in anyone's vitest, on a loaded machine:
 * - each test's timeout is its own check's budget ({@link checkBudgetMs}),
 *   not vitest's 5 s default; `testTimeoutMs` overrides it;
 * - checks run strictly one at a time, each with an environment of its own
 *   (a session of its own on targets that isolate sessions): one check
 *   never sees another's tenant;
 * - a test that timed out aborts its check (vitest's signal reaches every
 *   adapter call, runner/abortable.ts); the next check starts only once the
 *   calls already sent have ended, and the aborted check's environment
 *   (session) is dropped;
 * - a target that cannot be started fails one test with the reason; the
 *   others are skipped as not attempted, not failed fifty times.
 *
 * The command line does not use vitest for conformance runs (runner/run.ts).
 */
import { afterAll, describe, test } from 'vitest';
import { DEFAULT_TIMEOUT_MS } from '../adapters/http.js';
import type { Area } from '../reports/results.js';
import type { Check, CheckEnv } from '../suites/lib/check.js';
import { abortable } from './abortable.js';
import { brokenOutcomes, checkTitle, describeBroken, executeCheck, notAttempted, startEnvironment, stopEnvironment, type ConformanceMeta } from './execute.js';
import type { ConformanceOptions } from './options.js';
import { SHRINK_BUDGET_MS } from './run-check.js';

declare module 'vitest' {
  interface TaskMeta {
    conformance?: ConformanceMeta;
  }
}

export interface RegisterOptions extends ConformanceOptions {
  /** Overrides every test's timeout (ms); default {@link checkBudgetMs}. */
  testTimeoutMs?: number;
}

/**
 * The time a check may take before its test times out: starting its
 * environment (a handshake, a session, discovery: 3 calls), then per
 * requirement it decides, its runs × the per-call timeout plus the shrinking
 * budget. Generous on purpose: a hung target is already ended by the
 * per-call timeout (its first call ERRORS the check); this bound is only the
 * last resort, and a slow machine must never reach it.
 */
export function checkBudgetMs(check: Check<unknown>, options: Pick<ConformanceOptions, 'runs' | 'timeoutMs'>): number {
  const perCall = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const runs = Math.max(1, Math.round(options.runs * (check.runsFactor ?? 1)));
  return 3 * perCall + check.requirements.length * (runs * perCall + SHRINK_BUDGET_MS);
}

/** One failing test that says what is wrong with the options, instead of every check failing with it. */
export function registerConfigurationError(message: string): void {
  test('kinde-token-conformance: configuration', () => {
    throw new Error(`kinde-token-conformance: ${message}`);
  });
}

export function registerChecks(area: Area, checks: ReadonlyArray<Check<any>>, options: RegisterOptions): void {
  const label = options.verifier !== undefined ? `verifier ${options.verifier}` : `target ${options.target}`;
  const selected = checks.filter((check) => options.only.length === 0 || check.requirements.some((r) => options.only.includes(r)));
  if (selected.length === 0) return; // vitest refuses an empty suite
  describe(`${area} · ${label}`, () => {
    /** The previous check, settled (its adapter calls ended, its environment stopped): checks run one at a time. */
    let previous: Promise<void> = Promise.resolve();
    /** The first start failure: reported by one test, the others are not attempted. */
    let startFailure: { reason: string; reported: boolean } | undefined;
    // The last check's calls in flight end within the per-call timeout; vitest's 10 s hook default could be shorter.
    afterAll(() => previous, 2 * (options.timeoutMs ?? DEFAULT_TIMEOUT_MS) + 10_000);

    for (const check of selected) {
      const timeout = options.testTimeoutMs ?? checkBudgetMs(check, options);
      test(checkTitle(check), async ({ task, skip, signal }) => {
        const turn = previous;
        let release!: () => void;
        previous = new Promise<void>((res) => (release = res));
        let env: CheckEnv | undefined;
        const guards: Array<{ settled(): Promise<void> }> = [];
        try {
          await turn;
          if (startFailure) {
            task.meta.conformance = notAttempted(area, check, options, startFailure.reason);
            if (startFailure.reported) skip(`not attempted: ${startFailure.reason.split('\n')[0]} (reported by the first check)`);
            startFailure.reported = true;
            throw new Error(startFailure.reason);
          }
          try {
            env = await startEnvironment(options);
          } catch (e) {
            startFailure = { reason: (e as Error).message, reported: true };
            task.meta.conformance = notAttempted(area, check, options, startFailure.reason);
            throw e;
          }
          const target = abortable(env.adapter, signal);
          guards.push(target);
          const verifier = env.verifier ? abortable(env.verifier.adapter, signal) : undefined;
          if (verifier) guards.push(verifier);
          const guarded: CheckEnv = { ...env, adapter: target.adapter, ...(env.verifier && verifier ? { verifier: { ...env.verifier, adapter: verifier.adapter } } : {}) };
          const meta = await executeCheck(area, check, guarded, options, signal);
          task.meta.conformance = meta;
          const broken = brokenOutcomes(meta, options.strict);
          if (broken.length > 0) throw new Error(describeBroken(broken));
          const list = Object.values(meta.outcomes);
          if (list.length > 0 && list.every((o) => o.verdict === 'NOT_APPLICABLE')) skip(`not applicable: ${list[0]!.reason ?? ''}`);
        } finally {
          // Runs also after vitest gave up on this test (timeout): the calls already sent end
          // (each within the per-call timeout), then the environment (session) is dropped.
          const ended = env;
          void Promise.all(guards.map((g) => g.settled()))
            .then(() => stopEnvironment(ended))
            .finally(release);
        }
      }, timeout);
    }
  });
}
