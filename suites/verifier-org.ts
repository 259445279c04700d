/**
 * Org enforcement in the API ("Enforce org access in your API using M2M
 * tokens"): 401 without a token, 403 without org_code, 403 (or 404) when the
 * token's org_code is not exactly the route's, and acceptance of every valid
 * shape of a token for the route's own org. Mismatches are generated near
 * misses of the org code, on the route side or (re-signed) on the token side.
 */
import fc from 'fast-check';
import type { JsonObject } from '../adapters/types.js';
import type { Verdict } from '../adapters/verifier-types.js';
import { defineCheck, type Check, type CheckEnv } from './lib/check.js';
import { applyEdit, describeEdit, editBatteryArb, type Edit } from './lib/attack-near-miss.js';
import type { Judge } from './lib/violation.js';
import { applyVariation, describeVariation, variationArb } from './lib/valid-variants.js';
import { contextFor, describeVerdict, present, rootSet, shown, signed } from './verifier-lib.js';
import { issueScenario, scenarioArb, type VerifierScenario } from './verifier-scenario.js';
import { tokenFor, type TokenChoice } from './verifier-request.js';

/** Near misses of the org code (a battery: one of every kind of edit), applied to the route and to the token of an org-scoped M2M app or a user. */
const withMismatch = (env: CheckEnv) => fc.record({ s: scenarioArb(env.verifier?.info), edits: editBatteryArb, token: fc.constantFrom<TokenChoice>('org-m2m', 'access') });

function orgCheck<T>(requirement: string, name: string, arbitrary: (env: CheckEnv) => fc.Arbitrary<T>, run: (input: T, judge: Judge, env: CheckEnv) => Promise<void>, needs: Check['needs'] = ['m2m', 'orgScopedM2m']): Check<T> {
  return defineCheck({ name, requirements: [requirement], needs, verifierNeeds: ['orgEnforcement'], arbitrary, predicate: run });
}

/**
 * Present an org-scoped token to routes whose org differs from the token's: another org of
 * the tenant, then each near miss on the route side and (re-signed) on the token side.
 * `judgeOne` judges each verdict; the trace names the route, the token's org and the edit.
 */
async function eachMismatch(input: { s: VerifierScenario; edits: Edit[]; token: TokenChoice }, judge: Judge, env: CheckEnv, req: string, judgeOne: (v: Verdict) => void): Promise<void> {
  const { s, edits } = input;
  const issued = await issueScenario(env, judge, s, [req]);
  const token = tokenFor(issued, input.token)?.token ?? issued.orgM2m;
  if (!token || typeof token.payload.org_code !== 'string') return;
  const tokenOrg = String(token.payload.org_code);
  const cases: Array<{ route: string; org: string; how: string }> = [{ route: s.orgB, org: tokenOrg, how: 'another org of the tenant' }];
  for (const edit of edits) {
    const near = applyEdit(tokenOrg, edit);
    if (near === undefined || near === '') continue;
    cases.push({ route: near, org: tokenOrg, how: `route org code: ${describeEdit(edit)}` }, { route: tokenOrg, org: near, how: `token org_code: ${describeEdit(edit)}` });
  }
  const set = await rootSet(env, issued.issuer);
  for (const c of cases) {
    const payload: JsonObject = c.org === tokenOrg ? token.payload : { ...token.payload, org_code: c.org };
    const raw = signed(token, payload);
    judge.trace.token = shown(raw);
    judge.trace.request = { route: `/orgs/${c.route}/users`, tokenOrg: c.org, mismatch: c.how, token: input.token };
    judgeOne(await present(env, raw, contextFor(s, issued.issuer, set, c.route)));
  }
}

