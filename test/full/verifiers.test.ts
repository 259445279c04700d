/**
 * The verifier checks can fail: each seeded verifier defect is caught by the
 * requirement it breaks, the in-process contract verifier passes everything,
 * and jose matches its expected-results file. Small runs, in-process.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReferenceAdapter } from '../../reference/adapter.js';
import { AdapterError, type TargetInfo } from '../../adapters/types.js';
import { HttpApiVerifier } from '../../adapters/verifiers/http-api.js';
import { closeServer, listenLoopback } from '../../adapters/verifiers/http.js';
import { createOrgApi } from '../../examples/org-api/app.js';
import { extraKeys, mirrorFor } from '../../suites/lib/attack-server.js';
import { SharedRoot } from '../../suites/lib/attack-shared-root.js';
import { rotationKey } from '../../suites/lib/attack-keys.js';
import { compareWithExpected } from '../../reports/expected.js';
import { createVerifier } from '../../adapters/verifiers/registry.js';
import type { VerifierDefect } from '../../adapters/verifiers/contract.js';
import type { RunResults } from '../../reports/results.js';
import { runVerifierChecks } from '../lib/verifier-run.js';
import { requirements as catalog } from '../../schemas/catalog.js';

const adapter = new ReferenceAdapter();
let info: TargetInfo;
beforeAll(async () => {
  info = await adapter.start();
});
afterAll(() => adapter.stop());

function runAll(verifierName: string | HttpApiVerifier, only: string[] | undefined, runs = 8): ReturnType<typeof runVerifierChecks> {
  return runVerifierChecks({ adapter, info }, verifierName, only, runs);
}

const CAUGHT_BY: Record<VerifierDefect, string[]> = {
  'decode-only': ['VERIFY-ALG-NONE', 'VERIFY-ALG-HMAC', 'VERIFY-HEADER-KEY', 'VERIFY-TAMPER'],
  'any-alg': ['VERIFY-ALG-NONE', 'VERIFY-ALG-HMAC'],
  'aud-ignored': ['VERIFY-AUD', 'VERIFY-TOKEN-TYPE'],
  'exp-ignored': ['VERIFY-EXP', 'VERIFY-EXP-REQUIRED'],
  'iss-prefix': ['VERIFY-ISS'],
  'org-check-missing': ['VERIFY-ORG-MISSING-403', 'VERIFY-ORG-MISMATCH'],
  'org-case-insensitive': ['VERIFY-ORG-MISMATCH'],
  'alg-family': ['VERIFY-ALG-RS256'],
};

describe('mutant verifiers are caught', () => {
  for (const [defect, requirements] of Object.entries(CAUGHT_BY)) {
    it(`mutant:${defect} fails ${requirements.join(', ')}`, async () => {
      const outcomes = await runAll(`mutant:${defect}`, requirements);
      for (const id of requirements) expect(outcomes[id]?.verdict, `${id}: ${JSON.stringify(outcomes[id])}`).toBe('FAILED');
      // The counterexample is the malicious token (or the request), shrunk.
      for (const id of requirements) expect(outcomes[id]?.failure?.counterexample.token ?? outcomes[id]?.failure?.counterexample.request).toBeDefined();
    });
  }
});

describe('conforming verifiers', () => {
  it('the in-process contract verifier passes every verifier requirement', async () => {
    const outcomes = await runAll('reference', undefined, 6);
    const broken = Object.entries(outcomes).filter(([, o]) => o.verdict !== 'PASSED');
    expect(broken, JSON.stringify(broken, null, 1)).toEqual([]);
    // Every verifier requirement of the catalog is decided (none left without a check).
    expect(Object.keys(outcomes).sort()).toEqual(catalog.filter((r) => r.id.startsWith('VERIFY-')).map((r) => r.id).sort());
  });

  it('jose matches expected/verifiers/jose.json', async () => {
    const outcomes = await runAll('jose', undefined, 6);
    const results = {
      target: { name: 'verifier:jose' },
      requirements: Object.entries(outcomes).map(([id, o]) => ({ id, verdict: o.verdict, ...(o.failure ? { failure: o.failure } : {}), ...(o.reason ? { reason: o.reason } : {}) })),
    } as unknown as RunResults;
    const r = compareWithExpected(results, new URL('../../expected/verifiers/jose.json', import.meta.url).pathname);
    expect(r, JSON.stringify(r, null, 1)).toMatchObject({ ok: true });
  });
});

describe('http-api', () => {
  it('without --verifier-url it cannot be created: a configuration error, named', () => {
    expect(() => createVerifier('http-api')).toThrowError(expect.objectContaining({ code: 'ERR_VERIFIER_CONFIG', message: expect.stringContaining('--verifier-url') }));
    expect(() => createVerifier('http-api', { verifierUrl: 'not a url' })).toThrowError(AdapterError);
  });

  it('start() fails loudly when nothing listens, and when the API never answers (bounded by the timeout)', async () => {
    const refused = createVerifier('http-api', { verifierUrl: 'http://127.0.0.1:9', timeoutMs: 1_000 });
    await expect(refused.start()).rejects.toMatchObject({ code: 'ERR_VERIFIER_UNREACHABLE' });
    const { server, url } = await listenLoopback(() => {
      /* never answers */
    });
    try {
      const silent = createVerifier('http-api', { verifierUrl: url, timeoutMs: 300 });
      await expect(silent.start()).rejects.toMatchObject({ code: 'ERR_VERIFIER_UNREACHABLE', message: expect.stringContaining('did not answer within 300 ms') });
    } finally {
      await closeServer(server);
    }
  });

  it("examples/org-api with jose's default JWKS cache and cool-down passes the acceptance, token-type and org checks", async () => {
    const m = await mirrorFor(0);
    const api = createServer(createOrgApi({ issuer: 'https://ktc-example.kinde.com', audience: 'ktc:example-api', jwksUrl: `${m.url}/.well-known/jwks` }));
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
      const only = ['VERIFY-ACCEPT-VALID', 'VERIFY-TOKEN-TYPE', 'VERIFY-ISS', 'VERIFY-KID', 'VERIFY-ORG-MATCH', 'VERIFY-ORG-MISSING-403', 'VERIFY-ORG-MISMATCH', 'VERIFY-ORG-USER-INPUT', 'VERIFY-AUTH-ONE-TOKEN', 'VERIFY-BEARER-CASE'];
      const outcomes = await runAll(new HttpApiVerifier({ url, jwksPort: 0 }), only, 5);
      const broken = Object.entries(outcomes).filter(([id, o]) => only.includes(id) && o.verdict !== 'PASSED');
      expect(broken, JSON.stringify(broken, null, 1)).toEqual([]);
      expect(Object.keys(outcomes)).toEqual(expect.arrayContaining(only));
    } finally {
      api.closeAllConnections();
      await new Promise((r) => api.close(r));
    }
  });
});

