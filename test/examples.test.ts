/**
 * The example workflows and the reference issuer together, as a user would
 * try them: deploy the source, sign in, read the claims.
 */
import { readFileSync } from 'node:fs';
import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReferenceAdapter } from '../reference/adapter.js';
import { DEFAULT_LIFETIMES, type Tenant } from '../adapters/types.js';

const example = (name: string) => readFileSync(new URL(`../examples/workflows/${name}`, import.meta.url), 'utf8');

const tenant: Tenant = {
  subdomain: 'examples',
  apis: [{ audience: 'myapp:prod-api', scopes: ['read:stats'] }],
  applications: [
    { clientId: 'web', clientSecret: 's1', name: 'Web', kind: 'backend', lifetimes: { ...DEFAULT_LIFETIMES }, apis: ['myapp:prod-api'], tokens: {}, properties: {} },
    { clientId: 'svc', clientSecret: 's2', name: 'Service', kind: 'm2m', lifetimes: { ...DEFAULT_LIFETIMES }, apis: ['myapp:prod-api'], tokens: {}, properties: {} },
  ],
  users: [
    {
      id: 'kp_0123456789abcdef0123456789abcdef',
      email: 'jane.smith@example.com',
      givenName: 'Jane',
      familyName: 'Smith',
      updatedAt: 1_692_009_540,
      memberships: [{ orgCode: 'org_0123456789a', roles: ['admin'], permissions: ['view:stats'] }],
      properties: {},
    },
  ],
  organizations: [{ code: 'org_0123456789a', name: 'Acme', properties: {} }],
  roles: [{ id: 'r1', key: 'admin', name: 'Admin' }],
  permissions: ['view:stats'],
  featureFlags: [{ key: 'theme', type: 's', value: 'pink' }],
  properties: [],
};
const signIn = {
  clientId: 'web',
  userId: 'kp_0123456789abcdef0123456789abcdef',
  scopes: ['openid', 'profile', 'email'],
  orgCode: 'org_0123456789a',
  audience: ['myapp:prod-api'],
};

describe('example workflows on the reference issuer', () => {
  const adapter = new ReferenceAdapter();
  beforeAll(async () => {
    await adapter.start();
  });

  async function userTokens(...files: string[]) {
    await adapter.provision(tenant);
    for (const f of files) await adapter.deployWorkflow(example(f));
    const r = await adapter.signIn(signIn);
    if (!r.ok) throw new Error(`${r.error}: ${r.errorDescription}`);
    return { access: decodeJwt(r.body.access_token), id: decodeJwt(r.body.id_token!) };
  }

  it('add-company-claim: companyName lands in the access token only', async () => {
    const { access, id } = await userTokens('add-company-claim.ts');
    expect(access.companyName).toBe('Acme Inc.');
    expect(id.companyName).toBeUndefined();
  });

  it('reduce-token-size: permissions [] and feature_flags {} stay present', async () => {
    const before = await userTokens();
    expect(before.access.permissions).toEqual(['view:stats']);
    const { access } = await userTokens('reduce-token-size.ts');
    expect(access.permissions).toEqual([]);
    expect(access.feature_flags).toEqual({});
    expect(access.exp! - access.iat!).toBe(86_400);
  });

  it('id-token-house: house added and name overwritten in the ID token', async () => {
    const { id, access } = await userTokens('id-token-house.ts');
    expect(id.house).toBe('Gryffindor');
    expect(id.name).toBe('Harry Potter');
    expect(access.house).toBeUndefined();
  });

  it('m2m-application-id: the claim lands, the write to sub is ignored', async () => {
    await adapter.provision(tenant);
    await adapter.deployWorkflow(example('m2m-application-id.ts'));
    const r = await adapter.clientCredentials({ clientId: 'svc', clientSecret: 's2', audience: ['myapp:prod-api'] });
    if (!r.ok) throw new Error(`${r.error}: ${r.errorDescription}`);
    const m2m = decodeJwt(r.body.access_token);
    expect(m2m.applicationId).toBe('svc');
    expect(m2m.sub).toBeUndefined();
    expect(m2m.gty).toEqual(['client_credentials']);
  });
});
