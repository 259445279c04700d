/**
 * M2M tokens ("Token structure and claims for M2M applications"), feature
 * flags toggled for M2M apps, and org-scoped M2M applications.
 */
import { m2mScenarioArb, severalApisM2mScenarioArb, type M2mScenario } from '../generators/tenant.js';
import { defineCheck, type Check } from './lib/check.js';
import { claimEquals, claimSetEquals, lifetimeIs } from './lib/conditions.js';
import { clientCredentialsExpectingToken, provision } from './lib/flows.js';
import { jsonEqual, own } from './lib/json.js';
import type { Application, ClientCredentialsRequest, JsonObject } from '../adapters/types.js';
import type { Decoded } from './lib/tokens.js';
import type { Judge } from './lib/violation.js';

const REQS = ['M2M-GTY', 'M2M-SCOPE-SCP', 'M2M-VERSION', 'M2M-AZP-AUD', 'M2M-NO-USER-CLAIMS', 'M2M-LIFETIME'];
const USER_CLAIMS = ['email', 'name', 'given_name', 'family_name', 'picture', 'org_codes', 'user_properties', 'auth_time', 'at_hash', 'updated_at'];

export const checks: Check<any>[] = [
  defineCheck({
    name: 'M2M token claims follow the client-credentials request',
    requirements: REQS.filter((r) => r !== 'M2M-GTY'),
    needs: ['m2m'],
    arbitrary: () => m2mScenarioArb(),
    async predicate({ tenant, request, application }, judge, env) {
      await provision(env, judge, tenant);
      const t = await clientCredentialsExpectingToken(env, judge, request, REQS);
      if (!t) return;
      const m = t.token;
      const token = { header: m.header, payload: m.payload };
      const scope = own(m.payload, 'scope');
      const scp = own(m.payload, 'scp');
      const fromScope = typeof scope === 'string' ? scope.split(' ').filter(Boolean) : null;
      judge.check(
        fromScope !== null && Array.isArray(scp) && jsonEqual([...fromScope].sort(), [...scp].sort()),
        'M2M-SCOPE-SCP',
        'ERR_CLAIM_MISMATCH',
        `M2M token scope ${JSON.stringify(scope) ?? '(absent)'} and scp ${JSON.stringify(scp) ?? '(absent)'} disagree`,
        { tokenType: 'm2m', claim: 'scope', expected: Array.isArray(scp) ? scp.join(' ') : null, actual: scope, token },
      );
      claimEquals(judge, 'M2M-VERSION', 'm2m', m, 'v', '2');
      claimEquals(judge, 'M2M-AZP-AUD', 'm2m', m, 'azp', application.clientId);
      judgeAudienceAndScopes(judge, m, request);
      const sub = own(m.payload, 'sub');
      const present = USER_CLAIMS.filter((c) => own(m.payload, c) !== undefined);
      judge.check(
        present.length === 0 && !(typeof sub === 'string' && sub.startsWith('kp_')),
        'M2M-NO-USER-CLAIMS',
        'ERR_CLAIM_UNEXPECTED',
        () => `M2M token carries user claims: ${[...present, ...(typeof sub === 'string' && sub.startsWith('kp_') ? [`sub=${sub}`] : [])].join(', ')}`,
        { tokenType: 'm2m', claim: present[0] ?? 'sub', token },
      );
      lifetimeIs(judge, 'M2M-LIFETIME', 'm2m', m, application.lifetimes.accessToken);
    },
  }),
  defineCheck({
    name: 'client credentials naming several APIs get each in aud, with the scopes of each in scope and scp',
    requirements: ['M2M-AZP-AUD', 'M2M-SCOPE-SCP'],
    needs: ['m2m'],
    arbitrary: () => severalApisM2mScenarioArb(),
    async predicate({ tenant, request }, judge, env) {
      await provision(env, judge, tenant);
      const t = await clientCredentialsExpectingToken(env, judge, request, ['M2M-AZP-AUD', 'M2M-SCOPE-SCP']);
      if (t) judgeAudienceAndScopes(judge, t.token, request);
    },
  }),
  defineCheck({
    name: 'M2M token gty names the client credentials grant',
    requirements: ['M2M-GTY'],
    needs: ['m2m'],
    arbitrary: () => m2mScenarioArb(),
    async predicate({ tenant, request }, judge, env) {
      await provision(env, judge, tenant);
      const t = await clientCredentialsExpectingToken(env, judge, request, ['M2M-GTY']);
      if (!t) return;
      const gty = own(t.token.payload, 'gty');
      const ok = gty === 'client_credentials' || jsonEqual(gty, ['client_credentials']);
      judge.check(ok, 'M2M-GTY', 'ERR_CLAIM_MISMATCH', `M2M token gty is ${JSON.stringify(gty) ?? '(absent)'}`, {
        tokenType: 'm2m',
        claim: 'gty',
        expected: ['client_credentials'],
        actual: gty,
      });
    },
  }),
  defineCheck({
    name: 'M2M tokens carry exactly the feature flags toggled on for the app, with environment values',
    requirements: ['FLAGS-M2M-TOGGLED'],
    needs: ['m2m', 'featureFlags'],
    arbitrary: () => m2mScenarioArb(),
    async predicate({ tenant, request, application }, judge, env) {
      await provision(env, judge, tenant);
      const t = await clientCredentialsExpectingToken(env, judge, request, ['FLAGS-M2M-TOGGLED']);
      if (!t) return;
      const toggled = new Set(application.tokens.m2m?.featureFlags ?? []);
      const expected: JsonObject = {};
      for (const f of tenant.featureFlags) if (toggled.has(f.key)) expected[f.key] = { t: f.type, v: f.value };
      const actual = own(t.token.payload, 'feature_flags');
      const empty = Object.keys(expected).length === 0;
      const ok = jsonEqual(actual, expected) || (empty && actual === undefined);
      judge.check(ok, 'FLAGS-M2M-TOGGLED', 'ERR_CLAIM_MISMATCH', () => `M2M token feature_flags ${JSON.stringify(actual) ?? '(absent)'}; toggled on for the app: ${JSON.stringify(expected)}`, {
        tokenType: 'm2m',
        claim: 'feature_flags',
        expected,
        actual,
      });
    },
  }),
  defineCheck({
    name: 'an org-scoped M2M app’s token carries its org_code',
    requirements: ['ORG-M2M-ORG-CODE'],
    needs: ['m2m', 'orgScopedM2m'],
    arbitrary: () => m2mScenarioArb().map((s) => withOrgScope(s, true)),
    async predicate({ tenant, request, application }, judge, env) {
      await provision(env, judge, tenant);
      const t = await clientCredentialsExpectingToken(env, judge, request, ['ORG-M2M-ORG-CODE']);
      if (t) claimEquals(judge, 'ORG-M2M-ORG-CODE', 'm2m', t.token, 'org_code', application.orgCode);
    },
  }),
  defineCheck({
    name: 'a global M2M app’s token has no org_code',
    requirements: ['ORG-M2M-GLOBAL'],
    needs: ['m2m'],
    arbitrary: () => m2mScenarioArb().map((s) => withOrgScope(s, false)),
    async predicate({ tenant, request }, judge, env) {
      await provision(env, judge, tenant);
      const t = await clientCredentialsExpectingToken(env, judge, request, ['ORG-M2M-GLOBAL']);
      if (t) claimEquals(judge, 'ORG-M2M-GLOBAL', 'm2m', t.token, 'org_code', undefined);
    },
  }),
  defineCheck({
    name: 'an org_code sent with client credentials does not change the token',
    requirements: ['ORG-M2M-NO-OVERRIDE'],
    needs: ['m2m'],
    arbitrary: () => m2mScenarioArb().filter((s) => s.request.orgCode !== undefined),
    async predicate({ tenant, request }, judge, env) {
      await provision(env, judge, tenant);
      const { orgCode: _attempt, ...plain } = request;
      const base = await clientCredentialsExpectingToken(env, judge, plain, ['ORG-M2M-NO-OVERRIDE']);
      if (!base) return;
      const t = await clientCredentialsExpectingToken(env, judge, request, ['ORG-M2M-NO-OVERRIDE']);
      if (t) claimEquals(judge, 'ORG-M2M-NO-OVERRIDE', 'm2m', t.token, 'org_code', own(base.token.payload, 'org_code'));
    },
  }),
];

/** Make the scenario's M2M app org-scoped (to the first organization) or global; drop any override. */
function withOrgScope(s: M2mScenario, scoped: boolean): M2mScenario {
  const { orgCode: _ignored, ...request } = s.request;
  const application: Application = { ...s.application };
  if (scoped) application.orgCode = s.tenant.organizations[0]!.code;
  else delete application.orgCode;
  const tenant = { ...s.tenant, applications: s.tenant.applications.map((a) => (a.clientId === application.clientId ? application : a)) };
  return { tenant, request, application };
}

/** aud is every requested API (M2M-AZP-AUD); scp is every explicitly requested scope, when some were asked (M2M-SCOPE-SCP). */
function judgeAudienceAndScopes(judge: Judge, m: Decoded, request: ClientCredentialsRequest): void {
  if (request.scopes && request.scopes.length > 0) claimSetEquals(judge, 'M2M-SCOPE-SCP', 'm2m', m, 'scp', [...new Set(request.scopes)]);
  claimSetEquals(judge, 'M2M-AZP-AUD', 'm2m', m, 'aud', request.audience);
}
