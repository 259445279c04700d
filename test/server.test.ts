/**
 * The reference server speaks target protocol v1: every endpoint answers per
 * schemas/protocol and bad input gets a 4xx `{error, error_description}`
 * naming what is wrong (never a 5xx). Limits: server-limits.test.ts; the
 * `serve` command: serve-cli.test.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import fc from 'fast-check';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantArb } from '../generators/tenant.js';
import { isLoopback, MAX_REQUEST_BYTES, startServer, type StartedServer } from '../reference/server.js';
import { caller, expectError, expectValid, fixture, form } from './fixtures/server.js';

const WORKFLOW = `
import { onUserTokenGeneratedEvent, accessTokenCustomClaims, WorkflowSettings, WorkflowTrigger } from '@kinde/infrastructure';
export const workflowSettings: WorkflowSettings = {
  id: 'addTier', trigger: WorkflowTrigger.UserTokenGeneration, bindings: { 'kinde.accessToken': {} },
};
export default async function (event: onUserTokenGeneratedEvent) {
  const claims = accessTokenCustomClaims<{ tier: string }>();
  claims.tier = 'gold';
}
`;

let server: StartedServer;
let U: string;
const call = caller(() => U);

const token = (fields: Record<string, string | string[]>, headers: Record<string, string> = {}, base?: string) =>
  call('POST', '/oauth2/token', { body: form(fields), type: 'application/x-www-form-urlencoded', headers, ...(base ? { base } : {}) });

beforeAll(async () => {
  server = await startServer();
  U = server.url;
});
afterAll(() => server.close());

describe('the reference server: endpoints per schemas/protocol', () => {
  it('binds to 127.0.0.1 on a free port by default', () => {
    expect(U).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(U).port)).toBeGreaterThan(0);
  });

  it('handshake declares protocol 1, the implementation, every capability and sessions', async () => {
    const r = await call('GET', '/_conformance/v1/handshake');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expectValid('handshake', r.body);
    expect(r.body.protocol).toBe(1);
    expect(r.body.sessions).toBe(true);
    expect(Object.values(r.body.capabilities).every((v) => v === true)).toBe(true);
  });

  it('discovery keeps the documented issuer and points at this server; JWKS at both documented paths', async () => {
    expect((await call('PUT', '/_conformance/v1/tenant', { json: fixture() })).status).toBe(204);
    const d = await call('GET', '/.well-known/openid-configuration');
    expect(d.status).toBe(200);
    expectValid('discovery', d.body);
    expect(d.body.issuer).toBe('https://acme.kinde.com');
    expect(d.body.token_endpoint).toBe(`${U}/oauth2/token`);
    expect(d.body.jwks_uri).toBe(`${U}/.well-known/jwks`);
    const a = await call('GET', '/.well-known/jwks');
    const b = await call('GET', '/.well-known/jwks.json');
    expectValid('jwks', a.body);
    expect(a.body.keys.length).toBeGreaterThan(0);
    expect(b.body).toEqual(a.body);
    expect(a.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('sign-in → code → token exchange with PKCE; the code is single-use and bound to its verifier', async () => {
    await call('PUT', '/_conformance/v1/tenant', { json: fixture() });
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const signIn = { clientId: 'spa', userId: 'kp_alice', scopes: ['openid', 'offline'], audience: ['acme:api'], orgCode: 'org_one', redirectUri: 'http://127.0.0.1/cb', codeChallenge: challenge, codeChallengeMethod: 'S256' };
    expectValid('sign-in-request', signIn);
    const s = await call('POST', '/_conformance/v1/sign-in', { json: signIn });
    expect(s.status).toBe(200);
    expectValid('sign-in-response', s.body);

    const wrong = await token({ grant_type: 'authorization_code', code: s.body.code, client_id: 'spa', redirect_uri: 'http://127.0.0.1/cb', code_verifier: randomBytes(32).toString('base64url') });
    expectError(wrong, 400, 'invalid_grant', /code_verifier/);
    const burned = await token({ grant_type: 'authorization_code', code: s.body.code, client_id: 'spa', redirect_uri: 'http://127.0.0.1/cb', code_verifier: verifier });
    expectError(burned, 400, 'invalid_grant');

    const s2 = await call('POST', '/_conformance/v1/sign-in', { json: signIn });
    const ok = await token({ grant_type: 'authorization_code', code: s2.body.code, client_id: 'spa', redirect_uri: 'http://127.0.0.1/cb', code_verifier: verifier });
    expect(ok.status).toBe(200);
    expectValid('token-response', ok.body);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect(decodeJwt(ok.body.access_token).iss).toBe('https://acme.kinde.com');
    expect(decodeJwt(ok.body.access_token).org_code).toBe('org_one');
    expect(typeof ok.body.id_token).toBe('string');
    expect(typeof ok.body.refresh_token).toBe('string');
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: ok.body.refresh_token, client_id: 'spa' });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(ok.body.refresh_token);

    const again = await token({ grant_type: 'authorization_code', code: s2.body.code, client_id: 'spa', redirect_uri: 'http://127.0.0.1/cb', code_verifier: verifier });
    expectError(again, 400, 'invalid_grant');
    // The replay revokes what the code yielded, rotated refresh tokens included (RFC 6749 §4.1.2).
    expectError(await token({ grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token, client_id: 'spa' }), 400, 'invalid_grant');
  });

  it('a refused sign-in is an OAuth error body with its 4xx status', async () => {
    await call('PUT', '/_conformance/v1/tenant', { json: fixture() });
    expectError(await call('POST', '/_conformance/v1/sign-in', { json: { clientId: 'spa', userId: 'kp_nobody', scopes: [], audience: [] } }), 403, 'access_denied', /kp_nobody/);
    expectError(await call('POST', '/_conformance/v1/sign-in', { json: { clientId: 'robot', userId: 'kp_alice', scopes: [], audience: [] } }), 400, 'unauthorized_client');
    expectError(await call('POST', '/_conformance/v1/sign-in', { json: { clientId: 'spa', userId: 'kp_bob', scopes: [], audience: [], orgCode: 'org_one' } }), 403, 'access_denied', /org_one/);
    expectError(await call('POST', '/_conformance/v1/sign-in', { json: { clientId: 'spa', userId: 'kp_bob', scopes: 'openid', audience: [] } }), 400, 'invalid_request', /\/scopes must be array/);
  });

  it('client credentials: form or HTTP Basic auth, repeated audience, org_code attempts ignored', async () => {
    await call('PUT', '/_conformance/v1/tenant', { json: fixture() });
    const viaForm = await token({ grant_type: 'client_credentials', client_id: 'robot', client_secret: 'robot+secret:1', audience: ['acme:api', 'acme:other'], scope: 'read:things read:other' });
    expect(viaForm.status).toBe(200);
    const claims = decodeJwt(viaForm.body.access_token);
    expect(claims.aud).toEqual(['acme:api', 'acme:other']);
    expect(claims.scope).toBe('read:things read:other');

    // RFC 6749 2.3.1: id and secret are form-urlencoded before base64.
    const basic = `Basic ${Buffer.from(`robot:${encodeURIComponent('robot+secret:1')}`).toString('base64')}`;
    const viaBasic = await token({ grant_type: 'client_credentials', audience: 'acme:api' }, { authorization: basic });
    expect(viaBasic.status).toBe(200);
    expect(decodeProtectedHeader(viaBasic.body.access_token).alg).toBe('RS256');

    const both = await token({ grant_type: 'client_credentials', client_secret: 'robot+secret:1', audience: 'acme:api' }, { authorization: basic });
    expectError(both, 400, 'invalid_request', /one method/);
    const badSecret = await token({ grant_type: 'client_credentials', audience: 'acme:api' }, { authorization: `Basic ${Buffer.from('robot:nope').toString('base64')}` });
    expectError(badSecret, 401, 'invalid_client');
    expect(badSecret.headers.get('www-authenticate')).toMatch(/^Basic/);

    const override = await token({ grant_type: 'client_credentials', client_id: 'robot', client_secret: 'robot+secret:1', audience: 'acme:api', org_code: 'org_one' });
    expect(override.status).toBe(200);
    expect(decodeJwt(override.body.access_token).org_code).toBeUndefined();
  });

  it('the token endpoint refuses malformed requests with 400/401 and a reason', async () => {
    await call('PUT', '/_conformance/v1/tenant', { json: fixture() });
    expectError(await token({ client_id: 'robot' }), 400, 'invalid_request', /grant_type is required/);
    expectError(await token({ grant_type: 'password', client_id: 'robot' }), 400, 'unsupported_grant_type', /password/);
    expectError(await token({ grant_type: 'client_credentials', client_id: ['robot', 'web'] }), 400, 'invalid_request', /client_id.*must not repeat/);
    expectError(await token({ grant_type: 'authorization_code', client_id: 'spa' }), 400, 'invalid_request', /\/code is required/);
    expectError(await token({ grant_type: 'client_credentials' }), 401, 'invalid_client');
    const badForm = await call('POST', '/oauth2/token', { body: 'grant_type=client_credentials&client_id=%zz', type: 'application/x-www-form-urlencoded' });
    expectError(badForm, 400, 'invalid_request', /malformed form/);
    const json = await call('POST', '/oauth2/token', { json: { grant_type: 'client_credentials' } });
    expectError(json, 400, 'invalid_request', /x-www-form-urlencoded/);
    const basic = await token({ grant_type: 'client_credentials' }, { authorization: 'Basic !!!' });
    expectError(basic, 401, 'invalid_client', /malformed HTTP Basic/);
  });

  it('workflows: 201 {id, trigger}, 422 when the source does not build, DELETE 204 then 404', async () => {
    await call('PUT', '/_conformance/v1/tenant', { json: fixture() });
    const ok = await call('POST', '/_conformance/v1/workflows', { json: { source: WORKFLOW } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expectValid('workflow-response', ok.body);
    expect(ok.body).toEqual({ id: 'addTier', trigger: 'user:tokens_generation' });
    const broken = await call('POST', '/_conformance/v1/workflows', { json: { source: 'export default function (' } });
    expectError(broken, 422, 'workflow_build_failed', /ERR_WORKFLOW/);
    expectError(await call('POST', '/_conformance/v1/workflows', { json: { src: 'x' } }), 400, 'invalid_request', /\/src is not allowed/);
    expect((await call('DELETE', '/_conformance/v1/workflows/addTier')).status).toBe(204);
    expectError(await call('DELETE', '/_conformance/v1/workflows/addTier'), 404, 'not_found', /addTier/);
  });

  it('clock/advance moves the issuer clock; keys/rotate replaces the published key', async () => {
    const before = server.issuer.clock.now();
    const c = await call('POST', '/_conformance/v1/clock/advance', { json: { seconds: 3600 } });
    expect(c.status).toBe(200);
    expectValid('clock-response', c.body);
    expect(c.body.now).toBeGreaterThanOrEqual(before + 3600);
    expectError(await call('POST', '/_conformance/v1/clock/advance', { json: { seconds: -5 } }), 400, 'invalid_request', /\/seconds must be >= 0/);
    const kids = (await call('GET', '/.well-known/jwks')).body.keys.map((k: { kid: string }) => k.kid);
    expect((await call('POST', '/_conformance/v1/keys/rotate')).status).toBe(204);
    const after = (await call('GET', '/.well-known/jwks')).body.keys.map((k: { kid: string }) => k.kid);
    expect(after).not.toEqual(kids);
  });

  it('sessions are isolated environments under their baseUrl and disappear when deleted', async () => {
    await call('PUT', '/_conformance/v1/tenant', { json: fixture() });
    const s = await call('POST', '/_conformance/v1/sessions', { json: {} });
    expect(s.status).toBe(201);
    expectValid('session', s.body);
    const base = s.body.baseUrl as string;
    expect(base.startsWith(`${U}/sessions/`)).toBe(true);
    const other = { ...fixture(), subdomain: 'other' };
    expect((await call('PUT', '/_conformance/v1/tenant', { json: other, base })).status).toBe(204);
    expect((await call('GET', '/.well-known/openid-configuration', { base })).body.issuer).toBe('https://other.kinde.com');
    expect((await call('GET', '/.well-known/openid-configuration', { base })).body.token_endpoint).toBe(`${base}/oauth2/token`);
    expect((await call('GET', '/.well-known/openid-configuration')).body.issuer).toBe('https://acme.kinde.com');
    const t = await token({ grant_type: 'client_credentials', client_id: 'robot', client_secret: 'robot+secret:1', audience: 'acme:api' }, {}, base);
    expect(decodeJwt(t.body.access_token).iss).toBe('https://other.kinde.com');
    expect((await call('DELETE', `/_conformance/v1/sessions/${s.body.id}`)).status).toBe(204);
    expectError(await call('GET', '/_conformance/v1/handshake', { base }), 404, 'unknown_session');
  });

  it('GET /oauth2/auth redirects back with a code for login_hint, and with an error otherwise', async () => {
    await call('PUT', '/_conformance/v1/tenant', { json: fixture() });
    const q = new URLSearchParams({ client_id: 'web', redirect_uri: 'http://localhost:3000/cb', response_type: 'code', scope: 'openid profile', state: 's1', login_hint: 'bob@example.com' });
    const r = await call('GET', `/oauth2/auth?${q}`);
    expect(r.status).toBe(302);
    const back = new URL(r.headers.get('location')!);
    expect(back.origin + back.pathname).toBe('http://localhost:3000/cb');
    expect(back.searchParams.get('state')).toBe('s1');
    const t = await token({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, client_id: 'web', client_secret: 'web-secret', redirect_uri: 'http://localhost:3000/cb' });
    expect(t.status).toBe(200);
    expect(decodeJwt(t.body.access_token).sub).toBe('kp_bob');
    q.delete('login_hint');
    const none = new URL((await call('GET', `/oauth2/auth?${q}`)).headers.get('location')!);
    expect(none.searchParams.get('error')).toBe('login_required');
    expectError(await call('GET', '/oauth2/auth?client_id=web'), 400, 'invalid_request', /redirect_uri/);
  });
});

describe('the reference server: bad input gets the right 4xx JSON', () => {
  it('unknown route 404, wrong method 405 with Allow, wrong media type 415, malformed JSON 400', async () => {
    expectError(await call('GET', '/nope'), 404, 'not_found');
    expectError(await call('GET', '/_conformance/v2/handshake'), 404, 'not_found');
    const m = await call('DELETE', '/oauth2/token');
    expectError(m, 405, 'method_not_allowed');
    expect(m.headers.get('allow')).toBe('POST');
    expectError(await call('PUT', '/_conformance/v1/tenant', { body: '{}', type: 'text/plain' }), 415, 'unsupported_media_type');
    expectError(await call('PUT', '/_conformance/v1/tenant', { body: '{"subdomain":', type: 'application/json' }), 400, 'invalid_json');
    expectError(await call('POST', '/_conformance/v1/sign-in', { body: '\xff', type: 'application/json' }), 400, 'invalid_json');
  });

  it('a body over 1 MiB is refused with 413', async () => {
    const big = JSON.stringify({ source: 'x'.repeat(MAX_REQUEST_BYTES + 10) });
    expectError(await call('POST', '/_conformance/v1/workflows', { body: big, type: 'application/json' }), 413, 'payload_too_large', /1048576/);
    const bigForm = `grant_type=client_credentials&pad=${'a'.repeat(MAX_REQUEST_BYTES)}`;
    expectError(await call('POST', '/oauth2/token', { body: bigForm, type: 'application/x-www-form-urlencoded' }), 413, 'payload_too_large');
    // The server is still fine afterwards.
    expect((await call('GET', '/_conformance/v1/handshake')).status).toBe(200);
  });

  it('hostile tenants get 400 invalid_tenant naming the field, and never change the served tenant', async () => {
    await call('PUT', '/_conformance/v1/tenant', { json: fixture() });
    const cases: Array<[string, unknown, RegExp]> = [
      ['not an object', [1, 2], /tenant: \/ must be object/],
      ['wrong type', { ...fixture(), users: 'all' }, /\/users must be array/],
      ['bad subdomain', { ...fixture(), subdomain: 'evil.com/x' }, /\/subdomain must match pattern/],
      ['unknown app kind', { ...fixture(), applications: [{ ...fixture().applications[0]!, kind: 'root' }] }, /\/applications\/0\/kind must be equal to one of the allowed values/],
      ['extra field', { ...fixture(), admin: true }, /\/admin is not allowed/],
      ['__proto__ member', JSON.parse('{"__proto__": {"polluted": true}}'), /\/__proto__ is not allowed|\/subdomain is required/],
      ['lifetime', { ...fixture(), applications: [{ ...fixture().applications[0]!, lifetimes: { accessToken: 0, idToken: 1, refreshToken: 2 } }] }, /\/applications\/0\/lifetimes\/accessToken must be >= 1/],
      ['flag type', { ...fixture(), featureFlags: [{ key: 'f', type: 'i', value: 'ten' }] }, /\/featureFlags\/0\/value must be integer/],
      ['unknown API', { ...fixture(), applications: [{ ...fixture().applications[0]!, apis: ['nope'] }] }, /tenant\.applications\[0\]\.apis\[0\]: unknown API "nope"/],
      ['unknown org', { ...fixture(), users: [{ ...fixture().users[0]!, memberships: [{ orgCode: 'org_x', roles: [], permissions: [] }] }] }, /tenant\.users\[0\]\.memberships\[0\]\.orgCode/],
      ['duplicate client', { ...fixture(), applications: [fixture().applications[0]!, fixture().applications[0]!] }, /tenant\.applications\[1\]\.clientId: duplicate "spa"/],
    ];
    // 10 000 levels deep, written as text (JSON.stringify itself would overflow the stack).
    const deep = JSON.stringify({ ...fixture(), users: [{ ...fixture().users[0]!, properties: { kp_usr_x: '@' } }] }).replace('"@"', `${'['.repeat(10_000)}1${']'.repeat(10_000)}`);
    cases.push(['10 000 levels deep', deep, /\/users\/0\/properties\/kp_usr_x.* nests deeper than 64/]);
    for (const [why, tenant, mention] of cases) {
      const r = await call('PUT', '/_conformance/v1/tenant', typeof tenant === 'string' ? { body: tenant, type: 'application/json' } : { json: tenant });
      expect(r.status, why).toBe(400);
      expectValid('error', r.body);
      expect(r.body.error, why).toBe('invalid_tenant');
      expect(r.body.error_description, why).toMatch(mention);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await call('GET', '/.well-known/openid-configuration')).body.issuer).toBe('https://acme.kinde.com');
  });

  it('every generated tenant is accepted (the schema is not stricter than the model)', async () => {
    for (const tenant of fc.sample(tenantArb(), { numRuns: 40, seed: 11 })) {
      const r = await call('PUT', '/_conformance/v1/tenant', { json: tenant });
      expect(r.status, JSON.stringify(r.body)).toBe(204);
    }
  });

  it('random requests never get a 5xx and always a JSON error body when refused', async () => {
    const paths = ['/', '/oauth2/token', '/oauth2/auth', '/.well-known/jwks', '/_conformance/v1/tenant', '/_conformance/v1/sign-in', '/_conformance/v1/workflows', '/_conformance/v1/workflows/%E0%A4%A', '/_conformance/v1/clock/advance', '/_conformance/v1/sessions/zz', '/sessions/abc/oauth2/token', '/x'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
        fc.constantFrom(...paths),
        fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain'),
        fc.oneof(fc.string(), fc.json(), fc.constant('grant_type=refresh_token&refresh_token=x&client_id=y')),
        async (method, path, type, body) => {
          const r = await call(method, path, method === 'GET' ? {} : { body, type });
          expect(r.status, `${method} ${path} ${JSON.stringify(body)}`).toBeLessThan(500);
          if (r.status >= 400) expectValid('error', r.body);
        },
      ),
      { numRuns: 150, seed: 5 },
    );
  });

  it('malformed HTTP gets a 400 JSON answer and the server keeps serving', async () => {
    const port = Number(new URL(U).port);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('GARBAGE / HTTP/9\r\n\r\n'));
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
      socket.setTimeout(3_000, () => socket.destroy(new Error('no answer')));
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    expect(raw).toMatch(/"error":"invalid_request"/);
    expect((await call('GET', '/_conformance/v1/handshake')).status).toBe(200);
  });

  it('answers only to loopback Host names (DNS rebinding guard)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${U}/_conformance/v1/handshake`, { headers: { host: 'attacker.example' }, timeout: 3_000 }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
    expect(isLoopback('127.0.0.1') && isLoopback('localhost') && isLoopback('::1')).toBe(true);
    expect(isLoopback('0.0.0.0') || isLoopback('192.168.1.2')).toBe(false);
  });
});
