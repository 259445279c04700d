/**
 * Verifier conformance: the receiving side of "Verifying JSON Web Tokens" and
 * "Enforce org access in your API using M2M tokens". The suite issues valid
 * tokens with the issuer target, serves its keys on loopback, turns the valid
 * tokens into attacks (suites/lib/attacks.ts) and asks the verifier under test
 * to accept or reject them.
 */
import fc from 'fast-check';
import type { JsonObject } from '../adapters/types.js';
import type { Verdict, VerificationContext } from '../adapters/verifier-types.js';
import { defineCheck, type Check, type CheckEnv } from './lib/check.js';
import { trustedKey } from './lib/attack-keys.js';
import { mirrorFor, type IssuerMirror } from './lib/attack-server.js';
import { ATTACKS, buildAttack, type Attack } from './lib/attacks.js';
import type { Decoded } from './lib/tokens.js';
import type { Judge } from './lib/violation.js';
import { issueScenario, scenarioArb, type IssuedSet, type VerifierScenario } from './verifier-scenario.js';

/** Time budget for one verdict on an oversized token. */
export const BOUNDED_MS = 2_000;

function verifierOf(env: CheckEnv) {
  if (!env.verifier) throw new Error('no verifier under test');
  return env.verifier;
}

async function mirror(env: CheckEnv): Promise<IssuerMirror> {
  return mirrorFor(env.adapter, verifierOf(env).info.jwksPort ?? 0);
}

async function contextFor(env: CheckEnv, s: VerifierScenario, issued: IssuedSet, orgCode: string | undefined = s.orgA): Promise<VerificationContext> {
  const m = await mirror(env);
  m.issuer = issued.issuer;
  const ctx: VerificationContext = { issuer: issued.issuer, audience: s.audience, jwks: await m.jwks(), issuerBaseUrl: m.url };
  if (orgCode !== undefined) ctx.orgCode = orgCode;
  return ctx;
}

/** Lenient decode for the report (attack tokens may not decode at all). */
function shown(raw: string): { header: JsonObject; payload: JsonObject } {
  const segs = raw.split('.');
  const dec = (x: string | undefined): JsonObject => {
    try {
      const text = Buffer.from(x ?? '', 'base64url').toString('utf8');
      const v = JSON.parse(text) as unknown;
      return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : { value: text.slice(0, 200) };
    } catch {
      return { raw: (x ?? '').slice(0, 200) };
    }
  };
  const payload = dec(segs[1]);
  if (typeof payload.padding === 'string') payload.padding = `<${payload.padding.length} chars>`;
  return { header: dec(segs[0]), payload };
}

function describe(v: Verdict): string {
  return v.accepted ? `accepted${v.status ? ` (HTTP ${v.status})` : ''}` : `rejected${v.status ? ` with HTTP ${v.status}` : ''}${v.reason ? `: ${v.reason.slice(0, 160)}` : ''}`;
}

type BaseKind = 'access' | 'm2m';

function baseToken(issued: IssuedSet, kind: BaseKind): Decoded | undefined {
  return kind === 'access' ? issued.access : issued.orgM2m ?? issued.globalM2m;
}

/**
 * The valid token must be accepted first, or a rejected attack proves nothing.
 * A verifier that rejects valid tokens is reported under VERIFY-ACCEPT-VALID; here it stops the check (ERRORED).
 */
async function requireAccepted(env: CheckEnv, token: Decoded, ctx: VerificationContext): Promise<void> {
  const v = await verifierOf(env).adapter.verify(token.raw, ctx);
  if (!v.accepted) throw new Error(`the verifier rejected a valid token, so attack verdicts would mean nothing: ${describe(v)}`);
}

