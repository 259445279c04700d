/**
 * The reference issuer's vocabulary: what it can do and the token requests
 * its token endpoint takes (the form of RFC 6749 §4.1.3, §6 and §4.4 as an object).
 */
import type { Capabilities } from '../adapters/types.js';

/** Everything the reference can do. */
export const REFERENCE_CAPABILITIES: Readonly<Capabilities> = Object.freeze({
  userTokens: true,
  refresh: true,
  m2m: true,
  orgScopedM2m: true,
  workflows: true,
  properties: true,
  featureFlags: true,
  clock: true,
  keyRotation: true,
  revocation: true,
});

export type GrantRequest =
  | { grant_type: 'authorization_code'; code: string; client_id: string; client_secret?: string; redirect_uri?: string; code_verifier?: string }
  | { grant_type: 'refresh_token'; refresh_token: string; client_id: string; client_secret?: string }
  | {
      grant_type: 'client_credentials';
      client_id: string;
      client_secret: string;
      audience: string[];
      scope?: string[];
      org_code?: string;
    };
