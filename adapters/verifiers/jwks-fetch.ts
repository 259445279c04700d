/**
 * A minimal JWKS client for libraries that take a key, not a key set
 * (fast-jwt): fetch `<base>/.well-known/jwks.json` with a timeout, cache it,
 * refetch once on an unknown kid (at most once per cooldown).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Jwks } from '../types.js';

export class JwksFetcher {
  readonly #url: string;
  readonly #timeoutMs: number;
  readonly #cooldownMs: number;
  #keys?: Jwks;
  #fetchedAt = 0;

  constructor(url: string, options: { timeoutMs?: number; cooldownMs?: number } = {}) {
    this.#url = url;
    this.#timeoutMs = options.timeoutMs ?? 5_000;
    this.#cooldownMs = options.cooldownMs ?? 1_000;
  }

  async #load(): Promise<Jwks> {
    const res = await fetch(this.#url, { signal: AbortSignal.timeout(this.#timeoutMs) });
    if (!res.ok) throw new Error(`JWKS ${this.#url}: HTTP ${res.status}`);
    this.#keys = (await res.json()) as Jwks;
    this.#fetchedAt = Date.now();
    return this.#keys;
  }

  /** The public key for `kid`, refetching the set once if it is unknown and the cooldown has passed. */
  async key(kid: unknown): Promise<KeyObject> {
    if (typeof kid !== 'string') throw new Error('token header has no kid');
    let set = this.#keys ?? (await this.#load());
    let jwk = set.keys.find((k) => k.kid === kid);
    if (!jwk && Date.now() - this.#fetchedAt >= this.#cooldownMs) {
      set = await this.#load();
      jwk = set.keys.find((k) => k.kid === kid);
    }
    if (!jwk) throw new Error(`no key with kid ${JSON.stringify(kid)} in the JWKS`);
    return createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  }
}
