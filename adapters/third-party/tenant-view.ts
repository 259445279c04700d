/**
 * What a third-party issuer cannot know by itself: the tenant's users, apps
 * and flags, looked up so that its hooks can shape tokens the way Kinde
 * documents them. Kept apart from the adapters so both use the same reading
 * of the tenant (and the reference issuer stays out of it: a target must not
 * borrow the model it is judged against).
 */
import type { Application, JsonObject, Organization, OrgMembership, Tenant, User } from '../types.js';

export class TenantView {
  readonly tenant: Tenant;
  readonly #apps = new Map<string, Application>();
  readonly #users = new Map<string, User>();
  readonly #orgs = new Map<string, Organization>();

  constructor(tenant: Tenant) {
    this.tenant = structuredClone(tenant);
    for (const a of this.tenant.applications) this.#apps.set(a.clientId, a);
    for (const u of this.tenant.users) this.#users.set(u.id, u);
    for (const o of this.tenant.organizations) this.#orgs.set(o.code, o);
  }

  app(clientId: string): Application | undefined {
    return this.#apps.get(clientId);
  }

  user(id: string): User | undefined {
    return this.#users.get(id);
  }

  org(code: string): Organization | undefined {
    return this.#orgs.get(code);
  }

  membership(userId: string, orgCode: string | undefined): OrgMembership | undefined {
    if (orgCode === undefined) return undefined;
    return this.#users.get(userId)?.memberships.find((m) => m.orgCode === orgCode);
  }

  /** Access-token `feature_flags`: every environment flag, with the org's override when typed alike. */
  userFlags(membership: OrgMembership | undefined): JsonObject {
    const flags: JsonObject = {};
    for (const f of this.tenant.featureFlags) {
      const o = membership?.featureFlags?.[f.key];
      flags[f.key] = { t: f.type, v: o !== undefined && typeof o === typeof f.value ? o : f.value };
    }
    return flags;
  }

  /** M2M `feature_flags`: only the flags toggled on for the app; undefined when none. */
  m2mFlags(app: Application): JsonObject | undefined {
    const on = new Set(app.kind === 'frontend' ? [] : (app.tokens.m2m?.featureFlags ?? []));
    const flags: JsonObject = {};
    for (const f of this.tenant.featureFlags) if (on.has(f.key)) flags[f.key] = { t: f.type, v: f.value };
    return Object.keys(flags).length > 0 ? flags : undefined;
  }

  /** Optional access-token claims an app toggled on (roles, org_name, email, external_organization_id). */
  accessExtras(app: Application, user: User, orgCode: string | undefined): JsonObject {
    const c = app.kind === 'm2m' ? undefined : app.tokens.access;
    const out: JsonObject = {};
    const m = this.membership(user.id, orgCode);
    const org = orgCode === undefined ? undefined : this.org(orgCode);
    if (c?.roles && m) {
      out.roles = m.roles.flatMap((key) => {
        const r = this.tenant.roles.find((x) => x.key === key);
        return r ? [{ id: r.id, key: r.key, name: r.name }] : [];
      });
    }
    if (c?.orgName && org) out.org_name = org.name;
    if (c?.email) out.email = user.email;
    if (c?.externalOrganizationId && org?.externalId !== undefined) out.external_organization_id = org.externalId;
    return out;
  }
}
