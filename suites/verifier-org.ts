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
import { applyEdit, describeEdit, editArb, type Edit } from './lib/attack-near-miss.js';
import type { Judge } from './lib/violation.js';
import { applyVariation, describeVariation, variationArb } from './lib/valid-variants.js';
import { contextFor, describeVerdict, present, rootSet, shown, signed } from './verifier-lib.js';
import { issueScenario, scenarioArb, type VerifierScenario } from './verifier-scenario.js';

/** Which org code differs from the other: the route's, the token's (re-signed), or another org entirely. */
interface Mismatch {
  side: 'route' | 'token' | 'other-org';
  edit: Edit;
}

const mismatchArb: fc.Arbitrary<Mismatch> = fc.record({ side: fc.constantFrom('route' as const, 'token' as const, 'other-org' as const), edit: editArb });

function orgCheck<T>(requirement: string, name: string, arbitrary: (env: CheckEnv) => fc.Arbitrary<T>, run: (input: T, judge: Judge, env: CheckEnv) => Promise<void>, needs: Check['needs'] = ['m2m', 'orgScopedM2m']): Check<T> {
  return defineCheck({ name, requirements: [requirement], needs, verifierNeeds: ['orgEnforcement'], arbitrary, predicate: run });
}

const withMismatch = (env: CheckEnv) => fc.record({ s: scenarioArb(env.verifier?.info), mismatch: mismatchArb });

/** The verdict on an org-scoped token presented to a route whose org differs; undefined when nothing differs. */
async function mismatchVerdict(input: { s: VerifierScenario; mismatch: Mismatch }, judge: Judge, env: CheckEnv, req: string): Promise<Verdict | undefined> {
  const { s, mismatch } = input;
  const issued = await issueScenario(env, judge, s, [req]);
  const token = issued.orgM2m;
  if (!token) return undefined;
  const tokenOrg = String(token.payload.org_code);
  let route = tokenOrg;
  let payload: JsonObject = token.payload;
  if (mismatch.side === 'other-org') route = s.orgB;
  else {
    const near = applyEdit(tokenOrg, mismatch.edit);
    if (near === undefined || near === '') return undefined;
    if (mismatch.side === 'route') route = near;
    else payload = { ...token.payload, org_code: near };
  }
  const set = await rootSet(env, issued.issuer);
  const ctx = contextFor(s, issued.issuer, set, route);
  const raw = signed(token, payload);
  judge.trace.token = shown(raw);
  judge.trace.request = {
    route: `/orgs/${route}/users`,
    tokenOrg: (payload.org_code as string | undefined) ?? null,
    mismatch: mismatch.side === 'other-org' ? 'another org of the tenant' : `${mismatch.side} org code: ${describeEdit(mismatch.edit)}`,
  };
  return present(env, raw, ctx);
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
    'a valid token without org_code is answered 403 on an org route',
    (env) => scenarioArb(env.verifier?.info),
    async (s, judge, env) => {
      const issued = await issueScenario(env, judge, s, ['VERIFY-ORG-MISSING-403']);
      const token = issued.globalM2m;
      if (!token) return;
      const ctx = contextFor(s, issued.issuer, await rootSet(env, issued.issuer), s.orgA);
      const raw = signed(token);
      judge.trace.token = shown(raw);
      const v = await present(env, raw, ctx);
      judge.check(!v.accepted && v.status === 403, 'VERIFY-ORG-MISSING-403', v.accepted ? 'ERR_REQUEST_ACCEPTED' : 'ERR_RESPONSE_INVALID', () => `a global M2M token (no org_code) on /orgs/${s.orgA}/users was ${describeVerdict(v)}; the documented answer is 403 "Token not scoped to an organization"`, {
        claim: 'org_code',
        expected: 403,
        actual: v.accepted ? 'accepted' : v.status ?? 'rejected without status',
      });
    },
    ['m2m'],
  ),
  orgCheck('VERIFY-ORG-MISMATCH', 'a token for another org, or a near miss of the route org on either side, is rejected (403, or 404 per the M2M tutorial)', withMismatch, async (input, judge, env) => {
    const v = await mismatchVerdict(input, judge, env, 'VERIFY-ORG-MISMATCH');
    if (!v) return;
    const req = judge.trace.request as JsonObject;
    judge.check(!v.accepted && (v.status === 403 || v.status === 404), 'VERIFY-ORG-MISMATCH', v.accepted ? 'ERR_REQUEST_ACCEPTED' : 'ERR_RESPONSE_INVALID', () => `a token for ${JSON.stringify(req.tokenOrg)} on ${JSON.stringify(req.route)} (${String(req.mismatch)}) was ${describeVerdict(v)}`, {
      claim: 'org_code',
      expected: '403 (or 404)',
      actual: v.accepted ? 'accepted' : v.status ?? 'rejected without status',
    });
  }),
  orgCheck('VERIFY-ORG-MISMATCH-403', 'an org mismatch is answered 403, not 404', withMismatch, async (input, judge, env) => {
    const v = await mismatchVerdict(input, judge, env, 'VERIFY-ORG-MISMATCH-403');
    if (!v) return;
    judge.check(v.accepted || v.status !== 404, 'VERIFY-ORG-MISMATCH-403', 'ERR_RESPONSE_INVALID', 'an org mismatch was answered 404 (the M2M tutorial) where the enforcement page answers 403', {
      claim: 'org_code',
      expected: 403,
      actual: 404,
    });
  }),
  orgCheck(
    'VERIFY-ORG-MATCH',
    'every valid shape of a token for the route organization is accepted',
    (env) => fc.record({ s: scenarioArb(env.verifier?.info), variation: variationArb }),
    async ({ s, variation }, judge, env) => {
      const issued = await issueScenario(env, judge, s, ['VERIFY-ORG-MATCH']);
      const token = issued.orgM2m;
      if (!token) return;
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
