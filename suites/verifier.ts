/**
 * Verifier conformance: the receiving side of "Verifying JSON Web Tokens" and
 * "Enforce org access in your API using M2M tokens". The issuer target
 * supplies the claims of valid tokens; the suite signs them with a key of the
 * JWKS it serves on loopback (suites/lib/attack-server.ts), turns them into
 * every documented valid shape (acceptance) and into generated attacks
 * (rejection), and asks the verifier under test to decide.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { JsonObject } from '../adapters/types.js';
import type { Verdict } from '../adapters/verifier-types.js';
import { defineCheck, type Check, type CheckEnv } from './lib/check.js';
import { noAlgKey, rotationKey, stableKey, type SuiteKey } from './lib/attack-keys.js';
import { mirror as mirrorOf } from './verifier-lib.js';
import { ATTACKS, NEAR_MISSES, type Attack } from './lib/attacks.js';
import { buildAttack } from './lib/attack-build.js';
import { describeEdit } from './lib/attack-near-miss.js';
import { applyVariation, describeVariation, variationArb, type Variation } from './lib/valid-variants.js';
import type { KeySet } from './lib/attack-server.js';
import type { Decoded } from './lib/tokens.js';
import { checks as orgChecks } from './verifier-org.js';
import { checks as modelChecks } from './verifier-model.js';
import { checks as requestChecks } from './verifier-request.js';
import { checks as keyChecks } from './verifier-keys.js';
import { checks as statusChecks } from './verifier-status.js';
import { compact } from './lib/attack-keys.js';
import {
  contextFor,
  describeVerdict,
  fixedKeys,
  present,
  presentUntilAccepted,
  refreshBoundMs,
  requireAccepted,
  rootSet,
  shown,
  signed,
  verifierOf,
} from './verifier-lib.js';
import { issueScenario, scenarioArb, type IssuedSet } from './verifier-scenario.js';

/** Time budget for one verdict on an oversized token. */
export const BOUNDED_MS = 2_000;

type BaseKind = 'access' | 'm2m';

export function baseToken(issued: IssuedSet, kind: BaseKind): Decoded | undefined {
  return (kind === 'access' ? issued.access : issued.orgM2m ?? issued.globalM2m) ?? (kind === 'access' ? issued.orgM2m ?? issued.globalM2m : issued.access);
}

const orgOf = (t: Decoded) => (typeof t.payload.org_code === 'string' ? t.payload.org_code : undefined);

type Scenario = ReturnType<typeof scenarioArb> extends fc.Arbitrary<infer S> ? S : never;

function attackCheck(
  requirement: string,
  name: string,
  opts: { verifierNeeds?: Check['verifierNeeds']; bounded?: boolean; runsFactor?: number; nearMiss?: boolean } = {},
): Check<{ s: Scenario; base: BaseKind; attacks: Attack[] }> {
  const arb: fc.Arbitrary<Attack[]> | undefined = opts.nearMiss ? NEAR_MISSES[requirement] : ATTACKS[requirement]?.map((a) => [a]);
  if (!arb) throw new Error(`no attack arbitrary for ${requirement}`);
  return defineCheck({
    name,
    requirements: [requirement],
    needs: [],
    verifierNeeds: opts.verifierNeeds ?? [],
    ...(opts.runsFactor !== undefined ? { runsFactor: opts.runsFactor } : {}),
    arbitrary: (env) => fc.record({ s: scenarioArb(env.verifier?.info), base: fc.constantFrom<BaseKind>('m2m', 'access'), attacks: arb }),
    async predicate({ s, base, attacks }, judge, env) {
      const issued = await issueScenario(env, judge, s, [requirement]);
      const token = baseToken(issued, base);
      if (!token) return;
      const set = await rootSet(env, issued.issuer);
      const ctx = contextFor(s, issued.issuer, set, orgOf(token) ?? s.orgA);
      const { trusted, valid, key } = await trustedFor(env, requirement, token, ctx);
      await requireAccepted(env, valid, ctx);
      if (opts.nearMiss && requirement === 'VERIFY-KID' && (await ignoresKid(env, valid, ctx))) {
        // A near-miss kid over the trusted key's signature is only an attack on a verifier that picks keys by kid.
        judge.trace.request = { kid: 'ignored: a token signed by the trusted key under a kid absent from the JWKS was accepted, so near misses of kid prove nothing (RFC 7515 4.1.4: kid is a hint)' };
        return;
      }
      const m = await mirrorOf(env);
      for (const attack of attacks) {
        const attackToken = buildAttack(attack, {
          token: valid,
          trusted,
          jwks: ctx.jwks,
          otherOrg: s.orgB,
          otherAudience: s.otherAudience,
          attackerJwksUrl: m.attackerJwksUrl,
          attackerX5uUrl: m.attackerX5uUrl,
          clockToleranceSeconds: verifierOf(env).info.clockToleranceSeconds ?? 0,
          now: Math.floor(Date.now() / 1000),
        });
        if (attackToken === undefined) continue;
        judge.trace.token = shown(attackToken);
        judge.trace.request = { attack: attack as unknown as JsonObject, baseToken: base, signingKey: key, context: { issuer: ctx.issuer, audience: ctx.audience, orgCode: ctx.orgCode ?? null } };
        const hitsBefore = m.attackerHits;
        const started = performance.now();
        const verdict = await present(env, attackToken, ctx);
        const ms = performance.now() - started;
        judge.check(!verdict.accepted, requirement, 'ERR_REQUEST_ACCEPTED', () => `the verifier accepted a ${attack.kind} attack token (${describeAttack(attack)}): ${describeVerdict(verdict)}`, {
          token: shown(attackToken),
          expected: 'rejected',
          actual: describeVerdict(verdict),
        });
        if (attack.kind === 'jku' || attack.kind === 'x5u') {
          judge.check(m.attackerHits === hitsBefore, requirement, 'ERR_REQUEST_ACCEPTED', `the verifier fetched the token-supplied ${attack.kind} URL (${m.attackerHits - hitsBefore} request(s) to the attacker's server): SSRF / key injection`, {
            token: shown(attackToken),
          });
        }
        if (opts.bounded) {
          judge.check(ms <= BOUNDED_MS, requirement, 'ERR_RESPONSE_INVALID', `the verdict on a ${attack.kind === 'oversized' ? attack.kilobytes : '?'} KB token took ${Math.round(ms)} ms (budget ${BOUNDED_MS} ms)`);
        }
      }
    },
  });
}

