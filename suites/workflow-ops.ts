/**
 * Workflows as real ones are written: awaiting between writes, branching on
 * the event (org or not, sign-in or refresh, which audience), and several
 * workflows for one trigger, run in no defined order.
 */
import fc from 'fast-check';
import { m2mScenarioArb, userScenarioArb } from '../generators/tenant.js';
import { shrinkingFirst } from '../generators/shrink.js';
import {
  AUDIENCE_SUFFIXES,
  AWAIT_STYLES,
  workflowListArb,
  type Condition,
  type EventPath,
  type TokenBinding,
  type WorkflowOp,
  type WorkflowProgram,
  type WorkflowProgramOptions,
  type WorkflowTriggerName,
} from '../generators/workflow.js';
import { defineCheck, type Check } from './lib/check.js';
import { judgeM2mRun, judgeUserRun, same, WORKFLOWS_FIRST } from './lib/judge-workflows.js';
import { withOpenId } from './lib/issuance.js';

/** Completing workflows with awaits and event conditions between their writes. */
const REAL: WorkflowProgramOptions = { allowAwait: true, allowConditions: true, undeclaredBindingRate: 0 };

/** Custom claim names no baseline token carries, so "left out" and "absent" coincide. */
const FRESH_NAMES = ['companyName', 'tier', 'https://example.com/claims/x'];

/** Claim name per event field an event probe copies. */
const EVENT_PROBES: ReadonlyArray<[string, EventPath]> = [
  ['ev_user', 'context.user.id'],
  ['ev_client', 'context.application.clientId'],
  ['ev_org', 'context.organization.code'],
  ['ev_audience', 'request.auth.audience'],
  ['ev_trigger', 'context.workflow.trigger'],
  ['ev_origin', 'context.auth.origin'],
];
/** Claim name per branch an event probe takes. */
const BRANCH_PROBES: ReadonlyArray<[string, Condition]> = [
  ['if_org', { kind: 'org', present: true }],
  ['if_no_org', { kind: 'org', present: false }],
  ['if_sign_in', { kind: 'origin', is: 'authorization_request' }],
  ['if_refresh', { kind: 'origin', is: 'refresh_token_request' }],
  ...AUDIENCE_SUFFIXES.map((suffix): [string, Condition] => [`if_aud${suffix}`, { kind: 'audience', endsWith: suffix, present: true }]),
];

/** A workflow that copies every event field into a claim and marks each branch it takes, with awaits between. */
const eventProbeArb: fc.Arbitrary<WorkflowProgram> = fc
  .record({
    binding: fc.constantFrom<TokenBinding>('kinde.accessToken', 'kinde.idToken'),
    style: fc.constantFrom('proxy' as const, 'lowLevel' as const),
    pause: fc.constantFrom(...AWAIT_STYLES),
  })
  .map(({ binding, style, pause }) => ({
    id: 'eventProbe',
    trigger: 'user:tokens_generation',
    bindings: [binding],
    declareUrlBinding: true,
    failurePolicy: 'stop',
    ops: [
      ...EVENT_PROBES.map(([name, path]): WorkflowOp => ({ kind: 'setFromEvent', binding, name, path, style })),
      { kind: 'await', style: pause },
      ...BRANCH_PROBES.map(([name, when]): WorkflowOp => ({ kind: 'set', binding, name, value: true, style, when })),
    ],
  }));

function programsArb(trigger: WorkflowTriggerName, minLength: number, maxLength: number): fc.Arbitrary<WorkflowProgram[]> {
  return workflowListArb({ ...REAL, trigger }, { minLength, maxLength });
}

/**
 * One check per token trigger: generated workflows (`minLength`–`maxLength` of them), every deviation judged as
 * `requirement`. Half the default runs: the seeded defects fall within 16 runs on seeds 1–10, and the core
 * workflow checks generate the same ops at the full count.
 */
function perTrigger(requirement: string, names: { user: string; m2m: string }, minLength: number, maxLength: number): Check<any>[] {
  return [
    defineCheck({
      name: names.user,
      requirements: [requirement],
      needs: ['userTokens', 'workflows'],
      runsFactor: 0.5,
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
      runsFactor: 0.5,
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
  defineCheck({
    name: 'a workflow sees the sign-in in its event and takes the branches it should',
    requirements: ['WF-EVENT-FIELDS'],
    needs: ['userTokens', 'workflows'],
    arbitrary: () => fc.record({ scenario: userScenarioArb().map(withOpenId), program: eventProbeArb }),
    async predicate({ scenario, program }, judge, env) {
      await judgeUserRun(env, judge, scenario, [program], { perToken: () => same('WF-EVENT-FIELDS'), outcome: () => 'WF-EVENT-FIELDS' });
    },
  }),
];
