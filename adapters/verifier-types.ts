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
  | 'tokenType';

export interface VerifierInfo {
  name: string;
  version: string;
  capabilities: Record<VerifierCapability, boolean>;
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
