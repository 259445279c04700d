/**
 * oauth2-mock-server as a target, run in-process on 127.0.0.1.
 *
 * The mock signs whatever its hooks hand it and keeps no users, clients or
 * token state. So the adapter plays the tenant inside the mock's own events:
 *   - `beforeAuthorizeRedirect` records who signs in (login_hint, org_code,
 *     scope, audience) under the code, or turns the redirect into an error
 *     for an unknown user, a non-member org or an M2M client;
 *   - `beforeTokenSigning` rewrites the payload into the documented claims;
 *   - `beforeResponse` shapes the body (expires_in, scope, refresh_token only
 *     with `offline`) and refuses what the tenant would not know (unknown
 *     client or secret, unknown code or refresh token).
 * What it emulates is the tenant (who), never token lifecycle (the mock has
 * none): refresh tokens are not revoked on rotation and nothing expires on
 * the server side. Those differences show in expected/targets/oauth2-mock-server.json.
 */
import type { IncomingMessage } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import type { MutableRedirectUri, MutableResponse, MutableToken, OAuth2Server } from 'oauth2-mock-server';
import { readFileSync } from 'node:fs';
import {
  emptyTenant,
  AdapterError,
  issuerOf,
  type Adapter,
  type Application,
  type ClientCredentialsRequest,
  type DeployedWorkflow,
  type HttpGetAnswer,
  type JsonObject,
  type Jwks,
  type RefreshRequest,
  type SignInRequest,
  type TargetInfo,
  type Tenant,
  type TokenResult,
  type RevokeRequest,
  type RevokeResult,
} from '../types.js';
import { DEFAULT_TIMEOUT_MS, getSurface, json, pkcePair, revokeAt, send, tokenResult } from './http.js';
import { TenantView } from './tenant-view.js';
import { clientCredentialsForm, codeExchangeForm, refreshForm } from '../oauth-forms.js';

const NAME = 'oauth2-mock-server';
const REDIRECT_URI = 'https://app.invalid/callback';
const USER_SCOPES = new Set(['openid', 'profile', 'email', 'offline']);

export interface OAuth2MockServerAdapterOptions {
  port?: number;
  timeoutMs?: number;
}

interface Session {
  clientId: string;
  userId: string;
  orgCode?: string;
  scopes: string[];
  audience: string[];
  authTime: number;
}

type TokenRequest = IncomingMessage & { body: Record<string, unknown> };
interface Resolution {
  session?: Session;
  app?: Application;
  refusal?: { status: number; error: string; description: string };
}

export class OAuth2MockServerAdapter implements Adapter {
  readonly name = NAME;
  readonly #port: number;
  readonly #timeoutMs: number;
  #server?: OAuth2Server;
  #base = '';
  #view = new TenantView(emptyTenant());
  readonly #codes = new Map<string, Session>();
  readonly #refresh = new Map<string, Session>();
  /** Per token request: the session it resolved to, or why the tenant refuses it. */
  readonly #requests = new WeakMap<IncomingMessage, Resolution>();

