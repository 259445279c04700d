/**
 * One Kinde environment served over HTTP: a {@link ReferenceIssuer} plus the
 * request handling of every protocol endpoint that acts on it (discovery,
 * JWKS, token, authorize and the `/_conformance/v1` control surface). The
 * server owns routing; this module owns what each endpoint means.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SignInRequest, WorkflowFixtureSet } from '../../adapters/types.js';
import { protocolErrors, PROTOCOL_MINOR, PROTOCOL_VERSION } from '../../schemas/protocol/validate.js';
import type { DefectName } from '../defects.js';
import { IssuerError } from '../errors.js';
import { REFERENCE_CAPABILITIES, ReferenceIssuer, type GrantRequest, type IssuerOptions } from '../issuer.js';
import { WorkflowError } from '../workflows/index.js';
import { AccountEndpoints } from './account.js';
import { HttpError, parseForm, readForm, sendEmpty, sendJson } from './http-io.js';
import { drain, parseBasic, readMessage, tokenForm } from './requests.js';

export { REFERENCE_CAPABILITIES };

export interface Implementation {
  name: string;
  version: string;
  homepage?: string;
}

/** What one environment holds in memory (each bounded: reference/limits.ts). */
export interface EnvironmentStats {
  workflows: number;
  authorizationCodes: number;
  refreshTokens: number;
  /** Codes bound to a PKCE challenge or redirect URI, not yet exchanged. */
  pendingCodes: number;
}

export class Environment {
  readonly issuer: ReferenceIssuer;
  /** Absolute URL under which this environment answers (no trailing slash). */
  readonly baseUrl: string;
  /** When a request last reached this environment (ms, the session store's clock). */
  lastUsed = 0;
  readonly #implementation: Implementation;
  readonly #sessions: boolean;
  /** Seeded defects of the HTTP surface (discovery, JWKS paths, headers); the issuer has its own. */
  readonly #defects: ReadonlySet<DefectName>;
  /** User profile, logout, revocation and introspection (account.ts). */
  readonly account: AccountEndpoints;

  private constructor(issuer: ReferenceIssuer, baseUrl: string, implementation: Implementation, sessions: boolean, defects: ReadonlySet<DefectName>) {
    this.issuer = issuer;
    this.#defects = defects;
    this.baseUrl = baseUrl;
    this.#implementation = implementation;
    this.#sessions = sessions;
    this.account = new AccountEndpoints(issuer);
  }

  static async create(baseUrl: string, implementation: Implementation, sessions: boolean, options: IssuerOptions): Promise<Environment> {
    return new Environment(await ReferenceIssuer.create(options), baseUrl, implementation, sessions, options.defects ?? new Set());
  }

  stats(): EnvironmentStats {
    const { boundCodes, ...stats } = this.issuer.stats();
    return { ...stats, pendingCodes: boundCodes };
  }

  // -------------------------------------------------------------------------
  // Standard OAuth / OIDC surfaces
  // -------------------------------------------------------------------------