/**
 * Requirements whose attacks change the algorithm: a JWK's alg member can mask a verifier that does not pin RS256.
 * Not VERIFY-ALG-HMAC: HMAC confusion needs the verifier to use an RSA key's bytes as the secret, whichever key it
 * picks (by kid, or the set's first); the stable key is both the first and named by kid, while the key without alg
 * is neither first nor chosen by a library that refuses an RSA JWK for HS* (a first-key verifier lost it: any-alg).
 */
const ALG_REQUIREMENTS = new Set(['VERIFY-ALG-NONE', 'VERIFY-ALG-RS256']);

/**
 * The key the attacks start from. Algorithm attacks are signed with the published key that has no
 * alg member (attack-keys.ts noAlgKey: RFC 7517 §4.4, alg is optional), so a verifier that takes its
 * algorithms from the key set instead of pinning RS256 is seen; a verifier that refuses a valid token
 * under that key cannot be attacked through it, and meets the attacks under the stable key (with alg).
 */
async function trustedFor(env: CheckEnv, requirement: string, token: Decoded, ctx: Parameters<typeof present>[2]): Promise<{ trusted: SuiteKey; valid: string; key: string }> {
  const stable = { trusted: stableKey(), valid: signed(token), key: `${stableKey().kid} (JWK alg RS256)` };
  if (!ALG_REQUIREMENTS.has(requirement)) return stable;
  const bare = signed(token, token.payload, noAlgKey());
  const v = await present(env, bare, ctx);
  if (v.accepted) return { trusted: noAlgKey(), valid: bare, key: `${noAlgKey().kid} (JWK without alg)` };
  return { ...stable, key: `${stable.key}; a valid token under ${noAlgKey().kid} (JWK without alg) was ${describeVerdict(v)}` };
}

/**
 * Does the verifier choose keys by kid? Probe with the valid token re-signed by the trusted key under a kid
 * that is in no JWKS and shares nothing with the trusted one: a verifier that picks keys by kid refuses it,
 * one that ignores kid (allowed: RFC 7515 §4.1.4, a hint) and tries its keys accepts it.
 */
async function ignoresKid(env: CheckEnv, valid: string, ctx: Parameters<typeof present>[2]): Promise<boolean> {
  const [h, p] = valid.split('.');
  const header = JSON.parse(Buffer.from(h!, 'base64url').toString('utf8')) as Record<string, unknown>;
  const probe = compact({ ...header, kid: `zq${randomBytes(8).toString('hex')}` }, p!, 'RS256', stableKey().privateKey);
  return (await present(env, probe, ctx)).accepted;
}

function describeAttack(a: Attack): string {
  return 'edit' in a ? `${describeEdit(a.edit)}${a.kind === 'aud-near-miss' ? `, aud as ${a.shape}` : ''}` : JSON.stringify(a);
}

