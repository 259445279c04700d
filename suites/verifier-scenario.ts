/**
 * A small generated environment for verifier checks: one API (plus another
 * one for audience attacks), two organizations, a user signing in to the first
 * one, an org-scoped M2M app for it and a global M2M app. A deployed API
 * (`fixedContext`) fixes the subdomain and audience.
 */
import fc from 'fast-check';
import { DEFAULT_LIFETIMES, issuerOf, type Tenant } from '../adapters/types.js';
import type { VerifierInfo } from '../adapters/verifier-types.js';
import { audienceArb, clientIdArb, orgCodeArb, permissionKeyArb, subdomainArb, userIdArb } from '../generators/ids.js';
import type { CheckEnv } from './lib/check.js';
import { clientCredentialsExpectingToken, provision, signInExpectingTokens } from './lib/flows.js';
import type { Decoded } from './lib/tokens.js';
import type { Judge } from './lib/violation.js';

export interface VerifierScenario {
  subdomain: string;
  audience: string;
  otherAudience: string;
  orgA: string;
  orgB: string;
  userId: string;
  permissions: string[];
  clients: { web: string; orgM2m: string; globalM2m: string };
}

export function scenarioArb(info: VerifierInfo | undefined): fc.Arbitrary<VerifierScenario> {
  const fixed = info?.fixedContext;
  const subdomain = fixed ? fc.constant(new URL(fixed.issuer).hostname.split('.')[0]!) : subdomainArb;
  const audience = fixed ? fc.constant(fixed.audience) : audienceArb;
  return fc
    .record({
      subdomain,
      audience,
      otherAudience: audienceArb,
      orgA: orgCodeArb,
      orgB: orgCodeArb,
      userId: userIdArb,
      permissions: fc.uniqueArray(permissionKeyArb, { maxLength: 3 }),
      clients: fc.record({ web: clientIdArb, orgM2m: clientIdArb, globalM2m: clientIdArb }),
    })
    .filter(
      (s) =>
        s.orgA !== s.orgB &&
        s.otherAudience !== s.audience &&
        new Set([s.clients.web, s.clients.orgM2m, s.clients.globalM2m]).size === 3,
    );
}

/** A client secret in Kinde's format (40–60 letters and digits; Kinde's SDKs refuse others), derived from the client id. */
export function kindeSecret(clientId: string): string {
  return `ktc${clientId.replace(/[^A-Za-z0-9]/g, '')}`.padEnd(40, '0').slice(0, 60);
}

export function tenantOf(s: VerifierScenario): Tenant {
  const app = (clientId: string, kind: 'backend' | 'm2m', orgCode?: string) => ({
    clientId,
    clientSecret: kindeSecret(clientId),
    name: `${kind} ${clientId.slice(0, 6)}`,
    kind,
    lifetimes: { ...DEFAULT_LIFETIMES },
    ...(orgCode !== undefined ? { orgCode } : {}),
    apis: [s.audience, s.otherAudience],
    tokens: {},
    properties: {},
  });
  return {
    subdomain: s.subdomain,
    applications: [app(s.clients.web, 'backend'), app(s.clients.orgM2m, 'm2m', s.orgA), app(s.clients.globalM2m, 'm2m')],
    apis: [
      { audience: s.audience, scopes: ['read:users'] },
      { audience: s.otherAudience, scopes: [] },
    ],
    users: [
      {
        id: s.userId,
        email: 'user@example.com',
        givenName: 'Ada',
        familyName: 'Lovelace',
        updatedAt: 1_700_000_000,
        memberships: [{ orgCode: s.orgA, roles: [], permissions: s.permissions }],
        properties: {},
      },
    ],
    organizations: [
      { code: s.orgA, name: 'Org A', properties: {} },
      { code: s.orgB, name: 'Org B', properties: {} },
    ],
    roles: [],
    permissions: s.permissions,
    featureFlags: [{ key: 'beta', type: 'b', value: true }],
    properties: [],
  };
}

export interface IssuedSet {
  issuer: string;
  /** User access token for orgA, its ID token, org-scoped (orgA) and global M2M tokens; absent when the issuer cannot. */
  access?: Decoded;
  id?: Decoded;
  orgM2m?: Decoded;
  globalM2m?: Decoded;
}

/** Provision the scenario and issue every token it has; refusals are violations of `requirements`. */
export async function issueScenario(env: CheckEnv, judge: Judge, s: VerifierScenario, requirements: string[]): Promise<IssuedSet> {
  const tenant = tenantOf(s);
  await provision(env, judge, tenant);
  const out: IssuedSet = { issuer: issuerOf(tenant) };
  // Issuer refusals are not the verifier's fault: they are judged under the issuer's own requirements, not these.
  const none: string[] = [];
  void requirements;
  if (env.info.capabilities.userTokens) {
    const t = await signInExpectingTokens(env, judge, { clientId: s.clients.web, userId: s.userId, scopes: ['openid'], orgCode: s.orgA, audience: [s.audience] }, none);
    if (t) {
      out.access = t.access;
      if (t.id) out.id = t.id;
    }
  }
  if (env.info.capabilities.m2m) {
    const secret = kindeSecret;
    if (env.info.capabilities.orgScopedM2m) {
      const o = await clientCredentialsExpectingToken(env, judge, { clientId: s.clients.orgM2m, clientSecret: secret(s.clients.orgM2m), audience: [s.audience] }, none);
      if (o) out.orgM2m = o.token;
    }
    const g = await clientCredentialsExpectingToken(env, judge, { clientId: s.clients.globalM2m, clientSecret: secret(s.clients.globalM2m), audience: [s.audience] }, none);
    if (g) out.globalM2m = g.token;
  }
  return out;
}

