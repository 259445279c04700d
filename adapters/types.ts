/**
 * The contract between generators, suites and targets.
 *
 * A target is anything that issues tokens under the contract Kinde documents.
 * The suite drives it through an {@link Adapter}: it provisions a tenant,
 * deploys workflows (real `Workflow.ts` source), asks for tokens and reads the
 * JWKS. Everything here is plain JSON so that the same model can later cross a
 * process or network boundary unchanged.
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

import type { Capabilities, TokenType } from '../schemas/types.js';
export { TOKEN_TYPES } from '../schemas/types.js';
export type { Capabilities, Capability, TokenType } from '../schemas/types.js';

/** Application kinds, as the "properties in tokens" page names them. */
export type AppKind = 'frontend' | 'backend' | 'm2m';
export const APP_KINDS: readonly AppKind[] = ['frontend', 'backend', 'm2m'];

/** Feature-flag type codes documented for tokens (`t`). No JSON code is documented. */
export type FlagTypeCode = 'b' | 's' | 'i';

/** Token lifetimes in seconds. Defaults: access 86400, ID 3600, refresh 1,296,000. */
export interface Lifetimes {
  accessToken: number;
  idToken: number;
  refreshToken: number;
}
export const DEFAULT_LIFETIMES: Readonly<Lifetimes> = Object.freeze({
  accessToken: 86_400,
  idToken: 3_600,
  refreshToken: 1_296_000,
});

/** Which optional content an application toggled on for one token type ("Token customization"). */
export interface TokenCustomization {
  /** Keys of properties toggled on for this token (only public ones may appear). */
  properties: string[];
  /** M2M tokens only: keys of environment-level feature flags toggled on. */
  featureFlags?: string[];
  /** Access token: include `roles`. */
  roles?: boolean;
  /** Access token: include `org_name`. */
  orgName?: boolean;
  /** Access token: include `email`. */
  email?: boolean;
  /** Access token: include `external_organization_id`. */
  externalOrganizationId?: boolean;
  /** ID token: include `org_codes` (the user's organizations). */
  orgCodes?: boolean;
}

export interface Application {
  clientId: string;
  clientSecret: string;
  name: string;
  kind: AppKind;
  lifetimes: Lifetimes;
  /** M2M apps only: set for an org-scoped M2M app; its tokens always carry this `org_code`. */
  orgCode?: string;
  /** APIs (audiences) this app is authorized for. */
  apis: string[];
  /** Per token type customization. Keys absent = nothing extra. */
  tokens: Partial<Record<TokenType, TokenCustomization>>;
  /** Values of application properties (keyed by property key). */
  properties: Record<string, JsonValue>;
}

export interface Api {
  /** The audience string requested (e.g. `myapp:prod-api`). */
  audience: string;
  /** Scopes this API defines (e.g. `read:users`). */
  scopes: string[];
}

export interface Role {
  id: string;
  key: string;
  name: string;
}

export interface FeatureFlag {
  key: string;
  type: FlagTypeCode;
  /** Environment-level value. Must match `type`: boolean, string or integer. */
  value: boolean | string | number;
}

export interface PropertyDefinition {
  key: string;
  /** Which entity carries the value, and so which claim it lands under. */
  context: 'user' | 'organization' | 'application';
  /** Only public properties may appear in tokens. */
  public: boolean;
}

export interface OrgMembership {
  orgCode: string;
  /** Role keys. */
  roles: string[];
  /** Permission keys granted in this org. */
  permissions: string[];
  /** Per-org feature flag overrides (user tokens only). */
  featureFlags?: Record<string, boolean | string | number>;
}

export interface User {
  /** `kp_…` */
  id: string;
  email: string;
  givenName: string;
  familyName: string;
  picture?: string;
  /** The id the customer's own system uses (`provided_id`). */
  providedId?: string;
  /** Unix seconds of the last profile update. */
  updatedAt: number;
  /** RFC 3339 date-time when the user's active billing trial ends; absent = no active trial. */
  trialExpiresOn?: string;
  memberships: OrgMembership[];
  properties: Record<string, JsonValue>;
}

export interface Organization {
  /** `org_…` */
  code: string;
  name: string;
  externalId?: string;
  properties: Record<string, JsonValue>;
}

/** One Kinde environment with everything in it. */
export interface Tenant {
  /** Issuer is `https://<subdomain>.kinde.com`. */
  subdomain: string;
  applications: Application[];
  apis: Api[];
  users: User[];
  organizations: Organization[];
  roles: Role[];
  permissions: string[];
  featureFlags: FeatureFlag[];
  properties: PropertyDefinition[];
}

