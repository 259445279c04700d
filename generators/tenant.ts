/**
 * Arbitraries for whole tenants and for the requests made against them.
 *
 * Everything is generated as flat "specs" holding plain indices and masks,
 * then resolved against the pools with `.map`. References are taken modulo
 * the pool length, so a tenant is consistent by construction and shrinks
 * without `fc.chain` (fewer users, fewer orgs, defaults instead of random).
 */
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { DEFAULT_LIFETIMES, managementApiAudience } from '../adapters/types.js';
import type {
  Api,
  AppKind,
  Application,
  ClientCredentialsRequest,
  FeatureFlag,
  JsonValue,
  Lifetimes,
  OrgMembership,
  Organization,
  PropertyDefinition,
  Role,
  SignInRequest,
  Tenant,
  TokenCustomization,
  TokenType,
  User,
} from '../adapters/types.js';
import {
  appPropertyKeyArb,
  audienceArb,
  clientIdArb,
  clientSecretArb,
  externalIdArb,
  flagKeyArb,
  hexArb,
  orgCodeArb,
  orgPropertyKeyArb,
  permissionKeyArb,
  roleKeyArb,
  subdomainArb,
  userIdArb,
  userPropertyKeyArb,
  wordArb,
} from './ids.js';

/** Token types each application kind may customize (properties-in-tokens page, §1). */
export const CUSTOMIZABLE_TOKENS: Readonly<Record<AppKind, readonly TokenType[]>> = {
  backend: ['access', 'id', 'm2m'],
  frontend: ['access', 'id'],
  m2m: ['m2m'],
};

/** Scopes the generated Management API defines. */
export const MANAGEMENT_API_SCOPES: readonly string[] = [
  'read:users',
  'create:users',
  'read:organizations',
  'update:organizations',
  'read:feature_flags',
];

/** Upper bounds for random (non-default) lifetimes, in seconds. */
export const MAX_ACCESS_LIFETIME = 86_400;
export const MAX_ID_LIFETIME = 86_400;
export const MAX_REFRESH_LIFETIME = 2_592_000;
export const MIN_LIFETIME = 60;

export interface TenantArbOptions {
  /** 1..maxUsers users. Default 3. */
  maxUsers?: number;
  /** 1..maxOrganizations organizations. Default 3. */
  maxOrganizations?: number;
  /** Applications beyond the mandatory frontend, backend and M2M one. Default 3. */
  maxExtraApplications?: number;
}

const MAX_PROPERTIES = 5;
const MAX_USER_APIS = 2;

// ---------------------------------------------------------------------------
// Specs
// ---------------------------------------------------------------------------

/** Raw values for a flag of each type; the flag's type picks one. Keeps overrides type-correct. */
const flagValueSeedArb = fc.record({
  b: fc.boolean(),
  s: fc.string({ unit: 'grapheme', maxLength: 12 }),
  i: fc.integer({ min: -1_000, max: 1_000_000 }),
});

const flagArb: Arbitrary<FeatureFlag> = fc.oneof(
  fc.record({ key: flagKeyArb, type: fc.constant('b' as const), value: fc.boolean() }),
  fc.record({ key: flagKeyArb, type: fc.constant('s' as const), value: fc.string({ unit: 'grapheme', maxLength: 12 }) }),
  fc.record({ key: flagKeyArb, type: fc.constant('i' as const), value: fc.integer({ min: -1_000, max: 1_000_000 }) }),
);

const propertyDefinitionArb: Arbitrary<PropertyDefinition> = fc.oneof(
  fc.record({ key: userPropertyKeyArb, context: fc.constant('user' as const), public: fc.boolean() }),
  fc.record({ key: orgPropertyKeyArb, context: fc.constant('organization' as const), public: fc.boolean() }),
  fc.record({ key: appPropertyKeyArb, context: fc.constant('application' as const), public: fc.boolean() }),
);

/** Property values: Kinde properties are mostly text; a few numbers and booleans. */
const propertyValueArb: Arbitrary<JsonValue> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.boolean() },
);

/** One optional value per property definition slot (`undefined` = entity has no value). */
const propertySeedsArb = fc.array(fc.option(propertyValueArb, { nil: undefined, freq: 4 }), {
  minLength: MAX_PROPERTIES,
  maxLength: MAX_PROPERTIES,
});

