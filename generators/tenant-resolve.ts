/** Resolution of specs against the tenant's pools: references taken modulo the pool, masks, customizations, applications. */
import type { Api, Application, FeatureFlag, JsonValue, Organization, PropertyDefinition, TokenCustomization, TokenType } from '../adapters/types.js';
import { CUSTOMIZABLE_TOKENS } from './tenant-limits.js';
import type { AppSpec, CustomizationSpec } from './tenant-specs.js';

export function pick<T>(pool: readonly T[], n: number): T | undefined {
  return pool.length === 0 ? undefined : pool[n % pool.length];
}

export function pickAll<T>(pool: readonly T[], ns: readonly number[]): T[] {
  const out: T[] = [];
  for (const n of ns) {
    const v = pick(pool, n);
    if (v !== undefined && !out.includes(v)) out.push(v);
  }
  return out;
}

export function masked<T>(pool: readonly T[], mask: readonly boolean[]): T[] {
  return pool.filter((_, i) => mask[i] === true);
}

export function propertyValues(
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

export function flagValue(flag: FeatureFlag, seed: { b: boolean; s: string; i: number }): boolean | string | number {
  return flag.type === 'b' ? seed.b : flag.type === 's' ? seed.s : seed.i;
}

export function customization(
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

export interface Pools {
  apis: Api[];
  managementApi: Api;
  organizations: Organization[];
  properties: PropertyDefinition[];
  featureFlags: FeatureFlag[];
}

export function application(spec: AppSpec, clientId: string, index: number, pools: Pools): Application {
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
