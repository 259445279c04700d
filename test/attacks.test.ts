/**
 * Unit level, no verifier under test: every attack mutator yields a token
 * with the property it claims, and jose configured as the reference
 * verification (RS256 pinned, iss, aud, exp required, keys from the JWKS)
 * rejects every one of them while accepting the valid token it came from.
 * The near-miss edits change the expected value, and the valid variations
 * of a token are all accepted by the same reference verification.
 */
import fc from 'fast-check';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReferenceAdapter } from '../reference/adapter.js';
import { issuerOf, type Jwks } from '../adapters/types.js';
import { extraKeys } from '../suites/lib/attack-server.js';
import { resign, stableKey, weakKey } from '../suites/lib/attack-keys.js';
import { applyEdit, editArb, urlEditArb } from '../suites/lib/attack-near-miss.js';
import { ATTACKS, ATTACK_REQUIREMENT, NEAR_MISSES, type Attack } from '../suites/lib/attacks.js';
import { buildAttack, type AttackKit } from '../suites/lib/attack-build.js';
import { applyVariation, describeVariation, variationArb } from '../suites/lib/valid-variants.js';
import { kindeSecret, scenarioArb, tenantOf } from '../suites/verifier-scenario.js';

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
  const r = await adapter.clientCredentials({ clientId: s.clients.orgM2m, clientSecret: kindeSecret(s.clients.orgM2m), audience: [s.audience] });
  if (!r.ok) throw new Error('issuer refused');
  issuer = issuerOf(tenant);
  audience = s.audience;
  jwks = { keys: [stableKey().publicJwk, ...extraKeys().map((k) => k.publicJwk)] };
  const issued = r.body.access_token;
  const token = resign(hdr(issued), pay(issued), stableKey());
  kit = {
    token,
    trusted: stableKey(),
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
    case 'alg-swap':
      return hdr(t).alg === a.alg && hdr(t).kid === stableKey().kid;
    case 'alg-foreign':
      return hdr(t).alg === a.alg;
    case 'alg-label':
      return hdr(t).alg !== 'RS256';
    case 'kid-near-miss':
      return !jwks.keys.some((k) => k.kid === hdr(t).kid);
    case 'iss-near-miss':
      return typeof pay(t).iss === 'string' && pay(t).iss !== issuer;
    case 'aud-near-miss': {
      const aud = pay(t).aud;
      return !(Array.isArray(aud) ? aud : [aud]).includes(audience);
    }
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
      return Number(pay(t).exp) < Date.now() / 1000;
    case 'exp-invalid':
      return a.exp === 'missing' ? !('exp' in pay(t)) : typeof pay(t).exp !== 'number';
    case 'nbf-future':
      return Number(pay(t).nbf) > Date.now() / 1000;
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

  const catalogs = [
    ...Object.entries(ATTACKS).map(([r, a]) => [r, a, 'attack'] as const),
    ...Object.entries(NEAR_MISSES).map(([r, a]) => [r, a.chain((list) => fc.constantFrom(...list)), 'near miss'] as const),
  ];
  for (const [requirement, arb, what] of catalogs) {
    it(`${requirement}: every generated ${what} has its property and is rejected by the reference verification`, async () => {
      let built = 0;
      await fc.assert(
        fc.asyncProperty(arb, async (attack) => {
          expect(ATTACK_REQUIREMENT[attack.kind]).toBe(requirement);
          const t = buildAttack(attack, { ...kit, now: Math.floor(Date.now() / 1000) });
          if (t === undefined) return;
          built += 1;
          expect(intended(attack, t), JSON.stringify(attack)).toBe(true);
          expect(await referenceVerify(t), JSON.stringify(attack)).toBe(false);
        }),
        { numRuns: requirement === 'VERIFY-BOUNDED' ? 5 : 40, seed: 7 },
      );
      // An edit that cannot change the expected value builds nothing; that must stay rare.
      expect(built).toBeGreaterThanOrEqual(requirement === 'VERIFY-BOUNDED' ? 5 : 30);
    });
  }

  it('claim attacks re-signed with the trusted key differ from a valid token only in the attacked claim', async () => {
    // Control for the trusted key: re-signing the unchanged payload verifies, so a rejection is about the claim.
    const t = buildAttack({ kind: 'tamper', claim: 'sub' }, kit)!;
    expect(await referenceVerify(t)).toBe(false);
    const resigned = buildAttack({ kind: 'iss-near-miss', edit: { op: 'url', variant: 'trailing-slash' } }, { ...kit })!;
    expect(pay(resigned).iss).toBe(`${issuer}/`);
    const { compact, b64json } = await import('../suites/lib/attack-keys.js');
    const same = compact(hdr(kit.token), b64json(pay(kit.token)), 'RS256', kit.trusted.privateKey);
    expect(await referenceVerify(same)).toBe(true);
  });

  it('alg swaps are real signatures under the swapped algorithm with the trusted key (jose verifies them when allowed)', async () => {
    const { createPublicKey } = await import('node:crypto');
    for (const alg of ['RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const) {
      const t = buildAttack({ kind: 'alg-swap', alg }, kit)!;
      const key = createPublicKey({ key: stableKey().publicJwk as import('node:crypto').JsonWebKey, format: 'jwk' });
      await expect(jwtVerify(t, key, { algorithms: [alg] })).resolves.toBeDefined();
      expect(await referenceVerify(t)).toBe(false);
    }
    for (const alg of ['ES256', 'ES384', 'ES512', 'EdDSA'] as const) {
      const t = buildAttack({ kind: 'alg-foreign', alg, kid: 'own' }, kit)!;
      await expect(jwtVerify(t, createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]), { algorithms: [alg] })).resolves.toBeDefined();
    }
  });
});

