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
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type Provider from 'oidc-provider';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import pkg from 'oidc-provider/package.json' with { type: 'json' };
import {
  emptyTenant,
  AdapterError,
  issuerOf,
  type Adapter,
  type Application,
  type ClientCredentialsRequest,
  type DeployedWorkflow,
  type JsonObject,
  type Jwks,
  type RefreshRequest,
  type SignInRequest,
  type TargetInfo,
  type Tenant,
  type TokenResult,
} from '../types.js';
import { CookieJar, DEFAULT_TIMEOUT_MS, json, pkcePair, send, tokenResult } from './http.js';
import { MemoryStore } from './oidc-store.js';
import { TenantView } from './tenant-view.js';
import { codeExchangeForm, refreshForm } from '../oauth-forms.js';

const NAME = 'oidc-provider';
const REDIRECT_URI = 'https://app.invalid/callback';
/** Resource used when a sign-in names no API: its `aud` becomes `[]` like Kinde's. */
const NO_AUDIENCE = 'urn:kinde-token-conformance:no-audience';
const OIDC_SCOPES = ['openid', 'offline', 'offline_access', 'profile', 'email'];
const LONG_TTL = 60 * 60 * 24 * 60;

export interface OidcProviderAdapterOptions {
  /** Port to listen on (default 0: any free port). */
  port?: number;
  timeoutMs?: number;
}

/** What a completed sign-in decided, looked up by the hooks through the grant id. */
interface SignInSession {
  orgCode?: string;
  oidcScopes: string[];
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