function attackCheck(requirement: string, name: string, opts: { verifierNeeds?: Check['verifierNeeds']; needs?: Check['needs']; bounded?: boolean; runsFactor?: number } = {}): Check<{ s: VerifierScenario; base: BaseKind; attack: Attack }> {
  const arb = ATTACKS[requirement];
  if (!arb) throw new Error(`no attack arbitrary for ${requirement}`);
  return defineCheck({
    name,
    requirements: [requirement],
    needs: opts.needs ?? [],
    verifierNeeds: opts.verifierNeeds ?? [],
    ...(opts.runsFactor !== undefined ? { runsFactor: opts.runsFactor } : {}),
    arbitrary: (env) => fc.record({ s: scenarioArb(env.verifier?.info), base: fc.constantFrom<BaseKind>('m2m', 'access'), attack: arb }),
    async predicate({ s, base, attack }, judge, env) {
      const issued = await issueScenario(env, judge, s, [requirement]);
      const token = baseToken(issued, base) ?? baseToken(issued, base === 'm2m' ? 'access' : 'm2m');
      if (!token) return;
      const ctx = await contextFor(env, s, issued, typeof token.payload.org_code === 'string' ? token.payload.org_code : s.orgA);
      await requireAccepted(env, token, ctx);
      const m = await mirror(env);
      const attackToken = buildAttack(attack, {
        token: token.raw,
        trusted: await trustedKey(env.adapter, token.header.kid),
        jwks: ctx.jwks,
        otherOrg: s.orgB,
        otherAudience: s.otherAudience,
        attackerJwksUrl: m.attackerJwksUrl,
        attackerX5uUrl: m.attackerX5uUrl,
        clockToleranceSeconds: verifierOf(env).info.clockToleranceSeconds ?? 0,
        now: Math.floor(Date.now() / 1000),
      });
      judge.trace.token = shown(attackToken);
      judge.trace.request = { attack: attack as unknown as JsonObject, baseToken: base, context: { issuer: ctx.issuer, audience: ctx.audience, orgCode: ctx.orgCode ?? null } };
      const hitsBefore = m.attackerHits;
      const started = performance.now();
      const verdict = await verifierOf(env).adapter.verify(attackToken, ctx);
      const ms = performance.now() - started;
      judge.check(!verdict.accepted, requirement, 'ERR_REQUEST_ACCEPTED', () => `the verifier accepted a ${attack.kind} attack token (${JSON.stringify(attack)}): ${describe(verdict)}`, {
        token: shown(attackToken),
        expected: 'rejected',
        actual: describe(verdict),
      });
      if (attack.kind === 'jku' || attack.kind === 'x5u') {
        judge.check(m.attackerHits === hitsBefore, requirement, 'ERR_REQUEST_ACCEPTED', `the verifier fetched the token-supplied ${attack.kind} URL (${m.attackerHits - hitsBefore} request(s) to the attacker's server): SSRF / key injection`, {
          token: shown(attackToken),
        });
      }
      if (opts.bounded) {
        judge.check(ms <= BOUNDED_MS, requirement, 'ERR_RESPONSE_INVALID', `the verdict on a ${attack.kind === 'oversized' ? attack.kilobytes : '?'} KB token took ${Math.round(ms)} ms (budget ${BOUNDED_MS} ms)`);
      }
    },
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const checks: Check<any>[] = [
  defineCheck({
    name: 'every valid token the issuer issues for the API is accepted',
    requirements: ['VERIFY-ACCEPT-VALID'],
    needs: [],
    verifierNeeds: [],
    arbitrary: (env) => scenarioArb(env.verifier?.info),
    async predicate(s, judge, env) {
      const issued = await issueScenario(env, judge, s, ['VERIFY-ACCEPT-VALID']);
      for (const [kind, token] of [['access', issued.access], ['m2m', issued.orgM2m]] as const) {
        if (!token) continue;
        const ctx = await contextFor(env, s, issued, s.orgA);
        judge.trace.token = { header: token.header, payload: token.payload };
        const v = await verifierOf(env).adapter.verify(token.raw, ctx);
        judge.check(v.accepted, 'VERIFY-ACCEPT-VALID', 'ERR_REQUEST_REFUSED', () => `a valid ${kind} token for ${ctx.audience} (org ${ctx.orgCode}) was ${describe(v)}`, {
          tokenType: kind,
          expected: 'accepted',
          actual: describe(v),
        });
      }
    },
  }),
  attackCheck('VERIFY-ALG-NONE', 'alg none (any case) and stripped signatures are rejected'),
  attackCheck('VERIFY-ALG-HMAC', 'RS256→HS* key confusion with the public key as the secret is rejected'),
  attackCheck('VERIFY-HEADER-KEY', 'keys offered by the token (jwk, jku, x5u) are never used or fetched'),
  attackCheck('VERIFY-KID', 'injected and unknown kids are rejected'),
  attackCheck('VERIFY-EXP', 'expired tokens are rejected (outside the declared clock tolerance)'),
  attackCheck('VERIFY-EXP-REQUIRED', 'tokens without a numeric exp are rejected'),
  attackCheck('VERIFY-NBF', 'tokens not yet valid (nbf in the future) are rejected'),
  attackCheck('VERIFY-ISS', 'tokens from another issuer (slash, case, scheme, tenant, suffix) are rejected'),
  attackCheck('VERIFY-AUD', 'tokens for another or no audience are rejected', { verifierNeeds: ['audience'] }),
  attackCheck('VERIFY-CRIT', 'unknown crit parameters and b64=false are rejected'),
  attackCheck('VERIFY-TAMPER', 'claims changed under the original signature are rejected'),
  attackCheck('VERIFY-ENCODING', 'encoding tricks (duplicate keys, padding, extra segments) are rejected'),
  attackCheck('VERIFY-RSA-2048', 'tokens signed with an RSA key under 2048 bits are rejected'),
  attackCheck('VERIFY-BOUNDED', 'oversized tokens are rejected within a time budget', { bounded: true, runsFactor: 0.2 }),
  defineCheck({
    name: 'an ID token is not accepted where an access token is required',
    requirements: ['VERIFY-TOKEN-TYPE'],
    needs: ['userTokens'],
    verifierNeeds: ['tokenType'],
    arbitrary: (env) => scenarioArb(env.verifier?.info),
    async predicate(s, judge, env) {
      const issued = await issueScenario(env, judge, s, ['VERIFY-TOKEN-TYPE']);
      if (!issued.id) return;
      const ctx = await contextFor(env, s, issued, s.orgA);
      judge.trace.token = { header: issued.id.header, payload: issued.id.payload };
      const v = await verifierOf(env).adapter.verify(issued.id.raw, ctx);
      judge.check(!v.accepted, 'VERIFY-TOKEN-TYPE', 'ERR_REQUEST_ACCEPTED', () => `an ID token (aud ${JSON.stringify(issued.id!.payload.aud)}) presented to ${ctx.audience} was ${describe(v)}`, {
        tokenType: 'id',
        expected: 'rejected',
        actual: describe(v),
      });
    },
  }),
  defineCheck({
    name: 'after key rotation the new kid is accepted (bounded refetch) and the removed key is rejected',
    requirements: ['VERIFY-KEY-ROTATION'],
    needs: ['keyRotation', 'm2m'],
    verifierNeeds: ['remoteJwks'],
    runsFactor: 0.03,
    arbitrary: (env) => scenarioArb(env.verifier?.info),
    async predicate(s, judge, env) {
      const before = await issueScenario(env, judge, s, ['VERIFY-KEY-ROTATION']);
      const old = before.orgM2m ?? before.globalM2m;
      if (!old) return;
      const ctx = await contextFor(env, s, before, typeof old.payload.org_code === 'string' ? old.payload.org_code : s.orgA);
      await requireAccepted(env, old, ctx);
      await env.adapter.rotateKeys!();
      judge.trace.commands = ['issue token (kid A)', 'verify: accepted', 'rotate keys (A leaves the JWKS)', 'issue token (kid B)'];
      const after = await issueScenario(env, judge, s, ['VERIFY-KEY-ROTATION']);
      const fresh = after.orgM2m ?? after.globalM2m;
      if (!fresh) return;
      const ctx2 = await contextFor(env, s, after, ctx.orgCode);
      const bound = (verifierOf(env).info.jwksRefreshMs ?? 0) + 1_500;
      const deadline = performance.now() + bound;
      let v: Verdict = await verifierOf(env).adapter.verify(fresh.raw, ctx2);
      while (!v.accepted && performance.now() < deadline) {
        await sleep(100);
        v = await verifierOf(env).adapter.verify(fresh.raw, ctx2);
      }
      judge.trace.token = { header: fresh.header, payload: fresh.payload };
      judge.check(v.accepted, 'VERIFY-KEY-ROTATION', 'ERR_REQUEST_REFUSED', () => `a token with the new kid ${String(fresh.header.kid)} was still ${describe(v)} ${bound} ms after rotation`, {
        claim: 'kid',
        expected: 'accepted',
        actual: describe(v),
      });
      const stale = await verifierOf(env).adapter.verify(old.raw, ctx2);
      judge.trace.token = { header: old.header, payload: old.payload };
      judge.check(!stale.accepted, 'VERIFY-KEY-ROTATION', 'ERR_REQUEST_ACCEPTED', () => `a token signed by the removed key ${String(old.header.kid)} was ${describe(stale)} after the verifier had fetched the rotated JWKS`, {
        claim: 'kid',
        expected: 'rejected',
        actual: describe(stale),
      });
    },
  }),
];

/** Route organizations that are not the token's: another org, case variants, prefix/suffix of it. */
function mismatchArb(): fc.Arbitrary<'other-org' | 'uppercase' | 'mixed-case' | 'suffix' | 'prefix'> {
  return fc.constantFrom('other-org', 'uppercase', 'mixed-case', 'suffix', 'prefix');
}

function mismatchedRoute(kind: ReturnType<typeof mismatchArb> extends fc.Arbitrary<infer K> ? K : never, s: VerifierScenario): string {
  switch (kind) {
    case 'other-org':
      return s.orgB;
    case 'uppercase':
      return s.orgA.toUpperCase();
    case 'mixed-case':
      return s.orgA.replace(/^org/, 'ORG');
    case 'suffix':
      return `${s.orgA}0`;
    case 'prefix':
      return s.orgA.slice(0, -1);
  }
}

function orgCheck(
  requirement: string,
  name: string,
  run: (input: { s: VerifierScenario; mismatch: ReturnType<typeof mismatchArb> extends fc.Arbitrary<infer K> ? K : never }, judge: Judge, env: CheckEnv) => Promise<void>,
  needs: Check['needs'] = ['m2m', 'orgScopedM2m'],
): Check<any> {
  return defineCheck({
    name,
    requirements: [requirement],
    needs,
    verifierNeeds: ['orgEnforcement'],
    arbitrary: (env) => fc.record({ s: scenarioArb(env.verifier?.info), mismatch: mismatchArb() }),
    predicate: run,
  });
}

async function mismatchVerdict(input: { s: VerifierScenario; mismatch: Parameters<typeof mismatchedRoute>[0] }, judge: Judge, env: CheckEnv, req: string) {
  const issued = await issueScenario(env, judge, input.s, [req]);
  const token = issued.orgM2m;
  if (!token) return undefined;
  const route = mismatchedRoute(input.mismatch, input.s);
  const ctx = await contextFor(env, input.s, issued, route);
  judge.trace.token = { header: token.header, payload: token.payload };
  judge.trace.request = { route: `/orgs/${route}/users`, tokenOrg: token.payload.org_code ?? null, mismatch: input.mismatch };
  return verifierOf(env).adapter.verify(token.raw, ctx);
}

checks.push(
  orgCheck('VERIFY-ORG-401', 'no bearer token is answered 401', async ({ s }, judge, env) => {
    const issued = { issuer: `https://${s.subdomain}.kinde.com` };
    const ctx = await contextFor(env, s, issued, s.orgA);
    judge.trace.request = { route: `/orgs/${s.orgA}/users`, authorization: '(none)' };
    const v = await verifierOf(env).adapter.verify(undefined, ctx);
    judge.check(!v.accepted && v.status === 401, 'VERIFY-ORG-401', v.accepted ? 'ERR_REQUEST_ACCEPTED' : 'ERR_RESPONSE_INVALID', () => `a request without a token was ${describe(v)}; the documented answer is 401 "Missing token"`, {
      expected: 401,
      actual: v.status ?? describe(v),
    });
  }, []),
  orgCheck('VERIFY-ORG-MISSING-403', 'a valid token without org_code is answered 403 on an org route', async ({ s }, judge, env) => {
    const issued = await issueScenario(env, judge, s, ['VERIFY-ORG-MISSING-403']);
    const token = issued.globalM2m;
    if (!token) return;
    const ctx = await contextFor(env, s, issued, s.orgA);
    judge.trace.token = { header: token.header, payload: token.payload };
    const v = await verifierOf(env).adapter.verify(token.raw, ctx);
    judge.check(!v.accepted && v.status === 403, 'VERIFY-ORG-MISSING-403', v.accepted ? 'ERR_REQUEST_ACCEPTED' : 'ERR_RESPONSE_INVALID', () => `a global M2M token (no org_code) on /orgs/${s.orgA}/users was ${describe(v)}; the documented answer is 403 "Token not scoped to an organization"`, {
      claim: 'org_code',
      expected: 403,
      actual: v.accepted ? 'accepted' : v.status ?? 'rejected without status',
    });
  }, ['m2m']),
  orgCheck('VERIFY-ORG-MISMATCH', "a token for another organization is rejected (403, or 404 per the M2M tutorial)", async (input, judge, env) => {
    const v = await mismatchVerdict(input, judge, env, 'VERIFY-ORG-MISMATCH');
    if (!v) return;
    judge.check(!v.accepted && (v.status === 403 || v.status === 404), 'VERIFY-ORG-MISMATCH', v.accepted ? 'ERR_REQUEST_ACCEPTED' : 'ERR_RESPONSE_INVALID', () => `a token for ${String(judge.trace.token?.payload.org_code)} on ${String((judge.trace.request as JsonObject).route)} was ${describe(v)}`, {
      claim: 'org_code',
      expected: '403 (or 404)',
      actual: v.accepted ? 'accepted' : v.status ?? 'rejected without status',
    });
  }),
  orgCheck('VERIFY-ORG-MISMATCH-403', 'an org mismatch is answered 403, not 404', async (input, judge, env) => {
    const v = await mismatchVerdict(input, judge, env, 'VERIFY-ORG-MISMATCH-403');
    if (!v) return;
    judge.check(v.accepted || v.status !== 404, 'VERIFY-ORG-MISMATCH-403', 'ERR_RESPONSE_INVALID', 'an org mismatch was answered 404 (the M2M tutorial) where the enforcement page answers 403', {
      claim: 'org_code',
      expected: 403,
      actual: 404,
    });
  }),
  orgCheck('VERIFY-ORG-MATCH', 'a valid token for the route organization is accepted', async ({ s }, judge, env) => {
    const issued = await issueScenario(env, judge, s, ['VERIFY-ORG-MATCH']);
    const token = issued.orgM2m;
    if (!token) return;
    const ctx = await contextFor(env, s, issued, String(token.payload.org_code));
    judge.trace.token = { header: token.header, payload: token.payload };
    const v = await verifierOf(env).adapter.verify(token.raw, ctx);
    judge.check(v.accepted, 'VERIFY-ORG-MATCH', 'ERR_REQUEST_REFUSED', () => `a valid token for ${ctx.orgCode} on /orgs/${ctx.orgCode}/users was ${describe(v)}`, {
      claim: 'org_code',
      expected: 'accepted',
      actual: describe(v),
    });
  }),
);

