/**
 * The attack catalog (anchors §6: RFC 8725, jwt_tool) as fast-check
 * mutators over a valid token. An attack is plain data (so fast-check shrinks
 * it to the smallest malicious variant); `buildAttack` turns it plus the valid
 * token into the malicious compact JWS. Each class names the requirement a
 * verifier breaks by accepting it.
 */
import { createPublicKey } from 'node:crypto';
import fc from 'fast-check';
import type { Jwk } from '../../adapters/types.js';
import { attackerKey, b64json, b64url, compact, signSegment, weakKey, type RsaKey } from './attack-keys.js';

export type Attack =
  | { kind: 'alg-none'; alg: string; signature: 'empty' | 'original' }
  | { kind: 'strip-signature'; form: 'empty' | 'two-segments' | 'zeroed' }
  | { kind: 'hmac-confusion'; alg: 'HS256' | 'HS384' | 'HS512'; secret: 'spki-pem' | 'pkcs1-pem' | 'jwk-json' | 'modulus' | 'empty'; keepKid: boolean }
  | { kind: 'embedded-jwk'; keepKid: boolean }
  | { kind: 'jku' | 'x5u'; keepKid: boolean }
  | { kind: 'kid-injection'; kid: string; sign: 'hs-empty' | 'attacker-rsa' }
  | { kind: 'unknown-kid'; kid: string }
  | { kind: 'expired'; secondsAgo: number }
  | { kind: 'exp-invalid'; exp: 'missing' | 'string' | 'string-number' | 'null' | 'boolean' | 'array' | 'object' }
  | { kind: 'nbf-future'; secondsAhead: number }
  | { kind: 'iss'; variant: 'trailing-slash' | 'uppercase' | 'http' | 'other-tenant' | 'suffix-path' | 'host-suffix' | 'missing' | 'array' }
  | { kind: 'aud'; variant: 'missing' | 'other-api' | 'empty-array' | 'other-string' | 'prefix' | 'case' }
  | { kind: 'crit'; variant: 'unknown' | 'b64-false' }
  | { kind: 'tamper'; claim: 'sub' | 'org_code' | 'permissions' | 'feature_flags' | 'exp' | 'scp' }
  | { kind: 'encoding'; variant: 'duplicate-key' | 'extra-segment' | 'five-segments' | 'pad-payload' | 'whitespace-payload' | 'dot-suffix' }
  | { kind: 'weak-key' }
  | { kind: 'oversized'; kilobytes: number };

export type AttackKind = Attack['kind'];

/** The requirement a verifier violates by accepting each attack class. */
export const ATTACK_REQUIREMENT: Record<AttackKind, string> = {
  'alg-none': 'VERIFY-ALG-NONE',
  'strip-signature': 'VERIFY-ALG-NONE',
  'hmac-confusion': 'VERIFY-ALG-HMAC',
  'embedded-jwk': 'VERIFY-HEADER-KEY',
  jku: 'VERIFY-HEADER-KEY',
  x5u: 'VERIFY-HEADER-KEY',
  'kid-injection': 'VERIFY-KID',
  'unknown-kid': 'VERIFY-KID',
  expired: 'VERIFY-EXP',
  'exp-invalid': 'VERIFY-EXP-REQUIRED',
  'nbf-future': 'VERIFY-NBF',
  iss: 'VERIFY-ISS',
  aud: 'VERIFY-AUD',
  crit: 'VERIFY-CRIT',
  tamper: 'VERIFY-TAMPER',
  encoding: 'VERIFY-ENCODING',
  'weak-key': 'VERIFY-RSA-2048',
  oversized: 'VERIFY-BOUNDED',
};

/** What building an attack may use besides the valid token. */
export interface AttackKit {
  /** The valid token the attack starts from. */
  token: string;
  /** The key that really signed it (or a key the verifier trusts equally). */
  trusted: RsaKey;
  /** The environment's published keys (HMAC-confusion secrets are derived from them). */
  jwks: { keys: Jwk[] };
  /** Another organization / tenant / API of the same generated environment. */
  otherOrg: string;
  otherAudience: string;
  attackerJwksUrl: string;
  attackerX5uUrl: string;
  /** Seconds the verifier may tolerate on exp/nbf; time attacks land outside it. */
  clockToleranceSeconds: number;
  now: number;
}