  async signIn(request: SignInRequest): Promise<TokenResult> {
    const base = this.#requireBase();
    const app = this.#view.app(request.clientId);
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
        return tokenResult(NAME, res.status === 200 ? 400 : res.status, body) as TokenResult;
      }
      await res.body?.cancel();
      if (location.startsWith(REDIRECT_URI)) {
        const back = new URL(location).searchParams;
        const code = back.get('code');
        if (code === null) {
          return { ok: false, status: 400, error: back.get('error') ?? 'server_error', ...optional(back.get('error_description')) };
        }
        return this.#token(codeExchangeForm(code, request.clientId, app, { redirectUri: REDIRECT_URI, verifier }));
      }
      url = new URL(location, base).pathname.startsWith('/') ? `${base}${new URL(location, base).pathname}${new URL(location, base).search}` : location;
    }
    throw new AdapterError('ERR_TARGET_PROTOCOL', `${NAME}: the authorization endpoint kept redirecting without a code`);
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

  async jwks(): Promise<Jwks> {
    const url = `${this.#requireBase()}/.well-known/jwks`;
    const res = await send(NAME, url, {}, this.#timeoutMs);
    const body = await json(NAME, url, res);
    if (res.status !== 200 || !Array.isArray(body.keys)) throw new AdapterError('ERR_TARGET_PROTOCOL', `${NAME}: ${url} answered HTTP ${res.status} without keys`);
    return body as unknown as Jwks;
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
    return tokenResult(NAME, res.status, body) as TokenResult;
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
      provider = new mod.default(issuerOf(this.#view.tenant), this.#configuration(this.#key, mod.errors));
    } catch (e) {
      throw new AdapterError('ERR_TARGET_REJECTED', `${NAME} refused the configuration: ${(e as Error).message}`, { cause: e });
    }
    provider.on('server_error', (_ctx: unknown, err: Error) => {
      this.#lastServerError = err.message;
    });
    const callback = provider.callback();
    const server = createServer((req, res) => {
      if (req.url?.startsWith('/interaction/')) {
        this.#interaction(provider, req, res).catch((e: Error) => {
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

  /** The login/consent UI, through the provider's interaction API. */
  async #interaction(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    const params = details.params as Record<string, string | undefined>;
    if (details.prompt.name === 'login') {
      const userId = params.login_hint ?? '';
      const orgCode = params.org_code;
      const refusal = !this.#view.user(userId)
        ? `unknown user "${userId}"`
        : orgCode !== undefined && !this.#view.membership(userId, orgCode)
          ? `user "${userId}" is not a member of "${orgCode}"`
          : undefined;
      const result = refusal ? { error: 'access_denied', error_description: refusal } : { login: { accountId: userId } };
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
      return;
    }
    const { session, grantId: existing } = details;
    const accountId = session?.accountId;
    const clientId = params.client_id;
    if (!accountId || !clientId) throw new Error('consent without a signed-in account');
    const grant = existing ? await provider.Grant.find(existing) : new provider.Grant({ accountId, clientId });
    if (!grant) throw new Error('grant vanished');
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    const requested = (params.scope ?? '').split(' ').filter(Boolean);
    this.#sessions.set(grantId, {
      ...(params.org_code !== undefined ? { orgCode: params.org_code } : {}),
      oidcScopes: requested.filter((s) => OIDC_SCOPES.includes(s) && s !== 'offline_access'),
    });
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  #configuration(key: JWK, errors: typeof import('oidc-provider').errors): Configuration {
    const view = this.#view;
    const sessions = this.#sessions;
    const store = this.#store;
    const appOf = (clientId: string | undefined): Application | undefined => (clientId === undefined ? undefined : view.app(clientId));
    return {
      adapter: store.factory(),
      clients: view.tenant.applications.map(clientMetadata),
      jwks: { keys: [key as never] },
      cookies: { keys: [randomBytes(32).toString('base64url')] },
      routes: { authorization: '/oauth2/auth', token: '/oauth2/token', jwks: '/.well-known/jwks', revocation: '/oauth2/revoke' },
      scopes: OIDC_SCOPES,
      claims: {
        openid: ['sub', 'updated_at', 'provided_id', 'org_codes'],
        profile: ['name', 'given_name', 'family_name', 'picture'],
        email: ['email'],
      },
      // Profile and email claims in the ID token of a code flow, as Kinde does.
      conformIdTokenClaims: false,
      extraParams: ['org_code'],
      interactions: { url: (_ctx: KoaContextWithOIDC, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
      renderError: (ctx: KoaContextWithOIDC, out: Record<string, unknown>) => {
        ctx.status = ctx.status >= 400 ? ctx.status : 400;
        ctx.type = 'json';
        ctx.body = out;
      },
      findAccount: (ctx: KoaContextWithOIDC, id: string) => {
        const user = view.user(id);
        if (!user) return undefined;
        const app = appOf(ctx.oidc?.client?.clientId);
        return {
          accountId: user.id,
          claims: () => ({
            sub: user.id,
            email: user.email,
            name: `${user.givenName} ${user.familyName}`.trim(),
            given_name: user.givenName,
            family_name: user.familyName,
            updated_at: user.updatedAt,
            ...(user.picture !== undefined ? { picture: user.picture } : {}),
            ...(user.providedId !== undefined ? { provided_id: user.providedId } : {}),
            ...(app && app.kind !== 'm2m' && app.tokens.id?.orgCodes ? { org_codes: user.memberships.map((m) => m.orgCode) } : {}),
          }),
        };
      },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        revocation: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: (_ctx: KoaContextWithOIDC, _client: unknown, oneOf?: string[]) => (oneOf ? (oneOf[0] ?? NO_AUDIENCE) : NO_AUDIENCE),
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx: KoaContextWithOIDC, indicator: string, client: { clientId: string }) => {
            const app = appOf(client.clientId);
            const api = view.tenant.apis.find((a) => a.audience === indicator);
            if (!app || (indicator !== NO_AUDIENCE && (!api || !app.apis.includes(indicator)))) {
              throw new errors.InvalidTarget(`application is not authorized for audience "${indicator}"`);
            }
            return {
              scope: api?.scopes.join(' ') ?? '',
              audience: indicator,
              accessTokenTTL: app.lifetimes.accessToken,
              accessTokenFormat: 'jwt',
              jwt: { sign: { alg: 'RS256' } },
            };
          },
        },
      },
      extraTokenClaims: (_ctx: KoaContextWithOIDC, token: { kind: string; clientId?: string; accountId?: string; grantId?: string }) => {
        const app = appOf(token.clientId);
        if (!app) return undefined;
        if (token.kind === 'ClientCredentials') {
          const flags = view.m2mFlags(app);
          return {
            gty: ['client_credentials'],
            v: '2',
            ...(app.orgCode !== undefined ? { org_code: app.orgCode } : {}),
            ...(flags ? { feature_flags: flags } : {}),
          };
        }
        const user = token.accountId === undefined ? undefined : view.user(token.accountId);
        if (token.kind !== 'AccessToken' || !user) return undefined;
        const orgCode = token.grantId === undefined ? undefined : sessions.get(token.grantId)?.orgCode;
        const m = view.membership(user.id, orgCode);
        return {
          ...(orgCode !== undefined ? { org_code: orgCode } : {}),
          permissions: [...(m?.permissions ?? [])],
          feature_flags: view.userFlags(m),
          ...view.accessExtras(app, user, orgCode),
        } satisfies JsonObject;
      },
      formats: {
        customizers: {
          jwt: (_ctx: KoaContextWithOIDC, token: { kind: string; grantId?: string }, jwt: { payload: Record<string, unknown> }) => {
            const p = jwt.payload;
            p.aud = p.aud === NO_AUDIENCE ? [] : Array.isArray(p.aud) ? p.aud : [p.aud];
            p.azp = p.client_id;
            delete p.client_id;
            const resourceScopes = typeof p.scope === 'string' ? p.scope.split(' ').filter(Boolean) : [];
            if (token.kind === 'ClientCredentials') {
              p.scope = resourceScopes.join(' ');
              p.scp = resourceScopes;
            } else {
              const oidc = token.grantId === undefined ? [] : (sessions.get(token.grantId)?.oidcScopes ?? []);
              p.scp = [...oidc, ...resourceScopes];
              delete p.scope;
            }
          },
        },
      },
      issueRefreshToken: (_ctx: KoaContextWithOIDC, client: { grantTypeAllowed(t: string): boolean }, code: { scopes: Set<string> }) =>
        client.grantTypeAllowed('refresh_token') && (code.scopes.has('offline') || code.scopes.has('offline_access')),
      expiresWithSession: (_ctx: KoaContextWithOIDC, code: { scopes: Set<string> }) => !(code.scopes.has('offline') || code.scopes.has('offline_access')),
      rotateRefreshToken: true,
      ttl: {
        AuthorizationCode: 60,
        Interaction: 600,
        Session: LONG_TTL,
        Grant: LONG_TTL,
        IdToken: (ctx: KoaContextWithOIDC) => appOf(ctx.oidc?.client?.clientId)?.lifetimes.idToken ?? 3_600,
        RefreshToken: (ctx: KoaContextWithOIDC) => appOf(ctx.oidc?.client?.clientId)?.lifetimes.refreshToken ?? 1_296_000,
        AccessToken: (_ctx: KoaContextWithOIDC, token: { resourceServer?: { accessTokenTTL?: number } }) => token.resourceServer?.accessTokenTTL ?? 86_400,
        ClientCredentials: (_ctx: KoaContextWithOIDC, token: { resourceServer?: { accessTokenTTL?: number } }) => token.resourceServer?.accessTokenTTL ?? 86_400,
      },
    } as unknown as Configuration;
  }
}

/** Frontend = public client with PKCE, backend = confidential, m2m = client_credentials only. */
function clientMetadata(app: Application): Record<string, unknown> {
  // No require_auth_time: it makes the provider refuse every sign-in without `openid`.
  const common = { client_id: app.clientId, client_name: app.name, id_token_signed_response_alg: 'RS256' };
  if (app.kind === 'm2m') {
    return { ...common, client_secret: app.clientSecret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], token_endpoint_auth_method: 'client_secret_post' };
  }
  const user = { grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], redirect_uris: [REDIRECT_URI] };
  if (app.kind === 'frontend') return { ...common, ...user, token_endpoint_auth_method: 'none' };
  return { ...common, ...user, grant_types: [...user.grant_types, 'client_credentials'], client_secret: app.clientSecret, token_endpoint_auth_method: 'client_secret_post' };
}

async function newKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  return { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

function optional(description: string | null): { errorDescription?: string } {
  return description === null ? {} : { errorDescription: description };
}
