/** Requests against a generated tenant: a user signing in to an app, and an M2M app's client credentials. */
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { managementApiAudience } from '../adapters/types.js';
import type { Application, ClientCredentialsRequest, SignInRequest, Tenant, User } from '../adapters/types.js';
import { orgCodeArb } from './ids.js';
import { tenantArb } from './tenant-arb.js';
import type { TenantArbOptions } from './tenant-limits.js';
import { masked, pick } from './tenant-resolve.js';

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

export function scopesOf(tenant: Tenant, audiences: readonly string[]): string[] {
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