export const checks: Check<any>[] = [
  orgCheck(
    'VERIFY-ORG-401',
    'no bearer token is answered 401',
    (env) => scenarioArb(env.verifier?.info),
    async (s, judge, env) => {
      const issuer = `https://${s.subdomain}.kinde.com`;
      const ctx = contextFor(s, issuer, await rootSet(env, issuer), s.orgA);
      judge.trace.request = { route: `/orgs/${s.orgA}/users`, authorization: '(none)' };
      const v = await present(env, undefined, ctx);
      judge.check(!v.accepted && v.status === 401, 'VERIFY-ORG-401', v.accepted ? 'ERR_REQUEST_ACCEPTED' : 'ERR_RESPONSE_INVALID', () => `a request without a token was ${describeVerdict(v)}; the documented answer is 401 "Missing token"`, {
        expected: 401,
        actual: v.status ?? describeVerdict(v),
      });
    },
    [],
  ),
  orgCheck(
    'VERIFY-ORG-MISSING-403',
    'a valid token without org_code (global M2M, or a user access token without one) is answered 403 on an org route',
    (env) => fc.record({ s: scenarioArb(env.verifier?.info), token: fc.constantFrom<TokenChoice>('global-m2m', 'access-no-org') }),
    async ({ s, token: choice }, judge, env) => {
      const issued = await issueScenario(env, judge, s, ['VERIFY-ORG-MISSING-403']);
      const t = tokenFor(issued, choice) ?? tokenFor(issued, 'global-m2m');
      if (!t) return;
      const ctx = contextFor(s, issued.issuer, await rootSet(env, issued.issuer), s.orgA);
      const raw = signed(t.token, t.payload);
      judge.trace.token = shown(raw);
      const what = choice === 'global-m2m' ? 'a global M2M token (no org_code)' : 'a user access token without org_code';
      const v = await present(env, raw, ctx);
      judge.check(!v.accepted && v.status === 403, 'VERIFY-ORG-MISSING-403', v.accepted ? 'ERR_REQUEST_ACCEPTED' : 'ERR_RESPONSE_INVALID', () => `${what} on /orgs/${s.orgA}/users was ${describeVerdict(v)}; the documented answer is 403 "Token not scoped to an organization"`, {
        claim: 'org_code',
        expected: 403,
        actual: v.accepted ? 'accepted' : v.status ?? 'rejected without status',
      });
    },
    [],
  ),
  orgCheck('VERIFY-ORG-MISMATCH', 'a token for another org, or a near miss of the route org on either side, is rejected (403, or 404 per the M2M tutorial)', withMismatch, (input, judge, env) =>
    eachMismatch(input, judge, env, 'VERIFY-ORG-MISMATCH', (v) => {
      const req = judge.trace.request as JsonObject;
      judge.check(!v.accepted && (v.status === 403 || v.status === 404), 'VERIFY-ORG-MISMATCH', v.accepted ? 'ERR_REQUEST_ACCEPTED' : 'ERR_RESPONSE_INVALID', () => `a token for ${JSON.stringify(req.tokenOrg)} on ${JSON.stringify(req.route)} (${String(req.mismatch)}) was ${describeVerdict(v)}`, {
        claim: 'org_code',
        expected: '403 (or 404)',
        actual: v.accepted ? 'accepted' : v.status ?? 'rejected without status',
      });
    }),
  ),
  orgCheck('VERIFY-ORG-MISMATCH-403', 'an org mismatch is answered 403, not 404', withMismatch, (input, judge, env) =>
    eachMismatch(input, judge, env, 'VERIFY-ORG-MISMATCH-403', (v) => {
      judge.check(v.accepted || v.status !== 404, 'VERIFY-ORG-MISMATCH-403', 'ERR_RESPONSE_INVALID', 'an org mismatch was answered 404 (the M2M tutorial) where the enforcement page answers 403', {
        claim: 'org_code',
        expected: 403,
        actual: 404,
      });
    }),
  ),
  orgCheck(
    'VERIFY-ORG-MATCH',
    'every valid shape of a token for the route organization is accepted',
    (env) => fc.record({ s: scenarioArb(env.verifier?.info), variation: variationArb, token: fc.constantFrom<TokenChoice>('org-m2m', 'access') }),
    async ({ s, variation, token: choice }, judge, env) => {
      const issued = await issueScenario(env, judge, s, ['VERIFY-ORG-MATCH']);
      const token = tokenFor(issued, choice)?.token ?? issued.orgM2m;
      if (!token || typeof token.payload.org_code !== 'string') return;
      const org = String(token.payload.org_code);
      const ctx = contextFor(s, issued.issuer, await rootSet(env, issued.issuer), org);
      const payload = applyVariation(token.payload, variation, s.audience, Math.floor(Date.now() / 1000));
      const raw = signed(token, payload);
      judge.trace.token = { header: shown(raw).header, payload };
      judge.trace.request = { route: `/orgs/${org}/users`, variation: describeVariation(variation) };
      const v = await present(env, raw, ctx);
      judge.check(v.accepted, 'VERIFY-ORG-MATCH', 'ERR_REQUEST_REFUSED', () => `a valid token for ${org} (${describeVariation(variation)}) on /orgs/${org}/users was ${describeVerdict(v)}`, {
        claim: 'org_code',
        expected: 'accepted',
        actual: describeVerdict(v),
      });
    },
  ),
];
