/**
 * Keys the attacker and the suite sign with. The "trusted" key is the
 * issuer's real signing key when the issuer is the in-process reference (so
 * a claim attack differs from a valid token only in that claim); for any other
 * issuer the suite publishes a key of its own in the JWKS it serves and signs
 * with that, which the verifier trusts for the same reason it trusts the
 * issuer's: it is in the environment's JWKS.
 */
import { createHmac, createSign, generateKeyPairSync, KeyObject, randomBytes } from 'node:crypto';
import { ReferenceAdapter } from '../../adapters/reference.js';
import type { Adapter, JsonObject, Jwk } from '../../adapters/types.js';
import { sharedKey } from '../../reference/keys.js';

export interface RsaKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: Jwk;
}

function rsaKey(kidPrefix: string, modulusLength: number): RsaKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength });
  const jwk = publicKey.export({ format: 'jwk' });
  const kid = `${kidPrefix}-${randomBytes(6).toString('hex')}`;
  return { kid, privateKey, publicJwk: { kty: 'RSA', n: jwk.n!, e: jwk.e!, kid, alg: 'RS256', use: 'sig' } };
}

let attacker: RsaKey | undefined;
let weak: RsaKey | undefined;
let suite: RsaKey | undefined;

/** A 2048-bit key nobody trusts. */
export function attackerKey(): RsaKey {
  return (attacker ??= rsaKey('attacker', 2048));
}
/** A 1024-bit key the suite publishes in the served JWKS (RFC 8725 §3.5 / jose "2048 bits or larger"). */
export function weakKey(): RsaKey {
  return (weak ??= rsaKey('weak1024', 1024));
}
/** The suite's own trusted key, published in the served JWKS for issuers other than the reference. */
export function suiteKey(): RsaKey {
  return (suite ??= rsaKey('ktc-suite', 2048));
}

/** The key that signs tokens for `kid`: the reference issuer's real one, else the suite key. */
export async function trustedKey(adapter: Adapter, kid: unknown): Promise<RsaKey> {
  if (adapter instanceof ReferenceAdapter && typeof kid === 'string') {
    // The reference issuer signs with sharedKey(generation); its JWKS names the kid. Generations are few.
    for (let i = 0; i < 256; i++) {
      const k = await sharedKey(i);
      if (k.kid === kid) return { kid, privateKey: KeyObject.from(k.privateKey), publicJwk: k.publicJwk };
    }
  }
  return suiteKey();
}

export const b64url = (s: string | Buffer): string => Buffer.from(s).toString('base64url');
export const b64json = (o: JsonObject | Record<string, unknown>): string => b64url(JSON.stringify(o));

/** RS256 or HS* signature over `signingInput`, base64url. */
export function signSegment(signingInput: string, alg: string, key: KeyObject | string | Buffer): string {
  if (alg.startsWith('HS')) {
    return createHmac(`sha${alg.slice(2)}`, key as string | Buffer).update(signingInput).digest('base64url');
  }
  return createSign('RSA-SHA256').update(signingInput).sign(key as KeyObject).toString('base64url');
}

/** A compact JWS from a header object and an already-encoded payload segment. */
export function compact(header: Record<string, unknown>, payloadSegment: string, alg: string, key: KeyObject | string | Buffer): string {
  const input = `${b64json(header)}.${payloadSegment}`;
  return `${input}.${signSegment(input, alg, key)}`;
}