/** A tenant with nothing in it: what a target holds before the first provision. */
export function emptyTenant(subdomain = 'unprovisioned'): Tenant {
  return { subdomain, applications: [], apis: [], users: [], organizations: [], roles: [], permissions: [], featureFlags: [], properties: [] };
}

export function issuerOf(tenant: Pick<Tenant, 'subdomain'>): string {
  return `https://${tenant.subdomain}.kinde.com`;
}

/** The Kinde Management API audience of an environment. Workflows may not modify tokens for it. */
export function managementApiAudience(tenant: Pick<Tenant, 'subdomain'>): string {
  return `${issuerOf(tenant)}/api`;
}

/** A user signing in to an application (authorization code flow, completed). */
export interface SignInRequest {
  clientId: string;
  userId: string;
  /** Requested scopes, e.g. `openid profile email offline`. */
  scopes: string[];
  /** Organization the user signs in to; must be one of the user's memberships. */
  orgCode?: string;
  /** Requested API audiences. */
  audience: string[];
}

/**
 * A completed sign-in that stops at the authorization code (capability
 * `codeExchange`): the code is bound to `codeChallenge` (PKCE S256, RFC 7636)
 * and to a redirect URI (RFC 6749 §4.1.3). Without `redirectUri` the adapter
 * binds one of its own (a target may accept only registered ones) and says
 * which in {@link AuthorizeResult}.
 */
export interface AuthorizeRequest extends SignInRequest {
  redirectUri?: string;
  /** base64url(SHA-256(code_verifier)), 43 characters. */
  codeChallenge?: string;
}

/** A code, with the redirect URI it is bound to (always one: the authorization request requires it); or the issuer's OAuth refusal. */
export type AuthorizeResult =
  | { ok: true; code: string; redirectUri: string }
  | { ok: false; status: number; error: string; errorDescription?: string };

/** `grant_type=authorization_code` at the token endpoint, with exactly the fields given (none is added). */
export interface CodeExchangeRequest {
  clientId: string;
  clientSecret?: string;
  code: string;
  redirectUri?: string;
  codeVerifier?: string;
}

export interface RefreshRequest {
  clientId: string;
  clientSecret?: string;
  refreshToken: string;
}

export interface ClientCredentialsRequest {
  clientId: string;
  clientSecret: string;
  audience: string[];
  scopes?: string[];
  /** Attempted override; the documented contract says it must be ignored. */
  orgCode?: string;
}

/** The body of a successful `/oauth2/token` response. */
export interface TokenSet {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  token_type: string;
  expires_in?: number;
  scope?: string;
  [extra: string]: JsonValue | undefined;
}

/**
 * HTTP response headers as the suite saw them: lower-case names, repeated
 * fields joined with ", " (RFC 9110 §5.3).
 */
export type ResponseHeaders = Record<string, string>;

/**
 * What a token request yields: tokens, or an OAuth error body with its HTTP
 * status. `headers`: the token endpoint's response headers, set by targets
 * that declare capability `httpSurface` (over HTTP); absent in-process.
 */
export type TokenResult =
  | { ok: true; status: number; body: TokenSet; headers?: ResponseHeaders }
  | { ok: false; status: number; error: string; errorDescription?: string; headers?: ResponseHeaders };

/** One GET of an issuer surface (discovery, a JWKS path) over HTTP. */
export interface HttpGetAnswer {
  /** The URL actually fetched. */
  url: string;
  status: number;
  headers: ResponseHeaders;
  /** The parsed JSON body; undefined when the body is not JSON. */
  json?: JsonValue;
}

export interface Jwk {
  kty: string;
  kid?: string;
  alg?: string;
  use?: string;
  n?: string;
  e?: string;
  [extra: string]: JsonValue | undefined;
}
export interface Jwks {
  keys: Jwk[];
}


export interface TargetInfo {
  name: string;
  version: string;
  capabilities: Capabilities;
  /**
   * Refresh-token overlap window in seconds after rotation during which the old
   * token is still accepted (the docs mention one without a length). Declared, not guessed.
   */
  refreshOverlapSeconds?: number;
  /**
   * Requirements the target declares it cannot be judged on, with the reason
   * (e.g. a live tenant that cannot be provisioned). They become NOT_APPLICABLE.
   */
  notApplicable?: Record<string, string>;
}

/**
 * What a deployed workflow's kinde.env and kinde.fetch answer (schemas/workflow-fixtures.schema.json):
 * env values, and fetch answers by method and URL pattern (`*`; `{kindeDomain}` = the event's Kinde domain).
 */