const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);

export const ATTACKS: Record<string, fc.Arbitrary<Attack>> = {
  'VERIFY-ALG-NONE': fc.oneof(
    fc.record({
      kind: fc.constant('alg-none' as const),
      alg: fc.oneof(pick('none', 'None', 'NONE', 'nOnE'), fc.mixedCase(fc.constant('none'))),
      signature: pick('empty' as const, 'original' as const),
    }),
    fc.record({ kind: fc.constant('strip-signature' as const), form: pick('empty' as const, 'two-segments' as const, 'zeroed' as const) }),
  ),
  'VERIFY-ALG-HMAC': fc.record({
    kind: fc.constant('hmac-confusion' as const),
    alg: pick('HS256' as const, 'HS384' as const, 'HS512' as const),
    secret: pick('spki-pem' as const, 'pkcs1-pem' as const, 'jwk-json' as const, 'modulus' as const, 'empty' as const),
    keepKid: fc.boolean(),
  }),
  'VERIFY-HEADER-KEY': fc.record({ kind: pick('embedded-jwk' as const, 'jku' as const, 'x5u' as const), keepKid: fc.boolean() }),
  'VERIFY-KID': fc.oneof(
    fc.record({
      kind: fc.constant('kid-injection' as const),
      kid: pick('../../../../../../dev/null', '/dev/null', "' UNION SELECT 'attacker", "x' OR '1'='1", '/invalid_path', '|sleep 1', '../../../../etc/passwd', ''),
      sign: pick('hs-empty' as const, 'attacker-rsa' as const),
    }),
    fc.record({ kind: fc.constant('unknown-kid' as const), kid: fc.string({ minLength: 1, maxLength: 24 }) }),
  ),
  'VERIFY-EXP': fc.record({ kind: fc.constant('expired' as const), secondsAgo: fc.oneof(fc.integer({ min: 2, max: 120 }), fc.integer({ min: 121, max: 10_000_000 })) }),
  'VERIFY-EXP-REQUIRED': fc.record({
    kind: fc.constant('exp-invalid' as const),
    exp: pick('missing' as const, 'string' as const, 'string-number' as const, 'null' as const, 'boolean' as const, 'array' as const, 'object' as const),
  }),
  'VERIFY-NBF': fc.record({ kind: fc.constant('nbf-future' as const), secondsAhead: fc.oneof(fc.integer({ min: 3, max: 120 }), fc.integer({ min: 121, max: 10_000_000 })) }),
  'VERIFY-ISS': fc.record({
    kind: fc.constant('iss' as const),
    variant: pick('trailing-slash' as const, 'uppercase' as const, 'http' as const, 'other-tenant' as const, 'suffix-path' as const, 'host-suffix' as const, 'missing' as const, 'array' as const),
  }),
  'VERIFY-AUD': fc.record({
    kind: fc.constant('aud' as const),
    variant: pick('missing' as const, 'other-api' as const, 'empty-array' as const, 'other-string' as const, 'prefix' as const, 'case' as const),
  }),
  'VERIFY-CRIT': fc.record({ kind: fc.constant('crit' as const), variant: pick('unknown' as const, 'b64-false' as const) }),
  'VERIFY-TAMPER': fc.record({ kind: fc.constant('tamper' as const), claim: pick('sub' as const, 'org_code' as const, 'permissions' as const, 'feature_flags' as const, 'exp' as const, 'scp' as const) }),
  'VERIFY-ENCODING': fc.record({
    kind: fc.constant('encoding' as const),
    variant: pick('duplicate-key' as const, 'extra-segment' as const, 'five-segments' as const, 'pad-payload' as const, 'whitespace-payload' as const, 'dot-suffix' as const),
  }),
  'VERIFY-RSA-2048': fc.constant({ kind: 'weak-key' as const }),
  'VERIFY-BOUNDED': fc.record({ kind: fc.constant('oversized' as const), kilobytes: fc.integer({ min: 64, max: 2048 }) }),
};