  constructor(options: OAuth2MockServerAdapterOptions = {}) {
    this.#port = options.port ?? 0;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async start(): Promise<TargetInfo> {
    if (!this.#server) {
      const { OAuth2Server } = await import('oauth2-mock-server');
      const server = new OAuth2Server(undefined, undefined, {
        endpoints: { authorize: '/oauth2/auth', token: '/oauth2/token', jwks: '/.well-known/jwks', revoke: '/oauth2/revoke' },
      });
      await server.issuer.keys.generate('RS256');
      try {
        await server.start(this.#port, '127.0.0.1');
      } catch (e) {
        throw new AdapterError('ERR_TARGET_UNREACHABLE', `${NAME}: cannot listen on 127.0.0.1:${this.#port} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
      }
      this.#base = `http://127.0.0.1:${server.address().port}`;
      server.issuer.url = issuerOf(this.#view.tenant);
      server.service.on('beforeAuthorizeRedirect', (r: MutableRedirectUri, req: IncomingMessage) => this.#onAuthorize(r, req));
      server.service.on('beforeTokenSigning', (t: MutableToken, req: TokenRequest) => this.#onSign(t, req));
      server.service.on('beforeResponse', (r: MutableResponse, req: TokenRequest) => this.#onResponse(r, req));
      this.#server = server;
    }
    return {
      name: NAME,
      version: mockVersion(),
      capabilities: {
        userTokens: true,
        refresh: true,
        m2m: true,
        orgScopedM2m: true,
        workflows: false,
        properties: false,
        featureFlags: true,
        clock: false,
        // The mock's key store can add keys but never drop one, so the old key cannot leave the JWKS.
        keyRotation: false,
        // Served over loopback HTTP: the suite sees token response headers, discovery and the JWKS paths.
        httpSurface: true,
        // The mock serves POST /oauth2/revoke (200, empty body) but keeps no token state: revoking is a no-op.
        revocation: true,
        // Codes are looked up, bound to their client and dropped by this adapter (the tenant it plays),
        // not by the mock: judging replays and bindings here would judge this adapter, not the mock.
        codeExchange: false,
      },
    };
  }

  async provision(tenant: Tenant): Promise<void> {
    this.#view = new TenantView(tenant);
    this.#codes.clear();
    this.#refresh.clear();
    this.#require().issuer.url = issuerOf(tenant);
  }

  async deployWorkflow(): Promise<DeployedWorkflow> {
    throw new AdapterError('ERR_TARGET_REJECTED', `${NAME} does not run Kinde workflows`);
  }

  async removeWorkflow(): Promise<void> {
    throw new AdapterError('ERR_TARGET_REJECTED', `${NAME} does not run Kinde workflows`);
  }

  async signIn(request: SignInRequest): Promise<TokenResult> {
    this.#require();
    const { verifier, challenge } = await pkcePair();
    const params = new URLSearchParams({
      client_id: request.clientId,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: request.scopes.join(' '),
      state: randomBytes(8).toString('hex'),
      code_challenge: challenge,
      code_challenge_method: 'S256',
      login_hint: request.userId,
    });
    for (const a of request.audience) params.append('audience', a);
    if (request.orgCode !== undefined) params.set('org_code', request.orgCode);
    const url = `${this.#base}/oauth2/auth?${params}`;
    const res = await send(NAME, url, {}, this.#timeoutMs);
    const location = res.headers.get('location');
    if (location === null || !location.startsWith(REDIRECT_URI)) {
      return tokenResult(NAME, res.status >= 400 ? res.status : 400, await json(NAME, url, res)) as TokenResult;
    }
    await res.body?.cancel();
    const back = new URL(location).searchParams;
    const code = back.get('code');
    if (code === null) {
      const d = back.get('error_description');
      return { ok: false, status: 400, error: back.get('error') ?? 'server_error', ...(d === null ? {} : { errorDescription: d }) };
    }
    const app = this.#view.app(request.clientId);
    return this.#token(codeExchangeForm({ code, clientId: request.clientId, redirectUri: REDIRECT_URI, codeVerifier: verifier, ...(app && app.kind !== 'frontend' ? { clientSecret: app.clientSecret } : {}) }));
  }

  refresh(request: RefreshRequest): Promise<TokenResult> {
    return this.#token(refreshForm(request));
  }

  clientCredentials(request: ClientCredentialsRequest): Promise<TokenResult> {
    return this.#token(clientCredentialsForm(request));
  }

  revoke(request: RevokeRequest): Promise<RevokeResult> {
    this.#require();
    return revokeAt(NAME, `${this.#base}/oauth2/revoke`, request, this.#timeoutMs);
  }

  httpGet(ref: string): Promise<HttpGetAnswer | null> {
    this.#require();
    return getSurface(NAME, ref, this.#base, issuerOf(this.#view.tenant), this.#timeoutMs);
  }

  async jwks(): Promise<Jwks> {
    this.#require();
    const url = `${this.#base}/.well-known/jwks`;
    const res = await send(NAME, url, {}, this.#timeoutMs);
    const body = await json(NAME, url, res);
    if (res.status !== 200 || !Array.isArray(body.keys)) throw new AdapterError('ERR_TARGET_PROTOCOL', `${NAME}: ${url} answered HTTP ${res.status} without keys`);
    return body as unknown as Jwks;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server?.listening) await server.stop();
  }

  #require(): OAuth2Server {
    if (!this.#server) throw new AdapterError('ERR_TARGET_PROTOCOL', `${NAME}: start() was not called`);
    return this.#server;
  }

  async #token(form: URLSearchParams): Promise<TokenResult> {
    this.#require();
    const url = `${this.#base}/oauth2/token`;
    const res = await send(NAME, url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form }, this.#timeoutMs);
    const body = await json(NAME, url, res);
    if (res.status >= 500) throw new AdapterError('ERR_TARGET_PROTOCOL', `${NAME}: token endpoint failed with HTTP ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
    return tokenResult(NAME, res.status, body, res.headers) as TokenResult;
  }

  /** The tenant's login: who signs in, or an error redirect. */
  #onAuthorize(r: MutableRedirectUri, req: IncomingMessage): void {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    const code = r.url.searchParams.get('code');
    if (code === null) return;
    const app = this.#view.app(q.get('client_id') ?? '');
    const userId = q.get('login_hint') ?? '';
    const orgCode = q.get('org_code') ?? undefined;
    const audience = q.getAll('audience');
    const refusal = !app
      ? ['invalid_client', 'unknown client_id']
      : app.kind === 'm2m'
        ? ['unauthorized_client', 'M2M applications cannot sign users in']
        : !this.#view.user(userId)
          ? ['access_denied', `unknown user "${userId}"`]
          : orgCode !== undefined && !this.#view.membership(userId, orgCode)
            ? ['access_denied', `user "${userId}" is not a member of "${orgCode}"`]
            : audience.find((a) => !app.apis.includes(a)) !== undefined
              ? ['invalid_request', 'application is not authorized for a requested audience']
              : undefined;
    if (refusal || !app) {
      r.url.searchParams.delete('code');
      r.url.searchParams.set('error', refusal?.[0] ?? 'invalid_client');
      r.url.searchParams.set('error_description', refusal?.[1] ?? '');
      return;
    }
    const apiScopes = new Set(this.#view.tenant.apis.filter((a) => audience.includes(a.audience)).flatMap((a) => a.scopes));
    const scopes = [...new Set((q.get('scope') ?? '').split(' ').filter(Boolean))].filter((s) => USER_SCOPES.has(s) || apiScopes.has(s));
    this.#codes.set(code, { clientId: app.clientId, userId, scopes, audience, authTime: Math.floor(Date.now() / 1000), ...(orgCode !== undefined ? { orgCode } : {}) });
  }

  /** Resolve a token request to a session (or a refusal) once, on its first signing. */
  #resolve(req: TokenRequest): Resolution {
    const known = this.#requests.get(req);
    if (known) return known;
    const b = req.body;
    const str = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : undefined);
    const app = this.#view.app(str('client_id') ?? '');
    const refuse = (status: number, error: string, description: string) => ({ refusal: { status, error, description } });
    let out: Resolution;
    if (!app) out = refuse(401, 'invalid_client', 'unknown client_id');
    else if (app.kind !== 'frontend' && str('client_secret') !== app.clientSecret) out = refuse(401, 'invalid_client', 'client authentication failed');
    else if (b.grant_type === 'client_credentials') {
      const audience = [b.audience ?? []].flat();
      out =
        app.kind === 'frontend'
          ? refuse(400, 'unauthorized_client', 'public clients cannot use client_credentials')
          : audience.some((a) => typeof a !== 'string' || !app.apis.includes(a))
            ? refuse(400, 'invalid_request', 'application is not authorized for a requested audience')
            : { app };
    } else {
      const session = b.grant_type === 'authorization_code' ? this.#codes.get(str('code') ?? '') : this.#refresh.get(str('refresh_token') ?? '');
      if (b.grant_type === 'authorization_code') this.#codes.delete(str('code') ?? '');
      out = !session ? refuse(400, 'invalid_grant', `unknown ${b.grant_type === 'authorization_code' ? 'code' : 'refresh token'}`) : session.clientId !== app.clientId ? refuse(400, 'invalid_grant', 'issued to another client') : { app, session };
    }
    this.#requests.set(req, out);
    return out;
  }

  #onSign(token: MutableToken, req: TokenRequest): void {
    const { app, session } = this.#resolve(req);
    if (!app) return;
    const p = token.payload;
    const iat = p.iat;
    const base: JsonObject = { iss: p.iss, iat, jti: randomUUID(), azp: app.clientId };
    for (const k of Object.keys(p)) delete (p as Record<string, unknown>)[k];
    if (req.body.grant_type === 'client_credentials') {
      const audience = [req.body.audience ?? []].flat().filter((a): a is string => typeof a === 'string');
      const apiScopes = new Set(this.#view.tenant.apis.filter((a) => audience.includes(a.audience)).flatMap((a) => a.scopes));
      const scopes = (typeof req.body.scope === 'string' ? req.body.scope.split(' ') : []).filter((s) => apiScopes.has(s));
      const flags = this.#view.m2mFlags(app);
      Object.assign(p, base, {
        aud: audience,
        exp: iat + app.lifetimes.accessToken,
        gty: ['client_credentials'],
        scope: scopes.join(' '),
        scp: scopes,
        v: '2',
        ...(app.kind === 'm2m' && app.orgCode !== undefined ? { org_code: app.orgCode } : {}),
        ...(flags ? { feature_flags: flags } : {}),
      });
      return;
    }
    const user = session && this.#view.user(session.userId);
    if (!session || !user) return;
    // The mock signs the access token first, then the ID token, within one request.
    const isId = this.#signed.get(req) === true;
    this.#signed.set(req, true);
    if (!isId) {
      const m = this.#view.membership(user.id, session.orgCode);
      Object.assign(p, base, {
        aud: [...session.audience],
        exp: iat + app.lifetimes.accessToken,
        feature_flags: this.#view.userFlags(m),
        permissions: [...(m?.permissions ?? [])],
        scp: [...session.scopes],
        sub: user.id,
        ...(session.orgCode !== undefined ? { org_code: session.orgCode } : {}),
        ...this.#view.accessExtras(app, user, session.orgCode),
      });
      return;
    }
    const profile = session.scopes.includes('profile');
    Object.assign(p, base, {
      aud: [app.clientId],
      auth_time: session.authTime,
      exp: iat + app.lifetimes.idToken,
      sub: user.id,
      updated_at: user.updatedAt,
      ...(profile ? { name: `${user.givenName} ${user.familyName}`.trim(), given_name: user.givenName, family_name: user.familyName } : {}),
      ...(profile && user.picture !== undefined ? { picture: user.picture } : {}),
      ...(session.scopes.includes('email') ? { email: user.email } : {}),
      ...(user.providedId !== undefined ? { provided_id: user.providedId } : {}),
      ...(app.tokens.id?.orgCodes ? { org_codes: user.memberships.map((x) => x.orgCode) } : {}),
    });
  }

  readonly #signed = new WeakMap<IncomingMessage, boolean>();

  #onResponse(r: MutableResponse, req: TokenRequest): void {
    const { app, session, refusal } = this.#resolve(req);
    if (refusal || !app) {
      r.statusCode = refusal?.status ?? 400;
      r.body = { error: refusal?.error ?? 'invalid_request', error_description: refusal?.description ?? '' };
      return;
    }
    if (r.body === '') return;
    const body = r.body;
    if (req.body.grant_type === 'client_credentials') {
      body.expires_in = app.lifetimes.accessToken;
      body.scope = typeof req.body.scope === 'string' ? req.body.scope : '';
      return;
    }
    if (!session) return;
    body.expires_in = app.lifetimes.accessToken;
    body.scope = session.scopes.join(' ');
    if (!session.scopes.includes('openid')) delete body.id_token;
    if (session.scopes.includes('offline') && typeof body.refresh_token === 'string') this.#refresh.set(body.refresh_token, session);
    else delete body.refresh_token;
  }
}

/** The installed version (the package does not export its package.json). */
function mockVersion(): string {
  const main = import.meta.resolve('oauth2-mock-server');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', main), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}