describe('near misses', () => {
  it('every edit either changes the value or says it cannot (never returns the expected value)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constant('org_0123456789a'), fc.constant('ktc-stable-2048'), fc.string({ maxLength: 12 })), urlEditArb, (expected, edit) => {
        const near = applyEdit(expected, edit);
        if (near !== undefined) expect(near).not.toBe(expected);
      }),
      { numRuns: 500, seed: 3 },
    );
  });

  it('edits reach every class independently built comparisons fail on', () => {
    const expected = 'https://acme.kinde.com';
    const seen = new Set<string>();
    for (const edit of fc.sample(urlEditArb, { numRuns: 600, seed: 5 })) {
      const near = applyEdit(expected, edit);
      if (near === undefined) continue;
      if (near.startsWith(expected)) seen.add('prefix');
      if (near.endsWith(expected)) seen.add('suffix');
      if (near.length > 0 && expected.includes(near)) seen.add('contained');
      if (near.toLowerCase() === expected.toLowerCase()) seen.add('case');
      if (near.trim() === expected) seen.add('trim');
      if (near.normalize('NFKC') === expected) seen.add('nfkc');
      if (URL.canParse(near) && new URL(near).href === new URL(expected).href) seen.add('url');
    }
    expect([...seen].sort()).toEqual(['case', 'contained', 'nfkc', 'prefix', 'suffix', 'trim', 'url']);
    expect(fc.sample(editArb, { numRuns: 50, seed: 1 }).length).toBe(50);
  });
});

describe('valid variations', () => {
  it('every generated valid shape of the token is accepted by the reference verification', async () => {
    await fc.assert(
      fc.asyncProperty(variationArb, async (v) => {
        const payload = applyVariation(pay(kit.token) as never, v, audience, Math.floor(Date.now() / 1000));
        const t = resign(hdr(kit.token), payload, stableKey());
        expect(await referenceVerify(t), describeVariation(v)).toBe(true);
      }),
      { numRuns: 60, seed: 9 },
    );
  });
});
