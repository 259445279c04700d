/**
 * In-process adapter for the reference issuer (and its seeded-defect mutants).
 * Refusals by the issuer become `{ ok: false }` token results, exactly as an
 * HTTP target's 4xx answers would.
 */
import { DEFAULT_REDIRECT_URI } from '../adapters/oauth-forms.js';
import { SUITE_VERSION as version } from '../schemas/version.js';
import { IssuerError } from './errors.js';
import { WorkflowError } from './workflows/index.js';
import { REFERENCE_CAPABILITIES, ReferenceIssuer, type GrantRequest, type IssuerOptions } from './issuer.js';
import {
  AdapterError,
  type Adapter,
  type AuthorizeRequest,
  type AuthorizeResult,
  type ClientCredentialsRequest,
  type CodeExchangeRequest,
  type DeployedWorkflow,
  type Jwks,
  type RefreshRequest,
  type RevokeRequest,
  type RevokeResult,
  type SignInRequest,
  type TargetInfo,
  type Tenant,
  type TokenResult,
  type WorkflowFixtureSet,
} from '../adapters/types.js';

export class ReferenceAdapter implements Adapter {
  readonly name: string;
  readonly #options: IssuerOptions;
  #issuer?: ReferenceIssuer;

  constructor(name = 'reference', options: IssuerOptions = {}) {
    this.name = name;
    this.#options = options;
  }

