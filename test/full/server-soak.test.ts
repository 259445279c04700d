/**
 * Soak self-test of `serve` (in-process, loopback only, bounded in count and
 * time): sessions doing real flows (tenant, workflow, sign-in, code exchange,
 * refresh, client credentials) interleaved with malformed requests, raw
 * malformed HTTP and requests for unknown sessions, at modest concurrency.
 *
 * Asserts: no 5xx; every error answer carries `{error, error_description}`;
 * every valid flow succeeds; once the sessions end (deleted, or expired by the
 * server's clock) the server holds exactly what it held before. RSS is printed,
 * not asserted (it is noisy).
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type StartedServer } from '../../reference/server.js';
import { protocolErrors } from '../../schemas/protocol/validate.js';
import { caller, fixture, form, type Answer } from '../fixtures/server.js';

/** Sessions over the run (KTC_SOAK_SESSIONS overrides it for longer manual soaks). */
const SESSIONS = Number(process.env.KTC_SOAK_SESSIONS ?? 16);
const CONCURRENCY = 8;
const MALFORMED_PER_SESSION = 40;
const RAW_PER_SESSION = 4;
const FLOWS_PER_SESSION = 3;

let now = 5_000_000;
let server: StartedServer;
const call = caller(() => server.url);

const WORKFLOW = `
import { accessTokenCustomClaims } from "@kinde/infrastructure";
export const workflowSettings = { id: "soak", trigger: "user:tokens_generation", bindings: { "kinde.accessToken": {} } };
export default async function Workflow(event: any) { accessTokenCustomClaims<any>().soak = event.context.user.id; }`;

const PATHS = ['/', '/oauth2/token', '/oauth2/auth', '/.well-known/jwks', '/.well-known/openid-configuration', '/_conformance/v1/tenant', '/_conformance/v1/sign-in', '/_conformance/v1/workflows', '/_conformance/v1/workflows/%E0%A4%A', '/_conformance/v1/workflows/nope', '/_conformance/v1/clock/advance', '/_conformance/v1/keys/rotate', '/_conformance/v1/handshake', '/x', '/sessions/zz/oauth2/token'];
const malformedArb = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
  path: fc.constantFrom(...PATHS),
  scoped: fc.boolean(),
  type: fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', ''),
  body: fc.oneof(
    fc.string(),
    fc.json(),
    fc.constant('grant_type=refresh_token&refresh_token=x&client_id=y'),
    fc.constant('grant_type=authorization_code&code=nope&client_id=spa&code_verifier=x'),
    fc.constant('grant_type=client_credentials&client_id=robot&client_secret=wrong&audience=acme%3Aapi'),
    fc.constant(`{"source": ${JSON.stringify('export default (')}}`),
    fc.constant(`${'['.repeat(200)}1${']'.repeat(200)}`),
    fc.constant('%zz=%'),
  ),
});
const RAW = [
  'POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: bogus\r\nContent-Length: 2\r\n\r\nab',
  'CONNECT 127.0.0.1:80 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
  `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`,
  'POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n',
  'POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 999999999\r\n\r\nabc',
  'POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
  'GARBAGE / HTTP/9\r\n\r\n',
  'GET /x HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n',
];

interface Tally {
  requests: number;
  errors: number;
  serverErrors: string[];
  missingBody: string[];
  failedFlows: string[];
}
const tally: Tally = { requests: 0, errors: 0, serverErrors: [], missingBody: [], failedFlows: [] };

function record(what: string, r: { status: number; body: unknown }, head = false): void {
  tally.requests += 1;
  if (r.status >= 500) tally.serverErrors.push(`${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
  if (r.status >= 400) {
    tally.errors += 1;
    // HEAD answers have no body by HTTP.
    if (!head && protocolErrors('error', r.body).length > 0) tally.missingBody.push(`${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
  }
}

function rawAnswer(data: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve) => {
    let out = '';
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1', () => socket.write(data));
    const done = () => {
      const [head = '', ...rest] = out.split('\r\n\r\n');
      let body: unknown = rest.join('\r\n\r\n');
      try {
        body = JSON.parse(body as string);
      } catch {
        // not JSON: reported as a missing error body
      }
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), body });
    };
    socket.on('data', (d) => (out += d.toString('latin1')));
    socket.on('close', done);
    socket.on('error', () => undefined);
    socket.setTimeout(5_000, () => socket.destroy());
  });
}

