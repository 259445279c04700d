// The tenant and scenario arbitraries.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { managementApiAudience } from '../adapters/types.js';
import type { Tenant } from '../adapters/types.js';
import { tenantProblems } from '../generators/check.js';
import { m2mScenarioArb, tenantArb, USER_SCOPES, userScenarioArb } from '../generators/tenant.js';
import { SEED } from './lib/generators-helpers.js';

// ---------------------------------------------------------------------------
// tenants and scenarios
// ---------------------------------------------------------------------------

describe('tenantArb', () => {
  it('generates consistent tenants', () => {
    fc.assert(
      fc.property(tenantArb(), (t) => {
        expect(tenantProblems(t)).toEqual([]);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('tenantProblems notices broken tenants', () => {
    const [t] = fc.sample(tenantArb({ maxExtraApplications: 0 }), { seed: SEED, numRuns: 1 }) as [Tenant];
    expect(tenantProblems(t)).toEqual([]);
    const breakages: [string, (t: Tenant) => void][] = [
      ['duplicate user', (x) => x.users.push({ ...x.users[0]! })],
      ['unknown org', (x) => x.users[0]!.memberships.push({ orgCode: 'org_ffffffffff0', roles: [], permissions: [] })],
      ['flag type', (x) => x.featureFlags.push({ key: 'zz-flag', type: 'i', value: 1.5 })],
      ['frontend m2m', (x) => (x.applications.find((a) => a.kind === 'frontend')!.tokens.m2m = { properties: [] })],
      ['no m2m app', (x) => (x.applications = x.applications.filter((a) => a.kind !== 'm2m'))],
      ['refresh <= access', (x) => (x.applications[0]!.lifetimes = { accessToken: 600, idToken: 600, refreshToken: 600 })],
      ['private property toggled', (x) => {
        x.properties.push({ key: 'kp_usr_secret', context: 'user', public: false });
        x.applications[0]!.tokens.access = { properties: ['kp_usr_secret'] };
      }],
    ];
    for (const [what, breakIt] of breakages) {
      const copy = structuredClone(t);
      breakIt(copy);
      expect(tenantProblems(copy), what).not.toEqual([]);
    }
  });

  it('covers every app kind, org-scoped M2M, custom lifetimes, flags and properties', () => {
    const tenants = fc.sample(tenantArb(), { seed: SEED, numRuns: 200 });
    const seen = (pred: (t: Tenant) => boolean) => tenants.filter(pred).length;
    for (const t of tenants) for (const kind of ['frontend', 'backend', 'm2m']) expect(t.applications.some((a) => a.kind === kind)).toBe(true);
    expect(seen((t) => t.applications.some((a) => a.orgCode !== undefined))).toBeGreaterThan(20);
    expect(seen((t) => t.applications.some((a) => a.kind === 'm2m' && a.orgCode === undefined))).toBeGreaterThan(20);
    expect(seen((t) => t.applications.some((a) => a.lifetimes.accessToken !== 86_400))).toBeGreaterThan(20);
    expect(seen((t) => t.applications.every((a) => a.lifetimes.accessToken === 86_400 && a.lifetimes.idToken === 3_600))).toBeGreaterThan(5);
    for (const type of ['b', 's', 'i']) expect(seen((t) => t.featureFlags.some((f) => f.type === type))).toBeGreaterThan(20);
    expect(seen((t) => t.users.some((u) => u.memberships.some((m) => m.featureFlags !== undefined)))).toBeGreaterThan(20);
    expect(seen((t) => t.properties.some((p) => p.public) && t.properties.some((p) => !p.public))).toBeGreaterThan(20);
    expect(seen((t) => t.applications.some((a) => (a.tokens.m2m?.featureFlags?.length ?? 0) > 0))).toBeGreaterThan(10);
    expect(seen((t) => t.applications.some((a) => a.apis.includes(managementApiAudience(t))))).toBeGreaterThan(20);
  });
});

describe('userScenarioArb', () => {
  it('references existing entities', () => {
    fc.assert(
      fc.property(userScenarioArb(), ({ tenant, request, application, user }) => {
        const app = tenant.applications.find((a) => a.clientId === request.clientId);
        expect(app).toBe(application);
        expect(app?.kind).not.toBe('m2m');
        const u = tenant.users.find((x) => x.id === request.userId);
        expect(u).toBe(user);
        if (user.memberships.length === 0) expect(request.orgCode).toBeUndefined();
        else expect(user.memberships.map((m) => m.orgCode)).toContain(request.orgCode);
        for (const aud of request.audience) expect(application.apis).toContain(aud);
        const apiScopes = tenant.apis.filter((a) => request.audience.includes(a.audience)).flatMap((a) => a.scopes);
        for (const s of request.scopes) expect(['openid', ...USER_SCOPES, ...apiScopes]).toContain(s);
        expect(new Set(request.scopes).size).toBe(request.scopes.length);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('asks for openid almost always, and varies the rest', () => {
    const requests = fc.sample(userScenarioArb(), { seed: SEED, numRuns: 300 }).map((s) => s.request);
    const withOpenid = requests.filter((r) => r.scopes.includes('openid')).length;
    expect(withOpenid).toBeGreaterThan(250);
    expect(withOpenid).toBeLessThan(300);
    for (const s of USER_SCOPES) expect(requests.some((r) => r.scopes.includes(s))).toBe(true);
    expect(requests.some((r) => r.audience.length > 0)).toBe(true);
    expect(requests.some((r) => r.orgCode !== undefined)).toBe(true);
  });
});

describe('m2mScenarioArb', () => {
  it('references an M2M app with its own secret and APIs', () => {
    fc.assert(
      fc.property(m2mScenarioArb(), ({ tenant, request, application }) => {
        const app = tenant.applications.find((a) => a.clientId === request.clientId);
        expect(app).toBe(application);
        expect(application.kind).toBe('m2m');
        expect(request.clientSecret).toBe(application.clientSecret);
        expect(request.audience.length).toBeGreaterThan(0);
        for (const aud of request.audience) expect(application.apis).toContain(aud);
        expect(request.audience).not.toContain(managementApiAudience(tenant));
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('includes the Management API and org overrides sometimes', () => {
    const scenarios = fc.sample(m2mScenarioArb({ includeManagementApi: true }), { seed: SEED, numRuns: 300 });
    const mgmt = scenarios.filter((s) => s.request.audience.includes(managementApiAudience(s.tenant))).length;
    expect(mgmt).toBeGreaterThan(10);
    expect(mgmt).toBeLessThan(300);
    const overrides = scenarios.filter((s) => s.request.orgCode !== undefined);
    expect(overrides.length).toBeGreaterThan(30);
    expect(overrides.some((s) => s.tenant.organizations.some((o) => o.code === s.request.orgCode))).toBe(true);
    expect(overrides.some((s) => !s.tenant.organizations.some((o) => o.code === s.request.orgCode))).toBe(true);
  });
});