  get issuer(): ReferenceIssuer {
    if (!this.#issuer) throw new AdapterError('ERR_TARGET_PROTOCOL', `${this.name}: start() was not called`);
    return this.#issuer;
  }

  async start(): Promise<TargetInfo> {
    this.#issuer ??= await ReferenceIssuer.create(this.#options);
    return {
      name: this.name,
      version,
      refreshOverlapSeconds: this.#issuer.refreshOverlapSeconds,
      // In-process there is no HTTP: no headers, discovery or JWKS paths to show (`serve` shows them over HTTP).
      capabilities: { ...REFERENCE_CAPABILITIES, workflowFixtures: true, httpSurface: false, codeExchange: true },
    };
  }

  async provision(tenant: Tenant): Promise<void> {
    try {
      this.issuer.provision(tenant);
    } catch (e) {
      throw wrap(e, 'provision');
    }
  }

  async deployWorkflow(source: string, fixtures?: WorkflowFixtureSet): Promise<DeployedWorkflow> {
    try {
      return await this.issuer.deployWorkflow(source, fixtures);
    } catch (e) {
      if (e instanceof WorkflowError) {
        throw new AdapterError('ERR_WORKFLOW_BUILD', (e as Error).message, { cause: e });
      }
      throw wrap(e, 'deployWorkflow');
    }
  }

  async removeWorkflow(id: string): Promise<void> {
    try {
      this.issuer.removeWorkflow(id);
    } catch (e) {
      throw wrap(e, 'removeWorkflow');
    }
  }

  async signIn(request: SignInRequest): Promise<TokenResult> {
    let code: string;
    try {
      code = this.issuer.authorize(request);
    } catch (e) {
      return refusal(e);
    }
    const app = this.issuer.tenant.applications.find((a) => a.clientId === request.clientId);
    const grant: GrantRequest = { grant_type: 'authorization_code', code, client_id: request.clientId };
    if (app && app.kind !== 'frontend') grant.client_secret = app.clientSecret;
    return this.#token(grant);
  }

  async authorize(request: AuthorizeRequest): Promise<AuthorizeResult> {
    const { redirectUri = DEFAULT_REDIRECT_URI, codeChallenge, ...signIn } = request;
    try {
      const code = this.issuer.authorize(signIn, { ...(codeChallenge !== undefined ? { challenge: codeChallenge } : {}), redirectUri });
      return { ok: true, code, redirectUri };
    } catch (e) {
      return refusal(e) as AuthorizeResult;
    }
  }

  exchangeCode(request: CodeExchangeRequest): Promise<TokenResult> {
    const grant: GrantRequest = { grant_type: 'authorization_code', code: request.code, client_id: request.clientId };
    if (request.clientSecret !== undefined) grant.client_secret = request.clientSecret;
    if (request.redirectUri !== undefined) grant.redirect_uri = request.redirectUri;
    if (request.codeVerifier !== undefined) grant.code_verifier = request.codeVerifier;
    return this.#token(grant);
  }

  /** The form fields as the token endpoint reads them (empty = omitted); what is missing is refused as `serve` refuses it. */
  tokenRequest(fields: Record<string, string>): Promise<TokenResult> {
    const f = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== ''));
    if (f.grant_type === undefined) return Promise.resolve({ ok: false, status: 400, error: 'invalid_request', errorDescription: 'grant_type is required' });
    if (f.client_id === undefined) return Promise.resolve({ ok: false, status: 401, error: 'invalid_client', errorDescription: 'client authentication is required' });
    const missing = ({ authorization_code: 'code', refresh_token: 'refresh_token' } as Record<string, string>)[f.grant_type];
    if (missing !== undefined && f[missing] === undefined) return Promise.resolve({ ok: false, status: 400, error: 'invalid_request', errorDescription: `${missing} is required` });
    const grant: Record<string, unknown> = { ...f };
    if (f.grant_type === 'client_credentials') Object.assign(grant, { audience: f.audience ? [f.audience] : [], client_secret: f.client_secret ?? '' });
    if (f.scope !== undefined) grant.scope = f.scope.split(' ').filter(Boolean);
    return this.#token(grant as unknown as GrantRequest);
  }

  refresh(request: RefreshRequest): Promise<TokenResult> {
    const grant: GrantRequest = { grant_type: 'refresh_token', refresh_token: request.refreshToken, client_id: request.clientId };
    if (request.clientSecret !== undefined) grant.client_secret = request.clientSecret;
    return this.#token(grant);
  }

  clientCredentials(request: ClientCredentialsRequest): Promise<TokenResult> {
    const grant: GrantRequest = {
      grant_type: 'client_credentials',
      client_id: request.clientId,
      client_secret: request.clientSecret,
      audience: request.audience,
    };
    if (request.scopes) grant.scope = request.scopes;
    if (request.orgCode !== undefined) grant.org_code = request.orgCode;
    return this.#token(grant);
  }

  async jwks(): Promise<Jwks> {
    return this.issuer.jwks();
  }

  async advanceClock(seconds: number): Promise<void> {
    this.issuer.clock.advance(seconds);
  }

  async clockNow(): Promise<number> {
    return this.issuer.clock.now();
  }

  /** Revocation (RFC 7009) by the issuer itself: 200, or its refusal as the endpoint would answer it. */
  async revoke(request: RevokeRequest): Promise<RevokeResult> {
    try {
      await this.issuer.revoke(request);
      return { ok: true, status: 200 };
    } catch (e) {
      if (e instanceof IssuerError) return { ok: false, status: e.status, error: e.code, errorDescription: e.message };
      throw wrap(e, 'revoke');
    }
  }

  async rotateKeys(): Promise<void> {
    await this.issuer.rotateKeys();
  }

  async stop(): Promise<void> {
    this.#issuer = undefined;
  }

  async #token(grant: GrantRequest): Promise<TokenResult> {
    try {
      const body = await this.issuer.token(grant);
      return { ok: true, status: 200, body };
    } catch (e) {
      return refusal(e);
    }
  }
}

function refusal(e: unknown): TokenResult {
  if (e instanceof IssuerError) return { ok: false, status: e.status, error: e.code, errorDescription: e.message };
  throw wrap(e, 'token request');
}

function wrap(e: unknown, what: string): AdapterError {
  if (e instanceof AdapterError) return e;
  if (e instanceof IssuerError) return new AdapterError('ERR_TARGET_REJECTED', `${what}: ${e.message}`, { cause: e });
  return new AdapterError('ERR_TARGET_PROTOCOL', `${what} failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
}
