/**
 * Access tokens ("Access tokens" page): who, for whom, which scopes,
 * audiences, organization, permissions, roles, and how long.
 */
import fc from 'fast-check';
import { severalApisUserScenarioArb, userScenarioArb } from '../generators/tenant.js';
import { checks as optionalClaims } from './access-optional.js';
import { defineCheck, type Check } from './lib/check.js';
import { claimEquals, claimSetEquals, lifetimeIs } from './lib/conditions.js';
import { provision, refreshAfterExpiry, signInExpectingTokens } from './lib/flows.js';
import type { Judge } from './lib/violation.js';
import type { Decoded } from './lib/tokens.js';
import type { UserScenario } from '../generators/tenant.js';
import { own } from './lib/json.js';

/** Scopes a Kinde environment grants to a user sign-in, per the docs. `offline_access` is not one (refresh-tokens page). */
const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline']);

const REQS = ['ACCESS-SUB-AZP', 'ACCESS-SCP', 'ACCESS-AUD', 'ACCESS-ORG-CODE', 'ACCESS-PERMISSIONS', 'ACCESS-LIFETIME'];

export const checks: Check<any>[] = [
  defineCheck({
    name: 'access token claims follow the sign-in',
    requirements: REQS,
    needs: ['userTokens'],
    arbitrary: () => userScenarioArb(),
    async predicate(s, judge, env) {
      await provision(env, judge, s.tenant);
      const t = await signInExpectingTokens(env, judge, s.request, REQS);
      if (!t) return;
      judgeAccessToken(judge, t.access, s);
      // A token is a token whichever grant minted it: an access token a refresh mints meets the same requirements.
      if (!env.info.capabilities.refresh) return;
      const offline = { ...s.request, scopes: [...new Set([...s.request.scopes, 'offline'])] };
      const again = await signInExpectingTokens(env, judge, offline, REQS);
      const refreshed = again && (await refreshAfterExpiry(env, judge, s.application, again, REQS));
      if (refreshed && refreshed.access.raw !== again.access.raw) judgeAccessToken(judge, refreshed.access, { ...s, request: offline });
    },
  }),
  defineCheck({
    name: 'a sign-in naming several APIs gets each in aud, with the scopes of each in scp',
    requirements: ['ACCESS-AUD', 'ACCESS-SCP'],
    needs: ['userTokens'],
    arbitrary: () => severalApisUserScenarioArb(),
    async predicate(s, judge, env) {
      await provision(env, judge, s.tenant);
      const t = await signInExpectingTokens(env, judge, s.request, ['ACCESS-AUD', 'ACCESS-SCP']);
      if (!t) return;
      claimSetEquals(judge, 'ACCESS-AUD', 'access', t.access, 'aud', s.request.audience);
      claimSetEquals(judge, 'ACCESS-SCP', 'access', t.access, 'scp', grantedScopes(s));
    },
  }),
  defineCheck({
    name: 'roles, when the application includes them, list the user’s roles in the organization',
    requirements: ['ACCESS-ROLES'],
    needs: ['userTokens'],
    arbitrary: () => userScenarioArb().filter((s) => s.request.orgCode !== undefined),
    async predicate({ tenant, request, application, user }, judge, env) {
      // Include roles for the app under test (the tenant generator toggles it only sometimes).
      const app = { ...application, tokens: { ...application.tokens, access: { properties: [], ...application.tokens.access, roles: true } } };
      const t2 = { ...tenant, applications: tenant.applications.map((x) => (x.clientId === app.clientId ? app : x)) };
      await provision(env, judge, t2);
      const t = await signInExpectingTokens(env, judge, request, ['ACCESS-ROLES']);
      if (!t) return;
      const keys = [...new Set(user.memberships.find((m) => m.orgCode === request.orgCode)!.roles)];
      const known = keys.flatMap((k) => tenant.roles.filter((r) => r.key === k));
      const roles = own(t.access.payload, 'roles');
      // The docs disagree on the shape (contradiction 12): keys/IDs or {id, key, name} objects are both accepted.
      const asKeys = Array.isArray(roles)
        ? roles.map((r) => (typeof r === 'string' ? r : r && typeof r === 'object' && !Array.isArray(r) ? (own(r, 'key') as string) : undefined))
        : undefined;
      const ok =
        asKeys !== undefined &&
        asKeys.length === known.length &&
        known.every((r) =>
          (roles as unknown[]).some((x) =>
            typeof x === 'string'
              ? x === r.key || x === r.id
              : x !== null && typeof x === 'object' && own(x, 'key') === r.key && own(x, 'id') === r.id && own(x, 'name') === r.name,
          ),
        );
      judge.check(ok, 'ACCESS-ROLES', roles === undefined ? 'ERR_CLAIM_MISSING' : 'ERR_CLAIM_MISMATCH', () => `access token roles ${JSON.stringify(roles) ?? '(absent)'} do not list the user's roles ${JSON.stringify(known.map((r) => r.key))}`, {
        tokenType: 'access',
        claim: 'roles',
        expected: known.map((r) => ({ id: r.id, key: r.key, name: r.name })),
        actual: roles,
      });
    },
  }),
  defineCheck({
    name: 'billing trial claims, when present, are typed as documented and match the user’s trial',
    requirements: ['ACCESS-BILLING-TRIAL'],
    needs: ['userTokens'],
    arbitrary: () =>
      fc.record({
        s: userScenarioArb(),
        // Trials ending 1 day to 1 year from now (at any second of that day), or none.
        trialDays: fc.option(fc.integer({ min: 1, max: 365 }), { nil: undefined }),
        trialSecond: fc.integer({ min: 0, max: 86_399 }),
      }),
    async predicate({ s, trialDays, trialSecond }, judge, env) {
      // Counted from the next UTC midnight, not from this millisecond: the same seed asks the same thing all day
      // (a mutation campaign replays the requests it recorded and must meet the same ones).
      const midnight = Math.ceil(Date.now() / 86_400_000) * 86_400_000;
      const trialExpiresOn = trialDays === undefined ? undefined : new Date(midnight + trialDays * 86_400_000 + trialSecond * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const user = { ...s.user, ...(trialExpiresOn ? { trialExpiresOn } : {}) };
      const tenant = { ...s.tenant, users: s.tenant.users.map((u) => (u.id === user.id ? user : u)) };
      await provision(env, judge, tenant);
      const t = await signInExpectingTokens(env, judge, s.request, ['ACCESS-BILLING-TRIAL']);
      if (!t) return;
      const has = own(t.access.payload, 'has_trial_period');
      const until = own(t.access.payload, 'trial_expires_on');
      const token = { header: t.access.header, payload: t.access.payload };
      judge.check(has === undefined || typeof has === 'boolean', 'ACCESS-BILLING-TRIAL', 'ERR_CLAIM_INVALID', `has_trial_period is ${JSON.stringify(has)}, not a boolean`, {
        tokenType: 'access',
        claim: 'has_trial_period',
        actual: has,
        token,
      });
      // The claim may be absent; when present it says whether the user has an active trial.
      judge.check(has === undefined || has === (trialExpiresOn !== undefined), 'ACCESS-BILLING-TRIAL', has === true ? 'ERR_CLAIM_UNEXPECTED' : 'ERR_CLAIM_MISMATCH', () => `has_trial_period is ${has} for a user ${trialExpiresOn ? 'with' : 'without'} an active billing trial`, {
        tokenType: 'access',
        claim: 'has_trial_period',
        expected: trialExpiresOn !== undefined,
        actual: has,
        token,
      });
      if (until !== undefined) {
        const iso = typeof until === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(until);
        const same = iso && trialExpiresOn !== undefined && Date.parse(until) === Date.parse(trialExpiresOn);
        judge.check(same, 'ACCESS-BILLING-TRIAL', 'ERR_CLAIM_MISMATCH', () => `trial_expires_on is ${JSON.stringify(until)}; the user's trial ${trialExpiresOn ? `ends ${trialExpiresOn}` : 'does not exist'}`, {
          tokenType: 'access',
          claim: 'trial_expires_on',
          ...(trialExpiresOn ? { expected: trialExpiresOn } : {}),
          actual: until,
          token,
        });
      }
    },
  }),
  ...optionalClaims,
];

/** The claims of one access token (a sign-in's or a refresh's) against the sign-in it belongs to. */
function judgeAccessToken(judge: Judge, a: Decoded, { tenant, request, application, user }: Pick<UserScenario, 'tenant' | 'request' | 'application' | 'user'>): void {
  claimEquals(judge, 'ACCESS-SUB-AZP', 'access', a, 'sub', user.id);
  claimEquals(judge, 'ACCESS-SUB-AZP', 'access', a, 'azp', application.clientId);
  claimSetEquals(judge, 'ACCESS-SCP', 'access', a, 'scp', grantedScopes({ tenant, request }));
  claimSetEquals(judge, 'ACCESS-AUD', 'access', a, 'aud', request.audience);
  if (request.orgCode !== undefined) {
    claimEquals(judge, 'ACCESS-ORG-CODE', 'access', a, 'org_code', request.orgCode);
    const membership = user.memberships.find((m) => m.orgCode === request.orgCode)!;
    claimSetEquals(judge, 'ACCESS-PERMISSIONS', 'access', a, 'permissions', [...new Set(membership.permissions)]);
  }
  lifetimeIs(judge, 'ACCESS-LIFETIME', 'access', a, application.lifetimes.accessToken);
}

/** The scopes a sign-in is granted: the OIDC ones Kinde grants and the requested scopes of the requested APIs. */
function grantedScopes({ tenant, request }: Pick<UserScenario, 'tenant' | 'request'>): string[] {
  const apiScopes = new Set(tenant.apis.filter((x) => request.audience.includes(x.audience)).flatMap((x) => x.scopes));
  return [...new Set(request.scopes.filter((s) => OIDC_SCOPES.has(s) || apiScopes.has(s)))];
}
