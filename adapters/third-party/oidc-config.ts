/**
 * oidc-provider's configuration for a tenant: clients from its applications,
 * accounts from its users, per-API JWT access tokens through resource
 * indicators, Kinde's extra claims and claim shapes, TTLs from the
 * application, refresh tokens for `offline`, routes at Kinde's paths.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { Application, JsonObject } from '../types.js';
import type { MemoryStore } from './oidc-store.js';
import type { TenantView } from './tenant-view.js';

export const REDIRECT_URI = 'https://app.invalid/callback';
/** Resource used when a sign-in names no API: its `aud` becomes `[]` like Kinde's. */
export const NO_AUDIENCE = 'urn:kinde-token-conformance:no-audience';
export const OIDC_SCOPES = ['openid', 'offline', 'offline_access', 'profile', 'email'];
export const LONG_TTL = 60 * 60 * 24 * 60;

/** What a completed sign-in decided, looked up by the hooks through the grant id. */
export interface SignInSession {
  orgCode?: string;
  oidcScopes: string[];
}

/** What the configuration's hooks read: the tenant, the sign-ins' decisions by grant id, the store, the signing key. */
export interface ConfigurationInputs {
  view: TenantView;
  sessions: ReadonlyMap<string, SignInSession>;
  store: MemoryStore;
  key: JWK;
  errors: typeof import('oidc-provider').errors;
}

export function providerConfiguration({ view, sessions, store, key, errors }: ConfigurationInputs): Configuration {
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

export async function newKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  return { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}
