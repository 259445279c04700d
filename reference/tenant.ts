/**
 * Tenant validation and look-ups. A target must refuse a tenant it cannot
 * represent with a message naming the offending field, never half-apply it.
 */
import type { Application, Organization, Tenant, User } from '../adapters/types.js';
import { IssuerError } from './errors.js';

function fail(path: string, why: string): never {
  throw new IssuerError('invalid_tenant', `tenant.${path}: ${why}`);
}

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function str(x: unknown, path: string): string {
  if (typeof x !== 'string' || x.length === 0) fail(path, 'must be a non-empty string');
  return x;
}

function arr(x: unknown, path: string): unknown[] {
  if (!Array.isArray(x)) fail(path, 'must be an array');
  return x;
}

function posInt(x: unknown, path: string): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x <= 0) fail(path, 'must be a positive integer (seconds)');
  return x;
}

/** Structural and referential checks. Returns the tenant unchanged when valid. */
export function validateTenant(t: unknown): Tenant {
  if (!isObj(t)) fail('', 'must be an object');
  const sub = str(t.subdomain, 'subdomain');
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(sub)) fail('subdomain', `"${sub}" is not a valid subdomain`);
  for (const k of ['applications', 'apis', 'users', 'organizations', 'roles', 'permissions', 'featureFlags', 'properties']) {
    arr(t[k], k);
  }
  const tenant = t as unknown as Tenant;
  const orgs = new Set<string>();
  tenant.organizations.forEach((o, i) => {
    const code = str(o?.code, `organizations[${i}].code`);
    if (orgs.has(code)) fail(`organizations[${i}].code`, `duplicate "${code}"`);
    orgs.add(code);
  });
  const apis = new Set(tenant.apis.map((a, i) => str(a?.audience, `apis[${i}].audience`)));
  const flags = new Map<string, string>();
  tenant.featureFlags.forEach((f, i) => {
    const p = `featureFlags[${i}]`;
    str(f?.key, `${p}.key`);
    const ok =
      (f.type === 'b' && typeof f.value === 'boolean') ||
      (f.type === 's' && typeof f.value === 'string') ||
      (f.type === 'i' && Number.isInteger(f.value));
    if (!ok) fail(`${p}.value`, `does not match type "${f.type}"`);
    flags.set(f.key, f.type);
  });
  const clients = new Set<string>();
  tenant.applications.forEach((a, i) => {
    const p = `applications[${i}]`;
    const id = str(a?.clientId, `${p}.clientId`);
    if (clients.has(id)) fail(`${p}.clientId`, `duplicate "${id}"`);
    clients.add(id);
    str(a.clientSecret, `${p}.clientSecret`);
    if (!['frontend', 'backend', 'm2m'].includes(a.kind)) fail(`${p}.kind`, 'must be frontend, backend or m2m');
    if (!isObj(a.lifetimes)) fail(`${p}.lifetimes`, 'must be an object');
    const l = a.lifetimes;
    posInt(l.accessToken, `${p}.lifetimes.accessToken`);
    posInt(l.idToken, `${p}.lifetimes.idToken`);
    posInt(l.refreshToken, `${p}.lifetimes.refreshToken`);
    if (l.refreshToken <= l.accessToken) {
      fail(`${p}.lifetimes.refreshToken`, 'must be longer than the access token lifetime (configure-tokens page)');
    }
    if (a.orgCode !== undefined) {
      if (a.kind !== 'm2m') fail(`${p}.orgCode`, 'only M2M apps can be org-scoped');
      if (!orgs.has(a.orgCode)) fail(`${p}.orgCode`, `unknown organization "${a.orgCode}"`);
    }
    arr(a.apis, `${p}.apis`).forEach((aud, j) => {
      if (!apis.has(aud as string)) fail(`${p}.apis[${j}]`, `unknown API "${String(aud)}"`);
    });
    if (!isObj(a.tokens)) fail(`${p}.tokens`, 'must be an object');
    if (!isObj(a.properties)) fail(`${p}.properties`, 'must be an object');
  });
  const users = new Set<string>();
  tenant.users.forEach((u, i) => {
    const p = `users[${i}]`;
    const id = str(u?.id, `${p}.id`);
    if (users.has(id)) fail(`${p}.id`, `duplicate "${id}"`);
    users.add(id);
    if (!Number.isInteger(u.updatedAt)) fail(`${p}.updatedAt`, 'must be an integer (Unix seconds)');
    if (u.trialExpiresOn !== undefined && (typeof u.trialExpiresOn !== 'string' || Number.isNaN(Date.parse(u.trialExpiresOn)))) {
      fail(`${p}.trialExpiresOn`, 'must be an RFC 3339 date-time string');
    }
    arr(u.memberships, `${p}.memberships`).forEach((m, j) => {
      const code = (m as { orgCode?: unknown })?.orgCode;
      if (typeof code !== 'string' || !orgs.has(code)) fail(`${p}.memberships[${j}].orgCode`, `unknown organization "${String(code)}"`);
    });
    if (!isObj(u.properties)) fail(`${p}.properties`, 'must be an object');
  });
  return tenant;
}

export class TenantIndex {
  readonly tenant: Tenant;
  readonly #apps = new Map<string, Application>();
  readonly #users = new Map<string, User>();
  readonly #orgs = new Map<string, Organization>();

  constructor(tenant: Tenant) {
    this.tenant = tenant;
    for (const a of tenant.applications) this.#apps.set(a.clientId, a);
    for (const u of tenant.users) this.#users.set(u.id, u);
    for (const o of tenant.organizations) this.#orgs.set(o.code, o);
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
}