const apiArb: Arbitrary<Api> = fc.record({
  audience: audienceArb,
  scopes: fc.uniqueArray(permissionKeyArb, { maxLength: 3 }),
});

const roleArb = fc.record({ key: roleKeyArb, idHex: hexArb(16), name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }) });

const membershipSpecArb = fc.record({
  org: fc.nat(),
  roles: fc.array(fc.nat(), { maxLength: 3 }),
  permissions: fc.array(fc.nat(), { maxLength: 4 }),
  flagOverrides: fc.option(fc.array(fc.record({ flag: fc.nat(), value: flagValueSeedArb }), { minLength: 1, maxLength: 3 }), {
    nil: undefined,
    freq: 2,
  }),
});

const personNameArb: Arbitrary<string> = fc.oneof(
  fc.constantFrom('Jane', 'Smith', 'José', 'Zoë', "O'Brien", '李', 'Ærøskøbing', 'محمد', 'Nguyễn'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
);

const userSpecArb = fc.record({
  id: userIdArb,
  givenName: personNameArb,
  familyName: personNameArb,
  emailLocal: wordArb(1, 12, '._'),
  picture: fc.option(hexArb(12).map((h) => `https://lh3.googleusercontent.com/a/${h}`), { nil: undefined }),
  providedId: fc.option(wordArb(1, 16, '-'), { nil: undefined }),
  updatedAt: fc.integer({ min: 1_600_000_000, max: 1_800_000_000 }),
  memberships: fc.array(membershipSpecArb, { maxLength: 3 }),
  properties: propertySeedsArb,
});

const orgSpecArb = fc.record({
  code: orgCodeArb,
  name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
  externalId: fc.option(externalIdArb, { nil: undefined }),
  properties: propertySeedsArb,
});

/** `null` = the documented defaults (the common case). */
const lifetimesArb: Arbitrary<Lifetimes> = fc
  .oneof(
    { weight: 3, arbitrary: fc.constant(null) },
    {
      weight: 1,
      arbitrary: fc.record({
        accessToken: fc.integer({ min: MIN_LIFETIME, max: MAX_ACCESS_LIFETIME }),
        idToken: fc.integer({ min: MIN_LIFETIME, max: MAX_ID_LIFETIME }),
        refreshDelta: fc.integer({ min: 1, max: MAX_REFRESH_LIFETIME }),
      }),
    },
  )
  .map((l) =>
    l === null
      ? { ...DEFAULT_LIFETIMES }
      : {
          accessToken: l.accessToken,
          idToken: l.idToken,
          // refresh must outlive access (configure-tokens page, S1)
          refreshToken: Math.min(l.accessToken + l.refreshDelta, MAX_REFRESH_LIFETIME),
        },
  );

const customizationSpecArb = fc.record({
  properties: fc.array(fc.nat(), { maxLength: 3 }),
  featureFlags: fc.array(fc.nat(), { maxLength: 3 }),
  roles: fc.boolean(),
  orgName: fc.boolean(),
  email: fc.boolean(),
  externalOrganizationId: fc.boolean(),
  orgCodes: fc.boolean(),
});
type CustomizationSpec = typeof customizationSpecArb extends Arbitrary<infer T> ? T : never;

function appSpecArb(kind: Arbitrary<AppKind>) {
  return fc.record({
    kind,
    secret: clientSecretArb,
    lifetimes: lifetimesArb,
    apis: fc.array(fc.boolean(), { minLength: MAX_USER_APIS, maxLength: MAX_USER_APIS }),
    managementApi: fc.boolean(),
    orgScope: fc.option(fc.nat(), { nil: undefined, freq: 2 }),
    tokens: fc.record({
      access: fc.option(customizationSpecArb, { nil: undefined, freq: 3 }),
      id: fc.option(customizationSpecArb, { nil: undefined, freq: 3 }),
      m2m: fc.option(customizationSpecArb, { nil: undefined, freq: 3 }),
    }),
    properties: propertySeedsArb,
  });
}
type AppSpec = typeof appSpecArb extends (k: never) => Arbitrary<infer T> ? T : never;

// ---------------------------------------------------------------------------
// Resolution
// ---------------------------------------------------------------------------

function pick<T>(pool: readonly T[], n: number): T | undefined {
  return pool.length === 0 ? undefined : pool[n % pool.length];
}

function pickAll<T>(pool: readonly T[], ns: readonly number[]): T[] {
  const out: T[] = [];
  for (const n of ns) {
    const v = pick(pool, n);
    if (v !== undefined && !out.includes(v)) out.push(v);
  }
  return out;
}

function masked<T>(pool: readonly T[], mask: readonly boolean[]): T[] {
  return pool.filter((_, i) => mask[i] === true);
}

function propertyValues(
  defs: readonly PropertyDefinition[],
  context: PropertyDefinition['context'],
  seeds: readonly (JsonValue | undefined)[],
): Record<string, JsonValue> {
  const entries: [string, JsonValue][] = [];
  defs.forEach((d, i) => {
    const v = seeds[i];
    if (d.context === context && v !== undefined) entries.push([d.key, v]);
  });
  return Object.fromEntries(entries);
}

function flagValue(flag: FeatureFlag, seed: { b: boolean; s: string; i: number }): boolean | string | number {
  return flag.type === 'b' ? seed.b : flag.type === 's' ? seed.s : seed.i;
}

function customization(
  type: TokenType,
  spec: CustomizationSpec,
  properties: readonly PropertyDefinition[],
  flags: readonly FeatureFlag[],
): TokenCustomization {
  // Only public properties can be toggled (§1). M2M tokens carry application properties.
  const eligible = properties
    .filter((p) => p.public && (type !== 'm2m' || p.context === 'application'))
    .map((p) => p.key);
  const props = pickAll(eligible, spec.properties);
  switch (type) {
    case 'access':
      return {
        properties: props,
        roles: spec.roles,
        orgName: spec.orgName,
        email: spec.email,
        externalOrganizationId: spec.externalOrganizationId,
      };
    case 'id':
      return { properties: props, orgCodes: spec.orgCodes };
    case 'm2m':
      return { properties: props, featureFlags: pickAll(flags.map((f) => f.key), spec.featureFlags) };
  }
}

interface Pools {
  apis: Api[];
  managementApi: Api;
  organizations: Organization[];
  properties: PropertyDefinition[];
  featureFlags: FeatureFlag[];
}

function application(spec: AppSpec, clientId: string, index: number, pools: Pools): Application {
  const kind = spec.kind;
  const userApis = masked(pools.apis, spec.apis).map((a) => a.audience);
  const apis =
    kind === 'm2m'
      ? [
          // an M2M app always has at least one ordinary API to ask for
          ...(userApis.length > 0 ? userApis : [pools.apis[0]!.audience]),
          ...(spec.managementApi ? [pools.managementApi.audience] : []),
        ]
      : userApis;
  const tokens: Partial<Record<TokenType, TokenCustomization>> = {};
  for (const type of CUSTOMIZABLE_TOKENS[kind]) {
    const t = spec.tokens[type];
    if (t !== undefined) tokens[type] = customization(type, t, pools.properties, pools.featureFlags);
  }
  const orgCode = kind === 'm2m' && spec.orgScope !== undefined ? pick(pools.organizations, spec.orgScope)?.code : undefined;
  return {
    clientId,
    clientSecret: spec.secret,
    name: `${kind} app ${index + 1}`,
    kind,
    lifetimes: spec.lifetimes,
    ...(orgCode !== undefined ? { orgCode } : {}),
    apis,
    tokens,
    properties: propertyValues(pools.properties, 'application', spec.properties),
  };
}

/**
 * A consistent tenant: unique ids, every reference resolves, flag values match
 * their type, customizations respect what each app kind may customize, and at
 * least one frontend, backend and M2M application. The Management API
 * (`managementApiAudience(tenant)`) is always last in `tenant.apis`.
 */
export function tenantArb(opts: TenantArbOptions = {}): Arbitrary<Tenant> {
  const maxUsers = Math.max(1, opts.maxUsers ?? 3);
  const maxOrgs = Math.max(1, opts.maxOrganizations ?? 3);
  const maxExtra = Math.max(0, opts.maxExtraApplications ?? 3);
  return fc
    .record({
      subdomain: subdomainArb,
      apis: fc.uniqueArray(apiArb, { selector: (a) => a.audience, minLength: 1, maxLength: MAX_USER_APIS }),
      managementScopes: fc.subarray([...MANAGEMENT_API_SCOPES], { minLength: 1 }),
      roles: fc.uniqueArray(roleArb, { selector: (r) => r.key, maxLength: 4 }),
      permissions: fc.uniqueArray(permissionKeyArb, { maxLength: 5 }),
      featureFlags: fc.uniqueArray(flagArb, { selector: (f) => f.key, maxLength: 4 }),
      properties: fc.uniqueArray(propertyDefinitionArb, { selector: (p) => p.key, maxLength: MAX_PROPERTIES }),
      users: fc.uniqueArray(userSpecArb, { selector: (u) => u.id, minLength: 1, maxLength: maxUsers }),
      organizations: fc.uniqueArray(orgSpecArb, { selector: (o) => o.code, minLength: 1, maxLength: maxOrgs }),
      frontend: appSpecArb(fc.constant('frontend')),
      backend: appSpecArb(fc.constant('backend')),
      m2m: appSpecArb(fc.constant('m2m')),
      extraApps: fc.array(appSpecArb(fc.constantFrom<AppKind>('frontend', 'backend', 'm2m')), { maxLength: maxExtra }),
      clientIds: fc.uniqueArray(clientIdArb, { minLength: 3 + maxExtra, maxLength: 3 + maxExtra }),
    })
    .map((s): Tenant => {
      const roles: Role[] = s.roles.map((r, i) => ({ id: `rol_${i}${r.idHex}`, key: r.key, name: r.name }));
      const organizations: Organization[] = s.organizations.map((o) => ({
        code: o.code,
        name: o.name,
        ...(o.externalId !== undefined ? { externalId: o.externalId } : {}),
        properties: propertyValues(s.properties, 'organization', o.properties),
      }));
      const users: User[] = s.users.map((u, i) => {
        const memberships: OrgMembership[] = [];
        for (const m of u.memberships) {
          const org = pick(organizations, m.org)!;
          if (memberships.some((x) => x.orgCode === org.code)) continue;
          const overrides: Record<string, boolean | string | number> = {};
          for (const o of m.flagOverrides ?? []) {
            const flag = pick(s.featureFlags, o.flag);
            if (flag !== undefined) overrides[flag.key] = flagValue(flag, o.value);
          }
          memberships.push({
            orgCode: org.code,
            roles: pickAll(
              roles.map((r) => r.key),
              m.roles,
            ),
            permissions: pickAll(s.permissions, m.permissions),
            ...(Object.keys(overrides).length > 0 ? { featureFlags: overrides } : {}),
          });
        }
        return {
          id: u.id,
          email: `${u.emailLocal}+${i}@example.com`,
          givenName: u.givenName,
          familyName: u.familyName,
          ...(u.picture !== undefined ? { picture: u.picture } : {}),
          ...(u.providedId !== undefined ? { providedId: u.providedId } : {}),
          updatedAt: u.updatedAt,
          memberships,
          properties: propertyValues(s.properties, 'user', u.properties),
        };
      });
      const managementApi: Api = { audience: managementApiAudience(s), scopes: s.managementScopes };
      const pools: Pools = {
        apis: s.apis,
        managementApi,
        organizations,
        properties: s.properties,
        featureFlags: s.featureFlags,
      };
      const specs = [s.frontend, s.backend, s.m2m, ...s.extraApps];
      const applications = specs.map((spec, i) => application(spec, s.clientIds[i]!, i, pools));
      return {
        subdomain: s.subdomain,
        applications,
        apis: [...s.apis, managementApi],
        users,
        organizations,
        roles,
        permissions: s.permissions,
        featureFlags: s.featureFlags,
        properties: s.properties,
      };
    });
}

// ---------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------

export interface UserScenario {
  tenant: Tenant;
  request: SignInRequest;
  /** The application `request.clientId` names (frontend or backend). */
  application: Application;
  /** The user `request.userId` names. */
  user: User;
}

export interface M2mScenario {
  tenant: Tenant;
  request: ClientCredentialsRequest;
  /** The M2M application `request.clientId` names. */
  application: Application;
}

export interface M2mScenarioOptions extends TenantArbOptions {
  /** Let the request sometimes ask for the Management API audience. Default false. */
  includeManagementApi?: boolean;
}

/** OIDC scopes besides `openid`. `offline_access` is documented to yield no refresh token (§3). */
export const USER_SCOPES: readonly string[] = ['profile', 'email', 'offline', 'offline_access'];

const MASK = 16;
const maskArb = fc.array(fc.boolean(), { minLength: MASK, maxLength: MASK });

function scopesOf(tenant: Tenant, audiences: readonly string[]): string[] {
  const out: string[] = [];
  for (const api of tenant.apis) {
    if (!audiences.includes(api.audience)) continue;
    for (const s of api.scopes) if (!out.includes(s)) out.push(s);
  }
  return out;
}

/**
 * A user signing in to a frontend or backend app of the tenant. `orgCode` is
 * one of the user's memberships (always, when there is any); `openid` is
 * requested in ~95% of cases; audience is a subset of the app's APIs and API
 * scopes are drawn from those audiences.
 */
export function userScenarioArb(opts: TenantArbOptions = {}): Arbitrary<UserScenario> {
  return fc
    .record({
      tenant: tenantArb(opts),
      app: fc.nat(),
      user: fc.nat(),
      org: fc.nat(),
      openid: fc.oneof({ weight: 19, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      extraScopes: fc.subarray([...USER_SCOPES]),
      audience: maskArb,
      apiScopes: maskArb,
    })
    .map((s): UserScenario => {
      const apps = s.tenant.applications.filter((a) => a.kind !== 'm2m');
      const application = pick(apps, s.app)!;
      const user = pick(s.tenant.users, s.user)!;
      const orgCode = pick(user.memberships, s.org)?.orgCode;
      const audience = masked(application.apis, s.audience);
      const scopes = [...(s.openid ? ['openid'] : []), ...s.extraScopes, ...masked(scopesOf(s.tenant, audience), s.apiScopes)];
      const request: SignInRequest = {
        clientId: application.clientId,
        userId: user.id,
        scopes,
        ...(orgCode !== undefined ? { orgCode } : {}),
        audience,
      };
      return { tenant: s.tenant, request, application, user };
    });
}

/**
 * Client credentials for an M2M app of the tenant: its own secret, a non-empty
 * subset of its APIs (the Management API only with `includeManagementApi`),
 * sometimes explicit scopes, and in about a third of cases an attempted
 * `orgCode` override (an existing org or a random one) that must be ignored.
 */
export function m2mScenarioArb(opts: M2mScenarioOptions = {}): Arbitrary<M2mScenario> {
  const mgmt = opts.includeManagementApi === true;
  return fc
    .record({
      tenant: tenantArb(opts),
      app: fc.nat(),
      audience: maskArb,
      scopes: fc.option(maskArb, { nil: undefined, freq: 2 }),
      orgOverride: fc.oneof(
        { weight: 2, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.nat().map((n) => ({ existing: n })) },
        { weight: 1, arbitrary: orgCodeArb.map((code) => ({ code })) },
      ),
    })
    .map((s): M2mScenario => {
      const apps = s.tenant.applications.filter((a) => a.kind === 'm2m');
      const application = pick(apps, s.app)!;
      const mgmtAudience = managementApiAudience(s.tenant);
      const candidates = application.apis.filter((a) => mgmt || a !== mgmtAudience);
      const chosen = masked(candidates, s.audience);
      // candidates[0] is always an ordinary API (tenantArb puts the Management API last)
      const audience = chosen.length > 0 ? chosen : [candidates[0]!];
      const orgCode =
        s.orgOverride === undefined
          ? undefined
          : 'code' in s.orgOverride
            ? s.orgOverride.code
            : pick(s.tenant.organizations, s.orgOverride.existing)!.code;
      const request: ClientCredentialsRequest = {
        clientId: application.clientId,
        clientSecret: application.clientSecret,
        audience,
        ...(s.scopes !== undefined ? { scopes: masked(scopesOf(s.tenant, audience), s.scopes) } : {}),
        ...(orgCode !== undefined ? { orgCode } : {}),
      };
      return { tenant: s.tenant, request, application };
    });
}
