/** The whole-tenant arbitrary: specs drawn together in one record, then resolved into a consistent Tenant. */
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { managementApiAudience } from '../adapters/types.js';
import type { Api, AppKind, OrgMembership, Organization, Role, Tenant, User } from '../adapters/types.js';
import { clientIdArb, permissionKeyArb, subdomainArb } from './ids.js';
import { apiArb, flagArb, propertyDefinitionArb, roleArb } from './tenant-entities.js';
import { MANAGEMENT_API_SCOPES, MAX_PROPERTIES, MAX_USER_APIS } from './tenant-limits.js';
import type { TenantArbOptions } from './tenant-limits.js';
import { application, flagValue, pick, pickAll, propertyValues } from './tenant-resolve.js';
import type { Pools } from './tenant-resolve.js';
import { appSpecArb, orgSpecArb, userSpecArb } from './tenant-specs.js';

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