const acceptValid = defineCheck({
  name: 'every documented shape of a valid token for the API is accepted',
  requirements: ['VERIFY-ACCEPT-VALID'],
  needs: [],
  verifierNeeds: [],
  arbitrary: (env: CheckEnv) => fc.record({ s: scenarioArb(env.verifier?.info), base: fc.constantFrom<BaseKind>('m2m', 'access'), variation: variationArb }),
  async predicate({ s, base, variation }: { s: Scenario; base: BaseKind; variation: Variation }, judge, env) {
    const issued = await issueScenario(env, judge, s, ['VERIFY-ACCEPT-VALID']);
    // An org-enforcing verifier sits behind an org route: only tokens with an org_code can be valid there.
    const token = baseToken(issued, base === 'm2m' && issued.orgM2m ? 'm2m' : base);
    if (!token) return;
    const org = orgOf(token);
    if (org === undefined && verifierOf(env).info.capabilities.orgEnforcement) return;
    const set = await rootSet(env, issued.issuer);
    const ctx = contextFor(s, issued.issuer, set, org);
    const payload = applyVariation(token.payload, variation, s.audience, Math.floor(Date.now() / 1000));
    const raw = signed(token, payload);
    judge.trace.token = { header: shown(raw).header, payload };
    judge.trace.request = { variation: describeVariation(variation), context: { issuer: ctx.issuer, audience: ctx.audience, orgCode: ctx.orgCode ?? null } };
    const v = await present(env, raw, ctx);
    judge.check(v.accepted, 'VERIFY-ACCEPT-VALID', 'ERR_REQUEST_REFUSED', () => `a valid ${base} token (${describeVariation(variation)}) for ${ctx.audience} was ${describeVerdict(v)}`, {
      tokenType: base,
      expected: 'accepted',
      actual: describeVerdict(v),
    });
  },
});

const tokenType = defineCheck({
  name: 'an ID token is not accepted where an access token is required, even with the route org in it',
  requirements: ['VERIFY-TOKEN-TYPE'],
  needs: ['userTokens'],
  verifierNeeds: ['tokenType'],
  arbitrary: (env: CheckEnv) => fc.record({ s: scenarioArb(env.verifier?.info), withOrg: fc.boolean() }),
  async predicate({ s, withOrg }, judge, env) {
    const issued = await issueScenario(env, judge, s, ['VERIFY-TOKEN-TYPE']);
    if (!issued.id) return;
    const set = await rootSet(env, issued.issuer);
    const ctx = contextFor(s, issued.issuer, set, s.orgA);
    // With org_code the org check passes, so only the token's type (its aud) can make the verifier refuse it.
    const shapes: Array<[string, JsonObject]> = [['with the route org_code', { ...issued.id.payload, org_code: s.orgA }]];
    if (!withOrg) shapes.unshift(['as issued', issued.id.payload]);
    for (const [how, payload] of shapes) {
      const raw = signed(issued.id, payload);
      judge.trace.token = { header: shown(raw).header, payload };
      const v = await present(env, raw, ctx);
      judge.check(!v.accepted, 'VERIFY-TOKEN-TYPE', 'ERR_REQUEST_ACCEPTED', () => `an ID token ${how} (aud ${JSON.stringify(payload.aud)}) presented to ${ctx.audience} was ${describeVerdict(v)}`, {
        tokenType: 'id',
        expected: 'rejected',
        actual: describeVerdict(v),
      });
    }
  },
});

/** Per key set: the rotation key the verifier has been seen to accept, and how many rotations were judged. */
interface RotationState {
  current?: SuiteKey;
  next: number;
  judged: number;
}
const rotationState = new WeakMap<KeySet, RotationState>();

