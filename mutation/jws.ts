/**
 * Substitute keys and raw JWS signing. A campaign generates its keys once
 * (jose, RSA 2048; a 1024-bit one for the weak-key operator) and every mutant
 * re-signs with them, so a mutant changes what a token says, not who signed it,
 * unless its operator is about signatures. Signing is done with node:crypto so
 * that any RSA-family alg (PKCS#1 v1.5 or PSS) can be produced with one key,
 * and a weak key can still sign.
 */
import { generateKeyPairSync, KeyObject, randomBytes, sign, constants } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import type { JsonObject, Jwk } from '../adapters/types.js';
import type { Signing } from './types.js';

export interface SubstituteKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: Jwk;
}

export interface CampaignKeys {
  /** Published and used for every re-signed token. */
  main: SubstituteKey;
  /** Published after a key rotation. */
  rotated: SubstituteKey;
  /** Never published: the unpublished-key operator. */
  rogue: SubstituteKey;
  /** 1024 bits, published by the weak-key operator. */
  weak: SubstituteKey;
}

async function joseKey(): Promise<SubstituteKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = `ktc-mut-${randomBytes(6).toString('hex')}`;
  return { kid, privateKey: KeyObject.from(privateKey as unknown as Parameters<typeof KeyObject.from>[0]), publicJwk: { kty: 'RSA', n: jwk.n!, e: jwk.e!, kid, alg: 'RS256', use: 'sig' } };
}

function weakKey(): SubstituteKey {
  // jose refuses RSA keys under 2048 bits, so this one comes from node:crypto.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const kid = `ktc-weak-${randomBytes(6).toString('hex')}`;
  return { kid, privateKey, publicJwk: { kty: 'RSA', n: jwk.n, e: jwk.e, kid, alg: 'RS256', use: 'sig' } };
}

let shared: Promise<CampaignKeys> | undefined;

/** The keys of this process's campaigns (generated on first use, ~0.5 s). */
export function campaignKeys(): Promise<CampaignKeys> {
  shared ??= (async () => ({ main: await joseKey(), rotated: await joseKey(), rogue: await joseKey(), weak: weakKey() }))();
  return shared;
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');

const HASH: Record<string, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512', PS256: 'sha256', PS384: 'sha384' };

function rsaSign(alg: string, data: string, key: KeyObject): Buffer {
  const hash = HASH[alg];
  if (!hash) throw new Error(`no RSA signing for alg ${alg}`);
  if (alg.startsWith('PS')) return sign(hash, Buffer.from(data), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 });
  return sign(hash, Buffer.from(data), key);
}

/**
 * Sign `payload` with `header` as `signing` says; the header's alg and kid
 * are set to what was really used (except where the operator lies about them).
 */
export function signToken(header: JsonObject, payload: JsonObject, signing: Signing, keys: CampaignKeys, active: SubstituteKey): string {
  const h: JsonObject = { ...header };
  let key = active;
  let alg = 'RS256';
  if (signing.kind === 'alg') alg = signing.alg;
  if (signing.kind === 'weak-key') key = keys.weak;
  if (signing.kind === 'unpublished-key') key = keys.rogue;
  h.alg = signing.kind === 'none' ? 'none' : alg;
  // The kid names the published key the wrapper signs with; an operator that removed or changed it keeps its change,
  // and the unpublished-key operator keeps the published kid on purpose.
  if (h.kid === active.kid && signing.kind === 'weak-key') h.kid = keys.weak.kid;
  const input = `${b64(JSON.stringify(h))}.${b64(JSON.stringify(payload))}`;
  if (signing.kind === 'none') return `${input}.`;
  // RS256 (PKCS#1 v1.5) is deterministic: the same input under the same key is the same token, so what
  // one mutant re-signed unchanged (most tokens of most mutants) is not signed again by the next.
  const cacheable = signing.kind === 'substitute';
  const cacheKey = cacheable ? `${key.kid}|${input}` : '';
  const hit = cacheable ? signatures.get(cacheKey) : undefined;
  if (hit !== undefined) return hit;
  const sig = rsaSign(alg, input, key.privateKey);
  if (signing.kind === 'corrupt-signature') sig[sig.length - 1]! ^= 0x01;
  const token = `${input}.${sig.toString('base64url')}`;
  if (cacheable) {
    // Bounded: a campaign's recorded tokens fit many times over; live runs (fresh jti each) only churn it.
    if (signatures.size >= MAX_CACHED_SIGNATURES) signatures.delete(signatures.keys().next().value!);
    signatures.set(cacheKey, token);
  }
  return token;
}

const MAX_CACHED_SIGNATURES = 20_000;
const signatures = new Map<string, string>();
