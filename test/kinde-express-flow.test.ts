/**
 * @kinde-oss/kinde-node-express against `serve`: an Express app set up with
 * setupKinde (authorization code, a client secret in Kinde's format) signs
 * a user in through its own /login and callback routes, getUser fills
 * req.user from /oauth2/v2/user_profile, protectRoute lets the session (and
 * a bearer access token) through and refuses a forged bearer, /logout
 * sends the browser to serve's /logout and back. The test plays the
 * browser: it follows redirects by hand and keeps the session cookie.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { GrantType, getUser, protectRoute, setupKinde } from '@kinde-oss/kinde-node-express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedServer } from '../reference/server.js';
import { AUDIENCE, FETCH_TIMEOUT_MS, USER, WEB_SECRET, startServe, timedFetch } from './sdk-flows/fixture.js';

/** The Express the SDK itself depends on (4.x, nested under it), typed as much as this test uses. */
type Handler = (req: IncomingMessage & { user?: unknown }, res: ServerResponse & { json(body: unknown): void }, next?: () => void) => void;
interface ExpressApp {
  listen(port: number, host: string, cb: () => void): Server;
  get(path: string, ...handlers: Handler[]): void;
}
const express = createRequire(createRequire(import.meta.url).resolve('@kinde-oss/kinde-node-express'))('express') as () => ExpressApp;

let server: StartedServer;
let app: Server;
let appUrl: string;
const calls: string[] = [];
let undoFetch: () => void;

beforeAll(async () => {
  server = await startServe();
  undoFetch = timedFetch(calls);
  const web = express();
  app = await new Promise<Server>((resolve) => {
    const s = web.listen(0, '127.0.0.1', () => resolve(s));
  });
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  setupKinde(
    {
      grantType: GrantType.AUTHORIZATION_CODE,
      clientId: 'webapp',
      secret: WEB_SECRET,
      issuerBaseUrl: server.url,
      siteUrl: appUrl,
      redirectUrl: `${appUrl}/kinde_callback`,
      unAuthorisedUrl: `${appUrl}/unauthorised`,
      postLogoutRedirectUrl: `${appUrl}/bye`,
      audience: AUDIENCE,
      scope: 'openid profile email offline',
    },
    web as never,
  );
  web.get('/me', getUser as never, (req, res) => {
    res.json(req.user);
  });
  web.get('/protected', protectRoute as never, (_req, res) => {
    res.json({ ok: true });
  });
});
afterAll(async () => {
  undoFetch();
  app.closeAllConnections();
  await new Promise((r) => app.close(r));
  await server.close();
});

/** A browser with one cookie jar that follows redirects by hand, recording each hop. */
class Browser {
  cookie = '';
  readonly hops: string[] = [];
  async get(url: string, headers: Record<string, string> = {}, follow = 10): Promise<Response> {
    let target = url;
    for (let i = 0; ; i++) {
      this.hops.push(target);
      const res = await fetch(target, { redirect: 'manual', headers: { ...(this.cookie ? { cookie: this.cookie } : {}), ...headers }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
      const set = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
      if (set.length > 0) this.cookie = set.join('; ');
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location || i >= follow) return res;
      target = new URL(location, target).href;
      // Stop at the app's own pages after sign-in (they are not served here).
      if (target === `${appUrl}` || target === `${appUrl}/` || target.startsWith(`${appUrl}/bye`) || target.startsWith(`${appUrl}/unauthorised`)) {
        this.hops.push(target);
        return res;
      }
    }
  }
}

async function signedIn(): Promise<Browser> {
  const b = new Browser();
  await b.get(`${appUrl}/login`);
  return b;
}

describe('kinde-node-express against serve', () => {
  it('login → serve authorize → callback → back to the site, signed in', async () => {
    const b = await signedIn();
    expect(b.hops[0]).toBe(`${appUrl}/login`);
    expect(b.hops[1]).toMatch(new RegExp(`^${server.url}/oauth2/auth\\?`));
    expect(b.hops[2]).toMatch(new RegExp(`^${appUrl}/kinde_callback\\?code=`));
    expect(b.hops.at(-1)).toBe(`${appUrl}/`);
    expect(calls).toContain(`POST ${server.url}/oauth2/token`);
  });

  it('getUser: req.user is the profile from /oauth2/v2/user_profile', async () => {
    const b = await signedIn();
    const res = await b.get(`${appUrl}/me`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: USER.id, email: USER.email, given_name: USER.givenName, family_name: USER.familyName });
    expect(calls).toContain(`GET ${server.url}/oauth2/v2/user_profile`);
  });

  it('protectRoute: the session passes, a stranger is sent away, a forged bearer is refused', async () => {
    const b = await signedIn();
    const ok = await b.get(`${appUrl}/protected`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true });
    const stranger = new Browser();
    const away = await stranger.get(`${appUrl}/protected`, {}, 0);
    expect(away.status).toBe(302);
    const forged = await new Browser().get(`${appUrl}/protected`, { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' });
    expect(forged.status).toBe(403);
  });

  it('a bearer access token from serve passes protectRoute', async () => {
    const token = (await (await fetch(`${server.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: 'webapp', client_secret: WEB_SECRET, code: await codeFor() }).toString(),
    })).json()) as { access_token: string };
    const res = await new Browser().get(`${appUrl}/protected`, { authorization: `Bearer ${token.access_token}` });
    expect(res.status).toBe(200);
  });

  it('logout → serve /logout → the post-logout URL, and the session is gone', async () => {
    const b = await signedIn();
    await b.get(`${appUrl}/logout`);
    expect(b.hops.some((h) => h.startsWith(`${server.url}/logout?redirect=`))).toBe(true);
    expect(b.hops.at(-1)).toBe(`${appUrl}/bye`);
    const after = await b.get(`${appUrl}/me`, {}, 0);
    expect(after.status).toBe(302);
  });
});

async function codeFor(): Promise<string> {
  const res = await fetch(`${server.url}/_conformance/v1/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId: 'webapp', userId: USER.id, scopes: ['openid'], audience: [AUDIENCE] }),
  });
  return ((await res.json()) as { code: string }).code;
}