const keyRotation = defineCheck({
  name: 'after key rotation the new kid is accepted (bounded refetch) and the removed key is rejected',
  requirements: ['VERIFY-KEY-ROTATION'],
  needs: ['keyRotation', 'm2m'],
  verifierNeeds: ['remoteJwks'],
  runsFactor: 0.03,
  arbitrary: (env: CheckEnv) => scenarioArb(env.verifier?.info),
  async predicate(s, judge, env) {
    const issued = await issueScenario(env, judge, s, ['VERIFY-KEY-ROTATION']);
    const token = issued.orgM2m ?? issued.globalM2m;
    if (!token) return;
    const fixed = fixedKeys(env);
    // A deployed API keeps its cache across runs of this check: one rotation judged per process is enough,
    // each costs up to two refresh bounds (30 s each with jose's default cool-down).
    const set = fixed ? await rootSet(env, issued.issuer) : (await mirrorOf(env)).epoch(issued.issuer, [rotationKey(0)]);
    const state: RotationState = rotationState.get(set) ?? { next: fixed ? 0 : 1, judged: 0, ...(fixed ? {} : { current: rotationKey(0) }) };
    rotationState.set(set, state);
    if (fixed && state.judged > 0) return;
    const ctx = contextFor(s, issued.issuer, set, orgOf(token) ?? s.orgA);
    const bound = refreshBoundMs(env);
    const commands: string[] = (judge.trace.commands = []);
    const expectAccepted = async (key: SuiteKey, step: string) => {
      const raw = signed(token, token.payload, key);
      const v = await presentUntilAccepted(env, raw, ctx, bound);
      commands.push(`${step}: token with kid ${key.kid} ${describeVerdict(v)}`);
      judge.trace.token = shown(raw);
      judge.check(v.accepted, 'VERIFY-KEY-ROTATION', 'ERR_REQUEST_REFUSED', () => `a token with the new kid ${key.kid} was still ${describeVerdict(v)} ${bound} ms after it was published`, {
        claim: 'kid',
        expected: 'accepted',
        actual: describeVerdict(v),
      });
    };
    if (!state.current) {
      state.current = rotationKey(state.next++);
      await set.publish([state.current]);
      commands.push(`publish kid ${state.current.kid}`);
      await expectAccepted(state.current, 'before rotation');
    } else {
      commands.push(`JWKS has kid ${state.current.kid}`);
      const v = await present(env, signed(token, token.payload, state.current), ctx);
      commands.push(`token with kid ${state.current.kid} ${describeVerdict(v)}`);
      if (!v.accepted) await expectAccepted(state.current, 'before rotation');
    }
    const old = state.current;
    const fresh = rotationKey(state.next++);
    await set.publish([fresh]);
    state.current = fresh;
    state.judged += 1;
    commands.push(`rotate: publish kid ${fresh.kid}, remove kid ${old.kid}`);
    await expectAccepted(fresh, 'after rotation');
    const staleRaw = signed(token, token.payload, old);
    const stale: Verdict = await present(env, staleRaw, ctx);
    commands.push(`token with the removed kid ${old.kid} ${describeVerdict(stale)}`);
    judge.trace.token = shown(staleRaw);
    judge.check(!stale.accepted, 'VERIFY-KEY-ROTATION', 'ERR_REQUEST_ACCEPTED', () => `a token signed by the removed key ${old.kid} was ${describeVerdict(stale)} after the verifier had fetched the rotated JWKS`, {
      claim: 'kid',
      expected: 'rejected',
      actual: describeVerdict(stale),
    });
  },
});

export const checks: Check<any>[] = [
  acceptValid,
  attackCheck('VERIFY-ALG-NONE', 'alg none (any case) and stripped signatures are rejected'),
  attackCheck('VERIFY-ALG-HMAC', 'RS256→HS* key confusion with the public key as the secret is rejected'),
  attackCheck('VERIFY-ALG-RS256', 'every algorithm but RS256 is rejected: RS384/512 and PS256/384/512 with the trusted key itself, ES*/EdDSA with published keys'),
  attackCheck('VERIFY-ALG-RS256', 'alg headers that are near misses of "RS256" are rejected, even over a valid RS256 signature', { nearMiss: true }),
  attackCheck('VERIFY-HEADER-KEY', 'keys offered by the token (jwk, jku, x5u) are never used or fetched'),
  attackCheck('VERIFY-KID', 'injected and unknown kids are rejected'),
  attackCheck('VERIFY-KID', 'a verifier that picks keys by kid compares it exactly: near misses of the trusted kid over its signature are rejected', { nearMiss: true }),
  attackCheck('VERIFY-EXP', 'expired tokens are rejected (outside the declared clock tolerance)'),
  attackCheck('VERIFY-EXP-REQUIRED', 'tokens without a numeric exp are rejected'),
  attackCheck('VERIFY-NBF', 'tokens not yet valid (nbf in the future) are rejected'),
  attackCheck('VERIFY-ISS', 'tokens without iss, with a non-string iss or another tenant\'s are rejected'),
  attackCheck('VERIFY-ISS', 'generated near misses of the issuer (edits, case, whitespace, scheme, slash, host) are rejected', { nearMiss: true }),
  attackCheck('VERIFY-AUD', 'tokens for another API, or with no or an empty audience, are rejected', { verifierNeeds: ['audience'] }),
  attackCheck('VERIFY-AUD', 'generated near misses of the audience, as a string or in an array, are rejected', { verifierNeeds: ['audience'], nearMiss: true }),
  attackCheck('VERIFY-CRIT', 'unknown crit parameters and b64=false are rejected'),
  attackCheck('VERIFY-TAMPER', 'claims changed under the original signature are rejected'),
  attackCheck('VERIFY-ENCODING', 'encoding tricks (duplicate keys, padding, extra segments) are rejected'),
  attackCheck('VERIFY-RSA-2048', 'tokens signed with an RSA key under 2048 bits are rejected'),
  attackCheck('VERIFY-BOUNDED', 'oversized tokens are rejected within a time budget', { bounded: true, runsFactor: 0.2 }),
  tokenType,
  keyRotation,
  ...modelChecks,
  ...orgChecks,
  ...requestChecks,
  ...keyChecks,
  ...statusChecks,
];
