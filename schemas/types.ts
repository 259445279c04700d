/**
 * The vocabulary of the catalog: token types, target capabilities, areas and
 * doc sources. Everything above (adapters, reports, suites) imports these
 * from here, so the catalog depends on nothing above it.
 */

/** Token types the documented contract knows. Refresh tokens are opaque. */
export type TokenType = 'access' | 'id' | 'm2m';
export const TOKEN_TYPES: readonly TokenType[] = ['access', 'id', 'm2m'];

/** What a target can do. A requirement whose capability is missing is NOT_APPLICABLE. */
export interface Capabilities {
  /** Authorization code flow for users: access + ID tokens. */
  userTokens: boolean;
  /** `grant_type=refresh_token`. */
  refresh: boolean;
  /** `grant_type=client_credentials`. */
  m2m: boolean;
  /** Org-scoped M2M applications. */
  orgScopedM2m: boolean;
  /** Deploys and runs `Workflow.ts` sources. */
  workflows: boolean;
  /**
   * Answers a deployed workflow's kinde.env and kinde.fetch / kinde.secureFetch from the fixtures
   * given with it (adapters/types.ts WorkflowFixtureSet; protocol 1.1). Absent: false.
   */
  workflowFixtures?: boolean;
  /**
   * The suite sees the target's HTTP surface: token endpoint response headers
   * ({@link TokenResult} `headers`), the discovery document and the JWKS paths
   * (Adapter `httpGet`). Targets reached over HTTP declare it; in-process ones
   * cannot show it, and the requirements that need it are NOT_APPLICABLE there. Absent: false.
   */
  httpSurface?: boolean;
  /**
   * Token revocation (RFC 7009; Kinde's `POST /oauth2/revoke`): the adapter's `revoke` reaches
   * the target's revocation endpoint. Absent: false (the revocation requirements are NOT_APPLICABLE).
   */
  revocation?: boolean;
  /**
   * The suite drives the authorization-code grant itself (Adapter `authorize`,
   * `exchangeCode`, `tokenRequest`): it binds a code to a PKCE challenge and a
   * redirect URI, then presents it with right or wrong bindings, again, or from
   * another client, and reads the token endpoint's error codes. Targets whose
   * code exchange is hidden (a live tenant needs a browser) declare false. Absent: false.
   */
  codeExchange?: boolean;
  /** Properties in tokens. */
  properties: boolean;
  /** Feature flags in tokens. */
  featureFlags: boolean;
  /** The suite can move the target's clock forward (expiry tests without waiting). */
  clock: boolean;
  /** The suite can rotate the signing key. */
  keyRotation: boolean;
}
export type Capability = keyof Capabilities;

export type Area =
  | 'signature'
  | 'access-token'
  | 'id-token'
  | 'm2m-token'
  | 'org-m2m'
  | 'properties'
  | 'feature-flags'
  | 'refresh'
  | 'workflows'
  | 'token-response';

/** What the docs say, verbatim, and where. */
export interface DocSource {
  url: string;
  quote: string;
}

/** What the catalog says of one requirement (results add the verdict). */
export interface RequirementInfo {
  id: string;
  area: Area;
  statement: string;
  level: 'documented' | 'inferred';
  severity: 'fail' | 'warning';
  tokenTypes: TokenType[];
  source: DocSource;
  /** Present when the docs contradict themselves on this point. */
  /**
   * Present when the docs contradict themselves on this point. `resolvedBy`: the
   * TargetInfo field with which a target declares the reading it implements.
   */
  contradiction?: { readings: DocSource[]; note: string; resolvedBy?: 'refreshOverlapSeconds' };
  /** Present when the docs are silent and the RFC only recommends (SHOULD): at most a warning. */
  recommendation?: { clause: string; quote: string };
}
