/** Bounds and fixed facts the tenant arbitraries share: what each app kind may customize, lifetimes, pool sizes. */
import type { AppKind, TokenType } from '../adapters/types.js';

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

export const MAX_PROPERTIES = 5;
export const MAX_USER_APIS = 2;
