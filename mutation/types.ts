/**
 * The vocabulary of the mutation engine: an operator is one generated defect,
 * applied by {@link MutantAdapter} to whatever a wrapped target returns.
 *
 * Application rule (deterministic, so every check has a fair chance to see a
 * mutant): a token operator rewrites EVERY token of its type in every answer
 * of the grants it names (all grants by default) whenever the thing it edits
 * exists (a claim that is absent cannot be dropped); a response operator
 * rewrites every successful answer; a stateful operator acts on every request
 * that meets its trigger (e.g. every refusal of a rotated-out refresh token).
 * The same original token always yields the same mutated token (a cache keyed
 * by the raw token), so a target returning the same access token twice still
 * does after mutation.
 */
import type {
  AuthorizeRequest,
  AuthorizeResult,
  ClientCredentialsRequest,
  CodeExchangeRequest,
  HttpGetAnswer,
  ResponseHeaders,
  JsonObject,
  Jwks,
  RefreshRequest,
  SignInRequest,
  Tenant,
  TokenResult,
  TokenSet,
  TokenType,
} from '../adapters/types.js';

export type Grant = 'authorization_code' | 'refresh_token' | 'client_credentials';

/** Operator families, as the report groups them. */
export type Family =
  | 'drop'
  | 'type'
  | 'near-miss'
  | 'foreign-claim'
  | 'time'
  | 'header'
  | 'signature'
  | 'jwks'
  | 'response'
  | 'consistency'
  | 'refresh-state'
  | 'surface'
  | 'code-state'
  | 'error-code'
  | 'identity';

/** What a token operator may change: the decoded JWS before it is signed again. */
export interface TokenEdit {
  type: TokenType;
  header: JsonObject;
  payload: JsonObject;
}

export interface TokenContext {
  grant: Grant;
  /** Original (unmutated) payloads of the other tokens of the same answer. */
  siblings: Partial<Record<TokenType, JsonObject>>;
  /** Per-mutant memory (e.g. the first jti seen), reset with the adapter. */
  memory: Map<string, unknown>;
}

/** How a token is signed after the edit. Only signature operators change it. */
export type Signing =
  | { kind: 'substitute' }
  | { kind: 'alg'; alg: 'RS384' | 'RS512' | 'PS256' | 'PS384' }
  | { kind: 'unpublished-key' }
  | { kind: 'weak-key' }
  | { kind: 'corrupt-signature' }
  | { kind: 'none' };

export interface ResponseContext {
  grant: Grant;
  /** Per-mutant memory, as for tokens. */
  memory: Map<string, unknown>;
}

/** The wrapped target's calls, with every answer already rewritten by the token operators. */
export interface InnerCalls {
  signIn(request: SignInRequest): Promise<TokenResult>;
  refresh(request: RefreshRequest): Promise<TokenResult>;
  clientCredentials(request: ClientCredentialsRequest): Promise<TokenResult>;
  /** Capability codeExchange: the code grant taken apart (exchangeCode's tokens rewritten like signIn's). */
  authorize(request: AuthorizeRequest): Promise<AuthorizeResult>;
  exchangeCode(request: CodeExchangeRequest): Promise<TokenResult>;
  tokenRequest(fields: Record<string, string>): Promise<TokenResult>;
  /** The tenant last provisioned (for client secrets). */
  tenant(): Tenant | undefined;
}

/**
 * Stateful operators sit around the calls: they may answer what the target
 * refused, replay an earlier answer, or change the request. They return
 * `applied: true` when they changed anything.
 */
export interface Interceptor {
  signIn?(request: SignInRequest, inner: InnerCalls, memory: Map<string, unknown>): Promise<{ result: TokenResult; applied: boolean }>;
  refresh?(request: RefreshRequest, inner: InnerCalls, memory: Map<string, unknown>): Promise<{ result: TokenResult; applied: boolean }>;
  clientCredentials?(
    request: ClientCredentialsRequest,
    inner: InnerCalls,
    memory: Map<string, unknown>,
  ): Promise<{ result: TokenResult; applied: boolean }>;
  authorize?(request: AuthorizeRequest, inner: InnerCalls, memory: Map<string, unknown>): Promise<{ result: AuthorizeResult; applied: boolean }>;
  exchangeCode?(request: CodeExchangeRequest, inner: InnerCalls, memory: Map<string, unknown>): Promise<{ result: TokenResult; applied: boolean }>;
  tokenRequest?(fields: Record<string, string>, inner: InnerCalls, memory: Map<string, unknown>): Promise<{ result: TokenResult; applied: boolean }>;
}

export interface Operator {
  /** Stable id, e.g. `access.sub:edit:insert@start`, `response.token_type:drop`, `refresh:not-rotated`. */
  id: string;
  family: Family;
  /** What it aims at, for the report: `access.sub`, `response.expires_in`, `header.kid`, `refresh-chain`. */
  target: string;
  /** Report area: a token type, `response`, `refresh`, `jose`, `jwks`. */
  area: string;
  description: string;
  /** Grants whose answers it rewrites (default: all). */
  grants?: readonly Grant[];
  /** Token types whose tokens it rewrites (token operators). */
  tokenTypes?: readonly TokenType[];
  /** Edit a decoded token in place; return false when it does not apply (nothing changed). */
  token?(edit: TokenEdit, ctx: TokenContext): boolean;
  /** Sign the edited token differently (signature operators). */
  signing?: Signing;
  /** Keep the ID token's at_hash computed over the original access token instead of the re-signed one. */
  staleAtHash?: boolean;
  /** Edit a successful token response body in place. */
  response?(body: TokenSet, ctx: ResponseContext): boolean;
  /** Edit the served JWKS in place. */
  jwks?(jwks: Jwks): boolean;
  /**
   * Edit an HTTP-surface answer in place (discovery, a JWKS path; Adapter
   * httpGet). `ref` is what the suite asked for: a path or an absolute URL.
   * Only targets with capability httpSurface are asked; in-process it stays unexercised.
   */
  surface?(ref: string, answer: HttpGetAnswer): boolean;
  /** Edit a successful token answer's HTTP headers (lower-case names) in place. */
  headers?(headers: ResponseHeaders, ctx: ResponseContext): boolean;
  interceptor?: Interceptor;
  /**
   * Whether the operator only transforms what the target answered, so its mutant can be judged over the
   * exchanges recorded with the unmutated target (mutation/recording.ts) instead of a live target. Default:
   * true without an interceptor. Set false for an operator whose effect must reach the target (it changes
   * requests or state); a request that differs from the recording falls back to live anyway.
   */
  replayable?: boolean;
}
