/**
 * The runner: a fixed seed decides the same verdicts and replay paths in
 * worker threads as one check at a time; a target that stops answering ends
 * the run after about one timeout, naming the first failure; an adapter
 * object of the user's runs inline; a run with nothing selected is no result.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReferenceAdapter } from '../../reference/adapter.js';
import { startServer, type StartedServer } from '../../reference/server.js';
import { runChecks } from '../../runner/run.js';
import { runConformance, startReferenceIssuer } from '../../api/index.js';

const base = { seed: 4242, runs: 12, strict: false, only: [] as string[] };
const decided = (r: Awaited<ReturnType<typeof runChecks>>) =>
  Object.fromEntries(r.results!.requirements.map((x) => [x.id, `${x.verdict}${x.failure ? ` ${x.failure.path ?? ''}` : ''}`]));

describe('runner', () => {
  it('workers or one check at a time: the same verdicts and the same replay paths for a fixed seed', async () => {
    const options = { ...base, target: 'mutant:workflow-overwrites-sub' };
    const one = await runChecks({ ...options, concurrency: 1 });
    const two = await runChecks({ ...options, concurrency: 3 });
    expect(Object.values(decided(one)).some((v) => v.startsWith('FAILED'))).toBe(true);
    expect(decided(two)).toEqual(decided(one));
    expect(two.checks).toEqual(one.checks);
  });

  it('selects nothing → no results (the caller makes it exit 2)', async () => {
    const r = await runChecks({ ...base, target: 'reference', shard: { index: 999, count: 1000 } });
    expect(r.results).toBeUndefined();
    expect(r.checks.total).toBe(0);
  });

  describe('a target that stops answering its token endpoint', () => {
    let upstream: StartedServer;
    let url: string;
    const held: ServerResponse[] = [];
    let proxy: ReturnType<typeof createServer>;
    beforeAll(async () => {
      upstream = await startServer({ port: 0 });
      const up = new URL(upstream.url);
      proxy = createServer((req: IncomingMessage, res: ServerResponse) => {
        if (/\/oauth2\/token(\?|$)/.test(req.url ?? '')) {
          held.push(res); // never answered
          return;
        }
        // Everything else is the real server's answer, its own URLs (discovery) rewritten to point here.
        const fwd = request({ host: up.hostname, port: up.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => {
            const body = Buffer.from(Buffer.concat(chunks).toString('utf8').split(upstream.url).join(url));
            const headers = { ...r.headers, 'content-length': String(body.length) };
            res.writeHead(r.statusCode ?? 502, headers);
            res.end(body);
          });
        });
        req.pipe(fwd);
      });
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
      url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      for (const res of held) res.destroy();
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
      await upstream.close();
    });

    it('every check ends ERRORED naming the timeout, and only the first few checks (about two per lane) wait for it', async () => {
      const timeoutMs = 2_000; // the token endpoint never answers; everything else must not time out on a loaded machine
      const calls = { timeouts: 0 };
      const r = await runChecks(
        { ...base, target: 'http', targetUrl: url, timeoutMs, concurrency: 2 },
        { onCheckDone: (m) => (calls.timeouts += Object.values(m.outcomes).some((o) => /ERR_TARGET_TIMEOUT: (?!not attempted)/.test(o.reason ?? '')) ? 1 : 0) },
      );
      const results = r.results!;
      const seen = JSON.stringify({ summary: results.summary, reasons: [...new Set(results.requirements.map((x) => `${x.verdict} ${(x.reason ?? '').slice(0, 160)}`))].slice(0, 8) }, null, 1);
      expect(r.targetFailure?.code, seen).toBe('ERR_TARGET_TIMEOUT');
      expect(results.summary.PASSED + results.summary.ERRORED + results.summary.NOT_APPLICABLE).toBe(results.summary.total);
      expect(results.summary.ERRORED).toBeGreaterThan(30);
      const notAttempted = results.requirements.filter((x) => /not attempted: the target failed first in check/.test(x.reason ?? ''));
      expect(notAttempted.length).toBeGreaterThan(20);
      // The bound is in calls, not seconds: the handshake still answers, so the target is broken after
      // lanes + 1 timed-out checks in a row (runner/health.ts); a lane's check in flight then may time out too.
      expect(calls.timeouts).toBeGreaterThanOrEqual(3);
      expect(calls.timeouts).toBeLessThanOrEqual(4);
    });
  });

  it('runConformance with an adapter object runs it inline and returns the results and exit code', async () => {
    const adapter = new ReferenceAdapter('my-issuer');
    const run = await runConformance({ target: adapter, runs: 5, seed: 3, only: ['TOKEN-ISS', 'TOKEN-JTI-UNIQUE'] });
    expect(run.exitCode).toBe(0);
    expect(run.results.target.name).toBe('my-issuer');
    expect(run.results.requirements.map((x) => [x.id, x.verdict])).toEqual([
      ['TOKEN-ISS', 'PASSED'],
      ['TOKEN-JTI-UNIQUE', 'PASSED'],
    ]);
    const broken = await runConformance({ target: 'mutant:jti-reused', runs: 10, seed: 3, only: ['TOKEN-JTI-UNIQUE'] });
    expect(broken.exitCode).toBe(1);
    await expect(runConformance({ only: ['TOKEN-ISS'], target: 'reference', runs: 1, seed: 1, concurrency: 1 }).then((x) => x.exitCode)).resolves.toBe(0);
  });

  it('startReferenceIssuer: a Kinde stand-in whose tokens verify, with a typed control handle', async () => {
    const kinde = await startReferenceIssuer({
      tenant: {
        subdomain: 'acme',
        apis: [{ audience: 'acme:api', scopes: ['read'] }],
        applications: [{ clientId: 'svc', clientSecret: 's', name: 'svc', kind: 'm2m', lifetimes: { accessToken: 60, idToken: 60, refreshToken: 3600 }, apis: ['acme:api'], tokens: {}, properties: {} }],
        users: [],
        organizations: [],
        roles: [],
        permissions: [],
        featureFlags: [],
        properties: [],
      },
    });
    try {
      expect(kinde.issuer).toBe('https://acme.kinde.com');
      const res = await fetch(kinde.tokenUrl, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'svc', client_secret: 's', audience: 'acme:api' }),
        signal: AbortSignal.timeout(10_000),
      });
      expect(res.status).toBe(200);
      const { access_token } = (await res.json()) as { access_token: string };
      const { createRemoteJWKSet, jwtVerify } = await import('jose');
      const { payload } = await jwtVerify(access_token, createRemoteJWKSet(new URL(kinde.jwksUrl)), { issuer: kinde.issuer, audience: 'acme:api', algorithms: ['RS256'] });
      expect(payload.azp).toBe('svc');
      const exp = payload.exp!;
      await kinde.advanceClock(3600);
      const again = await fetch(kinde.tokenUrl, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'svc', client_secret: 's', audience: 'acme:api' }), signal: AbortSignal.timeout(10_000) });
      const later = (await again.json()) as { access_token: string };
      const { decodeJwt } = await import('jose');
      expect(decodeJwt(later.access_token).exp).toBeGreaterThanOrEqual(exp + 3600);
    } finally {
      await kinde.close();
    }
  });
});
