/**
 * panva/oidc-provider as a target, run in-process on 127.0.0.1.
 *
 * Everything Kinde-like comes from the provider's own public configuration
 * hooks: clients from the tenant's applications, `findAccount` from its
 * users, JWT access tokens per API through resource indicators,
 * `extraTokenClaims` for org_code / permissions / feature_flags (and the
 * documented M2M extras), `formats.customizers.jwt` for the claim shapes
 * (array `aud`, `scp`, `azp`), TTLs from the application, refresh tokens for
 * Kinde's `offline` scope through `issueRefreshToken`, and routes at Kinde's
 * paths. What the hooks cannot change stays as oidc-provider does it, so the
 * results show the real differences (expected/targets/oidc-provider.json).
 *
 * The sign-in is walked over HTTP like a browser: authorization endpoint →
 * interaction (answered here through the provider's interaction API: login
 * with the user from `login_hint`, consent by saving a Grant) → redirect with
 * a code → token endpoint.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import type Provider from 'oidc-provider';
import pkg from 'oidc-provider/package.json' with { type: 'json' };
import {
  emptyTenant,
  AdapterError,
  issuerOf,
  type Adapter,
  type AuthorizeRequest,
  type AuthorizeResult,
  type ClientCredentialsRequest,
  type CodeExchangeRequest,
  type DeployedWorkflow,
  type HttpGetAnswer,
  type Jwks,
  type RefreshRequest,
  type SignInRequest,
  type TargetInfo,
  type Tenant,
  type TokenResult,
  type RevokeRequest,
  type RevokeResult,
} from '../types.js';
import { CookieJar, DEFAULT_TIMEOUT_MS, getSurface, json, revokeAt, send, tokenResult } from './http.js';
import { MemoryStore } from './oidc-store.js';
import { TenantView } from './tenant-view.js';
import { answerInteraction } from './oidc-interaction.js';
import { REDIRECT_URI, newKey, providerConfiguration, type SignInSession } from './oidc-config.js';
import { codeExchangeForm, refreshForm, signInThroughCode } from '../oauth-forms.js';

const NAME = 'oidc-provider';

export interface OidcProviderAdapterOptions {
  /** Port to listen on (default 0: any free port). */
  port?: number;
  timeoutMs?: number;
}


export class OidcProviderAdapter implements Adapter {
  readonly name = NAME;
  readonly #port: number;
  readonly #timeoutMs: number;
  #view = new TenantView(emptyTenant());
  #key?: JWK;
  #server?: Server;
  #provider?: Provider;
  #base = '';
  #store = new MemoryStore();
  readonly #sessions = new Map<string, SignInSession>();
  #lastServerError?: string;

  constructor(options: OidcProviderAdapterOptions = {}) {
    this.#port = options.port ?? 0;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async start(): Promise<TargetInfo> {
    if (!this.#server) await this.#restart();
    return {
      name: NAME,
      version: pkg.version,
      refreshOverlapSeconds: 0,
      capabilities: {
        userTokens: true,
        refresh: true,
        m2m: true,
        orgScopedM2m: true,
        workflows: false,
        properties: false,
        featureFlags: true,
        clock: false,
        keyRotation: true,
        // Served over loopback HTTP: the suite sees token response headers, discovery and the JWKS paths.
        httpSurface: true,
        // features.revocation is enabled (oidc-config.ts): POST /oauth2/revoke, RFC 7009.
        revocation: true,
        // Its own authorization endpoint binds the code (PKCE, redirect_uri); the token endpoint is real.
        codeExchange: true,
      },
    };
  }

  /** A new tenant means new clients, accounts and issuer: restart the provider with them. */
  async provision(tenant: Tenant): Promise<void> {
    this.#view = new TenantView(tenant);
    this.#store = new MemoryStore();
    this.#sessions.clear();
    await this.#restart();
  }

  async deployWorkflow(): Promise<DeployedWorkflow> {
    throw new AdapterError('ERR_TARGET_REJECTED', `${NAME} does not run Kinde workflows`);
  }

  async removeWorkflow(): Promise<void> {
    throw new AdapterError('ERR_TARGET_REJECTED', `${NAME} does not run Kinde workflows`);
  }

  signIn(request: SignInRequest): Promise<TokenResult> {
    return signInThroughCode(this, request, this.#view.tenant, REDIRECT_URI);
  }

  /** The provider's own authorization endpoint, followed like a browser until it sends the code back. */
  async authorize(request: AuthorizeRequest): Promise<AuthorizeResult> {
    const base = this.#requireBase();
    const redirectUri = request.redirectUri ?? REDIRECT_URI;
    const params = new URLSearchParams({
      client_id: request.clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: request.scopes.join(' '),
      state: randomBytes(8).toString('hex'),
      login_hint: request.userId,
    });
    if (request.codeChallenge !== undefined) {
      params.set('code_challenge', request.codeChallenge);
      params.set('code_challenge_method', 'S256');
    }
    for (const a of request.audience) params.append('resource', a);
    if (request.orgCode !== undefined) params.set('org_code', request.orgCode);

    const jar = new CookieJar();
    let url = `${base}/oauth2/auth?${params}`;
    for (let hop = 0; hop < 8; hop++) {
      const res = await send(NAME, url, { headers: { cookie: jar.header() } }, this.#timeoutMs);
      jar.store(res);
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || location === null) {
        const body = await json(NAME, url, res);
        return tokenResult(NAME, res.status === 200 ? 400 : res.status, body) as AuthorizeResult;
      }
      await res.body?.cancel();
      if (location.startsWith(redirectUri)) {
        const back = new URL(location).searchParams;
        const code = back.get('code');
        if (code === null) {
          return { ok: false, status: 400, error: back.get('error') ?? 'server_error', ...optional(back.get('error_description')) };
        }
        return { ok: true, code, redirectUri };
      }
      url = new URL(location, base).pathname.startsWith('/') ? `${base}${new URL(location, base).pathname}${new URL(location, base).search}` : location;
    }
    throw new AdapterError('ERR_TARGET_PROTOCOL', `${NAME}: the authorization endpoint kept redirecting without a code`);
  }

  exchangeCode(request: CodeExchangeRequest): Promise<TokenResult> {
    return this.#token(codeExchangeForm(request));
  }

  tokenRequest(fields: Record<string, string>): Promise<TokenResult> {
    return this.#token(new URLSearchParams(fields));
  }

  refresh(request: RefreshRequest): Promise<TokenResult> {
    return this.#token(refreshForm(request));
  }

  clientCredentials(request: ClientCredentialsRequest): Promise<TokenResult> {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: request.clientId, client_secret: request.clientSecret });
    // One access token per resource (RFC 8707): the provider refuses client_credentials
    // for several with invalid_target. Like its defaultResource hook does for sign-ins,
    // ask for the first, so the single-audience difference shows in `aud` instead of
    // hiding every other M2M requirement behind a refusal.
    const first = request.audience[0];
    if (first !== undefined) form.set('resource', first);
    if (request.scopes && request.scopes.length > 0) form.set('scope', request.scopes.join(' '));
    if (request.orgCode !== undefined) form.set('org_code', request.orgCode);
    return this.#token(form);
  }

