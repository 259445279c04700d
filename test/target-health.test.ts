/**
 * Target health tells slow from broken: one answer slower than the per-call
 * timeout fails the check it belongs to, never the run (no "not attempted",
 * no exit 3), while a target whose fresh handshake fails too is broken.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type StartedServer } from '../reference/server.js';
import { runChecks, unreachable } from '../runner/run.js';
import { consecutiveLimit, failedCall } from '../runner/health.js';

describe('target health', () => {
  let upstream: StartedServer;
  let url: string;
  let proxy: ReturnType<typeof createServer>;
  /** Token requests to hold (never answered) before forwarding again. */
  let holdTokens = 0;
  const held: ServerResponse[] = [];
  beforeAll(async () => {
    upstream = await startServer({ port: 0 });
    const up = new URL(upstream.url);
    proxy = createServer((req: IncomingMessage, res: ServerResponse) => {
      if (/\/oauth2\/token(\?|$)/.test(req.url ?? '') && holdTokens > 0) {
        holdTokens -= 1;
        held.push(res);
        return;
      }
      const fwd = request({ host: up.hostname, port: up.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => {
          const body = Buffer.from(Buffer.concat(chunks).toString('utf8').split(upstream.url).join(url));
          res.writeHead(r.statusCode ?? 502, { ...r.headers, 'content-length': String(body.length) });
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

  it('one answer past the timeout fails that check only: the others run and pass, no exit 3', async () => {
    holdTokens = 1;
    const only = ['TOKEN-ISS', 'TOKEN-JTI-UNIQUE', 'ACCESS-AUD', 'ID-AUD'];
    const r = await runChecks({ target: 'http', targetUrl: url, timeoutMs: 1_500, seed: 7, runs: 3, strict: false, only, concurrency: 1 });
    const results = r.results!;
    const seen = JSON.stringify(results.requirements.map((x) => [x.id, x.verdict, (x.reason ?? '').slice(0, 120)]));
    expect(r.targetFailure, seen).toBeUndefined();
    expect(unreachable(r)).toBe(false);
    expect(results.summary.ERRORED, seen).toBeGreaterThanOrEqual(1);
    expect(results.requirements.filter((x) => x.verdict === 'ERRORED').every((x) => /^ERR_TARGET_TIMEOUT: /.test(x.reason ?? '')), seen).toBe(true);
    expect(results.summary.PASSED, seen).toBeGreaterThanOrEqual(2);
    expect(results.requirements.some((x) => /not attempted/.test(x.reason ?? ''))).toBe(false);
  });

  it('a target gone for good is broken: the rest is not attempted, exit 3 (unreachable)', async () => {
    // A closed port behind a live handshake is hard to stage; a run whose start fails is the same verdict path.
    const r = await runChecks({ target: 'http', targetUrl: 'http://127.0.0.1:9', timeoutMs: 1_500, seed: 7, runs: 3, strict: false, only: ['TOKEN-ISS', 'TOKEN-JTI-UNIQUE'], concurrency: 1 });
    expect(r.targetFailure?.code).toBe('ERR_TARGET_UNREACHABLE');
    expect(unreachable(r)).toBe(true);
  });

  it('N (checks failed on one call that break a target whose handshake answers) exceeds the lanes by one', () => {
    expect([1, 2, 4].map(consecutiveLimit)).toEqual([2, 3, 5]);
  });

  it('failures are counted per call: method and path, whatever the session of the lane', () => {
    const a = failedCall('ERR_TARGET_TIMEOUT: GET http://127.0.0.1:5000/sessions/s1/.well-known/jwks.json: no complete answer within 2000 ms');
    const b = failedCall('ERR_TARGET_TIMEOUT: GET http://127.0.0.1:5000/sessions/s2/.well-known/jwks.json: no complete answer within 2000 ms');
    expect(a).toBe('ERR_TARGET_TIMEOUT GET /.well-known/jwks.json');
    expect(b).toBe(a);
    expect(failedCall('ERR_TARGET_PROTOCOL: POST http://127.0.0.1:5/oauth2/token: HTTP 500 (target error)')).toBe('ERR_TARGET_PROTOCOL POST /oauth2/token');
    expect(failedCall('ERR_TARGET_UNREACHABLE: my adapter lost its connection')).toBe('ERR_TARGET_UNREACHABLE');
  });
});
