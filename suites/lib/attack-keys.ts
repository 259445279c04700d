/**
 * Keys the suite signs with when it plays the issuer (and the attacker) for a
 * verifier under test, and the JWS signing primitives for every algorithm the
 * attacks try.
 *
 * Every token a verifier is shown is signed by the suite: the issuer target
 * supplies the claims, the suite re-signs them with a key of the JWKS it serves
 * (the fixed "stable" key, or a rotation key in the key-change checks). A
 * verifier trusts that key for the same reason it trusts the issuer's: it is in
 * the environment's JWKS. So a claim attack differs from a valid token in the
 * attacked claim only, and the keys an API has cached stay valid for the run
 * (see attack-fixed-keys.ts).
 */
import { createHmac, createPrivateKey, createPublicKey, createSign, generateKeyPairSync, randomBytes, sign as edSign, constants, type KeyObject } from 'node:crypto';
import type { JsonObject, Jwk } from '../../adapters/types.js';
import { FIXED_KEYS, type PrivateJwk } from './attack-fixed-keys.js';

export type SigningAlg = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';

export interface SuiteKey {
  kid: string;
  /** The algorithm the key is published for. */
  alg: SigningAlg;
  privateKey: KeyObject;
  publicJwk: Jwk;
}
/** Kept for callers that only deal with RSA keys. */
export type RsaKey = SuiteKey;

function fromJwk(jwk: PrivateJwk, publishAlg = true): SuiteKey {
  const privateKey = createPrivateKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  const pub = createPublicKey(privateKey).export({ format: 'jwk' }) as Record<string, string>;
  const publicJwk: Jwk = { ...pub, kty: pub.kty!, kid: jwk.kid!, alg: jwk.alg!, use: 'sig' };
  if (!publishAlg) delete publicJwk.alg;
  return { kid: jwk.kid!, alg: jwk.alg as SigningAlg, privateKey, publicJwk };
}

const fixed = new Map<keyof typeof FIXED_KEYS, SuiteKey>();
function fixedKey(name: keyof typeof FIXED_KEYS): SuiteKey {
  let k = fixed.get(name);
  if (!k) fixed.set(name, (k = fromJwk(FIXED_KEYS[name] as PrivateJwk, name !== 'noalg')));
  return k;
}

/** The RS256 key every valid token of a run is signed with (same in every process and run). */
export function stableKey(): SuiteKey {
  return fixedKey('stable');
}
/**
 * An RSA 2048 key published in every JWKS the suite serves WITHOUT an `alg` member
 * (RFC 7517 §4.4: alg is OPTIONAL; Kinde does not document its JWKS members), with
 * `use: "sig"` (Kinde's own verifiers need it: SIG-JWK-USE). A verifier that takes
 * its algorithms from the key set (jose's createRemoteJWKSet matches a JWK's alg
 * when it has one, any alg of the key type when it has none) and does not pin
 * RS256 itself is masked by keys that carry alg: RS256, so the algorithm attacks
 * (VERIFY-ALG-*) are signed with this key whenever the verifier accepts it.
 */
export function noAlgKey(): SuiteKey {
  return fixedKey('noalg');
}
/** A 1024-bit RSA key the suite publishes (RFC 8725 §3.5 / jose "2048 bits or larger"). */
export function weakKey(): SuiteKey {
  return fixedKey('weak');
}
/** Non-RSA keys the suite publishes beside the RSA ones, for ES256/384/512 and EdDSA algorithm swaps. */
export function foreignKeys(): SuiteKey[] {
  return [fixedKey('es256'), fixedKey('es384'), fixedKey('es512'), fixedKey('eddsa')];
}
/** The published key for a non-RSA algorithm. */
export function foreignKeyFor(alg: 'ES256' | 'ES384' | 'ES512' | 'EdDSA'): SuiteKey {
  return foreignKeys().find((k) => k.alg === alg)!;
}

function rsaKey(kidPrefix: string, modulusLength: number): SuiteKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength });
  const jwk = publicKey.export({ format: 'jwk' });
  const kid = `${kidPrefix}-${randomBytes(6).toString('hex')}`;
  return { kid, alg: 'RS256', privateKey, publicJwk: { kty: 'RSA', n: jwk.n!, e: jwk.e!, kid, alg: 'RS256', use: 'sig' } };
}

let attacker: SuiteKey | undefined;
/** A 2048-bit key nobody trusts (never published). */
export function attackerKey(): SuiteKey {
  return (attacker ??= rsaKey('attacker', 2048));
}

const decoys: SuiteKey[] = [];
/**
 * The i-th decoy of this process: an RSA 2048 key published beside the signing key in
 * JWKS layouts of several keys (VERIFY-JWKS-KEY-ORDER) that signs nothing.
 */
export function decoyKey(i: number): SuiteKey {
  while (decoys.length <= i) decoys.push(rsaKey('ktc-decoy', 2048));
  return decoys[i]!;
}

const rotation: SuiteKey[] = [];
/**
 * The i-th rotation key of this process (RSA 2048, generated on first use). Rotation
 * keys are published only by key-change checks, each under a JWKS URL of its own or
 * after waiting out the verifier's declared refresh bound, so their being new in every
 * process is what a rotation is.
 */
export function rotationKey(i: number): SuiteKey {
  while (rotation.length <= i) rotation.push(rsaKey('ktc-rotation', 2048));
  return rotation[i]!;
}

export const b64url = (s: string | Buffer): string => Buffer.from(s).toString('base64url');
export const b64json = (o: JsonObject | Record<string, unknown>): string => b64url(JSON.stringify(o));

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

/** The JWS signature of `signingInput` under `alg` (RFC 7518), base64url. HS* takes the secret as `key`. */
export function signSegment(signingInput: string, alg: string, key: KeyObject | string | Buffer): string {
  const family = alg.slice(0, 2);
  const hash = HASH[alg.slice(2)] ?? 'sha256';
  if (family === 'HS') return createHmac(hash, key as string | Buffer).update(signingInput).digest('base64url');
  const k = key as KeyObject;
  if (alg === 'EdDSA') return edSign(null, Buffer.from(signingInput), k).toString('base64url');
  if (family === 'PS') {
    return createSign(hash).update(signingInput).sign({ key: k, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }).toString('base64url');
  }
  if (family === 'ES') return createSign(hash).update(signingInput).sign({ key: k, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  // RS* and anything else (a mislabelled alg header) is signed RS256-style with the hash its digits name.
  return createSign(`RSA-${hash.toUpperCase()}`).update(signingInput).sign(k).toString('base64url');
}

/** A compact JWS from a header object and an already-encoded payload segment. */
export function compact(header: Record<string, unknown>, payloadSegment: string, alg: string, key: KeyObject | string | Buffer): string {
  const input = `${b64json(header)}.${payloadSegment}`;
  return `${input}.${signSegment(input, alg, key)}`;
}

/** Re-sign `payload` with `key` under RS256, keeping the header's other fields and naming the key's kid. */
export function resign(header: Record<string, unknown>, payload: Record<string, unknown>, key: SuiteKey): string {
  return compact({ ...header, alg: 'RS256', kid: key.kid }, b64json(payload), 'RS256', key.privateKey);
}