  httpGet(ref: string): Promise<HttpGetAnswer | null> {
    this.#requireBase();
    return getSurface(NAME, ref, this.#base, issuerOf(this.#view.tenant), this.#timeoutMs);
  }

  async jwks(): Promise<Jwks> {
    const url = `${this.#requireBase()}/.well-known/jwks`;
    const res = await send(NAME, url, {}, this.#timeoutMs);
    const body = await json(NAME, url, res);
    if (res.status !== 200 || !Array.isArray(body.keys)) throw new AdapterError('ERR_TARGET_PROTOCOL', `${NAME}: ${url} answered HTTP ${res.status} without keys`);
    return body as unknown as Jwks;
  }

  revoke(request: RevokeRequest): Promise<RevokeResult> {
    return revokeAt(NAME, `${this.#requireBase()}/oauth2/revoke`, request, this.#timeoutMs);
  }

  /** A fresh signing key; the provider restarts with only that key (grants survive in the store). */
  async rotateKeys(): Promise<void> {
    this.#key = undefined;
    await this.#restart();
  }

  async stop(): Promise<void> {
    await this.#close();
    this.#provider = undefined;
  }

  async #token(form: URLSearchParams): Promise<TokenResult> {
    const url = `${this.#requireBase()}/oauth2/token`;
    const res = await send(NAME, url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form }, this.#timeoutMs);
    const body = await json(NAME, url, res);
    if (res.status >= 500) {
      throw new AdapterError('ERR_TARGET_PROTOCOL', `${NAME}: token endpoint failed with HTTP ${res.status}${this.#lastServerError ? `: ${this.#lastServerError}` : ''}`);
    }
    return tokenResult(NAME, res.status, body, res.headers) as TokenResult;
  }

  #requireBase(): string {
    if (!this.#server) throw new AdapterError('ERR_TARGET_PROTOCOL', `${NAME}: start() was not called`);
    return this.#base;
  }

  async #close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  async #restart(): Promise<void> {
    await this.#close();
    this.#key ??= await newKey();
    // Loaded on first start: the module prints a runtime warning on Node 20 and pulls in koa.
    const mod = await import('oidc-provider');
    let provider: Provider;
    try {
      provider = new mod.default(issuerOf(this.#view.tenant), providerConfiguration({ view: this.#view, sessions: this.#sessions, store: this.#store, key: this.#key, errors: mod.errors }));
    } catch (e) {
      throw new AdapterError('ERR_TARGET_REJECTED', `${NAME} refused the configuration: ${(e as Error).message}`, { cause: e });
    }
    provider.on('server_error', (_ctx: unknown, err: Error) => {
      this.#lastServerError = err.message;
    });
    const callback = provider.callback();
    const server = createServer((req, res) => {
      if (req.url?.startsWith('/interaction/')) {
        answerInteraction(provider, this.#view, this.#sessions, req, res).catch((e: Error) => {
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: 'server_error', error_description: `interaction: ${e.message}` }));
        });
        return;
      }
      callback(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => reject(new AdapterError('ERR_TARGET_UNREACHABLE', `${NAME}: cannot listen on 127.0.0.1:${this.#port} (${(e as NodeJS.ErrnoException).code ?? e.message})`, { cause: e })));
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#server = server;
    this.#provider = provider;
    this.#base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
}

function optional(description: string | null): { errorDescription?: string } {
  return description === null ? {} : { errorDescription: description };
}
