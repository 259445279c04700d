/**
 * Token endpoint responses and token-wide facts: response shape, issuer,
 * and unique token identifiers.
 */
import fc from 'fast-check';
import type { TokenResult } from '../adapters/types.js';
import { schemaErrors } from '../schemas/catalog.js';
import { m2mScenarioArb, userScenarioArb } from '../generators/tenant.js';
import { defineCheck, type Check } from './lib/check.js';
import { claimEquals, issuedBetween, validWhenIssued } from './lib/conditions.js';
import { clientCredentialsExpectingToken, provision, refreshOnce, signInExpectingTokens, tokensOf } from './lib/flows.js';
import { withOpenId } from './lib/issuance.js';
import { own } from './lib/json.js';
import type { Decoded } from './lib/tokens.js';
import type { Judge } from './lib/violation.js';

function judgeResponse(judge: Judge, result: TokenResult, what: string): void {
  if (!result.ok) return;
  const errors = schemaErrors('token-response', result.body);
  judge.check(errors.length === 0, 'RESP-SHAPE', 'ERR_RESPONSE_INVALID', () => `${what} response breaks the token-response schema: ${errors.slice(0, 5).join('; ')}`, {
    actual: { ...result.body, access_token: '…', ...(result.body.refresh_token ? { refresh_token: '[redacted]' } : {}), ...(result.body.id_token ? { id_token: '…' } : {}) },
  });
}

export const checks: Check<any>[] = [
  defineCheck({
    name: 'token endpoint responses have the documented shape',
    requirements: ['RESP-SHAPE'],
    needs: [],
    arbitrary: () => fc.record({ user: userScenarioArb(), m2m: m2mScenarioArb() }),
    async predicate({ user, m2m }, judge, env) {
      if (env.info.capabilities.userTokens) {
        await provision(env, judge, user.tenant);
        const r = await env.adapter.signIn(user.request);
        tokensOf(judge, r, ['RESP-SHAPE'], 'sign-in');
        judgeResponse(judge, r, 'authorization_code');
      }
      if (env.info.capabilities.m2m) {
        await provision(env, judge, m2m.tenant);
        const r = await env.adapter.clientCredentials(m2m.request);
        tokensOf(judge, r, ['RESP-SHAPE'], 'client credentials');
        judgeResponse(judge, r, 'client_credentials');
      }
    },
  }),
  defineCheck({
    name: 'every token names its environment as issuer and has its own jti',
    requirements: ['TOKEN-ISS', 'TOKEN-JTI-UNIQUE'],
    needs: [],
    arbitrary: () => fc.record({ user: userScenarioArb().map(withOpenId), m2m: m2mScenarioArb() }),
    async predicate({ user, m2m }, judge, env) {
      const reqs = ['TOKEN-ISS', 'TOKEN-JTI-UNIQUE'];
      const seen = new Map<string, string>();
      const judgeOne = (label: string, t: Decoded, subdomain: string) => {
        claimEquals(judge, 'TOKEN-ISS', label.startsWith('m2m') ? 'm2m' : label.startsWith('id') ? 'id' : 'access', t, 'iss', `https://${subdomain}.kinde.com`);
        const jti = own(t.payload, 'jti');
        const other = typeof jti === 'string' ? seen.get(jti) : undefined;
        judge.check(typeof jti === 'string' && jti.length > 0 && other === undefined, 'TOKEN-JTI-UNIQUE', 'ERR_CLAIM_MISMATCH', () =>
          typeof jti !== 'string' || jti.length === 0 ? `${label} has no jti` : `${label} has the same jti as ${other}: ${jti}`,
          { claim: 'jti', actual: jti ?? null, token: { header: t.header, payload: t.payload } },
        );
        if (typeof jti === 'string') seen.set(jti, label);
      };
      if (env.info.capabilities.userTokens) {
        await provision(env, judge, user.tenant);
        for (const n of [1, 2]) {
          const t = await signInExpectingTokens(env, judge, user.request, reqs);
          if (!t) return;
          judgeOne(`access token #${n}`, t.access, user.tenant.subdomain);
          if (t.id) judgeOne(`id token #${n}`, t.id, user.tenant.subdomain);
        }
      }
      if (env.info.capabilities.m2m) {
        await provision(env, judge, m2m.tenant);
        for (const n of [1, 2]) {
          const t = await clientCredentialsExpectingToken(env, judge, m2m.request, reqs);
          if (!t) return;
          judgeOne(`m2m token #${n}`, t.token, m2m.tenant.subdomain);
        }
      }
    },
  }),
  defineCheck({
    name: "every token's times are the target's clock when it was issued",
    requirements: ['TOKEN-TIMES'],
    needs: ['clock'],
    notApplicable: (env) => (env.adapter.clockNow ? undefined : `the adapter of "${env.info.name}" cannot read the target's clock (clockNow)`),
    arbitrary: () => fc.record({ user: userScenarioArb().map(withOpenId), m2m: m2mScenarioArb() }),
    async predicate({ user, m2m }, judge, env) {
      const req = 'TOKEN-TIMES';
      const now = () => env.adapter.clockNow!();
      const fresh = (type: 'access' | 'id' | 'm2m', t: Decoded, from: number, to: number) => {
        issuedBetween(judge, req, type, t, from, to);
        validWhenIssued(judge, req, type, t);
      };
      if (env.info.capabilities.userTokens) {
        await provision(env, judge, user.tenant);
        const from = await now();
        const t = await signInExpectingTokens(env, judge, user.request, [req]);
        const to = await now();
        if (!t) return;
        fresh('access', t.access, from, to);
        if (t.id) {
          fresh('id', t.id, from, to);
          issuedBetween(judge, req, 'id', t.id, from, to, 'auth_time');
        }
        const again = await now();
        const r = await refreshOnce(env, judge, user.application, t, [req]);
        const after = await now();
        if (r && r.access.raw !== t.access.raw) fresh('access', r.access, again, after);
        if (r?.id) {
          fresh('id', r.id, again, after);
          // OpenID Connect Core 12.2: a refreshed ID token reports the original authentication.
          if (t.id) claimEquals(judge, req, 'id', r.id, 'auth_time', own(t.id.payload, 'auth_time'));
        }
      }
      if (env.info.capabilities.m2m) {
        await provision(env, judge, m2m.tenant);
        const from = await now();
        const t = await clientCredentialsExpectingToken(env, judge, m2m.request, [req]);
        const to = await now();
        if (t) fresh('m2m', t.token, from, to);
      }
    },
  }),
];
