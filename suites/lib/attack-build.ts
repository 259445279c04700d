/**
 * Turns an attack (plain data, attacks.ts) plus a valid token into the
 * malicious compact JWS. The valid token is signed by `kit.trusted`, a key of
 * the JWKS the verifier fetched; claim and header attacks are re-signed with
 * that same key, so the attacked value is the only difference.
 */
import { createPublicKey } from 'node:crypto';
import type { Jwk } from '../../adapters/types.js';
import { applyEdit } from './attack-near-miss.js';
import { attackerKey, b64json, b64url, compact, foreignKeyFor, weakKey, type SuiteKey } from './attack-keys.js';
import type { Attack } from './attacks.js';

/** What building an attack may use besides the valid token. */
export interface AttackKit {
  /** The valid token the attack starts from, signed by `trusted`. */
  token: string;
  /** The key that signed it, published in the JWKS the verifier uses. */
  trusted: SuiteKey;
  /** The environment's published keys (HMAC-confusion secrets are derived from them). */
  jwks: { keys: Jwk[] };
  /** Another organization / API of the same generated environment. */
  otherOrg: string;
  otherAudience: string;
  attackerJwksUrl: string;
  attackerX5uUrl: string;
  /** Seconds the verifier may tolerate on exp/nbf; time attacks land outside it. */
  clockToleranceSeconds: number;
  now: number;
}

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

function audList(aud: unknown): string[] {
  return Array.isArray(aud) ? aud.map(String) : aud === undefined ? [] : [String(aud)];
}

/**
 * The malicious token for `attack`, derived from the valid `kit.token`; undefined when a
 * generated near miss cannot change the expected value (nothing to judge in that run).
 */
export function buildAttack(attack: Attack, kit: AttackKit): string | undefined {
  const { header, payload, segments } = parts(kit.token);
  const [h, p, s] = segments as [string, string, string];
  const trusted = kit.trusted;
  const resign = (hdr: Record<string, unknown>, pl: Record<string, unknown>) => compact(hdr, b64json(pl), 'RS256', trusted.privateKey);
  const kid = header.kid;
  switch (attack.kind) {
    case 'alg-none': {
      const hdr = b64json({ ...header, alg: attack.alg });
      return `${hdr}.${p}.${attack.signature === 'empty' ? '' : s}`;
    }
    case 'strip-signature':
      return attack.form === 'empty' ? `${h}.${p}.` : attack.form === 'two-segments' ? `${h}.${p}` : `${h}.${p}.${b64url(Buffer.alloc(256))}`;
    case 'hmac-confusion': {
      const jwk = kit.jwks.keys.find((k) => k.kid === kid) ?? trusted.publicJwk;
      const hdr: Record<string, unknown> = { ...header, alg: attack.alg };
      if (!attack.keepKid) delete hdr.kid;
      return compact(hdr, p, attack.alg, hmacSecret(attack.secret, jwk));
    }
    case 'alg-swap':
      return compact({ ...header, alg: attack.alg }, p, attack.alg, trusted.privateKey);
    case 'alg-foreign': {
      const k = foreignKeyFor(attack.alg);
      return compact({ ...header, alg: attack.alg, kid: attack.kid === 'own' ? k.kid : kid }, p, attack.alg, k.privateKey);
    }
    case 'alg-label': {
      const alg = applyEdit('RS256', attack.edit);
      return alg === undefined ? undefined : compact({ ...header, alg }, p, 'RS256', trusted.privateKey);
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
    case 'kid-near-miss': {
      const near = applyEdit(String(kid ?? ''), attack.edit);
      if (near === undefined || kit.jwks.keys.some((k) => k.kid === near)) return undefined;
      return compact({ ...header, kid: near }, p, 'RS256', trusted.privateKey);
    }
    case 'expired': {
      // The latest whole second strictly before this instant: a verifier with a millisecond clock
      // is past exp too, even when the token is built on a second boundary and verified at once.
      const before = Math.min(kit.now, Math.ceil(Date.now() / 1000) - 1);
      const exp = before - kit.clockToleranceSeconds - attack.secondsAgo;
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
      const pl: Record<string, unknown> = { ...payload };
      const variants = { array: [iss], null: null, number: 1, empty: '', 'other-tenant': iss.replace(/^https:\/\/[^.]+/, (m) => `${m}x`) };
      if (attack.variant === 'missing') delete pl.iss;
      else pl.iss = variants[attack.variant];
      return resign(header, pl);
    }
    case 'iss-near-miss': {
      const near = applyEdit(String(payload.iss), attack.edit);
      return near === undefined ? undefined : resign(header, { ...payload, iss: near });
    }
    case 'aud': {
      const pl: Record<string, unknown> = { ...payload };
      const variants = { 'other-api': [kit.otherAudience], 'empty-array': [], 'other-string': kit.otherAudience, null: null, 'empty-string': '', object: { [audList(payload.aud)[0] ?? 'api']: true } };
      if (attack.variant === 'missing') delete pl.aud;
      else pl.aud = variants[attack.variant];
      return resign(header, pl);
    }
    case 'aud-near-miss': {
      const expected = audList(payload.aud);
      const first = expected[0];
      if (first === undefined) return undefined;
      const near = applyEdit(first, attack.edit);
      if (near === undefined || expected.includes(near)) return undefined;
      const aud = { string: near, array: [near], 'array-with-other': [kit.otherAudience, near], 'nested-array': [[first]] }[attack.shape];
      return resign(header, { ...payload, aud });
    }
    case 'crit': {
      if (attack.variant === 'unknown') return resign({ ...header, crit: ['x-ktc-unknown'], 'x-ktc-unknown': true }, payload);
      // RFC 7797: with b64=false the signing input is the payload as is; here it is the
      // same base64url text, so a verifier that ignores b64 reads valid-looking claims.
      return compact({ ...header, b64: false, crit: ['b64'] }, p, 'RS256', trusted.privateKey);
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
