/**
 * Signing keys. RSA 2048 key generation costs ~120 ms, so keys are generated
 * lazily once per process and shared by every issuer instance; rotation makes a
 * new one (also cached in a small pool so repeated rotations in tests stay cheap).
 */
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Jwk, Jwks, JsonObject } from '../adapters/types.js';
import type { DefectName } from './defects.js';
import { encodeToken, publishedKeys } from './token-encoding.js';
import type { SigningKey } from './signing-key.js';

export type { SigningKey } from './signing-key.js';

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
  #published: Jwk[];
  #generation = 0;
  readonly #defects: ReadonlySet<DefectName>;

  private constructor(first: SigningKey, published: Jwk[], defects: ReadonlySet<DefectName>) {
    this.#active = first;
    this.#published = published;
    this.#defects = defects;
  }

  /** `defects`: the seeded defects of token encoding and of the published key set (reference/token-encoding.ts). */
  static async create(defects: ReadonlySet<DefectName> = new Set()): Promise<KeyStore> {
    const first = await sharedKey(0);
    return new KeyStore(first, await publishedKeys([first], defects), defects);
  }

  get active(): SigningKey {
    return this.#active;
  }

  /** Publish a new key and sign with it; the old key leaves the JWKS. */
  async rotate(): Promise<void> {
    this.#generation += 1;
    const next = await sharedKey(this.#generation);
    // Seeded defect: the issuer switches keys but its JWKS goes on serving the old set.
    if (!this.#defects.has('rotated-key-unpublished')) this.#published = await publishedKeys([next], this.#defects);
    this.#active = next;
  }

  jwks(): Jwks {
    return { keys: this.#published.map((k) => ({ ...k })) };
  }

  sign(payload: JsonObject, key: SigningKey = this.#active): Promise<string> {
    return encodeToken(payload, key, this.#defects);
  }
}
