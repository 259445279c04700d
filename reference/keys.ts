/**
 * Signing keys. RSA 2048 key generation costs ~120 ms, so keys are generated
 * lazily once per process and shared by every issuer instance; rotation makes a
 * new one (also cached in a small pool so repeated rotations in tests stay cheap).
 */
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { Jwk, Jwks, JsonObject } from '../adapters/types.js';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: Jwk;
}

const pool: Promise<SigningKey>[] = [];

async function makeKey(modulusLength = 2048): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength, extractable: true });
  const jwk: JWK = await exportJWK(publicKey);
  const kid = randomBytes(8).toString('hex');
  return { kid, privateKey, publicJwk: { kty: 'RSA', n: jwk.n!, e: jwk.e!, kid, alg: 'RS256', use: 'sig' } };
}

/** The i-th shared key of this process (generated on first use). */
export function sharedKey(i: number): Promise<SigningKey> {
  while (pool.length <= i) pool.push(makeKey());
  return pool[i]!;
}

/** A fresh key that is never shared (for defects that sign with an unpublished key). */
export function freshKey(modulusLength = 2048): Promise<SigningKey> {
  return makeKey(modulusLength);
}

export class KeyStore {
  #active: SigningKey;
  #published: SigningKey[];
  #generation = 0;

  private constructor(first: SigningKey) {
    this.#active = first;
    this.#published = [first];
  }

  static async create(): Promise<KeyStore> {
    return new KeyStore(await sharedKey(0));
  }

  get active(): SigningKey {
    return this.#active;
  }

  /** Publish a new key and sign with it; the old key leaves the JWKS. */
  async rotate(): Promise<void> {
    this.#generation += 1;
    this.#active = await sharedKey(this.#generation);
    this.#published = [this.#active];
  }

  jwks(): Jwks {
    return { keys: this.#published.map((k) => ({ ...k.publicJwk })) };
  }

  async sign(payload: JsonObject, key: SigningKey = this.#active): Promise<string> {
    return new SignJWT(payload as Record<string, unknown>)
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .sign(key.privateKey);
  }
}
