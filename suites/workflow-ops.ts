/**
 * Workflows as real ones are written: awaiting between writes, branching on
 * the event (org or not, sign-in or refresh, which audience), and several
 * workflows for one trigger, run in no defined order.
 */
import fc from 'fast-check';
import { m2mScenarioArb, userScenarioArb } from '../generators/tenant.js';
import { shrinkingFirst } from '../generators/shrink.js';
import { workflowListArb, type WorkflowProgram, type WorkflowProgramOptions, type WorkflowTriggerName } from '../generators/workflow.js';
import { defineCheck, type Check } from './lib/check.js';
import { judgeM2mRun, judgeUserRun, same, WORKFLOWS_FIRST } from './lib/judge-workflows.js';
import { withOpenId } from './lib/issuance.js';

/** Completing workflows with awaits and event conditions between their writes. */
const REAL: WorkflowProgramOptions = { allowAwait: true, allowConditions: true, undeclaredBindingRate: 0 };

/** Custom claim names no baseline token carries, so "left out" and "absent" coincide. */
const FRESH_NAMES = ['companyName', 'tier', 'https://example.com/claims/x'];

function programsArb(trigger: WorkflowTriggerName, minLength: number, maxLength: number): fc.Arbitrary<WorkflowProgram[]> {
  return workflowListArb({ ...REAL, trigger }, { minLength, maxLength });
}

/** One check per token trigger: generated workflows (`minLength`–`maxLength` of them), every deviation judged as `requirement`. */
function perTrigger(requirement: string, names: { user: string; m2m: string }, minLength: number, maxLength: number): Check<any>[] {
  return [
    defineCheck({
      name: names.user,
      requirements: [requirement],
      needs: ['userTokens', 'workflows'],
      arbitrary: () =>
        shrinkingFirst(
          { scenario: userScenarioArb().map(withOpenId), programs: programsArb('user:tokens_generation', minLength, maxLength) },
          WORKFLOWS_FIRST,
        ),
      async predicate({ scenario, programs }, judge, env) {
        await judgeUserRun(env, judge, scenario, programs, { perToken: () => same(requirement), outcome: () => requirement });
      },
    }),
    defineCheck({
      name: names.m2m,
      requirements: [requirement],
      needs: ['m2m', 'workflows'],
      arbitrary: () => shrinkingFirst({ scenario: m2mScenarioArb(), programs: programsArb('m2m:token_generation', minLength, maxLength) }, WORKFLOWS_FIRST),
      async predicate({ scenario, programs }, judge, env) {
        await judgeM2mRun(env, judge, scenario, programs, same(requirement), true);
      },
    }),
  ];
}

export const checks: Check<any>[] = [
  ...perTrigger(
    'WF-AWAIT-WRITES',
    { user: 'claims a workflow sets after an await land in the token', m2m: 'M2M: claims a workflow sets after an await land in the token' },
    1,
    2,
  ),
  ...perTrigger(
    'WF-ALL-WORKFLOWS-RUN',
    {
      user: 'every workflow deployed for the user token trigger runs, in any order',
      m2m: 'every workflow deployed for the M2M token trigger runs, in any order',
    },
    2,
    3,
  ),
  defineCheck({
    name: 'a claim set to undefined never lands as null; delete on the claims proxy changes nothing',
    requirements: ['WF-UNDEFINED-CLAIM'],
    needs: ['userTokens', 'workflows'],
    arbitrary: () =>
      shrinkingFirst(
        {
          scenario: userScenarioArb().map(withOpenId),
          programs: workflowListArb(
            { ...REAL, trigger: 'user:tokens_generation', allowUndefined: true, allowDelete: true, nameArb: () => fc.constantFrom(...FRESH_NAMES) },
            // One workflow: where several wrote one claim, "left out" would depend on their order.
            { minLength: 1, maxLength: 1 },
          ).filter((ps) => ps.some((p) => p.ops.some((o) => o.kind === 'setUndefined' || o.kind === 'deleteClaim'))),
        },
        WORKFLOWS_FIRST,
      ),
    async predicate({ scenario, programs }, judge, env) {
      // Refused (the reference) or left out: both are allowed, null is not.
      await judgeUserRun(env, judge, scenario, programs, { perToken: () => same('WF-UNDEFINED-CLAIM'), outcome: () => 'WF-UNDEFINED-CLAIM' }, ['refuse', 'omit']);
    },
  }),
];