export interface WorkflowFixtureSet {
  env?: Record<string, string | { value: string; isSecret?: boolean }>;
  fetch?: Array<{
    method?: string;
    url: string;
    binding?: 'kinde.fetch' | 'kinde.secureFetch';
    status?: number;
    headers?: Record<string, string>;
    json?: JsonValue;
    text?: string;
  }>;
}

export interface DeployedWorkflow {
  id: string;
  trigger: string;
}

/**
 * A target under test. Calls never throw for an OAuth-level refusal (that is a
 * {@link TokenResult} with `ok: false`); they throw {@link AdapterError} when the
 * target is broken or unreachable.
 */
export interface Adapter {
  readonly name: string;
  /** Handshake: what the target is and can do. */
  start(): Promise<TargetInfo>;
  /** Replace the whole tenant (apps, users, orgs, …). Removes deployed workflows. */
  provision(tenant: Tenant): Promise<void>;
  /** Deploy a `Workflow.ts` source. Rejects with AdapterError if it does not build. */
  deployWorkflow(source: string, fixtures?: WorkflowFixtureSet): Promise<DeployedWorkflow>;
  removeWorkflow(id: string): Promise<void>;
  /** Complete a sign-in and exchange the authorization code at the token endpoint. */
  signIn(request: SignInRequest): Promise<TokenResult>;
  refresh(request: RefreshRequest): Promise<TokenResult>;
  clientCredentials(request: ClientCredentialsRequest): Promise<TokenResult>;
  jwks(): Promise<Jwks>;
  /**
   * GET an issuer surface. `ref` is a path from the environment's base
   * (`/.well-known/jwks.json`) or an absolute URL on the target's own origin or
   * on the provisioned issuer's origin (`https://<subdomain>.kinde.com/...`,
   * for which the target stands in). Any other URL is never fetched: null.
   * Only with capability `httpSurface`. Bodies are read within bounds.
   */
  httpGet?(ref: string): Promise<HttpGetAnswer | null>;
  /** Stop a sign-in at its authorization code, bound as asked. Only with capability `codeExchange`. */
  authorize?(request: AuthorizeRequest): Promise<AuthorizeResult>;
  /** Exchange a code at the token endpoint with exactly these fields. Only with capability `codeExchange`. */
  exchangeCode?(request: CodeExchangeRequest): Promise<TokenResult>;
  /**
   * A raw token request (the form fields, client authentication among them as
   * `client_id`/`client_secret`): for the error codes of requests no grant
   * method can send, e.g. an unknown `grant_type`. Only with capability `codeExchange`.
   */
  tokenRequest?(fields: Record<string, string>): Promise<TokenResult>;
  /** Move the target's clock forward. Only with capability `clock`. */
  advanceClock?(seconds: number): Promise<void>;
  /** The target's clock now, in Unix seconds (what it puts in `iat`). Only with capability `clock`. */
  clockNow?(): Promise<number>;
  /** Revoke an access or refresh token (RFC 7009). Only with capability `revocation`; a refusal is a result, not a throw. */
  revoke?(request: RevokeRequest): Promise<RevokeResult>;
  /** Rotate the signing key: new tokens are signed with a new key the JWKS publishes (the old one may stay). Only with capability `keyRotation`. */
  rotateKeys?(): Promise<void>;
  stop(): Promise<void>;
}

/** A token revocation request (RFC 7009 §2.1; Kinde: `POST /oauth2/revoke` with `token`, `client_id`, `client_secret`). */
export interface RevokeRequest {
  token: string;
  /** RFC 7009 `token_type_hint`: a hint only; a server MUST search all token types, and ignores an invalid value. */
  tokenTypeHint?: string;
  clientId: string;
  /** Confidential clients authenticate; public (frontend) ones send none. */
  clientSecret?: string;
}

/** What the revocation endpoint answered: 200 = revoked or an invalid token (RFC 7009 §2.2); otherwise an OAuth error. */
export type RevokeResult =
  | { ok: true; status: 200; headers?: ResponseHeaders }
  | { ok: false; status: number; error: string; errorDescription?: string; headers?: ResponseHeaders };

export type AdapterErrorCode =
  | 'ERR_TARGET_UNREACHABLE'
  | 'ERR_TARGET_TIMEOUT'
  | 'ERR_TARGET_PROTOCOL'
  | 'ERR_TARGET_REJECTED'
  | 'ERR_VERIFIER_UNREACHABLE'
  | 'ERR_WORKFLOW_BUILD'
  | 'ERR_UNKNOWN_TARGET'
  /** A verifier is misconfigured, e.g. http-api without --verifier-url (exit 2). */
  | 'ERR_VERIFIER_CONFIG';

export class AdapterError extends Error {
  readonly code: AdapterErrorCode;
  constructor(code: AdapterErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AdapterError';
    this.code = code;
  }
}
