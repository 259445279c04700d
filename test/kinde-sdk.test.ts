/**
 * Cross-check with a real client: Kinde's own TypeScript SDK
 * (`@kinde-oss/kinde-typescript-sdk`, client-credentials grant) pointed at
 * `serve` must complete its flow and read the claims it expects from our M2M
 * tokens: `aud`, `azp`, `gty`, `scp`, feature flags through its typed flag
 * helpers, `org_code` for an org-scoped app.
 *
 * How the SDK is pointed at the loopback server, and nothing else:
 * - `authDomain` is the server's base URL (`http://127.0.0.1:<port>`). The SDK
 *   builds `<authDomain>/oauth2/token` and (through @kinde/jwt-validator)
 *   `<authDomain>/.well-known/jwks.json` from it; it requires neither https nor
 *   `iss === authDomain` (it never compares `iss`), so tokens keep the
 *   documented issuer `https://<subdomain>.kinde.com`.
 * - The SDK's token request has no timeout of its own, so this file wraps
 *   `globalThis.fetch` to add `AbortSignal.timeout` (and to record which URLs
 *   the SDK called). It does not rewrite URLs or answers.
 *
 * What the SDK checks on a token (2.15.1): the RS256 signature against the JWK
 * whose `kid` matches (with `use: "sig"`), and `exp`. Not `iss`, not `aud`.
 * The mutant tests below pin both halves: a key missing from the JWKS makes the
 * SDK refuse; a wrong `iss` does not (a finding, not a failure of ours).
 */
import fc from 'fast-check';
import { createKindeServerClient, GrantType } from '@kinde-oss/kinde-typescript-sdk';
import { MemorySession } from './lib/memory-session.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Application, FeatureFlag, Tenant } from '../adapters/types.js';
import type { DefectName } from '../reference/defects.js';
import { startServer, type StartedServer } from '../reference/server.js';

const FETCH_TIMEOUT_MS = 60_000; // a hang guard, not a speed bound (a loaded runner answers slowly)
/** The SDK accepts only secrets matching /^[a-zA-Z0-9]{40,60}$/ (validateClientSecret). */
const SECRET = 'Zq4t7w9zCfFjJnNrRuUxAaDdGgKkPpSsVvYy2b5e8h';
const ORG_SECRET = 'Mm3q6t9wBeEhHkKnNrRuUxXzC2F5J8M1P4S7V0Y3a6';

const lifetimes = { accessToken: 3_600, idToken: 3_600, refreshToken: 86_400 };

function m2mApp(clientId: string, clientSecret: string, flags: string[], orgCode?: string): Application {
  return {
    clientId,
    clientSecret,
    name: clientId,
    kind: 'm2m',
    lifetimes,
    apis: ['acme:api'],
    tokens: { m2m: { properties: [], featureFlags: flags } },
    properties: {},
    ...(orgCode !== undefined ? { orgCode } : {}),
  };
}

const FLAGS: FeatureFlag[] = [
  { key: 'new-ai-agent', type: 'b', value: true },
  { key: 'access-level', type: 's', value: 'beta' },
  { key: 'max-seats', type: 'i', value: 25 },
  { key: 'not-toggled', type: 'b', value: true },
];

function tenantWith(flags: FeatureFlag[], toggled: string[]): Tenant {
  return {
    subdomain: 'acme',
    apis: [{ audience: 'acme:api', scopes: ['read:things', 'write:things'] }],
    applications: [m2mApp('robot', SECRET, toggled), m2mApp('orgrobot', ORG_SECRET, [], 'org_one')],
    users: [],
    organizations: [{ code: 'org_one', name: 'One', properties: {} }],
    roles: [],
    permissions: [],
    featureFlags: flags,
    properties: [],
  };
}

// --- fetch: add a timeout, record what the SDK called -------------------------

