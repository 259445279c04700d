/**
 * @kinde-oss/kinde-typescript-sdk's sign-in flows against `serve`
 * (test/kinde-sdk.test.ts covers client credentials): authorization code
 * with a client secret in Kinde's format, and PKCE. Each goes login URL →
 * serve's authorize → handleRedirectToApp → the SDK's own helpers
 * (getUser from the ID token, getUserProfile from /oauth2/v2/user_profile,
 * claims, permissions, organization, flags) → refreshTokens → logout URL.
 * Revocation (RFC 7009) and introspection (RFC 7662) are driven with the
 * form the SDK's OAuthApi sends.
 */
import { createKindeServerClient, GrantType } from '@kinde-oss/kinde-typescript-sdk';
import { MemorySession } from './lib/memory-session.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedServer } from '../reference/server.js';
import { AUDIENCE, FETCH_TIMEOUT_MS, LOGOUT_REDIRECT, REDIRECT, USER, WEB_SECRET, authorize, startServe, timedFetch } from './sdk-flows/fixture.js';

let server: StartedServer;
const calls: string[] = [];
let undoFetch: () => void;
beforeAll(async () => {
  server = await startServe();
  undoFetch = timedFetch(calls);
});
afterAll(async () => {
  undoFetch();
  await server.close();
});

const FLOWS = [
  { name: 'authorization code', grant: GrantType.AUTHORIZATION_CODE, clientId: 'webapp', secret: WEB_SECRET },
  { name: 'PKCE', grant: GrantType.PKCE, clientId: 'spa', secret: undefined },
] as const;

function sdkFor(flow: (typeof FLOWS)[number]) {
  return createKindeServerClient(flow.grant, {
    authDomain: server.url,
    clientId: flow.clientId,
    ...(flow.secret !== undefined ? { clientSecret: flow.secret } : {}),
    redirectURL: REDIRECT,
    logoutRedirectURL: LOGOUT_REDIRECT,
    audience: AUDIENCE,
    scope: 'openid profile email offline',
  } as never) as ReturnType<typeof createKindeServerClient<GrantType.AUTHORIZATION_CODE>>;
}

async function signIn(flow: (typeof FLOWS)[number]) {
  const sdk = sdkFor(flow);
  const session = new MemorySession();
  const login = await sdk.login(session, { org_code: 'org_acme', authUrlParams: { login_hint: USER.email } });
  if (flow.grant === GrantType.PKCE) expect(login.searchParams.get('code_challenge_method')).toBe('S256');
  await sdk.handleRedirectToApp(session, await authorize(login));
  return { sdk, session };
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
  signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
});

