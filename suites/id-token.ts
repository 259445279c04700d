/**
 * ID tokens ("ID tokens" page): subject, audience, times, at_hash, and the
 * claims that depend on the requested scopes and the app's settings.
 */
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { userScenarioArb, type UserScenario } from '../generators/tenant.js';
import { defineCheck, type Check } from './lib/check.js';
import { claimEquals, claimSetEquals, lifetimeIs } from './lib/conditions.js';
import { provision, refreshOnce, signInExpectingTokens, type UserTokens } from './lib/flows.js';
import type { Judge } from './lib/violation.js';
import { withOpenId } from './lib/issuance.js';
import { jsonEqual, own } from './lib/json.js';
import type { Decoded } from './lib/tokens.js';

const REQS = [
  'ID-SUB-AZP',
  'ID-AUD-ARRAY',
  'ID-LIFETIME',
  'ID-AUTH-TIME',
  'ID-AT-HASH',
  'ID-PROFILE-SCOPE',
  'ID-EMAIL-SCOPE',
  'ID-ORG-CODES',
  'ID-PROVIDED-ID',
  'ID-UPDATED-AT',
  'ID-REFRESH-CLAIMS',
];

/** OIDC Core 3.1.3.6: base64url of the left-most half of SHA-256 over the access token's ASCII. */
export function expectedAtHash(accessToken: string): string {
  const d = createHash('sha256').update(accessToken, 'ascii').digest();
  return d.subarray(0, d.length / 2).toString('base64url');
}

export const checks: Check<any>[] = [
  defineCheck({
    name: 'ID token claims follow the sign-in, its scopes and the app settings',
    requirements: REQS,
    needs: ['userTokens'],
    // `delay`: seconds the target's clock moves between the second sign-in and its refresh (capability clock), so a
    // refresh that restamps auth_time (or anything else) with its own time differs from the sign-in's; below the
    // shortest generated lifetime (60 s), so nothing expires in between.
    arbitrary: () => fc.record({ s: userScenarioArb().map(withOpenId), delay: fc.integer({ min: 1, max: 59 }) }),
    async predicate({ s: { tenant, request, application, user }, delay }, judge, env) {
      await provision(env, judge, tenant);
      const t = await signInExpectingTokens(env, judge, request, REQS);
      if (!t) return;
      judge.check(t.id !== undefined, 'ID-SUB-AZP', 'ERR_RESPONSE_INVALID', 'the sign-in requested openid but the token response has no id_token', {
        tokenType: 'id',
      });
      judgeIdToken(judge, t, { request, application, user });
      // An ID token a refresh issues meets the same requirements (OpenID Connect Core 12.2).
      if (!env.info.capabilities.refresh) return;
      const offline = { ...request, scopes: [...new Set([...request.scopes, 'offline'])] };
      const again = await signInExpectingTokens(env, judge, offline, REQS);
      if (again && env.info.capabilities.clock && env.adapter.advanceClock) {
        await env.adapter.advanceClock(delay);
        (judge.trace.commands ??= []).push(`advanceClock(${delay}) between the sign-in and its refresh`);
      }
      const refreshed = again && (await refreshOnce(env, judge, application, again, REQS));
      if (!refreshed) return;
      judgeIdToken(judge, refreshed, { request: offline, application, user });
      if (again.id && refreshed.id) judgeSameUser(judge, again.id, refreshed.id);
    },
  }),
];

