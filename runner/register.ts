/**
 * Registers checks as vitest tests, for a consumer's own vitest
 * (`kinde-token-conformance/vitest`). One test per check, titled with the
 * requirement IDs it decides; the decided outcomes travel in
 * `task.meta.conformance`. A check whose capability the target lacks is
 * skipped with the reason (NOT_APPLICABLE), never counted as passed.
 *
 * The command line does not use vitest for conformance runs (runner/).
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import type { Area } from '../reports/results.js';
import type { Check, CheckEnv } from '../suites/lib/check.js';
import { brokenOutcomes, checkTitle, describeBroken, executeCheck, notAttempted, startEnvironment, stopEnvironment, type ConformanceMeta } from './execute.js';
import type { ConformanceOptions } from './options.js';

declare module 'vitest' {
  interface TaskMeta {
    conformance?: ConformanceMeta;
  }
}

export function registerChecks(area: Area, checks: ReadonlyArray<Check<any>>, options: ConformanceOptions): void {
  const label = options.verifier !== undefined ? `verifier ${options.verifier}` : `target ${options.target}`;
  const selected = checks.filter((check) => options.only.length === 0 || check.requirements.some((r) => options.only.includes(r)));
  if (selected.length === 0) return; // vitest refuses an empty suite
  describe(`${area} · ${label}`, () => {
    let env: CheckEnv | undefined;
    let startError: string | undefined;

    beforeAll(async () => {
      try {
        env = await startEnvironment(options);
      } catch (e) {
        startError = (e as Error).message;
      }
    });
    afterAll(() => stopEnvironment(env));

    for (const check of selected) {
      test(checkTitle(check), async ({ task, skip }) => {
        if (!env) {
          task.meta.conformance = notAttempted(area, check, options, startError ?? 'ERR_TARGET_UNREACHABLE: target not started');
          throw new Error(startError ?? 'target not started');
        }
        const meta = await executeCheck(area, check, env, options);
        task.meta.conformance = meta;
        const broken = brokenOutcomes(meta, options.strict);
        if (broken.length > 0) throw new Error(describeBroken(broken));
        const list = Object.values(meta.outcomes);
        if (list.length > 0 && list.every((o) => o.verdict === 'NOT_APPLICABLE')) skip(`not applicable: ${list[0]!.reason ?? ''}`);
      });
    }
  });
}