describe.each(FLOWS)('Kinde TypeScript SDK, $name flow, against serve', (flow) => {
  it('signs in, reads the user, the profile endpoint and the claims', async () => {
    const { sdk, session } = await signIn(flow);
    expect(await sdk.isAuthenticated(session)).toBe(true);
    expect(await sdk.getUser(session)).toMatchObject({ id: USER.id, email: USER.email, given_name: USER.givenName, family_name: USER.familyName, picture: USER.picture });
    const profile = await sdk.getUserProfile(session);
    expect(profile).toMatchObject({ id: USER.id, email: USER.email, given_name: USER.givenName, family_name: USER.familyName, picture: USER.picture });
    expect(calls).toContain(`GET ${server.url}/oauth2/v2/user_profile`);
    expect(await sdk.getClaimValue(session, 'azp')).toBe(flow.clientId);
    expect(await sdk.getOrganization(session)).toEqual({ orgCode: 'org_acme' });
    expect(await sdk.getPermissions(session)).toEqual({ orgCode: 'org_acme', permissions: ['read:things'] });
    expect(await sdk.getPermission(session, 'read:things')).toEqual({ orgCode: 'org_acme', isGranted: true });
    expect(await sdk.getBooleanFlag(session, 'beta', false)).toBe(true);
    expect(await sdk.getIntegerFlag(session, 'seats', 0)).toBe(25);
    expect(await sdk.getUserOrganizations(session)).toEqual({ orgCodes: ['org_acme'] });
  });

  it('refreshes, then logs out through /logout back to the app', async () => {
    const { sdk, session } = await signIn(flow);
    const before = await session.getSessionItem('refresh_token');
    const refreshed = await sdk.refreshTokens(session);
    expect(refreshed.refresh_token).toEqual(expect.any(String));
    expect(refreshed.refresh_token).not.toBe(before);
    const logout = await sdk.logout(session);
    expect(await sdk.isAuthenticated(session)).toBe(false);
    const res = await fetch(logout, { redirect: 'manual', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(LOGOUT_REDIRECT);
  });

  it('revocation (RFC 7009) ends the refresh token and the access token; introspection (RFC 7662) says so', async () => {
    const { sdk, session } = await signIn(flow);
    const access = String(await session.getSessionItem('access_token'));
    const refresh = String(await session.getSessionItem('refresh_token'));
    const auth = { client_id: flow.clientId, ...(flow.secret !== undefined ? { client_secret: flow.secret } : {}) };
    const introspect = async (token: string) => (await fetch(`${server.url}/oauth2/introspect`, form({ ...auth, token }))).json();
    expect(await introspect(access)).toMatchObject({ active: true, token_type: 'access_token', client_id: flow.clientId, sub: USER.id });
    expect(await introspect(refresh)).toMatchObject({ active: true, token_type: 'refresh_token', client_id: flow.clientId });
    for (const [token, hint] of [[refresh, 'refresh_token'], [access, 'access_token']] as const) {
      const res = await fetch(`${server.url}/oauth2/revoke`, form({ ...auth, token, token_type_hint: hint }));
      expect(res.status).toBe(200);
    }
    expect(await introspect(access)).toEqual({ active: false });
    expect(await introspect(refresh)).toEqual({ active: false });
    await expect(sdk.refreshTokens(session)).rejects.toThrow(/refresh token/i);
    const profile = await fetch(`${server.url}/oauth2/v2/user_profile`, { headers: { authorization: `Bearer ${access}` }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    expect(profile.status).toBe(401);
    expect(await profile.json()).toMatchObject({ error: 'invalid_token' });
  });
});

describe('the new endpoints refuse like the others', () => {
  it('no bearer, a wrong client secret, a missing token, a bad redirect: 4xx {error, error_description}', async () => {
    const cases: Array<[Promise<Response>, number, string]> = [
      [fetch(`${server.url}/oauth2/v2/user_profile`), 401, 'invalid_token'],
      [fetch(`${server.url}/oauth2/revoke`, form({ client_id: 'webapp', client_secret: 'B'.repeat(44), token: 'x' })), 401, 'invalid_client'],
      [fetch(`${server.url}/oauth2/introspect`, form({ client_id: 'webapp', client_secret: WEB_SECRET })), 400, 'invalid_request'],
      [fetch(`${server.url}/logout?redirect=javascript:alert(1)`, { redirect: 'manual' }), 400, 'invalid_request'],
    ];
    for (const [pending, status, error] of cases) {
      const res = await pending;
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: string; error_description: string };
      expect(body.error).toBe(error);
      expect(body.error_description).toEqual(expect.any(String));
    }
  });
});

describe("client secrets are in Kinde's format everywhere the project makes one", () => {
  const KINDE_SECRET = /^[A-Za-z0-9]{40,60}$/;
  it('generated verifier tenants, generated tenants and the shipped example tenant', async () => {
    const fc = (await import('fast-check')).default;
    const { scenarioArb, tenantOf } = await import('../suites/verifier-scenario.js');
    const { tenantArb } = await import('../generators/tenant-arb.js');
    const { readFileSync } = await import('node:fs');
    const secrets = [
      ...fc.sample(scenarioArb(undefined), 20).flatMap((s) => tenantOf(s).applications.map((a) => a.clientSecret)),
      ...fc.sample(tenantArb(), 20).flatMap((t) => t.applications.map((a) => a.clientSecret)),
      ...(JSON.parse(readFileSync(new URL('../examples/library/tenant.json', import.meta.url), 'utf8')) as { applications: Array<{ clientSecret: string }> }).applications.map((a) => a.clientSecret),
    ];
    expect(secrets.length).toBeGreaterThan(40);
    expect(secrets.filter((s) => !KINDE_SECRET.test(s))).toEqual([]);
  });
});
