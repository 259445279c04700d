/**
 * The `http` target adapter against the reference server: conformance checks
 * reach the same verdicts as in-process, a mutant server is caught over HTTP,
 * and broken targets (dead, killed mid-run, hanging, answering garbage, 5xx,
 * a newer protocol) end in a fast ERRORED with a clear AdapterError.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUT_MS, HttpAdapter } from '../../adapters/http.js';
import { ReferenceAdapter } from '../../reference/adapter.js';
import { createAdapter, listTargets } from '../../targets/registry.js';
import { AdapterError, type Adapter, type Tenant } from '../../adapters/types.js';
import { startServer, type StartedServer } from '../../reference/server.js';
import { requirementById } from '../../schemas/catalog.js';
import { checks as claimChecks } from '../../suites/claims.js';
import type { Check } from '../../suites/lib/check.js';
import { runCheck } from '../../runner/run-check.js';
import { checks as signatureChecks } from '../../suites/signature.js';
import { checks as workflowChecks } from '../../suites/workflows.js';

const SEED = 7;
const RUNS = 15;
const options = (runs = RUNS) => ({ seed: SEED, runs, severity: (id: string) => requirementById(id).severity });

const signature = signatureChecks[0]!;
const byName = (name: string) => {
  const c = workflowChecks.find((x) => x.name.startsWith(name));
  if (!c) throw new Error(`no workflow check "${name}"`);
  return c;
};
/** A spread of flows: sign-in, client credentials, workflows of both triggers, failure policy, refresh. */
const SAMPLE: Check<any>[] = [
  signature,
  ...claimChecks,
  byName('user token workflows change only what they may'),
  byName('M2M token workflows change only what they may'),
  byName('a token binding must be declared'),
  byName('failurePolicy: stop fails'),
  byName('user token workflows fire again on refresh'),
];

async function verdicts(adapter: Adapter, checks: Check<any>[], runs = RUNS): Promise<Record<string, string>> {
  const info = await adapter.start();
  const out: Record<string, string> = {};
  try {
    for (const check of checks) {
      const r = await runCheck(check, { adapter, info }, options(runs));
      for (const [id, o] of Object.entries(r.outcomes)) out[`${check.name} · ${id}`] = o.verdict + (o.verdict === 'ERRORED' ? ` (${o.reason})` : '');
    }
  } finally {
    await adapter.stop();
  }
  return out;
}

/** Expect `p` to reject with an AdapterError of `code` whose message matches. Returns the elapsed ms. */
async function rejectsWith(p: Promise<unknown>, code: string, message: RegExp): Promise<number> {
  const started = performance.now();
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  const elapsed = performance.now() - started;
  expect(e, 'expected a rejection').toBeInstanceOf(AdapterError);
  expect((e as AdapterError).code, (e as Error).message).toBe(code);
  expect((e as Error).message).toMatch(message);
  return elapsed;
}

