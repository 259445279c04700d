/**
 * Token revocation (RFC 7009; Kinde documents `POST /oauth2/revoke` with
 * `token`, `client_id`, `client_secret`, success = 200) for the reference
 * issuer, in-process and behind `serve`. The client authenticates first
 * (§2.1), a token of another client is refused, a token the issuer does not
 * know (unknown, expired, already revoked) is a success (§2.2), and the hint
 * only orders the search (§2.1: an invalid hint is ignored).
 *
 * A revoked refresh token is forgotten; a revoked access token is remembered
 * (bounded) and dropped from its session, so the next refresh mints a new one
 * ("You will get a completely new access token if … You revoke your existing
 * access token", about-access-tokens).
 */
import { createHash } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { Application, Jwks } from '../adapters/types.js';
import type { DefectName } from './defects.js';
import { IssuerError } from './errors.js';
import { SERVER_LIMITS } from './limits.js';

const digest = (s: string) => createHash('sha256').update(s).digest('base64url');

/** Access tokens revoked before their expiry (hashes; the oldest forgotten first). */
export class RevokedTokens {
  readonly #set = new Set<string>();
  add(token: string): void {
    if (this.#set.size >= SERVER_LIMITS.maxPendingCodes) this.#set.delete(this.#set.values().next().value!);
    this.#set.add(digest(token));
  }
  has(token: string): boolean {
    return this.#set.has(digest(token));
  }
}

/** What revocation needs of the issuer (no import of issuer.ts: it imports this). */
export interface RevocationHost {
  readonly issuer: string;
  readonly revoked: RevokedTokens;
  jwks(): Jwks;
  now(): number;
  has(d: DefectName): boolean;
  /** Authenticates the client (IssuerError invalid_client otherwise). */
  client(clientId: string, secret: string | undefined): Application;
  /** The client of a refresh token the issuer holds, or undefined. */
  refreshClient(token: string): string | undefined;
  forgetRefresh(token: string): void;
  /** Drops `token` as the current access token of its session, if it is one. */
  forgetAccess(token: string): void;
}

export interface RevocationRequest {
  token: string;
  tokenTypeHint?: string;
  clientId: string;
  clientSecret?: string;
}

/** An access token this issuer signed and that is still good: signature, iss, exp, not revoked. */
export async function verifyAccessToken(host: Pick<RevocationHost, 'issuer' | 'revoked' | 'jwks' | 'now'>, token: string): Promise<JWTPayload | undefined> {
  if (host.revoked.has(token)) return undefined;
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(host.jwks() as Parameters<typeof createLocalJWKSet>[0]), {
      issuer: host.issuer,
      algorithms: ['RS256'],
      currentDate: new Date(host.now() * 1000),
      requiredClaims: ['exp'],
    });
    // Access tokens carry `scp` (user and M2M); ID tokens do not, and are not revoked here.
    return Array.isArray(payload.scp) ? payload : undefined;
  } catch {
    return undefined;
  }
}

const foreign = () => new IssuerError('unauthorized_client', 'the token was issued to another client (RFC 7009 2.1)');

/** Revoke `req.token`. Resolves for success (HTTP 200); throws IssuerError for a refusal. */
export async function revokeToken(host: RevocationHost, req: RevocationRequest): Promise<void> {
  const app = host.client(req.clientId, req.clientSecret);
  if (host.has('revoke-noop')) return;
  const bound = !host.has('revoke-any-client');
  const owner = host.refreshClient(req.token);
  if (owner !== undefined) {
    if (bound && owner !== app.clientId) throw foreign();
    host.forgetRefresh(req.token);
    return;
  }
  const claims = await verifyAccessToken(host, req.token);
  if (claims) {
    const azp = claims.azp ?? claims.client_id;
    if (bound && azp !== undefined && azp !== app.clientId) throw foreign();
    host.revoked.add(req.token);
    if (!host.has('revoked-access-returned-on-refresh')) host.forgetAccess(req.token);
    return;
  }
  if (host.has('revoke-unknown-token-400')) throw new IssuerError('invalid_request', 'unknown token');
}