  /**
   * OpenID Provider metadata. `issuer` is the documented Kinde issuer of the
   * provisioned tenant (what tokens carry), not this server's URL; the
   * endpoint URLs are where this server really answers.
   */
  discovery(res: ServerResponse): void {
    sendJson(
      res,
      200,
      {
        issuer: this.#defects.has('discovery-issuer-slash') ? `${this.issuer.issuer}/` : this.issuer.issuer,
        authorization_endpoint: `${this.baseUrl}/oauth2/auth`,
        token_endpoint: `${this.baseUrl}/oauth2/token`,
        jwks_uri: `${this.baseUrl}${this.#defects.has('discovery-jwks-uri-wrong') ? '/oauth2/keys' : '/.well-known/jwks'}`,
        userinfo_endpoint: `${this.baseUrl}/oauth2/v2/user_profile`,
        end_session_endpoint: `${this.baseUrl}/logout`,
        revocation_endpoint: `${this.baseUrl}/oauth2/revoke`,
        introspection_endpoint: `${this.baseUrl}/oauth2/introspect`,
        response_types_supported: ['code'],
        response_modes_supported: ['query'],
        ...(this.#defects.has('discovery-missing-subject-types') ? {} : { subject_types_supported: ['public'] }),
        id_token_signing_alg_values_supported: this.#defects.has('discovery-algs-without-rs256') ? ['ES256'] : this.#defects.has('discovery-advertises-hs256') ? ['RS256', 'HS256'] : ['RS256'],
        grant_types_supported: this.#defects.has('discovery-grant-types-incomplete') ? ['authorization_code', 'client_credentials'] : ['authorization_code', 'refresh_token', 'client_credentials'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'none'],
        code_challenge_methods_supported: this.#defects.has('discovery-pkce-plain-only') ? ['plain'] : ['S256'],
        scopes_supported: ['openid', 'profile', 'email', 'offline'],
        claims_supported: ['aud', 'exp', 'iat', 'iss', 'sub', 'email', 'given_name', 'family_name', 'name', 'picture', 'org_code'],
      },
      CORS,
    );
  }

  /** Both documented paths; `path` tells them apart for the defects of one of them. */
  jwks(res: ServerResponse, path = '/.well-known/jwks'): void {
    if (path.endsWith('.json') && this.#defects.has('jwks-json-path-missing')) throw new HttpError(404, 'not_found', `no route ${path}`);
    sendJson(res, 200, this.issuer.jwks(), CORS);
  }

  /** `POST /oauth2/token`, form-encoded, client auth by form fields or HTTP Basic. */
  async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fields = await readForm(req);
    const basic = parseBasic(req.headers.authorization);
    const form = tokenForm(fields);
    const wire = protocolErrors('token-request', form);
    if (wire.length > 0) throw new HttpError(400, 'invalid_request', `token request: ${wire.join('; ')}`);
    const challengeHeaders: Record<string, string> = basic ? { 'WWW-Authenticate': 'Basic realm="token"' } : {};
    if (basic && form.client_secret !== undefined) {
      throw new HttpError(400, 'invalid_request', 'client authenticated with both HTTP Basic and client_secret; use one method (RFC 6749 2.3)');
    }
    if (basic && form.client_id !== undefined && form.client_id !== basic.id) {
      throw new HttpError(400, 'invalid_request', 'client_id does not match the HTTP Basic client');
    }
    const clientId = basic?.id ?? form.client_id;
    const secret = basic?.secret ?? form.client_secret;
    if (clientId === undefined) throw new HttpError(401, 'invalid_client', 'client authentication is required (client_id or HTTP Basic)', challengeHeaders);

    let grant: GrantRequest;
    switch (form.grant_type) {
      case 'authorization_code': {
        // The issuer checks the code's bindings (client, PKCE, redirect_uri).
        grant = { grant_type: 'authorization_code', code: form.code!, client_id: clientId };
        if (secret !== undefined) grant.client_secret = secret;
        if (form.redirect_uri !== undefined) grant.redirect_uri = form.redirect_uri;
        if (form.code_verifier !== undefined) grant.code_verifier = form.code_verifier;
        break;
      }
      case 'refresh_token':
        grant = { grant_type: 'refresh_token', refresh_token: form.refresh_token!, client_id: clientId };
        if (secret !== undefined) grant.client_secret = secret;
        break;
      case 'client_credentials':
        grant = { grant_type: 'client_credentials', client_id: clientId, client_secret: secret ?? '', audience: form.audience ?? [] };
        if (form.scope !== undefined) grant.scope = form.scope.split(' ').filter(Boolean);
        // Passed on as an attempt: a conforming issuer ignores it (the `org-override-honored` mutant does not).
        if (form.org_code !== undefined) grant.org_code = form.org_code;
        break;
      default:
        // The issuer refuses it (unsupported_grant_type), as in-process.
        grant = { grant_type: form.grant_type, client_id: clientId } as unknown as GrantRequest;
    }
    try {
      const cacheable: Record<string, string> = this.#defects.has('token-response-cacheable') ? { 'Cache-Control': 'no-cache', Pragma: '' } : {};
      const plain: Record<string, string> = this.#defects.has('token-response-text-plain') ? { 'Content-Type': 'text/plain; charset=utf-8' } : {};
      sendJson(res, 200, await this.issuer.token(grant), { ...CORS, ...cacheable, ...plain });
    } catch (e) {
      if (e instanceof IssuerError && e.code === 'invalid_client') throw new HttpError(e.status, e.code, e.message, challengeHeaders);
      throw e;
    }
  }

  /**
   * `GET /oauth2/auth`: a non-interactive authorization endpoint for local app
   * tests. The user is `login_hint` (user id or email), or the only user of the
   * tenant; the browser is redirected back at once with a code.
   */
  authorize(query: string, res: ServerResponse): void {
    const q = parseForm(query);
    const one = (name: string): string | undefined => {
      const v = q.get(name);
      if (v && v.length > 1) throw new HttpError(400, 'invalid_request', `parameter "${name}" must not repeat`);
      return v?.[0] === '' ? undefined : v?.[0];
    };
    const redirectUri = one('redirect_uri');
    if (redirectUri === undefined) throw new HttpError(400, 'invalid_request', 'redirect_uri is required');
    let target: URL;
    try {
      target = new URL(redirectUri);
    } catch {
      throw new HttpError(400, 'invalid_request', 'redirect_uri is not an absolute URL');
    }
    if ((target.protocol !== 'http:' && target.protocol !== 'https:') || target.hash !== '') {
      throw new HttpError(400, 'invalid_request', 'redirect_uri must be an http(s) URL without a fragment');
    }
    const clientId = one('client_id');
    if (clientId === undefined) throw new HttpError(400, 'invalid_request', 'client_id is required');
    const state = one('state');
    const back = (params: Record<string, string>): void => {
      for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
      if (state !== undefined) target.searchParams.set('state', state);
      sendEmpty(res, 302, { Location: target.toString() });
    };
    if (one('response_type') !== 'code') {
      back({ error: 'unsupported_response_type', error_description: 'only response_type=code is supported' });
      return;
    }
    const challenge = one('code_challenge');
    const method = one('code_challenge_method');
    if (challenge !== undefined && method !== 'S256') {
      back({ error: 'invalid_request', error_description: 'code_challenge_method must be S256' });
      return;
    }
    const hint = one('login_hint');
    const users = this.issuer.tenant.users;
    const user = hint === undefined ? (users.length === 1 ? users[0] : undefined) : users.find((u) => u.id === hint || u.email === hint);
    if (!user) {
      back({ error: 'login_required', error_description: hint === undefined ? 'give login_hint (a user id or email)' : `no user ${JSON.stringify(hint)}` });
      return;
    }
    const request: SignInRequest = {
      clientId,
      userId: user.id,
      scopes: (one('scope') ?? '').split(' ').filter(Boolean),
      // Repeated (`audience=a&audience=b`) or space-separated in one (`audience=a%20b`, as @kinde/js-utils sends it).
      audience: [...new Set((q.get('audience') ?? []).flatMap((a) => a.split(' ')).filter(Boolean))],
    };
    const org = one('org_code');
    if (org !== undefined) request.orgCode = org;
    try {
      back({ code: this.issuer.authorize(request, { ...(challenge !== undefined ? { challenge } : {}), redirectUri }) });
    } catch (e) {
      if (!(e instanceof IssuerError)) throw e;
      back({ error: e.code, error_description: e.message });
    }
  }

  // -------------------------------------------------------------------------
  // Control surface /_conformance/v1
  // -------------------------------------------------------------------------

  handshake(res: ServerResponse): void {
    sendJson(res, 200, {
      protocol: PROTOCOL_VERSION,
      protocolMinor: PROTOCOL_MINOR,
      implementation: this.#implementation,
      // Protocol 1.1: deployments may carry what kinde.env and kinde.fetch answer.
      capabilities: { ...REFERENCE_CAPABILITIES, workflowFixtures: true },
      refreshOverlapSeconds: this.issuer.refreshOverlapSeconds,
      sessions: this.#sessions,
    });
  }

  async putTenant(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readMessage(req, 'tenant', 'invalid_tenant');
    this.provision(body);
    sendEmpty(res, 204);
  }

  /** Replace the tenant (also used for `serve --tenant`). Throws IssuerError invalid_tenant naming the field. */
  provision(tenant: unknown): void {
    this.issuer.provision(tenant);
  }

  async postWorkflow(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { source, fixtures } = (await readMessage(req, 'workflow-request')) as { source: string; fixtures?: WorkflowFixtureSet };
    try {
      sendJson(res, 201, await this.issuer.deployWorkflow(source, fixtures));
    } catch (e) {
      if (e instanceof WorkflowError) throw new HttpError(422, 'workflow_build_failed', `${e.code}: ${e.message}`);
      throw e;
    }
  }

  deleteWorkflow(id: string, res: ServerResponse): void {
    try {
      this.issuer.removeWorkflow(id);
    } catch (e) {
      if (e instanceof IssuerError && e.status === 404) throw new HttpError(404, 'not_found', e.message);
      throw e;
    }
    sendEmpty(res, 204);
  }

  async signIn(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = (await readMessage(req, 'sign-in-request')) as SignInRequest & {
      redirectUri?: string;
      codeChallenge?: string;
    };
    const request: SignInRequest = { clientId: body.clientId, userId: body.userId, scopes: body.scopes, audience: body.audience };
    if (body.orgCode !== undefined) request.orgCode = body.orgCode;
    const code = this.issuer.authorize(request, {
      ...(body.codeChallenge !== undefined ? { challenge: body.codeChallenge } : {}),
      ...(body.redirectUri !== undefined ? { redirectUri: body.redirectUri } : {}),
    });
    sendJson(res, 200, { code });
  }

  async advanceClock(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { seconds } = (await readMessage(req, 'clock-request')) as { seconds: number };
    this.issuer.clock.advance(seconds);
    sendJson(res, 200, { now: this.issuer.clock.now() });
  }

  async rotateKeys(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await drain(req);
    await this.issuer.rotateKeys();
    sendEmpty(res, 204);
  }
}

/** Open to browsers: people point their SPA tests at discovery, JWKS and the token endpoint. */
export const CORS: Record<string, string> = { 'Access-Control-Allow-Origin': '*' };
