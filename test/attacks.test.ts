/**
 * Unit level, no verifier under test: every attack mutator yields a token
 * with the property it claims, and jose configured as the reference
 * verification (RS256 pinned, iss, aud, exp required, keys from the JWKS)
 * rejects every one of them while accepting the valid token it came from.
 */
import fc from 'fast-check';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReferenceAdapter } from '../adapters/reference.js';
import { issuerOf, type Jwks } from '../adapters/types.js';
import { trustedKey, weakKey } from '../suites/lib/attack-keys.js';
import { ATTACKS, ATTACK_REQUIREMENT, buildAttack, type Attack, type AttackKit } from '../suites/lib/attacks.js';
import { scenarioArb, tenantOf } from '../suites/verifier-scenario.js';

const adapter = new ReferenceAdapter();
let kit: AttackKit;
let jwks: Jwks;
let issuer: string;
let audience: string;

const hdr = (t: string) => JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
const pay = (t: string) => JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

async function referenceVerify(token: string): Promise<boolean> {
  try {
    await jwtVerify(token, createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]), { algorithms: ['RS256'], issuer, audience, requiredClaims: ['exp'] });
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  await adapter.start();
  const s = fc.sample(scenarioArb(undefined), { seed: 42, numRuns: 1 })[0]!;
  const tenant = tenantOf(s);
  await adapter.provision(tenant);
  const r = await adapter.clientCredentials({ clientId: s.clients.orgM2m, clientSecret: `secret-${s.clients.orgM2m}`, audience: [s.audience] });
  if (!r.ok) throw new Error('issuer refused');
  issuer = issuerOf(tenant);
  audience = s.audience;
  const own = await adapter.jwks();
  jwks = { keys: [...own.keys, weakKey().publicJwk] };
  const token = r.body.access_token;
  kit = {
    token,
    trusted: await trustedKey(adapter, hdr(token).kid),
    jwks,
    otherOrg: s.orgB,
    otherAudience: s.otherAudience,
    attackerJwksUrl: 'http://127.0.0.1:9/attacker/jwks.json',
    attackerX5uUrl: 'http://127.0.0.1:9/attacker/x5u.pem',
    clockToleranceSeconds: 0,
    now: Math.floor(Date.now() / 1000),
  };
});
afterAll(() => adapter.stop());

/** The property each attack class must have, checked on the token alone. */
function intended(a: Attack, t: string): boolean {
  const segs = t.split('.');
  switch (a.kind) {
    case 'alg-none':
      return String(hdr(t).alg).toLowerCase() === 'none' && (a.signature === 'original' || segs[2] === '');
    case 'strip-signature':
      return a.form === 'two-segments' ? segs.length === 2 : segs[2] === '' || /^A+$/.test(segs[2]!);
    case 'hmac-confusion':
      return hdr(t).alg === a.alg && ('kid' in hdr(t)) === a.keepKid;
    case 'embedded-jwk':
      return typeof hdr(t).jwk === 'object';
    case 'jku':
    case 'x5u':
      return String(hdr(t)[a.kind]).startsWith('http://127.0.0.1');
    case 'kid-injection':
      return hdr(t).kid === a.kid;
    case 'unknown-kid':
      return !jwks.keys.some((k) => k.kid === hdr(t).kid);
    case 'expired':
      return Number(pay(t).exp) < kit.now;
    case 'exp-invalid':
      return a.exp === 'missing' ? !('exp' in pay(t)) : typeof pay(t).exp !== 'number';
    case 'nbf-future':
      return Number(pay(t).nbf) > kit.now;
    case 'iss':
      return pay(t).iss !== issuer;
    case 'aud': {
      const aud = pay(t).aud;
      return !(Array.isArray(aud) ? aud : [aud]).includes(audience);
    }
    case 'crit':
      return Array.isArray(hdr(t).crit) && (a.variant !== 'b64-false' || hdr(t).b64 === false);
    case 'tamper':
      return segs[2] === kit.token.split('.')[2] && JSON.stringify(pay(t)[a.claim]) !== JSON.stringify(pay(kit.token)[a.claim]);
    case 'encoding':
      return t !== kit.token && (a.variant !== 'duplicate-key' || Buffer.from(segs[1]!, 'base64url').toString().split('"org_code"').length === 3);
    case 'weak-key':
      return hdr(t).kid === weakKey().kid;
    case 'oversized':
      return t.length > a.kilobytes * 1024;
  }
}

describe('attack mutators', () => {
  it('the valid base token passes the reference verification (control)', async () => {
    expect(await referenceVerify(kit.token)).toBe(true);
  });

  for (const [requirement, arb] of Object.entries(ATTACKS)) {
    it(`${requirement}: every generated attack has its property and is rejected by the reference verification`, async () => {
      await fc.assert(
        fc.asyncProperty(arb, async (attack) => {
          expect(ATTACK_REQUIREMENT[attack.kind]).toBe(requirement);
          const t = buildAttack(attack, kit);
          expect(intended(attack, t), JSON.stringify(attack)).toBe(true);
          expect(await referenceVerify(t), JSON.stringify(attack)).toBe(false);
        }),
        { numRuns: requirement === 'VERIFY-BOUNDED' ? 5 : 40, seed: 7 },
      );
    });
  }

  it('claim attacks re-signed with the trusted key differ from a valid token only in the attacked claim', async () => {
    // Control for the trusted key: re-signing the unchanged payload verifies, so a rejection is about the claim.
    const t = buildAttack({ kind: 'tamper', claim: 'sub' }, kit);
    expect(await referenceVerify(t)).toBe(false);
    const resigned = buildAttack({ kind: 'iss', variant: 'trailing-slash' }, { ...kit });
    expect(pay(resigned).iss).toBe(`${issuer}/`);
    const { compact, b64json } = await import('../suites/lib/attack-keys.js');
    const same = compact(hdr(kit.token), b64json(pay(kit.token)), 'RS256', kit.trusted.privateKey);
    expect(await referenceVerify(same)).toBe(true);
  });
});
