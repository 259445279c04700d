/**
 * Authorization codes of the reference issuer: issued by a completed sign-in,
 * bound to the client, the PKCE challenge (RFC 7636 §4.6) and the redirect URI
 * (RFC 6749 §4.1.3) of that sign-in, and redeemed once (RFC 6749 §4.1.2).
 * A code presented with a wrong binding is burned: its later exchanges are
 * refused too (RFC 6749 allows either). A code presented again after it was
 * exchanged is refused and the refresh tokens issued from it are revoked
 * (§4.1.2: SHOULD). Every refusal is `invalid_grant` (RFC 6749 §5.2).
 */
import { createHash } from 'node:crypto';
import type { DefectName } from './defects.js';
import { IssuerError } from './errors.js';

/** What a code was bound to at the authorization request. */
export interface CodeBinding {
  /** base64url(SHA-256(code_verifier)): S256 is the only method. */
  challenge?: string;
  redirectUri?: string;
}

/** The token request fields that redeem a code. */
export interface CodeRedemption {
  code: string;
  redirect_uri?: string;
  code_verifier?: string;
}

interface Pending<S> {
  session: S;
  binding: CodeBinding;
}

export class AuthorizationCodes<S extends { clientId: string }> {
  readonly #pending = new Map<string, Pending<S>>();
  /** Codes already exchanged (bounded like the pending ones): a replay is recognized and revokes. */
  readonly #used = new Map<string, S>();
  readonly #has: (d: DefectName) => boolean;
  readonly #max: number;
  readonly #onReplay: (session: S) => void;

  constructor(has: (d: DefectName) => boolean, max: number, onReplay: (session: S) => void) {
    this.#has = has;
    this.#max = max;
    this.#onReplay = onReplay;
  }

  get size(): number {
    return this.#pending.size;
  }

  /** Codes not yet exchanged that are bound to a challenge or a redirect URI. */
  get bound(): number {
    let n = 0;
    for (const p of this.#pending.values()) if (p.binding.challenge !== undefined || p.binding.redirectUri !== undefined) n++;
    return n;
  }

  clear(): void {
    this.#pending.clear();
    this.#used.clear();
  }

  issue(code: string, session: S, binding: CodeBinding): void {
    remember(this.#pending, code, { session, binding }, this.#max);
  }

  /**
   * The session a code was issued for, once its bindings hold. `client` authenticates
   * the requesting client (throwing `invalid_client`) and answers its client ID.
   */
  redeem(req: CodeRedemption, client: () => string): S {
    const entry = this.#pending.get(req.code);
    if (!entry) {
      const used = this.#used.get(req.code);
      if (used !== undefined) {
        if (!this.#has('code-reuse-keeps-tokens')) this.#onReplay(used);
        throw new IssuerError('invalid_grant', 'authorization code was already used');
      }
      throw new IssuerError('invalid_grant', 'unknown, expired or burned authorization code');
    }
    // Whatever follows, the code is spent: a refused presentation burns it.
    if (!this.#has('code-reuse-accepted')) this.#pending.delete(req.code);
    const clientId = client();
    const { session, binding } = entry;
    if (clientId !== session.clientId && !this.#has('code-client-unbound')) {
      throw new IssuerError('invalid_grant', 'authorization code was issued to another client');
    }
    if (binding.challenge !== undefined && !this.#has('pkce-unbound')) {
      if (req.code_verifier === undefined) throw new IssuerError('invalid_grant', 'code_verifier is required: the code was issued with a code_challenge');
      if (createHash('sha256').update(req.code_verifier).digest('base64url') !== binding.challenge) {
        throw new IssuerError('invalid_grant', 'code_verifier does not match the code_challenge');
      }
    }
    if (binding.redirectUri !== undefined && req.redirect_uri !== binding.redirectUri && !this.#has('redirect-uri-unbound')) {
      throw new IssuerError('invalid_grant', 'redirect_uri does not match the one of the authorization request');
    }
    remember(this.#used, req.code, session, this.#max);
    return session;
  }
}

/** Map insertion with a bound: beyond `max` entries the oldest goes. */
export function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value as K);
}
