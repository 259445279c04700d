/**
 * The claims the issuer sets before any workflow runs, per token type, derived
 * from the tenant and the request as the documented pages describe them.
 */
import { createHash, randomUUID } from 'node:crypto';
import type {
  AppKind,
  Application,
  FeatureFlag,
  JsonObject,
  JsonValue,
  Organization,
  Tenant,
  TokenType,
  User,
} from '../adapters/types.js';
import type { DefectName } from './defects.js';

/** Which token types an app kind may customize ("Customize tokens using properties"). */
export const CUSTOMIZABLE: Readonly<Record<AppKind, ReadonlySet<TokenType>>> = {
  backend: new Set(['access', 'id', 'm2m']),
  frontend: new Set(['access', 'id']),
  m2m: new Set(['m2m']),
};

export interface ClaimContext {
  tenant: Tenant;
  issuer: string;
  app: Application;
  now: number;
  has: (d: DefectName) => boolean;
  jti: () => string;
}

export function newJti(): string {
  return randomUUID();
}

function customization(ctx: ClaimContext, type: TokenType) {
  if (!CUSTOMIZABLE[ctx.app.kind].has(type)) return undefined;
  return ctx.app.tokens[type];
}

function flagClaim(ctx: ClaimContext, f: FeatureFlag, value: boolean | string | number): JsonObject {
  const t = f.type === 'i' && ctx.has('flag-type-code-wrong') ? 'n' : f.type;
  return { t, v: value };
}

