/**
 * @kinde/js-utils against `serve`, unmodified: PKCE sign-in through its own
 * generateAuthUrl and exchangeAuthCode, every claim helper on the tokens it
 * stored, and refresh through its refreshToken. The only thing the test
 * adds is the browser (following the authorization redirect) and a fetch
 * timeout.
 */
import {
  MemoryStorage,
  Scopes,
  StorageKeys,
  clearActiveStorage,
  exchangeAuthCode,
  generateAuthUrl,
  getClaim,
  getClaims,
  getCurrentOrganization,
  getDecodedToken,
  getFlag,
  getPermission,
  getPermissions,
  getRawToken,
  getRoles,
  getUserOrganizations,
  getUserProfile,
  isAuthenticated,
  refreshToken,
  setActiveStorage,
} from '@kinde/js-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedServer } from '../reference/server.js';
import { AUDIENCE, REDIRECT, USER, authorize, startServe, timedFetch } from './sdk-flows/fixture.js';

let server: StartedServer;
const calls: string[] = [];
let undoFetch: () => void;
beforeAll(async () => {
  server = await startServe();
  undoFetch = timedFetch(calls);
});
afterAll(async () => {
  undoFetch();
  clearActiveStorage();
  await server.close();
});

async function signIn(storage: MemoryStorage) {
  setActiveStorage(storage);
  const { url } = await generateAuthUrl(server.url, 'login' as never, {
    clientId: 'spa',
    redirectURL: REDIRECT,
    audience: AUDIENCE,
    scope: [Scopes.openid, Scopes.profile, Scopes.email, Scopes.offline_access],
    loginHint: USER.email,
    orgCode: 'org_acme',
  });
  expect(url.searchParams.get('code_challenge_method')).toBe('S256');
  const callback = await authorize(url);
  expect(callback.searchParams.get('error')).toBeNull();
  return exchangeAuthCode({ urlParams: callback.searchParams, domain: server.url, clientId: 'spa', redirectURL: REDIRECT, autoRefresh: false });
}

describe('@kinde/js-utils against serve', () => {
  it('PKCE sign-in: generateAuthUrl → serve → exchangeAuthCode stores the three tokens', async () => {
    const storage = new MemoryStorage();
    const result = await signIn(storage);
    expect(result.success, JSON.stringify(result)).toBe(true);
    expect(await storage.getSessionItem(StorageKeys.accessToken)).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(await storage.getSessionItem(StorageKeys.idToken)).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(await storage.getSessionItem(StorageKeys.refreshToken)).toEqual(expect.any(String));
    expect(calls).toContain(`POST ${server.url}/oauth2/token`);
    expect(await isAuthenticated()).toBe(true);
  });

  it('claim helpers read what Kinde puts in the tokens', async () => {
    await signIn(new MemoryStorage());
    expect(await getClaim('aud')).toEqual({ name: 'aud', value: [AUDIENCE] });
    expect((await getClaims())?.iss).toBe('https://acme.kinde.com');
    expect(await getCurrentOrganization()).toBe('org_acme');
    expect(await getPermissions()).toEqual({ orgCode: 'org_acme', permissions: ['read:things'] });
    expect(await getPermission('read:things')).toEqual({ permissionKey: 'read:things', orgCode: 'org_acme', isGranted: true });
    expect(await getPermission('write:things')).toMatchObject({ isGranted: false });
    expect((await getRoles()).map((r) => r.key)).toEqual(['admin']);
    expect(await getFlag('beta')).toBe(true);
    expect(await getFlag('seats')).toBe(25);
    expect(await getFlag('no-such-flag')).toBeNull();
    expect(await getUserProfile()).toMatchObject({ id: USER.id, email: USER.email, givenName: USER.givenName, familyName: USER.familyName, picture: USER.picture });
    expect(await getUserOrganizations()).toEqual(expect.arrayContaining(['org_acme']));
    expect((await getDecodedToken('idToken'))?.sub).toBe(USER.id);
    expect(await getRawToken()).toEqual(expect.any(String));
  });

  it('refreshToken exchanges the stored refresh token for new tokens (rotated)', async () => {
    const storage = new MemoryStorage();
    await signIn(storage);
    const before = await storage.getSessionItem(StorageKeys.refreshToken);
    const r = await refreshToken({ domain: server.url, clientId: 'spa' });
    expect(r.success, JSON.stringify(r)).toBe(true);
    const after = await storage.getSessionItem(StorageKeys.refreshToken);
    expect(after).toEqual(expect.any(String));
    expect(after).not.toBe(before);
    expect(await getCurrentOrganization()).toBe('org_acme');
  });
});