let server: StartedServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('http target: same verdicts as in-process', () => {
  it(`sample checks reach the reference's verdicts (seed ${SEED}, ${RUNS} runs)`, async () => {
    const viaHttp = await verdicts(new HttpAdapter({ targetUrl: server.url }), SAMPLE);
    const inProcess = await verdicts(new ReferenceAdapter(), SAMPLE);
    expect(viaHttp).toEqual(inProcess);
    expect(Object.values(viaHttp).every((v) => v === 'PASSED'), JSON.stringify(viaHttp, null, 2)).toBe(true);
  });

  it('with --validate-protocol every exchange matches schemas/protocol and exact status codes', async () => {
    const strict = await verdicts(new HttpAdapter({ targetUrl: server.url, validateProtocol: true }), [signature, ...claimChecks], 5);
    expect(Object.values(strict).every((v) => v === 'PASSED'), JSON.stringify(strict, null, 2)).toBe(true);
  });

  it('a mutant server (--mutant unpublished-signing-key) is caught over HTTP, as in-process', async () => {
    const mutant = await startServer({ defects: ['unpublished-signing-key'] });
    try {
      const viaHttp = await verdicts(new HttpAdapter({ targetUrl: mutant.url }), [signature]);
      const inProcess = await verdicts(new ReferenceAdapter('mutant', { defects: new Set(['unpublished-signing-key']) }), [signature]);
      expect(viaHttp[`${signature.name} · SIG-KID-IN-JWKS`]).toBe('FAILED');
      expect(viaHttp).toEqual(inProcess);
    } finally {
      await mutant.close();
    }
  });

  it('OAuth refusals at the token endpoint are results, not errors', async () => {
    const adapter = new HttpAdapter({ targetUrl: server.url, validateProtocol: true });
    await adapter.start();
    const tenant: Tenant = {
      subdomain: 'acme',
      apis: [{ audience: 'acme:api', scopes: [] }],
      applications: [{ clientId: 'robot', clientSecret: 's3cret', name: 'R', kind: 'm2m', lifetimes: { accessToken: 60, idToken: 60, refreshToken: 120 }, apis: ['acme:api'], tokens: {}, properties: {} }],
      users: [],
      organizations: [],
      roles: [],
      permissions: [],
      featureFlags: [],
      properties: [],
    };
    await adapter.provision(tenant);
    expect(await adapter.clientCredentials({ clientId: 'robot', clientSecret: 'wrong', audience: ['acme:api'] })).toMatchObject({ ok: false, status: 401, error: 'invalid_client' });
    expect(await adapter.signIn({ clientId: 'robot', userId: 'kp_x', scopes: [], audience: [] })).toMatchObject({ ok: false, status: 400, error: 'unauthorized_client' });
    expect((await adapter.clientCredentials({ clientId: 'robot', clientSecret: 's3cret', audience: ['acme:api'] })).ok).toBe(true);
    await rejectsWith(adapter.deployWorkflow('export default ('), 'ERR_WORKFLOW_BUILD', /does not build/);
    // With --validate-protocol the suite does not even send a tenant that breaks the schema…
    await rejectsWith(adapter.provision({ ...tenant, subdomain: 'Not Valid' }), 'ERR_TARGET_PROTOCOL', /suite's own request violates the tenant schema/);
    await adapter.stop();
    // …without it, the target's 400 names the field.
    const lenient = new HttpAdapter({ targetUrl: server.url });
    await lenient.start();
    await rejectsWith(lenient.provision({ ...tenant, subdomain: 'Not Valid' }), 'ERR_TARGET_REJECTED', /PUT .*\/tenant: refused with HTTP 400: invalid_tenant: tenant: \/subdomain must match/);
    await lenient.stop();
  });
});

describe('http target: broken targets fail fast with a clear AdapterError', () => {
  it('a dead target: start() fails with ERR_TARGET_UNREACHABLE at once', async () => {
    const gone = await startServer();
    const url = gone.url;
    await gone.close();
    // Refused (ECONNREFUSED), not waited for: no timeout the machine's speed could decide.
    await rejectsWith(new HttpAdapter({ targetUrl: url }).start(), 'ERR_TARGET_UNREACHABLE', /GET http:\/\/127\.0\.0\.1:\d+\/_conformance\/v1\/handshake: cannot reach the target \(ECONNREFUSED\)/);
  });

  it('a serve process killed mid-run: the check ends ERRORED (ERR_TARGET_UNREACHABLE), refused rather than timed out', async () => {
    const { child, url } = await spawnServe();
    try {
      const adapter = new HttpAdapter({ targetUrl: url });
      const info = await adapter.start();
      let killedAt = 0;
      // Enough runs to outlast the kill; after an abort the runner still draws the remaining inputs, so not more.
      const running = runCheck(signature, { adapter, info }, options(400));
      setTimeout(() => {
        killedAt = performance.now();
        child.kill('SIGKILL');
      }, 1_000);
      const result = await running;
      expect(killedAt).toBeGreaterThan(0);
      for (const o of Object.values(result.outcomes)) {
        expect(o.verdict).toBe('ERRORED');
        expect(o.reason).toMatch(/^ERR_TARGET_UNREACHABLE: (GET|POST|PUT|DELETE) http:\/\/127\.0\.0\.1:\d+\/\S+: cannot reach the target/);
      }
      // And every further call is refused (not a timeout).
      await rejectsWith(adapter.jwks(), 'ERR_TARGET_UNREACHABLE', /jwks/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  describe('against fake targets', () => {
    let fake: Server;
    let url: string;
    /** `METHOD /path` → how to answer. */
    let routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {};
    const json = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const handshake = (extra: Record<string, unknown> = {}) =>
      json(200, {
        protocol: 1,
        implementation: { name: 'fake', version: '0' },
        capabilities: { userTokens: true, refresh: true, m2m: true, orgScopedM2m: true, workflows: true, properties: true, featureFlags: true, clock: false, keyRotation: false },
        ...extra,
      });
    const discovery = () =>
      json(200, {
        issuer: 'https://fake.kinde.com',
        authorization_endpoint: `${url}/oauth2/auth`,
        token_endpoint: `${url}/oauth2/token`,
        jwks_uri: `${url}/.well-known/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    const working = () => ({
      'GET /_conformance/v1/handshake': handshake(),
      'GET /.well-known/openid-configuration': discovery(),
      'PUT /_conformance/v1/tenant': (_req: IncomingMessage, res: ServerResponse) => {
        res.writeHead(204);
        res.end();
      },
      'POST /_conformance/v1/sign-in': json(200, { code: 'c0de' }),
      'POST /_conformance/v1/workflows': json(201, { id: 'w', trigger: 'user:tokens_generation' }),
    });

    beforeAll(async () => {
      fake = createServer((req, res) => {
        req.resume();
        const route = routes[`${req.method} ${req.url}`];
        if (route) route(req, res);
        else json(404, { error: 'not_found' })(req, res);
      });
      await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      fake.closeAllConnections();
      await new Promise((resolve) => fake.close(resolve));
    });

    const start = (opts: { timeoutMs?: number; validateProtocol?: boolean } = {}) => new HttpAdapter({ targetUrl: url, ...opts }).start();

    it('garbage instead of JSON → ERR_TARGET_PROTOCOL quoting what came', async () => {
      routes = {
        'GET /_conformance/v1/handshake': (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end('<html>hello</html>');
        },
      };
      await rejectsWith(start(), 'ERR_TARGET_PROTOCOL', /GET http:\/\/127\.0\.0\.1:\d+\/_conformance\/v1\/handshake: HTTP 200 answer is not JSON \(Content-Type "text\/html"\): "<html>hello<\/html>"/);
    });

    it('a 5xx → ERR_TARGET_PROTOCOL naming the endpoint and the status', async () => {
      routes = { 'GET /_conformance/v1/handshake': json(503, { error: 'server_error', error_description: 'database down' }) };
      await rejectsWith(start(), 'ERR_TARGET_PROTOCOL', /handshake: HTTP 503 \(target error\), expected 200: server_error: database down/);
    });

    it('no handshake at all → ERR_TARGET_PROTOCOL: not a conformance target', async () => {
      routes = {};
      await rejectsWith(start(), 'ERR_TARGET_PROTOCOL', /not a conformance target/);
    });

    it('a target that never answers → ERR_TARGET_TIMEOUT within the timeout', async () => {
      routes = { 'GET /_conformance/v1/handshake': () => {} };
      // Ends by the 300 ms timeout (the message names it), not by the 10 s default.
      await rejectsWith(start({ timeoutMs: 300 }), 'ERR_TARGET_TIMEOUT', /handshake: no complete answer within 300 ms/);
      expect(DEFAULT_TIMEOUT_MS).toBe(10_000);
    });

    it('a body that trickles and never ends → ERR_TARGET_TIMEOUT', async () => {
      routes = {
        'GET /_conformance/v1/handshake': (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"protocol":');
        },
      };
      await rejectsWith(start({ timeoutMs: 300 }), 'ERR_TARGET_TIMEOUT', /no complete answer within 300 ms/);
    });

    it('an oversized body → ERR_TARGET_PROTOCOL (2 MiB limit)', async () => {
      routes = {
        'GET /_conformance/v1/handshake': (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(`"${'x'.repeat(3 * 1024 * 1024)}"`);
        },
      };
      await rejectsWith(start(), 'ERR_TARGET_PROTOCOL', /handshake: response body (of \d+ bytes )?exceeds the limit of 2097152 bytes/);
    });

    it('a newer protocol version is refused with a clear message', async () => {
      routes = { 'GET /_conformance/v1/handshake': handshake({ protocol: 2, capabilities: {} }) };
      await rejectsWith(start(), 'ERR_TARGET_PROTOCOL', /the target speaks target protocol 2; this suite supports 1\./);
    });

    it('a handshake violating its schema names the field', async () => {
      routes = {
        'GET /_conformance/v1/handshake': handshake({
          capabilities: { userTokens: true, refresh: true, m2m: true, orgScopedM2m: true, workflows: true, properties: true, featureFlags: true, clock: 'yes', keyRotation: false },
        }),
      };
      await rejectsWith(start(), 'ERR_TARGET_PROTOCOL', /violates the handshake schema: .*\/capabilities\/clock must be boolean/);
    });

    it('a token endpoint answering 5xx mid-check → the check is ERRORED quickly, naming the endpoint', async () => {
      routes = { ...working(), 'POST /oauth2/token': json(500, { error: 'server_error' }) };
      const adapter = new HttpAdapter({ targetUrl: url });
      const info = await adapter.start();
      const result = await runCheck(claimChecks[0]!, { adapter, info }, options(100));
      for (const o of Object.values(result.outcomes)) {
        expect(o.verdict).toBe('ERRORED');
        expect(o.reason).toMatch(/^ERR_TARGET_PROTOCOL: POST http:\/\/127\.0\.0\.1:\d+\/oauth2\/token: HTTP 500 \(target error\)/);
      }
    });

    it('a 4xx from the token endpoint without an OAuth error body is a protocol error', async () => {
      routes = {
        ...working(),
        'POST /oauth2/token': (_req, res) => {
          res.writeHead(400, { 'content-type': 'text/plain' });
          res.end('nope');
        },
      };
      const adapter = new HttpAdapter({ targetUrl: url });
      await adapter.start();
      await rejectsWith(adapter.refresh({ clientId: 'a', refreshToken: 'r' }), 'ERR_TARGET_PROTOCOL', /oauth2\/token: HTTP 400 answer is not JSON/);
      routes['POST /oauth2/token'] = json(400, { message: 'bad' });
      await rejectsWith(adapter.refresh({ clientId: 'a', refreshToken: 'r' }), 'ERR_TARGET_PROTOCOL', /HTTP 400 without an OAuth error body: \/error is required/);
      routes['POST /oauth2/token'] = json(400, { error: 'invalid_grant', error_description: 'expired' });
      const refused = await adapter.refresh({ clientId: 'a', refreshToken: 'r' });
      // Over HTTP the answer's headers come along (capability httpSurface).
      expect(refused).toEqual({ ok: false, status: 400, error: 'invalid_grant', errorDescription: 'expired', headers: expect.objectContaining({ 'content-type': 'application/json' }) });
    });

    it('with --validate-protocol a response field of the wrong type is named', async () => {
      routes = { ...working(), 'POST /_conformance/v1/sign-in': json(200, { code: 5 }) };
      const adapter = new HttpAdapter({ targetUrl: url, validateProtocol: true });
      await adapter.start();
      await rejectsWith(adapter.signIn({ clientId: 'a', userId: 'u', scopes: [], audience: [] }), 'ERR_TARGET_PROTOCOL', /sign-in: response violates the sign-in-response schema: \/code must be string/);
    });

    it('a connection closed under a repeatable request is retried once; a token request is not', async () => {
      let handshakes = 0;
      routes = {
        ...working(),
        'GET /_conformance/v1/handshake': (req, res) => {
          if (handshakes++ === 0) req.socket.destroy();
          else handshake()(req, res);
        },
        'POST /oauth2/token': (req) => req.socket.destroy(),
      };
      const adapter = new HttpAdapter({ targetUrl: url });
      expect((await adapter.start()).name).toBe('fake');
      expect(handshakes).toBe(2);
      await rejectsWith(adapter.refresh({ clientId: 'a', refreshToken: 'r' }), 'ERR_TARGET_UNREACHABLE', /POST .*\/oauth2\/token: cannot reach the target/);
    });

    it('optional endpoints are only called when declared; probe() tells a launcher about sessions', async () => {
      routes = working();
      const adapter = new HttpAdapter({ targetUrl: url });
      expect(await adapter.probe()).toMatchObject({ sessions: false, info: { name: 'fake', capabilities: { clock: false } } });
      expect((await new HttpAdapter({ targetUrl: server.url }).probe()).sessions).toBe(true);
      const info = await adapter.start();
      expect(info.capabilities.clock).toBe(false);
      await rejectsWith(adapter.advanceClock(10), 'ERR_TARGET_PROTOCOL', /does not declare the capability/);
    });
  });

  it('the registry builds the http target only with a usable --target-url', () => {
    expect(listTargets().some((t) => t.name === 'http')).toBe(true);
    expect(() => createAdapter('http')).toThrow(/--target=http needs --target-url/);
    expect(() => createAdapter('http', { targetUrl: 'ftp://x' })).toThrow(/http\(s\) URL/);
    expect(createAdapter('http', { targetUrl: 'http://127.0.0.1:1/' }).name).toBe('http');
  });
});

/** `serve --port 0` as a child process; resolves once it prints its URL. */
async function spawnServe(): Promise<{ child: ChildProcess; url: string }> {
  // An absolute URL: `-e` code resolves relative specifiers against the working directory, not this file.
  const serveCli = new URL('../../reference/serve-cli.ts', import.meta.url).href;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', `import(${JSON.stringify(serveCli)}).then(m => m.serveCommand(['--port', '0'])).then(c => process.exit(c))`], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL: ${out}`)), 120_000);
    child.stdout!.on('data', (d) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
  return { child, url };
}
