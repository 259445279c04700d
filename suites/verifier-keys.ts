/**
 * The JWKS as a real issuer serves it: several keys, in no particular order.
 * RFC 7517 §5: "the order of the JWK values within the array does not imply
 * an order of preference among them". A verifier that always verifies with
 * the first key (issue 18: Kinde's kinde-node-auth-utils does) refuses every
 * valid token as soon as another key is listed first; one that ignores `kid`
 * and tries every key (RFC 7515 §4.1.4: kid is a hint) accepts them all.
 *
 * Each run serves the same valid token's key set twice, under URLs of their
 * own (a new URL is a new cache in the verifier): once with a decoy RSA key
 * first and the signing key second, once in a generated order of the signing
 * key, 1–3 decoys and the published EC/Ed25519/weak keys.
 */
import fc from 'fast-check';
import type { Jwk } from '../adapters/types.js';
import { defineCheck, type Check, type CheckEnv } from './lib/check.js';
import { decoyKey, stableKey } from './lib/attack-keys.js';
import { contextFor, describeVerdict, fixedKeys, mirror, present, shown, signed, verifierOf } from './verifier-lib.js';
import { issueScenario, scenarioArb } from './verifier-scenario.js';

export interface Layout {
  decoys: number;
  /** Sort weights for the served keys (signing key, decoys, extra keys), by index. */
  weights: number[];
}

export const layoutArb: fc.Arbitrary<Layout> = fc.record({ decoys: fc.integer({ min: 1, max: 3 }), weights: fc.array(fc.nat(1_000), { minLength: 12, maxLength: 12 }) });

/** The generated order: keys sorted by their weight (ties keep the served order). */
export function arrangeBy(weights: number[]): (keys: Jwk[]) => Jwk[] {
  return (keys) =>
    keys
      .map((k, i) => ({ k, w: weights[i % weights.length]!, i }))
      .sort((a, b) => a.w - b.w || a.i - b.i)
      .map((x) => x.k);
}

/** A decoy first, the signing key second, the rest as served. */
export const decoyFirst = (signingKid: string) => (keys: Jwk[]): Jwk[] => {
  const signing = keys.filter((k) => k.kid === signingKid);
  const decoy = keys.filter((k) => k.kid?.startsWith('ktc-decoy')).slice(0, 1);
  return [...decoy, ...signing, ...keys.filter((k) => !signing.includes(k) && !decoy.includes(k))];
};

const keyOrder = defineCheck({
  name: 'a valid token is accepted whatever the position of its key in a JWKS of several keys',
  requirements: ['VERIFY-JWKS-KEY-ORDER'],
  needs: [],
  verifierNeeds: ['remoteJwks'],
  notApplicable: (env: CheckEnv) =>
    fixedKeys(env) ? 'the API was configured with one JWKS URL, whose order the suite keeps for the whole run (the signing key first); key sets of their own need a verifier handed a URL per request' : undefined,
  arbitrary: (env: CheckEnv) => fc.record({ s: scenarioArb(env.verifier?.info), base: fc.constantFrom<'m2m' | 'access'>('m2m', 'access'), layout: layoutArb }),
  async predicate({ s, base, layout }, judge, env) {
    const issued = await issueScenario(env, judge, s, ['VERIFY-JWKS-KEY-ORDER']);
    const token = base === 'access' ? issued.access ?? issued.orgM2m : issued.orgM2m ?? issued.access;
    if (!token) return;
    const org = typeof token.payload.org_code === 'string' ? token.payload.org_code : undefined;
    if (org === undefined && verifierOf(env).info.capabilities.orgEnforcement) return;
    const signer = stableKey();
    const keys = [signer, ...Array.from({ length: layout.decoys }, (_, i) => decoyKey(i))];
    const raw = signed(token, token.payload, signer);
    const m = await mirror(env);
    for (const [how, arrange] of [
      ['a decoy RSA key first, the signing key second', decoyFirst(signer.kid)],
      ['a generated order', arrangeBy(layout.weights)],
    ] as const) {
      const set = m.epoch(issued.issuer, keys, arrange);
      const served = set.jwks().keys.map((k) => k.kid ?? '?');
      judge.trace.token = shown(raw);
      judge.trace.request = { jwks: served, signingKid: signer.kid, position: served.indexOf(signer.kid), layout: how };
      const v = await present(env, raw, contextFor(s, issued.issuer, set, org));
      judge.check(v.accepted, 'VERIFY-JWKS-KEY-ORDER', 'ERR_REQUEST_REFUSED', () => `a valid token signed by ${signer.kid}, served at position ${served.indexOf(signer.kid) + 1} of ${served.length} in the JWKS (${how}: ${served.join(', ')}), was ${describeVerdict(v)}`, {
        claim: 'kid',
        expected: 'accepted',
        actual: describeVerdict(v),
      });
    }
  },
});

export const checks: Check<any>[] = [keyOrder];
