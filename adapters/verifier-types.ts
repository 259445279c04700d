/**
 * The receiving side of the contract: something that accepts or rejects a
 * token presented to an API ("Verifying JSON Web Tokens", "Enforce org access
 * in your API using M2M tokens"). The suite plays the issuer and the attacker.
 */
import type { Jwks } from './types.js';

export type VerifierCapability =
  /** Fetches keys from the issuer's JWKS URL itself (and refetches on an unknown kid). */
  | 'remoteJwks'
  /** Enforces `org_code` against the route's organization (401/403 contract). */
  | 'orgEnforcement'
  /** Checks `aud` against an expected audience. */
  | 'audience'
  /** Distinguishes access tokens from ID tokens. */
  | 'tokenType'
  /**
   * Reads the token from an HTTP request the suite shapes (`VerificationContext.request`):
   * the Authorization header(s) as sent, query parameters and other headers.
   * Libraries handed a bare token do not.
   */
  | 'httpRequest';

export const VERIFIER_CAPABILITIES: readonly VerifierCapability[] = ['remoteJwks', 'orgEnforcement', 'audience', 'tokenType', 'httpRequest'];

export interface VerifierInfo {
  name: string;
  version: string;
  capabilities: Record<VerifierCapability, boolean>;
  /**
   * Leeway the verifier applies to `exp`/`nbf`, in seconds (declared, default 0).
   * Expiry checks test just outside it, so a verifier is never blamed for its own documented leeway.
   */
  clockToleranceSeconds?: number;
  /**
   * How long after an unknown `kid` the verifier may take to refetch the JWKS, in ms
   * (a cooldown such as jose's `cooldownDuration`). Key-rotation checks wait at most this long (+1 s).
   */
  jwksRefreshMs?: number;
  /**
   * A deployed API is configured for one issuer and one audience; tokens are
   * then generated for exactly these instead of random tenants.
   */
  fixedContext?: { issuer: string; audience: string };
  /** Port the suite must serve the issuer's JWKS on (a deployed API was told where to fetch keys). 0/absent = any. */
  jwksPort?: number;
  /**
   * The verifier's library derives the JWKS URL from the Kinde domain itself
   * (`https://<sub>.kinde.com/.well-known/jwks.json`): the suite hands it
   * `context.kindeDomain` and answers that origin on loopback while it presents
   * a token (adapters/kinde-domain.ts; in-process verifiers only).
   */
  kindeDomain?: boolean;
}

/** What the verifier is told about the route the token is presented to. */
export interface VerificationContext {
  /** Expected `iss` (the environment's issuer URL). */
  issuer: string;
  /** The API's audience. */
  audience: string;
  /** The organization in the route (`/orgs/:org_code/...`), when org-scoped. */
  orgCode?: string;
  /** The issuer's keys, for verifiers that are handed keys instead of fetching them. */
  jwks: Jwks;
  /** Base URL where the issuer's discovery and JWKS are served on loopback, for remote-JWKS verifiers. */
  issuerBaseUrl?: string;
  /** The Kinde domain the tokens come from (`https://<sub>.kinde.com`), for verifiers that declared `kindeDomain`. */
  kindeDomain?: string;
  /** The rest of the HTTP request, when the suite varies it (verifiers with the httpRequest capability). */
  request?: RequestShape;
}

/**
 * What a real API reads besides the token (issue 18): the suite varies these and
 * the verdict must follow the token alone (the docs: org_code is a "binding
 * contract — never override it with user input").
 */
export interface RequestShape {
  /**
   * The Authorization header lines exactly as sent, in order, replacing the
   * default single `Bearer <token>` (the scheme's letter case, several headers).
   */
  authorization?: string[];
  /** Query parameters appended to the route. */
  query?: Record<string, string>;
  /** Other request headers (lower-case names). */
  headers?: Record<string, string>;
}

export type Verdict =
  | { accepted: true; status?: number }
  | { accepted: false; status?: number; reason?: string };

export interface VerifierAdapter {
  readonly name: string;
  start(): Promise<VerifierInfo>;
  /** Present `token` (undefined = no Authorization header) and report what the verifier decided. */
  verify(token: string | undefined, context: VerificationContext): Promise<Verdict>;
  stop(): Promise<void>;
}