const realFetch = globalThis.fetch;
let calls: string[] = [];
beforeAll(() => {
  globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    calls.push(`${init?.method ?? 'GET'} ${url}`);
    return realFetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  };
});
afterAll(() => {
  globalThis.fetch = realFetch;
});
beforeEach(() => {
  calls = [];
});

function client(server: StartedServer, opts: { clientId?: string; clientSecret?: string; audience?: string | string[]; scope?: string } = {}) {
  return createKindeServerClient(GrantType.CLIENT_CREDENTIALS, {
    authDomain: server.url,
    clientId: opts.clientId ?? 'robot',
    clientSecret: opts.clientSecret ?? SECRET,
    audience: opts.audience ?? 'acme:api',
    ...(opts.scope !== undefined ? { scope: opts.scope } : {}),
  });
}

async function serverWith(tenant: Tenant, defects: DefectName[] = []): Promise<StartedServer> {
  return startServer({ port: 0, tenant, defects: new Set(defects), log: () => {} });
}

describe('Kinde TypeScript SDK (client credentials) against serve', () => {
  let server: StartedServer;
  beforeAll(async () => {
    server = await serverWith(tenantWith(FLAGS, ['new-ai-agent', 'access-level', 'max-seats']));
  });
  afterAll(async () => {
    await server.close();
  });

  it('completes the flow and reads the documented M2M claims', async () => {
    const sdk = client(server, { scope: 'read:things write:things' });
    const session = new MemorySession();
    const token = await sdk.getToken(session);
    expect(token.split('.')).toHaveLength(3);
    expect(await sdk.isAuthenticated(session)).toBe(true);

    expect(await sdk.getClaim(session, 'aud')).toEqual({ name: 'aud', value: ['acme:api'] });
    expect(await sdk.getClaimValue(session, 'azp')).toBe('robot');
    expect(await sdk.getClaimValue(session, 'gty')).toEqual(['client_credentials']);
    expect(await sdk.getClaimValue(session, 'iss')).toBe('https://acme.kinde.com');
    expect(await sdk.getClaimValue(session, 'v')).toBe('2');
    expect(await sdk.getClaimValue(session, 'scp')).toEqual(['read:things', 'write:things']);
    expect(await sdk.getClaimValue(session, 'scope')).toBe('read:things write:things');
    // A global app: no org, and M2M tokens carry no permissions claim.
    expect(await sdk.getOrganization(session)).toEqual({ orgCode: null });
    expect(await sdk.getPermissions(session)).toEqual({ permissions: null, orgCode: null });

    // Only the SDK's own endpoints on the loopback server were called.
    expect(calls.every((c) => c.includes(` ${server.url}/`))).toBe(true);
    expect(calls).toContain(`POST ${server.url}/oauth2/token`);
    expect(calls).toContain(`GET ${server.url}/.well-known/jwks.json`);
    // The SDK keeps an unexpired token: a second getToken makes no token request.
    const before = calls.filter((c) => c.endsWith('/oauth2/token')).length;
    expect(await sdk.getToken(session)).toBe(token);
    expect(calls.filter((c) => c.endsWith('/oauth2/token')).length).toBe(before);
  });

  it('reads toggled feature flags with the right types; untoggled flags fall back to the default', async () => {
    const sdk = client(server);
    const session = new MemorySession();
    await sdk.getToken(session);
    expect(await sdk.getBooleanFlag(session, 'new-ai-agent', false)).toBe(true);
    expect(await sdk.getStringFlag(session, 'access-level', 'none')).toBe('beta');
    expect(await sdk.getIntegerFlag(session, 'max-seats', 0)).toBe(25);
    expect(await sdk.getFlag(session, 'access-level', 'none', 's')).toEqual({ code: 'access-level', is_default: false, value: 'beta', type: 'string' });
    // Not toggled on for the app: absent from the token, so the SDK answers the default.
    expect(await sdk.getFlag(session, 'not-toggled', false, 'b')).toEqual({ code: 'not-toggled', is_default: true, value: false });
    await expect(sdk.getFlag(session, 'not-toggled')).rejects.toThrow(/not found/);
    // The type code in the token is what the SDK's typed getters check.
    await expect(sdk.getBooleanFlag(session, 'max-seats', false)).rejects.toThrow(/is of type number, expected type is boolean/);
  });

  it('an org-scoped app: the SDK reads the org_code the token carries', async () => {
    const sdk = client(server, { clientId: 'orgrobot', clientSecret: ORG_SECRET });
    const session = new MemorySession();
    await sdk.getToken(session);
    expect(await sdk.getOrganization(session)).toEqual({ orgCode: 'org_one' });
    expect(await sdk.getClaimValue(session, 'azp')).toBe('orgrobot');
  });

  it('a refused request surfaces as an SDK error carrying the OAuth error description', async () => {
    const sdk = client(server, { clientSecret: 'A'.repeat(40) });
    const session = new MemorySession();
    await expect(sdk.getToken(session)).rejects.toThrow(/client/i);
    expect(await sdk.isAuthenticated(session)).toBe(false);
    expect(session.items.size).toBe(0);
  });

  it('property: whatever flags the environment defines and the app toggles, the SDK reads exactly the toggled ones', async () => {
    const flagArb = fc.oneof(
      fc.record({ type: fc.constant('b' as const), value: fc.boolean() }),
      fc.record({ type: fc.constant('s' as const), value: fc.string({ minLength: 1, maxLength: 12 }) }),
      fc.record({ type: fc.constant('i' as const), value: fc.integer({ min: -1_000, max: 1_000_000 }) }),
    );
    const caseArb = fc
      .uniqueArray(fc.record({ key: fc.stringMatching(/^[a-z][a-z0-9_-]{0,15}$/), flag: flagArb, on: fc.boolean() }), { selector: (f) => f.key, maxLength: 5 });
    const DEFAULT = { b: 'default-b', s: 'default-s', i: 'default-i' } as const;
    await fc.assert(
      fc.asyncProperty(caseArb, async (cases) => {
        const flags: FeatureFlag[] = cases.map((c) => ({ key: c.key, ...c.flag }));
        server.issuer.provision(tenantWith(flags, cases.filter((c) => c.on).map((c) => c.key)));
        const sdk = client(server);
        const session = new MemorySession();
        await sdk.getToken(session);
        for (const c of cases) {
          // A default of a distinct marker shows whether the SDK found the flag.
          const got = await sdk.getFlag(session, c.key, DEFAULT[c.flag.type] as never, c.flag.type);
          expect(got.value).toEqual(c.on ? c.flag.value : DEFAULT[c.flag.type]);
          expect(got.is_default).toBe(!c.on);
        }
      }),
      { numRuns: 15 },
    );
  });
});

describe('Kinde TypeScript SDK against mutant servers', () => {
  const started: StartedServer[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.close()));
  });

  it('refuses a token signed with a key the JWKS does not publish (unpublished-signing-key)', async () => {
    const server = await serverWith(tenantWith(FLAGS, ['new-ai-agent']), ['unpublished-signing-key']);
    started.push(server);
    const session = new MemorySession();
    const sdk = client(server);
    await expect(sdk.getToken(session)).rejects.toThrow(/Attempting to commit invalid access_token token to memory/);
    expect(await session.getSessionItem('access_token')).toBeNull();
    expect(calls).toContain(`GET ${server.url}/.well-known/jwks.json`);
  });

  it('finding: the SDK does not check iss (a trailing-slash issuer is accepted)', async () => {
    const server = await serverWith(tenantWith(FLAGS, []), ['iss-trailing-slash']);
    started.push(server);
    const session = new MemorySession();
    const sdk = client(server);
    await sdk.getToken(session);
    // If the SDK starts validating iss, this fails: update the README finding then.
    expect(await sdk.getClaimValue(session, 'iss')).toBe('https://acme.kinde.com/');
  });
});
