/**
 * Consistency checks for a {@link Tenant}: what `tenantArb` promises, as a
 * function a target or a test can call on any tenant (generated or written by
 * hand). Returns human-readable problems; empty means consistent.
 */
import { APP_KINDS, managementApiAudience } from '../adapters/types.js';
import type { FeatureFlag, Tenant, TokenType } from '../adapters/types.js';
import { CUSTOMIZABLE_TOKENS } from './tenant.js';

const USER_ID = /^kp_[0-9a-f]{32}$/;
const ORG_CODE = /^org_[0-9a-f]{11}$/;
const CLIENT_ID = /^[0-9a-f]{32}$/;
const SUBDOMAIN = /^[a-z][a-z0-9]{2,14}$/;

function duplicates(values: readonly string[]): string[] {
  return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}

export function flagValueMatchesType(type: FeatureFlag['type'], value: unknown): boolean {
  switch (type) {
    case 'b':
      return typeof value === 'boolean';
    case 's':
      return typeof value === 'string';
    case 'i':
      return Number.isSafeInteger(value);
  }
}

/** Everything wrong with `t`, one line each. */
export function tenantProblems(t: Tenant): string[] {
  const problems: string[] = [];
  const bad = (msg: string) => problems.push(msg);

  if (!SUBDOMAIN.test(t.subdomain)) bad(`subdomain ${JSON.stringify(t.subdomain)} is not ^[a-z][a-z0-9]{2,14}$`);

  const uniques: [string, string[]][] = [
    ['user id', t.users.map((u) => u.id)],
    ['org code', t.organizations.map((o) => o.code)],
    ['client id', t.applications.map((a) => a.clientId)],
    ['role key', t.roles.map((r) => r.key)],
    ['role id', t.roles.map((r) => r.id)],
    ['permission', t.permissions],
    ['flag key', t.featureFlags.map((f) => f.key)],
    ['property key', t.properties.map((p) => p.key)],
    ['api audience', t.apis.map((a) => a.audience)],
  ];
  for (const [what, values] of uniques) for (const d of duplicates(values)) bad(`duplicate ${what} ${d}`);

  for (const u of t.users) if (!USER_ID.test(u.id)) bad(`user id ${u.id} is not kp_ + 32 hex`);
  for (const o of t.organizations) if (!ORG_CODE.test(o.code)) bad(`org code ${o.code} is not org_ + 11 hex`);
  for (const a of t.applications) if (!CLIENT_ID.test(a.clientId)) bad(`client id ${a.clientId} is not 32 hex`);

  const flags = new Map(t.featureFlags.map((f) => [f.key, f]));
  for (const f of t.featureFlags) if (!flagValueMatchesType(f.type, f.value)) bad(`flag ${f.key} of type ${f.type} has value ${JSON.stringify(f.value)}`);

  const orgCodes = new Set(t.organizations.map((o) => o.code));
  const roleKeys = new Set(t.roles.map((r) => r.key));
  const permissions = new Set(t.permissions);
  const props = new Map(t.properties.map((p) => [p.key, p]));
  const checkValues = (owner: string, values: Record<string, unknown>, context: string) => {
    for (const key of Object.keys(values)) {
      const def = props.get(key);
      if (def === undefined) bad(`${owner} has a value for undefined property ${key}`);
      else if (def.context !== context) bad(`${owner} has a value for ${def.context} property ${key}`);
    }
  };

  for (const u of t.users) {
    checkValues(`user ${u.id}`, u.properties, 'user');
    for (const d of duplicates(u.memberships.map((m) => m.orgCode))) bad(`user ${u.id} is twice a member of ${d}`);
    for (const m of u.memberships) {
      if (!orgCodes.has(m.orgCode)) bad(`user ${u.id} is a member of unknown org ${m.orgCode}`);
      for (const r of m.roles) if (!roleKeys.has(r)) bad(`user ${u.id} has unknown role ${r} in ${m.orgCode}`);
      for (const p of m.permissions) if (!permissions.has(p)) bad(`user ${u.id} has unknown permission ${p} in ${m.orgCode}`);
      for (const [key, value] of Object.entries(m.featureFlags ?? {})) {
        const f = flags.get(key);
        if (f === undefined) bad(`user ${u.id} overrides unknown flag ${key}`);
        else if (!flagValueMatchesType(f.type, value)) bad(`user ${u.id} overrides ${f.type} flag ${key} with ${JSON.stringify(value)}`);
      }
    }
  }
  for (const o of t.organizations) checkValues(`org ${o.code}`, o.properties, 'organization');

  const mgmt = managementApiAudience(t);
  const audiences = new Set(t.apis.map((a) => a.audience));
  if (!audiences.has(mgmt)) bad(`the Management API ${mgmt} is not among the tenant's APIs`);

  for (const kind of APP_KINDS) if (!t.applications.some((a) => a.kind === kind)) bad(`no ${kind} application`);
  for (const a of t.applications) {
    const app = `app ${a.clientId} (${a.kind})`;
    checkValues(app, a.properties, 'application');
    for (const api of a.apis) if (!audiences.has(api)) bad(`${app} is authorized for unknown API ${api}`);
    if (a.kind === 'm2m' && !a.apis.some((api) => api !== mgmt)) bad(`${app} has no API other than the Management API`);
    if (a.orgCode !== undefined) {
      if (a.kind !== 'm2m') bad(`${app} is org-scoped but not M2M`);
      if (!orgCodes.has(a.orgCode)) bad(`${app} is scoped to unknown org ${a.orgCode}`);
    }
    const l = a.lifetimes;
    if (!(l.accessToken >= 60 && l.accessToken <= 86_400)) bad(`${app} access lifetime ${l.accessToken}`);
    if (!(l.idToken >= 60 && l.idToken <= 86_400)) bad(`${app} id lifetime ${l.idToken}`);
    if (!(l.refreshToken > l.accessToken && l.refreshToken <= 2_592_000)) bad(`${app} refresh lifetime ${l.refreshToken} (access ${l.accessToken})`);
    for (const [type, c] of Object.entries(a.tokens) as [TokenType, NonNullable<(typeof a.tokens)[TokenType]>][]) {
      if (!CUSTOMIZABLE_TOKENS[a.kind].includes(type)) bad(`${app} customizes ${type} tokens`);
      for (const key of c.properties) {
        const def = props.get(key);
        if (def === undefined) bad(`${app} puts unknown property ${key} in ${type} tokens`);
        else if (!def.public) bad(`${app} puts private property ${key} in ${type} tokens`);
      }
      if (c.featureFlags !== undefined) {
        if (type !== 'm2m') bad(`${app} toggles feature flags on ${type} tokens`);
        for (const f of c.featureFlags) if (!flags.has(f)) bad(`${app} toggles unknown flag ${f}`);
      }
      if (type !== 'access' && (c.roles !== undefined || c.orgName !== undefined || c.email !== undefined || c.externalOrganizationId !== undefined))
        bad(`${app} sets access-token-only options on ${type} tokens`);
      if (type !== 'id' && c.orgCodes !== undefined) bad(`${app} sets org_codes on ${type} tokens`);
    }
  }
  return problems;
}
