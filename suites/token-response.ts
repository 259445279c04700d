/**
 * Token endpoint responses and token-wide facts: response shape and its
 * agreement with the tokens, issuer, unique token identifiers, token times.
 */
import fc from 'fast-check';
import type { TokenResult } from '../adapters/types.js';
import { schemaErrors } from '../schemas/catalog.js';
import { m2mScenarioArb, userScenarioArb, type UserScenario } from '../generators/tenant.js';
import { defineCheck, type Check, type CheckEnv } from './lib/check.js';
import { claimEquals, issuedBetween, validWhenIssued } from './lib/conditions.js';
import { clientCredentialsExpectingToken, provision, redactRequest, refreshOnce, refusalExcused, signInExpectingTokens, tokensOf } from './lib/flows.js';
import { withOffline, withOpenId } from './lib/issuance.js';
import { own } from './lib/json.js';
import type { Decoded } from './lib/tokens.js';
import type { Judge } from './lib/violation.js';

function judgeResponse(judge: Judge, result: TokenResult, what: string): void {
  if (!result.ok) return;
  const errors = schemaErrors('token-response', result.body);
  judge.check(errors.length === 0, 'RESP-SHAPE', 'ERR_RESPONSE_INVALID', () => `${what} response breaks the token-response schema: ${errors.slice(0, 5).join('; ')}`, {
    actual: shown(result),
  });
}

/** RFC 6749 §4.4.3: "A refresh token SHOULD NOT be included" in a client-credentials response (a WARNING). */
function judgeNoRefreshToken(judge: Judge, result: TokenResult): void {
  // An explicit null issues no credential: only a refresh_token value is judged.
  if (!result.ok) return;
  const rt = (result.body as Record<string, unknown>).refresh_token;
  judge.check(rt === undefined || rt === null, 'M2M-NO-REFRESH-TOKEN', 'ERR_RESPONSE_INVALID', 'client_credentials response carries a refresh_token (RFC 6749 §4.4.3: SHOULD NOT; the client authenticates again instead)', {
    expected: 'no refresh_token',
    actual: shown(result),
  });
}

function shown(result: Extract<TokenResult, { ok: true }>) {
  return { ...result.body, access_token: '…', ...(result.body.refresh_token ? { refresh_token: '[redacted]' } : {}), ...(result.body.id_token ? { id_token: '…' } : {}) };
}

/** How a token request went: its answer, the seconds it took, and the target's clock around it when it can be read. */
interface Timed {
  result: TokenResult;
  seconds: number;
  clock?: { before: number; after: number };
}

async function timed(env: CheckEnv, f: () => Promise<TokenResult>): Promise<Timed> {
  const read = env.info.capabilities.clock && env.adapter.clockNow ? () => env.adapter.clockNow!() : undefined;
  const before = await read?.();
  const started = performance.now();
  const result = await f();
  const seconds = (performance.now() - started) / 1000;
  const after = await read?.();
  return { result, seconds, ...(before !== undefined && after !== undefined ? { clock: { before, after } } : {}) };
}

/** RFC 6749 §3.3: scope-token *( SP scope-token ); the empty string grants nothing. */
function scopeTokens(scope: string): string[] | null {
  if (scope === '') return [];
  const parts = scope.split(' ');
  return parts.every((p) => p.length > 0) ? parts : null;
}

/**
 * RFC 6749 §5.1: expires_in is the access token's lifetime in seconds from
 * now (exp minus the target's clock; without a readable clock, exp − iat for
 * a new token less the seconds the request took), and scope is the access
 * token's scope, which may be left out only when it is the one requested.
 */
function judgeConsistency(judge: Judge, t: Timed, access: Decoded | undefined, what: string, fresh: boolean, requested: readonly string[]): void {
  const result = t.result;
  if (!result.ok || !access) return;
  const req = 'RESP-CONSISTENT';
  const token = { header: access.header, payload: access.payload };
  const exp = own(access.payload, 'exp');
  const iat = own(access.payload, 'iat');
  const ei = result.body.expires_in;
  if (typeof ei === 'number' && typeof exp === 'number' && typeof iat === 'number') {
    // One second of rounding: the M2M tutorial answers 86399 for a 86,400 s token.
    const [low, high] = t.clock
      ? [exp - t.clock.after - 1, exp - t.clock.before]
      : fresh
        ? [exp - iat - Math.ceil(t.seconds) - 1, exp - iat]
        : [0, exp - iat];
    judge.check(ei >= low && ei <= high, req, 'ERR_RESPONSE_INVALID', () => `${what} response expires_in is ${ei}; its access token (exp ${exp}, iat ${iat}) has ${low === high ? low : `${low}…${high}`} s left`, {
      claim: 'expires_in',
      expected: low === high ? low : `${low}…${high}`,
      actual: ei,
      token,
    });
  }
  const scope = result.body.scope;
  const scp = own(access.payload, 'scp');
  if (!Array.isArray(scp)) return;
  const granted = new Set(scp.filter((x): x is string => typeof x === 'string'));
  const sameAs = (xs: readonly string[]) => new Set(xs).size === granted.size && xs.every((x) => granted.has(x));
  if (typeof scope === 'string') {
    const parts = scopeTokens(scope);
    judge.check(parts !== null && sameAs(parts), req, 'ERR_RESPONSE_INVALID', () => `${what} response scope ${JSON.stringify(scope)} is not the access token's scopes ${JSON.stringify(scp)}`, {
      claim: 'scope',
      expected: scp.join(' '),
      actual: scope,
      token,
    });
  } else if (scope === undefined) {
    judge.check(sameAs(requested), req, 'ERR_RESPONSE_INVALID', () => `${what} response has no scope although the access token's scopes ${JSON.stringify(scp)} are not the ones requested ${JSON.stringify(requested)}`, {
      claim: 'scope',
      expected: scp.join(' '),
      actual: '(absent)',
      token,
    });
  }
}

