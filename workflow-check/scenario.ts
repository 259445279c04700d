/**
 * The requests a workflow is run under: generated sign-ins (users with and
 * without organizations, frontend and backend apps, scopes, audiences, a
 * refresh after the access token expired so `refresh_token_request` is seen
 * too) and client-credentials requests (global and org-scoped M2M apps, the
 * Management API among the audiences). The tenant and request arbitraries are
 * the suite's own (generators/tenant.ts); they shrink to small tenants.
 */
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import {
  DEFAULT_LIFETIMES,
  type ClientCredentialsRequest,
  type SignInRequest,
  type Tenant,
} from '../adapters/types.js';
import { m2mScenarioArb, userScenarioArb } from '../generators/tenant.js';
import { M2M_TRIGGER, type TokenTrigger } from './bindings.js';

export type CheckCase =
  | { kind: 'user'; tenant: Tenant; request: SignInRequest; refresh: boolean }
  | { kind: 'm2m'; tenant: Tenant; request: ClientCredentialsRequest };

const SIZE = { maxUsers: 2, maxOrganizations: 2, maxExtraApplications: 1 };

function withOffline(scopes: readonly string[]): string[] {
  return scopes.includes('offline') ? [...scopes] : [...scopes, 'offline'];
}

/** Kinde's SDKs always ask for `openid` (so an ID token is issued): generated sign-ins do too. */
function withOpenid(scopes: readonly string[]): string[] {
  return scopes.includes('openid') ? [...scopes] : ['openid', ...scopes];
}

export function userCaseArb(): Arbitrary<CheckCase> {
  // `refresh` first: fast-check shrinks record fields in order, and dropping the refresh is the cheapest simplification.
  return fc.record({ refresh: fc.boolean(), s: userScenarioArb(SIZE) }).map(({ s, refresh }) => {
    const scopes = withOpenid(s.request.scopes);
    return {
      kind: 'user' as const,
      tenant: s.tenant,
      request: { ...s.request, scopes: refresh ? withOffline(scopes) : scopes },
      refresh,
    };
  });
}

export function m2mCaseArb(): Arbitrary<CheckCase> {
  return m2mScenarioArb({ ...SIZE, includeManagementApi: true }).map((s) => ({
    kind: 'm2m' as const,
    tenant: s.tenant,
    request: s.request,
  }));
}

export function caseArb(trigger: TokenTrigger): Arbitrary<CheckCase> {
  return trigger === M2M_TRIGGER ? m2mCaseArb() : userCaseArb();
}

/** A readable fixed tenant for the token preview: one user in one org, a backend app, an M2M app. */
const SAMPLE_TENANT: Tenant = {
  subdomain: 'example',
  apis: [{ audience: 'https://api.example.com', scopes: ['read:reports'] }],
  applications: [
    {
      clientId: '299627bd8bfa493f8b17e6aec8ebfb86',
      clientSecret: 'sample-backend-secret',
      name: 'Example web app',
      kind: 'backend',
      lifetimes: { ...DEFAULT_LIFETIMES },
      apis: ['https://api.example.com'],
      tokens: {},
      properties: {},
    },
    {
      clientId: '3b0b5c6c8fcc464fab397f4969b5f482',
      clientSecret: 'sample-m2m-secret',
      name: 'Example service',
      kind: 'm2m',
      lifetimes: { ...DEFAULT_LIFETIMES },
      apis: ['https://api.example.com'],
      tokens: {},
      properties: {},
    },
  ],
  users: [
    {
      id: 'kp_0123456789abcdef0123456789abcdef',
      email: 'jane.smith@example.com',
      givenName: 'Jane',
      familyName: 'Smith',
      updatedAt: 1_692_009_540,
      memberships: [{ orgCode: 'org_0123456789a', roles: ['admin'], permissions: ['read:reports'] }],
      properties: {},
    },
  ],
  organizations: [{ code: 'org_0123456789a', name: 'Acme', properties: {} }],
  roles: [{ id: 'rol_0123456789abcdef', key: 'admin', name: 'Admin' }],
  permissions: ['read:reports'],
  featureFlags: [{ key: 'theme', type: 's', value: 'pink' }],
  properties: [],
};

export function sampleCase(trigger: TokenTrigger): CheckCase {
  const tenant = structuredClone(SAMPLE_TENANT);
  if (trigger === M2M_TRIGGER) {
    const app = tenant.applications[1]!;
    return { kind: 'm2m', tenant, request: { clientId: app.clientId, clientSecret: app.clientSecret, audience: ['https://api.example.com'] } };
  }
  return {
    kind: 'user',
    tenant,
    request: {
      clientId: tenant.applications[0]!.clientId,
      userId: tenant.users[0]!.id,
      scopes: ['openid', 'profile', 'email'],
      orgCode: 'org_0123456789a',
      audience: ['https://api.example.com'],
    },
    refresh: false,
  };
}

/** One line naming a case, for reports. */
export function describeCase(c: CheckCase): string {
  if (c.kind === 'm2m') {
    const app = c.tenant.applications.find((a) => a.clientId === c.request.clientId);
    return `client credentials for ${app?.orgCode ? 'an org-scoped' : 'an'} M2M app, audience ${c.request.audience.join(' ')}`;
  }
  const app = c.tenant.applications.find((a) => a.clientId === c.request.clientId);
  return (
    `sign-in of a user ${c.request.orgCode ? `in org ${c.request.orgCode}` : 'with no organization'} to a ${app?.kind ?? '?'} app, ` +
    `scopes "${c.request.scopes.join(' ')}"${c.refresh ? ', then a refresh' : ''}`
  );
}
