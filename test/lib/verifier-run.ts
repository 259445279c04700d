/**
 * Run the verifier checks in-process against one verifier (the reference issuer
 * supplying the claims) and fold the outcomes per requirement, the worst verdict
 * standing, as the reports do.
 */
import type { Adapter, TargetInfo } from '../../adapters/types.js';
import type { VerifierAdapter } from '../../adapters/verifier-types.js';
import { createVerifier } from '../../adapters/verifiers/registry.js';
import { requirementById } from '../../schemas/catalog.js';
import type { CheckEnv } from '../../suites/lib/check.js';
import { runCheck, type RequirementOutcome } from '../../runner/run-check.js';
import { checks } from '../../suites/verifier.js';

const RANK = ['FAILED', 'ERRORED', 'WARNING', 'PASSED', 'NOT_APPLICABLE'];

export async function runVerifierChecks(
  issuer: { adapter: Adapter; info: TargetInfo },
  verifier: string | VerifierAdapter,
  only: string[] | undefined,
  runs = 8,
  seed = 11,
): Promise<Record<string, RequirementOutcome>> {
  const v = typeof verifier === 'string' ? createVerifier(verifier) : verifier;
  const env: CheckEnv = { adapter: issuer.adapter, info: issuer.info, verifier: { adapter: v, info: await v.start() } };
  const outcomes: Record<string, RequirementOutcome> = {};
  try {
    for (const check of checks) {
      if (only && !check.requirements.some((r) => only.includes(r))) continue;
      const r = await runCheck(check, env, { seed, runs, severity: (id) => requirementById(id).severity });
      // Several checks decide one requirement: the worst verdict stands (as in the reports).
      for (const [id, o] of Object.entries(r.outcomes)) if (!outcomes[id] || RANK.indexOf(o.verdict) < RANK.indexOf(outcomes[id]!.verdict)) outcomes[id] = o;
    }
  } finally {
    await v.stop();
  }
  return outcomes;
}