describe('the root JWKS on a fixed port, shared by the lanes of a run', () => {
  const kids = async (port: number) => ((await (await fetch(`http://127.0.0.1:${port}/.well-known/jwks`)).json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);

  it('one lane serves, another publishes, and publish resolves once the served JWKS shows it', async () => {
    const { server, url } = await listenLoopback(() => {});
    const port = Number(new URL(url).port);
    await closeServer(server); // a free port to share
    const leader = await SharedRoot.open(port, extraKeys);
    const follower = await SharedRoot.open(port, extraKeys);
    try {
      await follower.publish([rotationKey(0)]);
      expect(await kids(port)).toContain(rotationKey(0).kid);
      await leader.publish([rotationKey(1)]);
      expect(await kids(port)).not.toContain(rotationKey(0).kid);
      expect(follower.jwks().keys.map((k) => k.kid)).toContain(rotationKey(1).kid);
    } finally {
      await follower.stop();
      await leader.stop();
    }
  });

  it('a port served by someone else is an error naming the port, not a silent wrong JWKS', async () => {
    const { server, url } = await listenLoopback((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}'));
    try {
      const port = Number(new URL(url).port);
      const root = await SharedRoot.open(port, extraKeys);
      await expect(root.publish([rotationKey(0)])).rejects.toThrow(`is another run using port ${port}?`);
      await root.stop();
    } finally {
      await closeServer(server);
    }
  });
});

describe('compareWithExpected', () => {
  const file = new URL('../../expected/verifiers/jose.json', import.meta.url).pathname;
  const res = (verdicts: Record<string, string>) =>
    ({ target: { name: 'x' }, requirements: Object.entries(verdicts).map(([id, verdict]) => ({ id, verdict })) }) as unknown as RunResults;
  it('flags a new failure and an expected failure that stopped failing', () => {
    expect(compareWithExpected(res({ 'VERIFY-EXP-REQUIRED': 'FAILED', 'VERIFY-ISS': 'PASSED' }), file).ok).toBe(true);
    const fresh = compareWithExpected(res({ 'VERIFY-EXP-REQUIRED': 'FAILED', 'VERIFY-ISS': 'FAILED' }), file);
    expect(fresh.unexpectedFailures).toHaveLength(1);
    const fixed = compareWithExpected(res({ 'VERIFY-EXP-REQUIRED': 'PASSED' }), file);
    expect(fixed.fixedExpectedFailures).toHaveLength(1);
    expect(fixed.ok).toBe(false);
  });
});