/** `{key: {v}}` for the public, toggled-on properties that have a value on `values`. */
function propertyClaim(
  ctx: ClaimContext,
  type: TokenType,
  context: 'user' | 'organization' | 'application',
  values: Record<string, JsonValue> | undefined,
): JsonObject | undefined {
  const toggled = new Set(customization(ctx, type)?.properties ?? []);
  if (!values || toggled.size === 0) return undefined;
  const out: JsonObject = {};
  for (const p of ctx.tenant.properties) {
    if (p.context !== context || !toggled.has(p.key)) continue;
    if (!p.public && !ctx.has('private-property-leaked')) continue;
    if (!Object.hasOwn(values, p.key)) continue;
    out[p.key] = { v: values[p.key]! };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function addProperties(
  ctx: ClaimContext,
  type: TokenType,
  claims: JsonObject,
  user: User | undefined,
  org: Organization | undefined,
): void {
  const app = propertyClaim(ctx, type, 'application', ctx.app.properties);
  if (app) claims.application_properties = app;
  const usr = propertyClaim(ctx, type, 'user', user?.properties);
  if (usr) claims.user_properties = usr;
  const o = propertyClaim(ctx, type, 'organization', org?.properties);
  if (o) claims.organization_properties = o;
}

export interface UserGrant {
  user: User;
  org?: Organization;
  scopes: string[];
  audience: string[];
  authTime: number;
}

export function accessTokenClaims(ctx: ClaimContext, g: UserGrant): JsonObject {
  const lifetime = ctx.has('access-lifetime-ignores-config') ? 86_400 : ctx.app.lifetimes.accessToken;
  const membership = g.org ? g.user.memberships.find((m) => m.orgCode === g.org!.code) : undefined;
  const flags: JsonObject = {};
  for (const f of ctx.tenant.featureFlags) {
    const override = membership?.featureFlags?.[f.key];
    flags[f.key] = flagClaim(ctx, f, override !== undefined && typeof override === typeof f.value ? override : f.value);
  }
  const claims: JsonObject = {
    aud: ctx.has('aud-first-only') ? g.audience.slice(0, 1) : [...g.audience],
    azp: ctx.app.clientId,
    exp: ctx.now + lifetime,
    feature_flags: flags,
    iat: ctx.now,
    iss: ctx.issuer,
    jti: ctx.jti(),
    permissions: [...(membership?.permissions ?? [])],
    scp: [...g.scopes],
    sub: g.user.id,
  };
  if (g.org) claims.org_code = g.org.code;
  const trialEnd = g.user.trialExpiresOn === undefined ? NaN : Date.parse(g.user.trialExpiresOn);
  if (trialEnd > ctx.now * 1000) {
    claims.has_trial_period = true;
    claims.trial_expires_on = ctx.has('trial-expiry-as-timestamp') ? Math.floor(trialEnd / 1000) : g.user.trialExpiresOn!;
  }
  const c = customization(ctx, 'access');
  if (c?.roles && membership) {
    claims.roles = membership.roles.flatMap((key) => {
      const r = ctx.tenant.roles.find((x) => x.key === key);
      return r ? [{ id: r.id, key: r.key, name: r.name }] : [];
    });
  }
  if (c?.orgName && g.org) claims.org_name = g.org.name;
  if (c?.email) claims.email = g.user.email;
  if (c?.externalOrganizationId && g.org?.externalId) claims.external_organization_id = g.org.externalId;
  addProperties(ctx, 'access', claims, g.user, g.org);
  return claims;
}

export function idTokenClaims(ctx: ClaimContext, g: UserGrant): JsonObject {
  const claims: JsonObject = {
    aud: ctx.has('id-aud-string') ? ctx.app.clientId : [ctx.app.clientId],
    auth_time: g.authTime,
    azp: ctx.app.clientId,
    exp: ctx.now + ctx.app.lifetimes.idToken,
    iat: ctx.now,
    iss: ctx.issuer,
    jti: ctx.jti(),
    sub: g.user.id,
    updated_at: g.user.updatedAt,
  };
  const profile = g.scopes.includes('profile') || ctx.has('profile-claims-without-scope');
  if (profile) {
    claims.name = `${g.user.givenName} ${g.user.familyName}`.trim();
    claims.given_name = g.user.givenName;
    claims.family_name = g.user.familyName;
    if (g.user.picture !== undefined) claims.picture = g.user.picture;
  }
  if (g.scopes.includes('email')) claims.email = g.user.email;
  if (g.user.providedId !== undefined) claims.provided_id = g.user.providedId;
  if (customization(ctx, 'id')?.orgCodes) claims.org_codes = g.user.memberships.map((m) => m.orgCode);
  addProperties(ctx, 'id', claims, g.user, g.org);
  return claims;
}

export interface M2MGrant {
  audience: string[];
  scopes: string[];
  org?: Organization;
}

export function m2mTokenClaims(ctx: ClaimContext, g: M2MGrant): JsonObject {
  const scopeList = ctx.has('scope-scp-disagree') ? g.scopes.slice(0, -1) : g.scopes;
  const claims: JsonObject = {
    aud: ctx.has('aud-first-only') ? g.audience.slice(0, 1) : [...g.audience],
    azp: ctx.app.clientId,
    exp: ctx.now + (ctx.has('access-lifetime-ignores-config') ? 86_400 : ctx.app.lifetimes.accessToken),
    gty: ['client_credentials'],
    iat: ctx.now,
    iss: ctx.issuer,
    jti: ctx.jti(),
    scope: scopeList.join(' '),
    scp: [...g.scopes],
    v: '2',
  };
  if (g.org && !ctx.has('org-scoped-m2m-without-org-code')) claims.org_code = g.org.code;
  const toggled = ctx.has('m2m-untoggled-flags')
    ? new Set(ctx.tenant.featureFlags.map((f) => f.key))
    : new Set(customization(ctx, 'm2m')?.featureFlags ?? []);
  const flags: JsonObject = {};
  for (const f of ctx.tenant.featureFlags) if (toggled.has(f.key)) flags[f.key] = flagClaim(ctx, f, f.value);
  if (Object.keys(flags).length > 0) claims.feature_flags = flags;
  if (ctx.has('m2m-user-claims')) claims.email = 'someone@example.com';
  addProperties(ctx, 'm2m', claims, undefined, g.org);
  return claims;
}

/** OIDC Core 3.1.3.6: base64url of the left half of SHA-256 of the access token's ASCII. */
export function atHash(accessToken: string, wrong = false): string {
  const digest = createHash('sha256').update(accessToken, 'ascii').digest();
  return (wrong ? digest : digest.subarray(0, digest.length / 2)).toString('base64url');
}
