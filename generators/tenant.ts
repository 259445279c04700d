/**
 * Arbitraries for whole tenants and for the requests made against them.
 *
 * Everything is generated as flat "specs" holding plain indices and masks,
 * then resolved against the pools with `.map`. References are taken modulo
 * the pool length, so a tenant is consistent by construction and shrinks
 * without `fc.chain` (fewer users, fewer orgs, defaults instead of random).
 *
 * This module is the entry: the pieces live in tenant-limits.ts (bounds),
 * tenant-entities.ts (flags, properties, APIs, roles), tenant-specs.ts (user,
 * org and app specs), tenant-resolve.ts (resolution), tenant-arb.ts (the
 * tenant) and scenario.ts (requests against it).
 */
export {
  CUSTOMIZABLE_TOKENS,
  MANAGEMENT_API_SCOPES,
  MAX_ACCESS_LIFETIME,
  MAX_ID_LIFETIME,
  MAX_REFRESH_LIFETIME,
  MIN_LIFETIME,
} from './tenant-limits.js';
export type { TenantArbOptions } from './tenant-limits.js';
export { tenantArb } from './tenant-arb.js';
export { USER_SCOPES, m2mScenarioArb, userScenarioArb } from './scenario.js';
export { severalApisM2mScenarioArb, severalApisUserScenarioArb } from './several-apis.js';
export type { M2mScenario, M2mScenarioOptions, UserScenario } from './scenario.js';
