/**
 * Registers checks as vitest tests. One test per check, titled with the
 * requirement IDs it decides; the decided outcomes travel to the reporter in
 * `task.meta.conformance`. A check whose capability the target lacks is
 * skipped with the reason (NOT_APPLICABLE), never counted as passed.
 */
import { afterAll, beforeAll, describe, inject, test } from 'vitest';
import type { Area } from '../../reports/results.js';
import { isApplicable, requirementById } from '../../schemas/catalog.js';
import { createAdapter } from '../../adapters/registry.js';
import type { Adapter, TargetInfo } from '../../adapters/types.js';
import { createVerifier } from '../../adapters/verifiers/registry.js';
import type { Check, CheckEnv } from './check.js';
import { defaultOptions, replayCommand, type ConformanceOptions } from './options.js';
import { runCheck, type RequirementOutcome } from './run-check.js';

export interface TestOutcome extends RequirementOutcome {
  replay?: string;
}

export interface ConformanceMeta {
  area: Area;
  check: string;
  target: TargetInfo | { name: string; version: string; capabilities?: undefined };
  seed: number;
  runs: number;
  durationMs: number;
  outcomes: Record<string, TestOutcome>;
  /** The target could not be started at all. */
  unreachable?: string;
}

declare module 'vitest' {
  interface TaskMeta {
    conformance?: ConformanceMeta;
  }
}

export function checkTitle(check: Check<unknown>): string {
  return `[${check.requirements.join(' ')}] ${check.name}`;
}

export function registerChecks(area: Area, checks: Check<any>[]): void {
  let options: ConformanceOptions;
  try {
    options = inject('conformance') ?? defaultOptions();
  } catch {
    options = defaultOptions();
  }
  const only = new Set(options.only);
  // --only is applied by the launcher as a test-name pattern, so a file whose
  // checks all fall outside it still registers (skipped) tests, never none.
  const selected = checks;

  const label = options.verifier !== undefined ? `verifier ${options.verifier}` : `target ${options.target}`;
  describe(`${area} · ${label}`, () => {
    let adapter: Adapter | undefined;
    let info: TargetInfo | undefined;
    let verifier: CheckEnv['verifier'];
    let startError: string | undefined;

    beforeAll(async () => {
      try {
        adapter = createAdapter(options.target, {
          ...(options.targetUrl !== undefined ? { targetUrl: options.targetUrl } : {}),
          ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
          ...(options.validateProtocol ? { validateProtocol: true } : {}),
        });
        info = await adapter.start();
        if (options.verifier !== undefined) {
          const v = createVerifier(options.verifier, {
            ...(options.verifierUrl !== undefined ? { verifierUrl: options.verifierUrl } : {}),
            ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
          });
          verifier = { adapter: v, info: await v.start() };
        }
      } catch (e) {
        startError = `${(e as { code?: string }).code ?? 'ERR_TARGET_UNREACHABLE'}: ${(e as Error).message}`;
      }
    });
    afterAll(async () => {
      await verifier?.adapter.stop();
      await adapter?.stop();
    });

    for (const check of selected) {
      test(checkTitle(check), async ({ task, skip }) => {
        if (!adapter || !info) {
          task.meta.conformance = {
            area,
            check: check.name,
            target: { name: options.target, version: 'unknown' },
            seed: options.seed,
            runs: 0,
            durationMs: 0,
            outcomes: Object.fromEntries(check.requirements.map((r) => [r, { verdict: 'ERRORED', reason: startError ?? 'target not started' }])),
            unreachable: startError ?? 'target not started',
          };
          throw new Error(`target "${options.target}" could not be started: ${startError}`);
        }
        const env: CheckEnv = verifier ? { adapter, info, verifier } : { adapter, info };
        const runOptions = {
          seed: options.seed,
          runs: options.runs,
          severity: (id: string) => requirementById(id).severity,
          declined: (id: string) => declinedBy(info!, id),
          ...(only.size > 0 ? { only } : {}),
          ...(options.path !== undefined ? { path: options.path } : {}),
        };
        const result = await runCheck(check, env, runOptions);
        const outcomes: Record<string, TestOutcome> = {};
        for (const [id, o] of Object.entries(result.outcomes)) {
          outcomes[id] = o.failure ? { ...o, replay: replayCommand(options, id, o.failure.path) } : o;
        }
        task.meta.conformance = {
          area,
          check: check.name,
          target: verifier ? { ...info, name: `verifier:${verifier.info.name}`, version: verifier.info.version } : info,
          seed: options.seed,
          runs: result.runs,
          durationMs: result.durationMs,
          outcomes,
        };
        const list = Object.entries(outcomes);
        const broken = list.filter(([, o]) => o.verdict === 'FAILED' || o.verdict === 'ERRORED' || (options.strict && o.verdict === 'WARNING'));
        if (broken.length > 0) throw new Error(describeBroken(broken));
        if (list.length > 0 && list.every(([, o]) => o.verdict === 'NOT_APPLICABLE')) {
          skip(`not applicable: ${list[0]![1].reason ?? ''}`);
        }
      });
    }
  });
}

/** A requirement the target declared out, or whose capabilities and token types it lacks. */
export function declinedBy(info: TargetInfo, id: string): string | undefined {
  const declared = info.notApplicable?.[id];
  if (declared !== undefined) return declared;
  const req = requirementById(id);
  if (isApplicable(req, info.capabilities)) return undefined;
  const missing = req.capabilities.filter((c) => !info.capabilities[c]);
  return missing.length > 0
    ? `target "${info.name}" does not declare: ${missing.join(', ')}`
    : `target "${info.name}" issues none of the token types ${id} is about (${req.tokenTypes.join(', ')})`;
}

function describeBroken(broken: Array<[string, TestOutcome]>): string {
  return broken
    .map(([id, o]) => {
      const lines = [`${id} ${o.verdict}: ${o.failure?.message ?? o.reason ?? ''}`];
      const c = o.failure?.counterexample;
      if (c?.claim !== undefined) lines.push(`  claim:    ${c.claim}`);
      if (c && 'expected' in c) lines.push(`  expected: ${JSON.stringify(c.expected)}`);
      if (c && 'actual' in c) lines.push(`  actual:   ${JSON.stringify(c.actual)}`);
      if (c?.token) lines.push(`  token:    ${JSON.stringify(c.token.payload)}`);
      if (c?.workflows?.length) lines.push(`  workflows:\n${c.workflows.map((w) => w.replace(/^/gm, '    ')).join('\n    ---\n')}`);
      if (c?.commands?.length) lines.push(`  commands:\n${c.commands.map((x) => `    ${x}`).join('\n')}`);
      if (o.replay) lines.push(`  replay:   ${o.replay}`);
      return lines.join('\n');
    })
    .join('\n\n');
}
