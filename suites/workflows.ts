/**
 * Workflows ("Customize tokens using workflows", workflow bindings, settings
 * and triggers): what a workflow may and may not change, and what happens
 * when it fails.
 */
import fc from 'fast-check';
import type { JsonValue } from '../adapters/types.js';
import { HOSTILE_CLAIM_NAMES, jsonClaimValueArb } from '../generators/claims.js';
import { m2mScenarioArb, userScenarioArb } from '../generators/tenant.js';
import { fewestItemsArray, shrinkingFirst } from '../generators/shrink.js';
import { REAL_WORKFLOW_OPS, workflowListArb, workflowProgramArb, type TokenBinding, type WorkflowProgram } from '../generators/workflow.js';
import { defineCheck, type Check } from './lib/check.js';
import { CORE_USER, judgeM2mRun, judgeUserRun, same, WORKFLOWS_FIRST } from './lib/judge-workflows.js';
import { deployWorkflows, provision, refreshAfterExpiry, signInExpectingTokens } from './lib/flows.js';
import { completingWorkflowsArb, sourcesOf, withOpenId } from './lib/issuance.js';
import { jsonEqual, own } from './lib/json.js';
import type { Decoded } from './lib/tokens.js';

export const checks: Check<any>[] = [
  defineCheck({
    name: 'user token workflows change only what they may, exactly where they aim',
    requirements: ['WF-PROHIBITED-ACCESS', 'WF-PROHIBITED-ID', 'WF-CUSTOM-ACCESS', 'WF-CUSTOM-ID', 'WF-CUSTOM-ISOLATION'],
    needs: ['userTokens', 'workflows'],
    arbitrary: () =>
      shrinkingFirst(
        {
          scenario: userScenarioArb().map(withOpenId),
          programs: workflowListArb({ ...REAL_WORKFLOW_OPS, trigger: 'user:tokens_generation', undeclaredBindingRate: 0 }, { minLength: 1, maxLength: 3 }),
        },
        WORKFLOWS_FIRST,
      ),
    async predicate({ scenario, programs }, judge, env) {
      await judgeUserRun(env, judge, scenario, programs, {
        perToken: (t) => CORE_USER[t as 'access' | 'id'],
        outcome: () => 'WF-CUSTOM-ACCESS',
      });
    },
  }),
  defineCheck({
    name: 'M2M token workflows change only what they may',
    requirements: ['WF-PROHIBITED-M2M', 'WF-CUSTOM-M2M'],
    needs: ['m2m', 'workflows'],
    arbitrary: () =>
      shrinkingFirst(
        {
          scenario: m2mScenarioArb(),
          programs: workflowListArb({ ...REAL_WORKFLOW_OPS, trigger: 'm2m:token_generation', undeclaredBindingRate: 0 }, { minLength: 1, maxLength: 3 }),
        },
        WORKFLOWS_FIRST,
      ),
    async predicate({ scenario, programs }, judge, env) {
      await judgeM2mRun(env, judge, scenario, programs, { prohibited: 'WF-PROHIBITED-M2M', custom: 'WF-CUSTOM-M2M', isolation: 'WF-CUSTOM-M2M' }, true);
    },
  }),
  defineCheck({
    name: 'a token binding must be declared before a workflow can change that token',
    requirements: ['WF-BINDING-REQUIRED'],
    needs: ['userTokens', 'workflows'],
    arbitrary: () =>
      shrinkingFirst(
        {
          scenario: userScenarioArb().map(withOpenId),
          programs: fewestItemsArray(
            workflowProgramArb({ trigger: 'user:tokens_generation', undeclaredBindingRate: 1 }).filter((p) => p.ops.some((o) => 'binding' in o)),
            { minLength: 1, maxLength: 2 },
          ),
        },
        WORKFLOWS_FIRST,
      ),
    async predicate({ scenario, programs }, judge, env) {
      await judgeUserRun(env, judge, scenario, programs, { perToken: () => same('WF-BINDING-REQUIRED'), outcome: () => 'WF-BINDING-REQUIRED' });
    },
  }),
  defineCheck({
    name: 'failurePolicy: stop fails the token request, continue issues tokens without that workflow',
    requirements: ['WF-FAILURE-STOP', 'WF-FAILURE-CONTINUE'],
    needs: ['userTokens', 'workflows'],
    arbitrary: () =>
      shrinkingFirst(
        {
          scenario: userScenarioArb().map(withOpenId),
          programs: workflowListArb({ ...REAL_WORKFLOW_OPS, trigger: 'user:tokens_generation', allowThrow: true, undeclaredBindingRate: 0.2 }, {
            minLength: 1,
            maxLength: 3,
          }),
        },
        WORKFLOWS_FIRST,
      ),
    async predicate({ scenario, programs }, judge, env) {
      await judgeUserRun(env, judge, scenario, programs, {
        perToken: () => same('WF-FAILURE-CONTINUE'),
        outcome: (e) => (e.refusal ? 'WF-FAILURE-STOP' : 'WF-FAILURE-CONTINUE'),
      });
    },
  }),
  defineCheck({
    name: 'a workflow that never ends is stopped and its failurePolicy applies',
    requirements: ['WF-FAILURE-STOP', 'WF-FAILURE-CONTINUE'],
    needs: ['userTokens', 'workflows'],
    runsFactor: 0.05,
    arbitrary: () =>
      shrinkingFirst(
        {
          scenario: userScenarioArb().map(withOpenId),
          program: workflowProgramArb({ trigger: 'user:tokens_generation', allowHang: true, maxOps: 3 }).map((p) => ({
            ...p,
            ops: [...p.ops, { kind: 'loopForever' as const }],
          })),
        },
        WORKFLOWS_FIRST,
      ),
    async predicate({ scenario, program }, judge, env) {
      await judgeUserRun(env, judge, scenario, [program], {
        perToken: () => same('WF-FAILURE-CONTINUE'),
        outcome: (e) => (e.refusal ? 'WF-FAILURE-STOP' : 'WF-FAILURE-CONTINUE'),
      });
    },
  }),
  defineCheck({
    name: 'workflows run only for their own trigger',
    requirements: ['WF-TRIGGER'],
    needs: ['userTokens', 'm2m', 'workflows'],
    arbitrary: () =>
      shrinkingFirst(
        {
          user: userScenarioArb().map(withOpenId),
          m2m: m2mScenarioArb(),
          m2mPrograms: workflowListArb({ trigger: 'm2m:token_generation', allowThrow: true }, { minLength: 1, maxLength: 2 }),
          userPrograms: workflowListArb({ trigger: 'user:tokens_generation', allowThrow: true }, { minLength: 1, maxLength: 2 }),
        },
        WORKFLOWS_FIRST,
      ),
    async predicate({ user, m2m, m2mPrograms, userPrograms }, judge, env) {
      // M2M workflows deployed: a user sign-in yields exactly the baseline tokens.
      await judgeUserRun(env, judge, user, m2mPrograms, { perToken: () => same('WF-TRIGGER'), outcome: () => 'WF-TRIGGER' });
      // User workflows deployed: client credentials yield exactly the baseline token.
      await judgeM2mRun(env, judge, m2m, userPrograms, same('WF-TRIGGER'), true);
    },
  }),
  defineCheck({
    name: 'several writes to one claim: the last one wins',
    requirements: ['WF-LAST-WRITE'],
    needs: ['userTokens', 'workflows'],
    arbitrary: () =>
      fc.record({
        scenario: userScenarioArb().map(withOpenId),
        binding: fc.constantFrom<TokenBinding>('kinde.accessToken', 'kinde.idToken'),
        name: fc.constantFrom('companyName', 'tier', 'name', 'permissions', 'https://example.com/claims/x'),
        values: fc.uniqueArray(jsonClaimValueArb({ maxDepth: 2, maxJsonBytes: 3072 }), { minLength: 2, maxLength: 4, comparator: (a, b) => jsonEqual(a, b) }),
        style: fc.constantFrom<'proxy' | 'lowLevel'>('proxy', 'lowLevel'),
      }),
    async predicate({ scenario, binding, name, values, style }, judge, env) {
      const program: WorkflowProgram = {
        id: 'lastWrite',
        trigger: 'user:tokens_generation',
        bindings: [binding],
        declareUrlBinding: false,
        ops: values.map((value) => ({ kind: 'set' as const, binding, name, value, style })),
      };
      await judgeUserRun(env, judge, scenario, [program], { perToken: () => same('WF-LAST-WRITE'), outcome: () => 'WF-LAST-WRITE' });
    },
  }),
  defineCheck({
    name: 'hostile claim names (__proto__, constructor, …) do not corrupt the token',
    requirements: ['WF-HOSTILE-NAMES'],
    needs: ['userTokens', 'workflows'],
    arbitrary: () =>
      fc.record({
        scenario: userScenarioArb().map(withOpenId),
        binding: fc.constantFrom<TokenBinding>('kinde.accessToken', 'kinde.idToken'),
        hostile: fc.constantFrom(...HOSTILE_CLAIM_NAMES),
        // An object value whose keys are claims the token really has: prototype pollution would surface them.
        payload: fc.record({
          sub: fc.constant('kp_attacker'),
          permissions: fc.constant(['admin:everything']),
          name: fc.string({ maxLength: 8 }),
          email: fc.constant('attacker@example.com'),
        }),
        plain: fc.tuple(fc.constantFrom('companyName', 'tier'), jsonClaimValueArb({ maxDepth: 1, maxJsonBytes: 3072 })),
      }),
    async predicate({ scenario, binding, hostile, payload, plain }, judge, env) {
      const program: WorkflowProgram = {
        id: 'hostileNames',
        trigger: 'user:tokens_generation',
        bindings: [binding],
        declareUrlBinding: false,
        ops: [
          { kind: 'set', binding, name: hostile, value: payload as unknown as JsonValue, style: 'lowLevel' },
          { kind: 'set', binding, name: plain[0], value: plain[1], style: 'lowLevel' },
        ],
      };
      await judgeUserRun(env, judge, scenario, [program], { perToken: () => same('WF-HOSTILE-NAMES'), outcome: () => 'WF-HOSTILE-NAMES' });
    },
  }),
  defineCheck({
    name: 'a workflow can empty permissions and feature_flags (they stay present as [] and {}), nothing else moves',
    requirements: ['WF-EMPTY-PERMS-FLAGS', 'WF-PROHIBITED-ACCESS', 'WF-PROHIBITED-ID'],
    needs: ['userTokens', 'workflows'],
    arbitrary: () => fc.record({ scenario: userScenarioArb().map(withOpenId), style: fc.constantFrom<'proxy' | 'lowLevel'>('proxy', 'lowLevel') }),
    async predicate({ scenario, style }, judge, env) {
      // The docs' "reduce token size" example.
      const program: WorkflowProgram = {
        id: 'reduceTokenSize',
        trigger: 'user:tokens_generation',
        bindings: ['kinde.accessToken'],
        declareUrlBinding: true,
        failurePolicy: 'stop',
        ops: [
          { kind: 'set', binding: 'kinde.accessToken', name: 'permissions', value: [], style },
          { kind: 'set', binding: 'kinde.accessToken', name: 'feature_flags', value: {}, style },
        ],
      };
      await judgeUserRun(env, judge, scenario, [program], {
        perToken: (t) => ({
          prohibited: t === 'id' ? 'WF-PROHIBITED-ID' : 'WF-PROHIBITED-ACCESS',
          custom: 'WF-EMPTY-PERMS-FLAGS',
          isolation: 'WF-EMPTY-PERMS-FLAGS',
        }),
        outcome: () => 'WF-EMPTY-PERMS-FLAGS',
      });
    },
  }),
  defineCheck({
    name: "a workflow can overwrite the ID token's name",
    requirements: ['WF-ID-NAME'],
    needs: ['userTokens', 'workflows'],
    arbitrary: () => fc.record({ scenario: userScenarioArb().map(withOpenId), name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }) }),
    async predicate({ scenario, name }, judge, env) {
      await provision(env, judge, scenario.tenant);
      const program: WorkflowProgram = {
        id: 'renameUser',
        trigger: 'user:tokens_generation',
        bindings: ['kinde.idToken'],
        declareUrlBinding: true,
        failurePolicy: 'stop',
        ops: [{ kind: 'set', binding: 'kinde.idToken', name: 'name', value: name, style: 'proxy' }],
      };
      await deployWorkflows(env, judge, sourcesOf([program]));
      const t = await signInExpectingTokens(env, judge, scenario.request, ['WF-ID-NAME']);
      if (!t) return;
      const got = t.id ? own(t.id.payload, 'name') : undefined;
      judge.check(got === name, 'WF-ID-NAME', 'ERR_CLAIM_MISMATCH', `ID token name is ${JSON.stringify(got) ?? '(absent)'} after the workflow set it to ${JSON.stringify(name)}`, {
        tokenType: 'id',
        claim: 'name',
        expected: name,
        actual: got,
      });
    },
  }),
  defineCheck({
    name: 'M2M workflows cannot modify tokens for the Management API',
    requirements: ['WF-M2M-MGMT-API'],
    needs: ['m2m', 'workflows'],
    arbitrary: () =>
      shrinkingFirst(
        {
          scenario: m2mScenarioArb({ includeManagementApi: true }),
          programs: completingWorkflowsArb('m2m:token_generation', 2).filter((ps) => ps.length > 0),
        },
        WORKFLOWS_FIRST,
      ),
    async predicate({ scenario, programs }, judge, env) {
      const mgmt = `https://${scenario.tenant.subdomain}.kinde.com/api`;
      if (!scenario.application.apis.includes(mgmt)) return;
      const request = { ...scenario.request, audience: [...new Set([...scenario.request.audience, mgmt])] };
      if (request.scopes) delete request.scopes;
      await judgeM2mRun(env, judge, { tenant: scenario.tenant, request }, programs, same('WF-M2M-MGMT-API'), false);
    },
  }),
  defineCheck({
    name: 'user token workflows fire again on refresh with origin refresh_token_request',
    requirements: ['WF-REFRESH-ORIGIN'],
    needs: ['userTokens', 'refresh', 'workflows'],
    arbitrary: () => userScenarioArb().map(withOpenId),
    async predicate(scenario, judge, env) {
      const request = { ...scenario.request, scopes: [...new Set([...scenario.request.scopes, 'offline'])] };
      await provision(env, judge, scenario.tenant);
      const program: WorkflowProgram = {
        id: 'originProbe',
        trigger: 'user:tokens_generation',
        bindings: ['kinde.accessToken', 'kinde.idToken'],
        declareUrlBinding: false,
        failurePolicy: 'stop',
        ops: [
          { kind: 'setFromEvent', binding: 'kinde.idToken', name: 'probe_origin', path: 'context.auth.origin', style: 'lowLevel' },
          { kind: 'setFromEvent', binding: 'kinde.accessToken', name: 'probe_origin', path: 'context.auth.origin', style: 'lowLevel' },
        ],
      };
      await deployWorkflows(env, judge, sourcesOf([program]));
      const first = await signInExpectingTokens(env, judge, request, ['WF-REFRESH-ORIGIN']);
      if (!first) return;
      judge.check(own(first.access.payload, 'probe_origin') === 'authorization_request', 'WF-REFRESH-ORIGIN', 'ERR_CLAIM_MISMATCH', `on sign-in the workflow saw origin ${JSON.stringify(own(first.access.payload, 'probe_origin'))}`, {
        tokenType: 'access',
        claim: 'probe_origin',
        expected: 'authorization_request',
        actual: own(first.access.payload, 'probe_origin'),
      });
      // RT-OFFLINE-ONLY judges a missing refresh token. Past the access token's lifetime (with a clock), the refresh mints a new one too.
      const t = await refreshAfterExpiry(env, judge, scenario.application, first, ['WF-REFRESH-ORIGIN']);
      if (!t) return;
      // Every token the refresh minted: the ID token, and the access token unless it is the sign-in's, returned unexpired.
      const fresh: Array<[Decoded, 'id' | 'access']> = [];
      if (t.id) fresh.push([t.id, 'id']);
      if (t.access.raw !== first.access.raw) fresh.push([t.access, 'access']);
      for (const [token, tokenType] of fresh) {
        const got = own(token.payload, 'probe_origin');
        judge.check(got === 'refresh_token_request', 'WF-REFRESH-ORIGIN', 'ERR_CLAIM_MISMATCH', `on refresh the ${tokenType} token carries origin ${JSON.stringify(got)}: the workflow did not run again with refresh_token_request, or its claims were not the ones applied`, {
          tokenType,
          claim: 'probe_origin',
          expected: 'refresh_token_request',
          actual: got,
          token: { header: token.header, payload: token.payload },
        });
      }
    },
  }),
];