const expectOk = (what: string, r: Answer, status = 200): Answer => {
  record(what, r);
  if (r.status !== status) tally.failedFlows.push(`${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
  return r;
};

type Malformed = { method: string; path: string; scoped: boolean; type: string; body: string };

async function soakSession(i: number): Promise<void> {
  const s = expectOk('POST sessions', await call('POST', '/_conformance/v1/sessions', { json: {} }), 201);
  const base = s.body.baseUrl as string;
  expectOk('PUT tenant', await call('PUT', '/_conformance/v1/tenant', { base, json: fixture() }), 204);
  expectOk('POST workflow', await call('POST', '/_conformance/v1/workflows', { base, json: { source: WORKFLOW } }), 201);
  const samples = fc.sample(malformedArb, { numRuns: MALFORMED_PER_SESSION, seed: 1_000 + i });
  for (let f = 0; f < FLOWS_PER_SESSION; f++) {
    const code = expectOk('sign-in', await call('POST', '/_conformance/v1/sign-in', { base, json: { clientId: 'web', userId: 'kp_alice', scopes: ['openid', 'offline'], audience: ['acme:api'] } })).body.code;
    const tokens = expectOk('code exchange', await call('POST', '/oauth2/token', { base, type: 'application/x-www-form-urlencoded', body: form({ grant_type: 'authorization_code', code, client_id: 'web', client_secret: 'web-secret' }) }));
    expectOk('refresh', await call('POST', '/oauth2/token', { base, type: 'application/x-www-form-urlencoded', body: form({ grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token, client_id: 'web', client_secret: 'web-secret' }) }));
    expectOk('client credentials', await call('POST', '/oauth2/token', { base, type: 'application/x-www-form-urlencoded', body: form({ grant_type: 'client_credentials', client_id: 'robot', client_secret: 'robot+secret:1', audience: 'acme:api' }) }));
    const share = Math.ceil(MALFORMED_PER_SESSION / FLOWS_PER_SESSION);
    for (const m of samples.slice(f * share, (f + 1) * share) as Malformed[]) {
      const init = m.method === 'GET' || m.method === 'HEAD' ? {} : { body: m.body, type: m.type };
      const r = await call(m.method, m.path, { ...init, ...(m.scoped ? { base } : {}), headers: {} });
      record(`${m.method} ${m.scoped ? 'session' : 'root'} ${m.path} ${JSON.stringify(m.body).slice(0, 60)}`, r, m.method === 'HEAD');
    }
  }
  for (let k = 0; k < RAW_PER_SESSION; k++) {
    const data = RAW[(i + k) % RAW.length]!;
    record(`raw ${JSON.stringify(data.slice(0, 40))}`, await rawAnswer(data));
  }
  // Most sessions end by DELETE; every fourth is left to expire.
  if (i % 4 !== 0) expectOk('DELETE session', await call('DELETE', `/_conformance/v1/sessions/${s.body.id}`), 204);
}

beforeAll(async () => {
  server = await startServer({ now: () => now, workflowTimeoutMs: 1_000 });
  await call('PUT', '/_conformance/v1/tenant', { json: fixture() });
});
afterAll(() => server.close());

it(`soak: ${SESSIONS} sessions × (flows + ${MALFORMED_PER_SESSION} malformed + ${RAW_PER_SESSION} raw), ${CONCURRENCY} at a time: no 5xx, error bodies everywhere, state released`, async () => {
  const baseline = server.stats();
  const rssBefore = process.memoryUsage.rss();
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < SESSIONS) await soakSession(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);

  const left = server.stats().sessions;
  expect(left).toBe(Math.ceil(SESSIONS / 4)); // the ones left to expire
  now += 24 * 60 * 60_000;
  expect(server.sweepIdleSessions()).toBe(left);
  // a request for an expired session is a 404 with the error body, not a crash
  record('expired session', await call('GET', '/sessions/zzzz/_conformance/v1/handshake'));

  console.log(
    `soak: ${tally.requests} requests (${tally.errors} refused) in ${seconds.toFixed(1)} s; ` +
      `RSS ${(rssBefore / 2 ** 20).toFixed(0)} → peak ${(peak / 2 ** 20).toFixed(0)} → ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MiB after; ` +
      `server holds ${JSON.stringify(server.stats())}`,
  );
  expect(tally.serverErrors).toEqual([]);
  expect(tally.missingBody).toEqual([]);
  expect(tally.failedFlows).toEqual([]);
  expect(tally.errors).toBeGreaterThan(SESSIONS * (MALFORMED_PER_SESSION / 2)); // the malformed requests really were refused
  expect(server.stats()).toEqual(baseline);
});