function parts(token: string): { header: Record<string, unknown>; payload: Record<string, unknown>; segments: string[] } {
  const segments = token.split('.');
  return {
    header: JSON.parse(Buffer.from(segments[0]!, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(segments[1]!, 'base64url').toString('utf8')) as Record<string, unknown>,
    segments,
  };
}

function hmacSecret(kind: Extract<Attack, { kind: 'hmac-confusion' }>['secret'], jwk: Jwk | undefined): Buffer {
  if (!jwk || kind === 'empty') return Buffer.alloc(0);
  const key = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  switch (kind) {
    case 'spki-pem':
      return Buffer.from(key.export({ type: 'spki', format: 'pem' }) as string);
    case 'pkcs1-pem':
      return Buffer.from(key.export({ type: 'pkcs1', format: 'pem' }) as string);
    case 'jwk-json':
      return Buffer.from(JSON.stringify(jwk));
    case 'modulus':
      return Buffer.from(jwk.n ?? '', 'base64url');
  }
}

/** The malicious token for `attack`, derived from the valid `kit.token`. */
export function buildAttack(attack: Attack, kit: AttackKit): string {
  const { header, payload, segments } = parts(kit.token);
  const [h, p, s] = segments as [string, string, string];
  const resign = (hdr: Record<string, unknown>, pl: Record<string, unknown>) => compact(hdr, b64json(pl), 'RS256', kit.trusted.privateKey);
  const kid = header.kid;
  switch (attack.kind) {
    case 'alg-none': {
      const hdr = b64json({ ...header, alg: attack.alg });
      return `${hdr}.${p}.${attack.signature === 'empty' ? '' : s}`;
    }
    case 'strip-signature':
      return attack.form === 'empty' ? `${h}.${p}.` : attack.form === 'two-segments' ? `${h}.${p}` : `${h}.${p}.${b64url(Buffer.alloc(256))}`;
    case 'hmac-confusion': {
      const jwk = kit.jwks.keys.find((k) => k.kid === kid) ?? kit.jwks.keys[0];
      const hdr: Record<string, unknown> = { ...header, alg: attack.alg };
      if (!attack.keepKid) delete hdr.kid;
      return compact(hdr, p, attack.alg, hmacSecret(attack.secret, jwk));
    }
    case 'embedded-jwk': {
      const a = attackerKey();
      return compact({ ...header, kid: attack.keepKid ? kid : a.kid, jwk: a.publicJwk }, p, 'RS256', a.privateKey);
    }
    case 'jku':
    case 'x5u': {
      const a = attackerKey();
      const url = attack.kind === 'jku' ? kit.attackerJwksUrl : kit.attackerX5uUrl;
      return compact({ ...header, kid: attack.keepKid ? kid : a.kid, [attack.kind]: url }, p, 'RS256', a.privateKey);
    }
    case 'kid-injection':
      return attack.sign === 'hs-empty'
        ? compact({ ...header, alg: 'HS256', kid: attack.kid }, p, 'HS256', Buffer.alloc(0))
        : compact({ ...header, kid: attack.kid }, p, 'RS256', attackerKey().privateKey);
    case 'unknown-kid':
      return compact({ ...header, kid: `unknown-${attack.kid}` }, p, 'RS256', attackerKey().privateKey);
    case 'expired': {
      const exp = kit.now - kit.clockToleranceSeconds - attack.secondsAgo;
      return resign(header, { ...payload, exp, iat: Math.min(Number(payload.iat) || exp - 60, exp - 60) });
    }
    case 'exp-invalid': {
      const pl = { ...payload };
      const exp = Number(payload.exp);
      const values = { string: 'never', 'string-number': String(exp), null: null, boolean: true, array: [exp], object: { value: exp } } as const;
      if (attack.exp === 'missing') delete pl.exp;
      else pl.exp = values[attack.exp];
      return resign(header, pl);
    }
    case 'nbf-future':
      return resign(header, { ...payload, nbf: kit.now + kit.clockToleranceSeconds + attack.secondsAhead });
    case 'iss': {
      const iss = String(payload.iss);
      const host = new URL(iss).host;
      const variants = {
        'trailing-slash': `${iss}/`,
        uppercase: iss.toUpperCase(),
        http: iss.replace(/^https:/, 'http:'),
        'other-tenant': `https://x${host}`,
        'suffix-path': `${iss}/evil`,
        'host-suffix': `${iss}.attacker.test`,
        missing: undefined,
        array: [iss],
      };
      const pl = { ...payload, iss: variants[attack.variant] };
      if (attack.variant === 'missing') delete pl.iss;
      return resign(header, pl);
    }
    case 'aud': {
      const aud = Array.isArray(payload.aud) ? (payload.aud as string[]) : [String(payload.aud)];
      const first = aud[0] ?? '';
      const variants = {
        missing: undefined,
        'other-api': [kit.otherAudience],
        'empty-array': [],
        'other-string': kit.otherAudience,
        prefix: [first.slice(0, -1)],
        case: [first.toUpperCase() === first ? first.toLowerCase() : first.toUpperCase()],
      };
      const pl = { ...payload, aud: variants[attack.variant] };
      if (attack.variant === 'missing') delete pl.aud;
      return resign(header, pl);
    }
    case 'crit': {
      if (attack.variant === 'unknown') return resign({ ...header, crit: ['x-ktc-unknown'], 'x-ktc-unknown': true }, payload);
      // RFC 7797: with b64=false the signing input is the payload as is; here it is the
      // same base64url text, so a verifier that ignores b64 reads valid-looking claims.
      return compact({ ...header, b64: false, crit: ['b64'] }, p, 'RS256', kit.trusted.privateKey);
    }
    case 'tamper': {
      const pl = { ...payload };
      switch (attack.claim) {
        case 'sub':
          pl.sub = `${String(payload.sub ?? 'kp_')}0`;
          break;
        case 'org_code':
          pl.org_code = kit.otherOrg;
          break;
        case 'permissions':
          pl.permissions = [...((payload.permissions as string[] | undefined) ?? []), 'delete:everything'];
          break;
        case 'feature_flags':
          pl.feature_flags = { ...((payload.feature_flags as object | undefined) ?? {}), is_admin: { t: 'b', v: true } };
          break;
        case 'exp':
          pl.exp = Number(payload.exp) + 365 * 86_400;
          break;
        case 'scp':
          pl.scp = [...((payload.scp as string[] | undefined) ?? []), 'admin'];
          break;
      }
      return `${h}.${b64json(pl)}.${s}`;
    }
    case 'encoding': {
      switch (attack.variant) {
        case 'duplicate-key': {
          // Same claims, then a duplicate org_code naming another org; the signature is the original one.
          const json = JSON.stringify(payload).replace(/}$/, `,"org_code":${JSON.stringify(kit.otherOrg)}}`);
          return `${h}.${b64url(json)}.${s}`;
        }
        case 'extra-segment':
          return `${h}.${p}.${s}.${p}`;
        case 'five-segments':
          return `${h}.${p}.${s}.${h}.${p}`;
        case 'pad-payload':
          // base64 padding changes the signed bytes; a verifier must check the segments exactly as sent.
          return `${h}.${p}=.${s}`;
        case 'whitespace-payload':
          return `${h}.${b64url(` ${JSON.stringify(payload)} `)}.${s}`;
        case 'dot-suffix':
          return `${h}.${p}.${s}.`;
      }
      break;
    }
    case 'weak-key': {
      const w = weakKey();
      return compact({ ...header, kid: w.kid }, p, 'RS256', w.privateKey);
    }
    case 'oversized': {
      // Tampered under the original signature, so a correct verifier must reject it, and quickly.
      const pad = 'x'.repeat(attack.kilobytes * 1024);
      return `${h}.${b64json({ ...payload, padding: pad })}.${s}`;
    }
  }
  throw new Error(`unhandled attack ${JSON.stringify(attack)}`);
}

/** Signs `signingInput` like the issuer would; exported for tests that need a control. */
export { signSegment };
