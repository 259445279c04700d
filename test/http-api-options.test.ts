/**
 * http-api for any API: a route without :org_code (no organizations: org
 * enforcement not claimed, so the org requirements are not applicable) and
 * the statuses that mean accepted and refused.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpApiVerifier, parseStatuses } from '../adapters/verifiers/http-api.js';

let server: Server;
let url: string;
/** Answers the status named by the token (`Bearer 204`), 401 without one. */
beforeAll(async () => {
  server = createServer((req, res) => {
    const status = Number((req.headers.authorization ?? '').split(' ')[1] ?? 401) || 401;
    res.writeHead(req.url === '/api/me' || req.url?.startsWith('/orgs/') ? status : 404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const ctx = { issuer: 'https://x.kinde.com', audience: 'a', jwks: { keys: [] } };

describe('http-api routes and statuses', () => {
  it('parses status lists and classes; refuses anything else', () => {
    expect(parseStatuses('X', '200,204')).toEqual([200, 204]);
    expect(parseStatuses('X', '2xx')).toHaveLength(100);
    expect(parseStatuses('X', undefined)).toBeUndefined();
    expect(() => parseStatuses('X', '20O')).toThrow(/X must list HTTP statuses/);
  });

  it('a route without :org_code: no org enforcement claimed; with one: claimed', async () => {
    expect((await new HttpApiVerifier({ url, route: '/api/me' }).start()).capabilities.orgEnforcement).toBe(false);
    expect((await new HttpApiVerifier({ url }).start()).capabilities.orgEnforcement).toBe(true);
    await expect(new HttpApiVerifier({ url, route: 'api/me' }).start()).rejects.toThrow(/must be a path/);
  });

  it('default: 2xx accepted, anything else refused', async () => {
    const v = new HttpApiVerifier({ url, route: '/api/me' });
    expect(await v.verify('204', ctx)).toMatchObject({ accepted: true, status: 204 });
    expect(await v.verify('500', ctx)).toMatchObject({ accepted: false, status: 500 });
  });

  it('configured: only the listed statuses are verdicts; another status is an error of the API, not a refusal', async () => {
    const v = new HttpApiVerifier({ url, route: '/api/me', acceptStatus: [200], rejectStatus: [401, 403] });
    expect(await v.verify('200', ctx)).toMatchObject({ accepted: true });
    expect(await v.verify('204', ctx).catch((e: Error) => e.message)).toMatch(/answered HTTP 204, neither an accepted \(200\) nor a refused \(401,403\)/);
    expect(await v.verify('403', ctx)).toMatchObject({ accepted: false, status: 403 });
    await expect(v.verify('500', ctx)).rejects.toThrow(/HTTP 500/);
    expect(() => new HttpApiVerifier({ url, acceptStatus: [200], rejectStatus: [200] })).toThrow(/both accepted and refused/);
  });
});
