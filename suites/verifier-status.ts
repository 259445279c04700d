/**
 * The status of a refusal, for every class of invalid token: an API answering
 * over HTTP refuses an invalid bearer token (signature, key, alg, times, iss,
 * aud, crit, encoding, key size) with 401, as the M2M tutorial's middleware does
 * ("Invalid or expired token") and RFC 6750 §3.1 says (invalid_token); 403 is
 * the answer to a valid token without access to the org (verifier-org.ts).
 * Each run presents one attack of every class; an accepted attack is judged by
 * its own requirement (verifier.ts), not here. Oversized tokens are left out: a
 * server may refuse the request before reading the token (431).
 */
import fc from 'fast-check';
import type { JsonObject } from '../adapters/types.js';
import { defineCheck, type Check } from './lib/check.js';
import { stableKey } from './lib/attack-keys.js';
import { ATTACK_REQUIREMENT, ATTACKS, NEAR_MISS_ONE, type Attack } from './lib/attacks.js';
import { buildAttack } from './lib/attack-build.js';
import { contextFor, describeVerdict, mirror, present, requireAccepted, rootSet, shown, signed, verifierOf } from './verifier-lib.js';
import { issueScenario, scenarioArb, type IssuedSet, type VerifierScenario } from './verifier-scenario.js';
import type { Decoded } from './lib/tokens.js';

/** Attack classes whose refusal must be 401: all but oversized tokens; a tampered org_code is left to the org checks' order. */
const CLASSES: fc.Arbitrary<Attack>[] = [
  ...Object.entries(ATTACKS)
    .filter(([id]) => id !== 'VERIFY-BOUNDED')
    .map(([, arb]) => arb.filter((a) => !(a.kind === 'tamper' && a.claim === 'org_code'))),
  ...Object.values(NEAR_MISS_ONE),
];

/**
 * RFC 6750 §2.1's b64token. A token outside it (padding inside a segment) makes the request itself malformed,
 * which §3.1 allows to answer 400 invalid_request as well as 401 invalid_token.
 */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** One attack of every class. */
export const invalidBatteryArb: fc.Arbitrary<Attack[]> = fc.tuple(...CLASSES);

type Base = 'm2m' | 'access';

/** The valid token the attacks start from; behind an org route only a token with an org_code is valid. */
function baseFor(issued: IssuedSet, base: Base, orgRoute: boolean): Decoded | undefined {
  const hasOrg = (t: Decoded | undefined) => t !== undefined && typeof t.payload.org_code === 'string';
  const order = base === 'access' ? [issued.access, issued.orgM2m, issued.globalM2m] : [issued.orgM2m, issued.globalM2m, issued.access];
  return orgRoute ? order.find(hasOrg) : order.find((t) => t !== undefined);
}

const invalid401: Check<{ s: VerifierScenario; base: Base; attacks: Attack[] }> = defineCheck({
  name: 'every invalid token (bad signature, key or alg, expired, wrong iss or aud, malformed) is refused with 401, not 403',
  requirements: ['VERIFY-INVALID-401'],
  needs: [],
  verifierNeeds: ['httpRequest'],
  runsFactor: 0.5,
  arbitrary: (env) => fc.record({ s: scenarioArb(env.verifier?.info), base: fc.constantFrom<Base>('m2m', 'access'), attacks: invalidBatteryArb }),
  async predicate({ s, base, attacks }, judge, env) {
    const issued = await issueScenario(env, judge, s, ['VERIFY-INVALID-401']);
    const info = verifierOf(env).info;
    const token = baseFor(issued, base, info.capabilities.orgEnforcement);
    if (!token) return;
    const org = typeof token.payload.org_code === 'string' ? token.payload.org_code : s.orgA;
    const set = await rootSet(env, issued.issuer);
    const ctx = contextFor(s, issued.issuer, set, org);
    const valid = signed(token);
    // A refusal's status means something only when the same token, valid, is accepted.
    await requireAccepted(env, valid, ctx);
    const m = await mirror(env);
    for (const attack of attacks) {
      const raw = buildAttack(attack, {
        token: valid,
        trusted: stableKey(),
        jwks: ctx.jwks,
        otherOrg: s.orgB,
        otherAudience: s.otherAudience,
        attackerJwksUrl: m.attackerJwksUrl,
        attackerX5uUrl: m.attackerX5uUrl,
        clockToleranceSeconds: info.clockToleranceSeconds ?? 0,
        now: Math.floor(Date.now() / 1000),
      });
      if (raw === undefined) continue;
      const v = await present(env, raw, ctx);
      // Accepting it is judged by the attack's own requirement; a refusal without a status has nothing to judge.
      if (v.accepted || v.status === undefined) continue;
      judge.trace.token = shown(raw);
      judge.trace.request = { attack: attack as unknown as JsonObject, invalidBy: ATTACK_REQUIREMENT[attack.kind], baseToken: base, route: ctx.orgCode ?? null };
      const syntax = B64TOKEN.test(raw);
      judge.check(v.status === 401 || (!syntax && v.status === 400), 'VERIFY-INVALID-401', 'ERR_RESPONSE_INVALID', () => `an invalid token (${attack.kind}, see ${ATTACK_REQUIREMENT[attack.kind]}) was ${describeVerdict(v)}; an invalid token is answered 401 ("Invalid or expired token"; RFC 6750 §3.1 invalid_token), 403 only to a valid token without access`, {
        expected: syntax ? 401 : '401 (or 400: not b64token syntax)',
        actual: v.status,
      });
    }
  },
});

export const checks: Check<any>[] = [invalid401];
