/**
 * Target protocol 1.1: workflow fixtures over HTTP. `serve` declares
 * protocolMinor 1 and workflowFixtures, accepts `fixtures` with a deployment
 * (a bad one is a 400 naming the field), and the http adapter sends fixtures
 * only to such a target: a 1.0 target gets NOT_APPLICABLE for the checks that
 * need them, and a deployment with fixtures is refused before anything is sent.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpAdapter } from '../adapters/http.js';
import { AdapterError, type Adapter } from '../adapters/types.js';
import { startServer, type StartedServer } from '../reference/server.js';
import { requirementById } from '../schemas/catalog.js';
import { runCheck } from '../runner/run-check.js';
import { checks } from '../suites/workflow-bindings.js';

const options = { seed: 11, runs: 10, severity: (id: string) => requirementById(id).severity };

async function verdicts(adapter: Adapter): Promise<Record<string, string>> {
  const info = await adapter.start();
  const out: Record<string, string> = {};
  try {
    for (const check of checks) {
      const r = await runCheck(check, { adapter, info }, options);
      // Several checks decide one requirement: a failure in any of them is the verdict.
      for (const [id, o] of Object.entries(r.outcomes)) if (out[id] === undefined || out[id] === 'PASSED') out[id] = o.verdict + (o.verdict === 'ERRORED' ? ` (${o.reason})` : '');
    }
  } finally {
    await adapter.stop();
  }
  return out;
}

const SOURCE = `export const workflowSettings = { id: 'w', trigger: 'm2m:token_generation', bindings: { 'kinde.m2mToken': {} } };
export default async function () {}`;

describe('serve speaks protocol 1.1', () => {
  let server: StartedServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it('the handshake declares protocolMinor 1 and workflowFixtures; the fixture checks pass over HTTP (every exchange schema-checked)', async () => {
    const hs = (await (await fetch(`${server.url}/_conformance/v1/handshake`)).json()) as { protocol: number; protocolMinor: number; capabilities: Record<string, boolean> };
    expect([hs.protocol, hs.protocolMinor, hs.capabilities.workflowFixtures]).toEqual([1, 1, true]);
    expect(await verdicts(new HttpAdapter({ targetUrl: server.url, validateProtocol: true }))).toEqual({
      'WF-FIXTURE-VALUES': 'PASSED',
      'WF-NATIVE-BINDING-GATE': 'PASSED',
    });
  });

  it('a mutant server (env-values-trimmed) is caught over HTTP', async () => {
    const mutant = await startServer({ defects: ['env-values-trimmed'] });
    try {
      expect((await verdicts(new HttpAdapter({ targetUrl: mutant.url })))['WF-FIXTURE-VALUES']).toBe('FAILED');
    } finally {
      await mutant.close();
    }
  });

  it('bad fixtures are a 400 naming the field; no workflow is deployed', async () => {
    const res = await fetch(`${server.url}/_conformance/v1/workflows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source: SOURCE, fixtures: { fetch: [{ url: 'x', status: 'ok' }] } }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_request');
    expect(body.error_description).toMatch(/\/fixtures\/fetch\/0\/status must be integer/);
  });
});

describe('a protocol 1.0 target', () => {
  let fake: Server;
  let url = '';
  const seen: string[] = [];
  beforeAll(async () => {
    fake = createServer((req, res) => {
      req.resume();
      seen.push(`${req.method} ${req.url}`);
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.url === '/_conformance/v1/handshake') {
        // Declares the capability but not the minor version: it does not speak 1.1.
        return json(200, {
          protocol: 1,
          implementation: { name: 'v1-only', version: '0' },
          capabilities: { userTokens: false, refresh: false, m2m: true, orgScopedM2m: false, workflows: true, properties: false, featureFlags: false, clock: false, keyRotation: false, workflowFixtures: true },
        });
      }
      if (req.url === '/.well-known/openid-configuration') {
        return json(200, {
          issuer: 'https://v1.kinde.com',
          authorization_endpoint: `${url}/oauth2/auth`,
          token_endpoint: `${url}/oauth2/token`,
          jwks_uri: `${url}/.well-known/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
        });
      }
      return json(404, { error: 'not_found' });
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    fake.closeAllConnections();
    await new Promise((resolve) => fake.close(resolve));
  });

  it('counts as without workflowFixtures: the fixture checks are NOT_APPLICABLE, and nothing was deployed', async () => {
    seen.length = 0;
    expect(await verdicts(new HttpAdapter({ targetUrl: url }))).toEqual({ 'WF-FIXTURE-VALUES': 'NOT_APPLICABLE', 'WF-NATIVE-BINDING-GATE': 'NOT_APPLICABLE' });
    expect(seen.filter((s) => s.includes('/workflows'))).toEqual([]);
  });

  it('a deployment with fixtures is refused by the adapter before anything is sent', async () => {
    const adapter = new HttpAdapter({ targetUrl: url });
    await adapter.start();
    seen.length = 0;
    const e = await adapter.deployWorkflow(SOURCE, { env: { A: 'b' } }).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(AdapterError);
    expect((e as AdapterError).code).toBe('ERR_TARGET_PROTOCOL');
    expect((e as Error).message).toContain('workflowFixtures');
    expect(seen).toEqual([]);
    await adapter.stop();
  });
});
