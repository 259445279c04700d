/**
 * What the SDK flow tests share: a tenant with one signed-in user, a backend
 * and a frontend (PKCE) app whose secrets are in Kinde's format (the
 * TypeScript SDK refuses any other), `serve` on loopback, a fetch with a
 * timeout (the SDKs set none), and a browser stand-in that follows the
 * authorization redirect without following it to the app.
 */
import type { Application, Tenant } from '../../adapters/types.js';
import { startServer, type StartedServer } from '../../reference/server.js';

export const FETCH_TIMEOUT_MS = 60_000; // a hang guard, not a speed bound (a loaded runner answers slowly)
/** 40–60 letters and digits: the only client secrets @kinde-oss/kinde-typescript-sdk accepts. */
export const WEB_SECRET = 'Wq7Zt3Lk9Pm2Xv5Rb8Nc4Hd6Jf1Gs0Ay3Ue7Io9Qw2Er';
export const REDIRECT = 'http://127.0.0.1:3000/api/auth/kinde_callback';
export const LOGOUT_REDIRECT = 'http://127.0.0.1:3000/bye';
export const AUDIENCE = 'acme:api';
export const USER = { id: 'kp_1b2c3d4e5f60718293a4b5c6d7e8f901', email: 'ada@example.com', givenName: 'Ada', familyName: 'Lovelace', picture: 'https://example.com/ada.png' };

const lifetimes = { accessToken: 3_600, idToken: 3_600, refreshToken: 86_400 };
const app = (clientId: string, kind: Application['kind'], clientSecret: string): Application => ({
  clientId,
  clientSecret,
  name: clientId,
  kind,
  lifetimes,
  apis: [AUDIENCE],
  tokens: { access: { properties: [], roles: true }, id: { properties: [], orgCodes: true } },
  properties: {},
});

export const tenant: Tenant = {
  subdomain: 'acme',
  apis: [{ audience: AUDIENCE, scopes: ['read:things'] }],
  applications: [app('webapp', 'backend', WEB_SECRET), app('spa', 'frontend', 'Fr0ntendAppsSendNoSecretButTheModelWantsOne1')],
  users: [{ ...USER, updatedAt: 1_700_000_000, memberships: [{ orgCode: 'org_acme', roles: ['admin'], permissions: ['read:things'] }], properties: {} }],
  organizations: [{ code: 'org_acme', name: 'Acme', properties: {} }],
  roles: [{ id: 'role_1', key: 'admin', name: 'Admin' }],
  permissions: ['read:things'],
  featureFlags: [
    { key: 'beta', type: 'b', value: true },
    { key: 'seats', type: 'i', value: 25 },
  ],
  properties: [],
};

export function startServe(): Promise<StartedServer> {
  return startServer({ port: 0, tenant, log: () => {} });
}

/** Wrap globalThis.fetch with a timeout and a record of the URLs called; returns the undo. */
export function timedFetch(calls: string[]): () => void {
  const real = globalThis.fetch;
  globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    calls.push(`${init?.method ?? 'GET'} ${url}`);
    return real(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  };
  return () => {
    globalThis.fetch = real;
  };
}

/** The browser's part: open the authorization URL, return where `serve` redirects (the app's callback URL). */
export async function authorize(url: URL | string): Promise<URL> {
  const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`authorize: HTTP ${res.status} ${await res.text()}`);
  return new URL(location);
}