export const checks: Check<any>[] = [
  defineCheck({
    name: 'token endpoint responses have the documented shape and agree with their tokens',
    requirements: ['RESP-SHAPE', 'RESP-CONSISTENT', 'M2M-NO-REFRESH-TOKEN'],
    needs: [],
    arbitrary: () => fc.record({ user: userScenarioArb().map(withOffline), m2m: m2mScenarioArb() }),
    async predicate({ user, m2m }, judge, env) {
      const reqs = ['RESP-SHAPE', 'RESP-CONSISTENT'];
      if (env.info.capabilities.userTokens) await judgeUserResponses(env, judge, user, reqs);
      if (env.info.capabilities.m2m) {
        await provision(env, judge, m2m.tenant);
        judge.trace.request = redactRequest(m2m.request);
        const r = await timed(env, () => env.adapter.clientCredentials(m2m.request));
        // A refused request is blamed on the first requirement judged: with --only=M2M-NO-REFRESH-TOKEN, on it (never a silent pass).
        const t = tokensOf(judge, r.result, [...reqs, 'M2M-NO-REFRESH-TOKEN'], 'client credentials');
        judgeResponse(judge, r.result, 'client_credentials');
        judgeConsistency(judge, r, t?.access, 'client_credentials', true, m2m.request.scopes ?? []);
        judgeNoRefreshToken(judge, r.result);
      }
    },
  }),
  defineCheck({
    name: 'every token names its environment as issuer and has its own jti',
    requirements: ['TOKEN-ISS', 'TOKEN-JTI-UNIQUE'],
    needs: [],
    arbitrary: () => fc.record({ user: userScenarioArb().map(withOpenId).map(withOffline), m2m: m2mScenarioArb() }),
    async predicate({ user, m2m }, judge, env) {
      const reqs = ['TOKEN-ISS', 'TOKEN-JTI-UNIQUE'];
      const seen = new Map<string, { label: string; token: { header: Decoded['header']; payload: Decoded['payload'] } }>();
      const judgeOne = (label: string, t: Decoded, subdomain: string) => {
        claimEquals(judge, 'TOKEN-ISS', label.startsWith('m2m') ? 'm2m' : label.startsWith('id') ? 'id' : 'access', t, 'iss', `https://${subdomain}.kinde.com`);
        const jti = own(t.payload, 'jti');
        const other = typeof jti === 'string' ? seen.get(jti) : undefined;
        judge.check(typeof jti === 'string' && jti.length > 0 && other === undefined, 'TOKEN-JTI-UNIQUE', 'ERR_CLAIM_MISMATCH', () =>
          typeof jti !== 'string' || jti.length === 0 ? `${label} has no jti` : `${label} has the same jti as ${other!.label}: ${jti}`,
          { claim: 'jti', actual: jti ?? null, token: { header: t.header, payload: t.payload }, ...(other ? { compared: other } : {}) },
        );
        if (typeof jti === 'string') seen.set(jti, { label, token: { header: t.header, payload: t.payload } });
      };
      if (env.info.capabilities.userTokens) {
        await provision(env, judge, user.tenant);
        for (const n of [1, 2]) {
          const t = await signInExpectingTokens(env, judge, user.request, reqs);
          if (!t) return;
          judgeOne(`access token #${n}`, t.access, user.tenant.subdomain);
          if (t.id) judgeOne(`id token #${n}`, t.id, user.tenant.subdomain);
          // A refresh issues new tokens too (an unexpired access token comes back as the same token).
          const r = await refreshOnce(env, judge, user.application, t, reqs);
          if (r && r.access.raw !== t.access.raw) judgeOne(`access token #${n} (refreshed)`, r.access, user.tenant.subdomain);
          if (r?.id) judgeOne(`id token #${n} (refreshed)`, r.id, user.tenant.subdomain);
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

/** RESP-SHAPE and RESP-CONSISTENT over a sign-in and, when it brought a refresh token, a refresh. */
async function judgeUserResponses(env: CheckEnv, judge: Judge, user: UserScenario, reqs: string[]): Promise<void> {
  await provision(env, judge, user.tenant);
  judge.trace.request = redactRequest(user.request);
  const first = await timed(env, () => env.adapter.signIn(user.request));
  if (!first.result.ok && refusalExcused(judge, user.request)) return;
  const t = tokensOf(judge, first.result, reqs, 'sign-in');
  judgeResponse(judge, first.result, 'authorization_code');
  judgeConsistency(judge, first, t?.access, 'authorization_code', true, user.request.scopes);
  const rt = first.result.ok ? first.result.body.refresh_token : undefined;
  if (t && typeof rt === 'string' && env.info.capabilities.refresh) {
    const app = user.application;
    const request = { clientId: app.clientId, refreshToken: rt, ...(app.kind !== 'frontend' ? { clientSecret: app.clientSecret } : {}) };
    judge.trace.request = redactRequest(request);
    const again = await timed(env, () => env.adapter.refresh(request));
    const u = tokensOf(judge, again.result, reqs, 'refresh');
    judgeResponse(judge, again.result, 'refresh_token');
    // RFC 6749 §6: a refresh asks, by default, for the scope originally granted.
    const original = own(t.access.payload, 'scp');
    judgeConsistency(judge, again, u?.access, 'refresh_token', u !== null && u.access.raw !== t.access.raw, Array.isArray(original) ? (original as string[]) : []);
  }
}