/** Judge the ID token of one answer (a sign-in's or a refresh's) against the sign-in it continues. */
function judgeIdToken(judge: Judge, t: UserTokens, { request, application, user }: Pick<UserScenario, 'request' | 'application' | 'user'>): void {
  const id = t.id;
  if (!id) return;
  const token = { header: id.header, payload: id.payload };
  claimEquals(judge, 'ID-SUB-AZP', 'id', id, 'sub', user.id);
  claimEquals(judge, 'ID-SUB-AZP', 'id', id, 'azp', application.clientId);
  const aud = own(id.payload, 'aud');
  judge.check(Array.isArray(aud) && aud.length > 0 && aud.every((x) => typeof x === 'string' && x.length > 0), 'ID-AUD-ARRAY', 'ERR_CLAIM_INVALID', `ID token aud is ${JSON.stringify(aud) ?? '(absent)'}, not a non-empty array of non-empty strings`, {
    tokenType: 'id',
    claim: 'aud',
    actual: aud,
    token,
  });
  lifetimeIs(judge, 'ID-LIFETIME', 'id', id, application.lifetimes.idToken);
  const authTime = own(id.payload, 'auth_time');
  const iat = own(id.payload, 'iat');
  judge.check(
    Number.isInteger(authTime) && Number.isInteger(iat) && (authTime as number) <= (iat as number),
    'ID-AUTH-TIME',
    'ERR_CLAIM_INVALID',
    `ID token auth_time ${JSON.stringify(authTime) ?? '(absent)'} is not an integer ≤ iat ${JSON.stringify(iat)}`,
    { tokenType: 'id', claim: 'auth_time', actual: authTime, token },
  );
  claimEquals(judge, 'ID-AT-HASH', 'id', id, 'at_hash', expectedAtHash(t.access.raw));
  const profile = request.scopes.includes('profile');
  claimEquals(judge, 'ID-PROFILE-SCOPE', 'id', id, 'given_name', profile ? user.givenName : undefined);
  claimEquals(judge, 'ID-PROFILE-SCOPE', 'id', id, 'family_name', profile ? user.familyName : undefined);
  const name = own(id.payload, 'name');
  judge.check(profile ? typeof name === 'string' : name === undefined, 'ID-PROFILE-SCOPE', profile ? 'ERR_CLAIM_MISSING' : 'ERR_CLAIM_UNEXPECTED', `ID token name is ${JSON.stringify(name) ?? '(absent)'} with profile scope ${profile ? '' : 'not '}requested`, {
    tokenType: 'id',
    claim: 'name',
    actual: name,
    token,
  });
  claimEquals(judge, 'ID-PROFILE-SCOPE', 'id', id, 'picture', profile ? user.picture : undefined);
  claimEquals(judge, 'ID-EMAIL-SCOPE', 'id', id, 'email', request.scopes.includes('email') ? user.email : undefined);
  claimEquals(judge, 'ID-PROVIDED-ID', 'id', id, 'provided_id', user.providedId);
  if (application.tokens.id?.orgCodes) {
    claimSetEquals(judge, 'ID-ORG-CODES', 'id', id, 'org_codes', [...new Set(user.memberships.map((m) => m.orgCode))]);
  } else {
    claimEquals(judge, 'ID-ORG-CODES', 'id', id, 'org_codes', undefined);
  }
  claimEquals(judge, 'ID-UPDATED-AT', 'id', id, 'updated_at', user.updatedAt);
}

/** Claims that belong to one issuance; everything else describes the user and the sign-in. */
const PER_ISSUANCE = new Set(['iat', 'exp', 'nbf', 'jti', 'at_hash']);

/**
 * OpenID Connect Core 12.2: an ID token issued on refresh has the sign-in's
 * iss, sub, aud, azp and auth_time; with nothing changed in the environment
 * in between, it describes the user with the same claims as well.
 */
function judgeSameUser(judge: Judge, signIn: Decoded, refreshed: Decoded): void {
  const names = new Set([...Object.keys(signIn.payload), ...Object.keys(refreshed.payload)].filter((n) => !PER_ISSUANCE.has(n)));
  for (const name of names) {
    const before = own(signIn.payload, name);
    const after = own(refreshed.payload, name);
    judge.check(jsonEqual(before, after), 'ID-REFRESH-CLAIMS', after === undefined ? 'ERR_CLAIM_MISSING' : 'ERR_CLAIM_MISMATCH', () => `the ID token of a refresh has ${name} ${JSON.stringify(after) ?? '(absent)'}; the sign-in's had ${JSON.stringify(before) ?? '(absent)'}`, {
      tokenType: 'id',
      claim: name,
      expected: before,
      actual: after,
      token: { header: refreshed.header, payload: refreshed.payload },
    });
  }
}
