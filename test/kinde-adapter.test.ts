/**
 * The `kinde` target (a live Kinde environment), tested against `serve` on
 * loopback standing in for the environment (`KINDE_DOMAIN=http://127.0.0.1:<port>`).
 * Configuration comes from environment variables only and never echoes a
 * secret; generated requests are mapped onto the one real M2M app; the
 * requirements that can be judged against a fixed tenant pass on the reference
 * and catch the seeded defects behind the same adapter.
 */
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FIXED_TENANT_NOT_APPLICABLE, KindeAdapter, kindeConfigFromEnv } from '../adapters/kinde.js';
import { createAdapter } from '../targets/registry.js';
import { AdapterError, type Application, type Tenant } from '../adapters/types.js';
import { m2mScenarioArb } from '../generators/tenant.js';
import type { DefectName } from '../reference/defects.js';
import { startServer, type StartedServer } from '../reference/server.js';
import { requirementById } from '../schemas/catalog.js';
import { checks as m2mChecks } from '../suites/m2m-token.js';
import { checks as signatureChecks } from '../suites/signature.js';
import { checks as responseChecks } from '../suites/token-response.js';
import type { Check } from '../suites/lib/check.js';
import { runCheck } from '../runner/run-check.js';
import { worseVerdict } from '../reports/format.js';
import type { Verdict } from '../reports/results.js';

const SECRET = 'Zq4t7w9zCfFjJnNrRuUxAaDdGgKkPpSsVvYy2b5e8h';
const ORG_SECRET = 'Mm3q6t9wBeEhHkKnNrRuUxXzC2F5J8M1P4S7V0Y3a6';
const lifetimes = { accessToken: 3_600, idToken: 3_600, refreshToken: 86_400 };

function app(clientId: string, clientSecret: string, orgCode?: string): Application {
  return { clientId, clientSecret, name: clientId, kind: 'm2m', lifetimes, apis: ['acme:api'], tokens: {}, properties: {}, ...(orgCode ? { orgCode } : {}) };
}

/** The "live" environment: one global and one org-scoped M2M app, one API. */
const LIVE: Tenant = {
  subdomain: 'acme',
  apis: [{ audience: 'acme:api', scopes: ['read:things'] }],
  applications: [app('robot', SECRET), app('orgrobot', ORG_SECRET, 'org_one')],
  users: [],
  organizations: [{ code: 'org_one', name: 'One', properties: {} }],
  roles: [],
  permissions: [],
  featureFlags: [],
  properties: [],
};

function envFor(url: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    KINDE_DOMAIN: url,
    KINDE_M2M_CLIENT_ID: 'robot',
    KINDE_M2M_CLIENT_SECRET: SECRET,
    KINDE_AUDIENCE: 'acme:api',
    ...extra,
  };
}
const ORG_ENV = { KINDE_ORG_SCOPED_CLIENT_ID: 'orgrobot', KINDE_ORG_SCOPED_CLIENT_SECRET: ORG_SECRET, KINDE_EXPECT_ORG_CODE: 'org_one' };

const started: StartedServer[] = [];
async function live(defects: DefectName[] = []): Promise<StartedServer> {
  const s = await startServer({ port: 0, tenant: LIVE, defects: new Set(defects), log: () => {} });
  started.push(s);
  return s;
}
afterAll(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

function adapterFor(url: string, extra: Record<string, string> = {}): KindeAdapter {
  return new KindeAdapter({ config: kindeConfigFromEnv(envFor(url, extra)), timeoutMs: 5_000 });
}

function errorOf(f: () => unknown): AdapterError {
  try {
    f();
  } catch (e) {
    if (e instanceof AdapterError) return e;
    throw e;
  }
  throw new Error('expected an AdapterError');
}

describe('kinde target configuration (environment variables only)', () => {
  it('names every missing variable', () => {
    const e = errorOf(() => kindeConfigFromEnv({ KINDE_M2M_CLIENT_SECRET: SECRET }));
    expect(e.code).toBe('ERR_UNKNOWN_TARGET');
    expect(e.message).toMatch(/KINDE_DOMAIN, KINDE_M2M_CLIENT_ID, KINDE_AUDIENCE/);
    expect(e.message).not.toMatch(/KINDE_M2M_CLIENT_SECRET,/);
    expect(e.message).not.toContain(SECRET);
  });

  it('needs both halves of the org-scoped app, and the app before an expected org', () => {
    expect(errorOf(() => kindeConfigFromEnv(envFor('https://acme.kinde.com', { KINDE_ORG_SCOPED_CLIENT_ID: 'x' }))).message).toMatch(/KINDE_ORG_SCOPED_CLIENT_SECRET is not set/);
    const e = errorOf(() => kindeConfigFromEnv(envFor('https://acme.kinde.com', { KINDE_ORG_SCOPED_CLIENT_SECRET: ORG_SECRET })));
    expect(e.message).toMatch(/KINDE_ORG_SCOPED_CLIENT_ID is not set/);
    expect(e.message).not.toContain(ORG_SECRET);
    expect(errorOf(() => kindeConfigFromEnv(envFor('https://acme.kinde.com', { KINDE_EXPECT_ORG_CODE: 'org_1' }))).message).toMatch(/KINDE_EXPECT_ORG_CODE is set/);
  });

  it('https only, except for a loopback stand-in; a bare host name means https', () => {
    expect(kindeConfigFromEnv(envFor('acme.kinde.com')).domain).toBe('https://acme.kinde.com');
    expect(kindeConfigFromEnv(envFor('https://acme.kinde.com/')).domain).toBe('https://acme.kinde.com');
    expect(kindeConfigFromEnv(envFor('http://127.0.0.1:8787')).domain).toBe('http://127.0.0.1:8787');
    expect(errorOf(() => kindeConfigFromEnv(envFor('http://acme.kinde.com'))).message).toMatch(/KINDE_DOMAIN must be https/);
    expect(errorOf(() => kindeConfigFromEnv(envFor('https://user:pw@acme.kinde.com'))).message).toMatch(/plain origin/);
  });

  it('audiences may be a list', () => {
    expect(kindeConfigFromEnv(envFor('https://acme.kinde.com', { KINDE_AUDIENCE: 'a:api, b:api' })).audience).toEqual(['a:api', 'b:api']);
  });

  it('the launcher refuses --target=kinde without the variables: exit 2, the names and no values', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, KINDE_M2M_CLIENT_SECRET: SECRET };
    for (const k of ['KINDE_DOMAIN', 'KINDE_M2M_CLIENT_ID', 'KINDE_AUDIENCE']) delete env[k];
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bin/cli.ts', 'run', '--target=kinde'], { env, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/KINDE_DOMAIN, KINDE_M2M_CLIENT_ID, KINDE_AUDIENCE/);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('the registry knows the target', () => {
    expect(errorOf(() => createAdapter('kinde')).message).toMatch(/KINDE_/);
  });
});

describe('kinde adapter against serve standing in for the environment', () => {
  let server: StartedServer;
  beforeAll(async () => {
    server = await live();
  });

  it('start(): discovery, a credential probe, M2M capabilities only, the fixed tenant', async () => {
    const a = adapterFor(server.url, ORG_ENV);
    const info = await a.start();
    expect(info.name).toBe('kinde');
    expect(Object.entries(info.capabilities).filter(([, v]) => v).map(([k]) => k)).toEqual(['m2m', 'orgScopedM2m']);
    expect(info.fixedTenant).toEqual({
      issuer: 'https://acme.kinde.com',
      tokenEndpoint: `${server.url}/oauth2/token`,
      jwksUri: `${server.url}/.well-known/jwks`,
      audience: ['acme:api'],
      m2mClientId: 'robot',
      orgScopedClientId: 'orgrobot',
      expectOrgCode: 'org_one',
    });
    expect(Object.keys(info.notApplicable).sort()).toEqual(Object.keys(FIXED_TENANT_NOT_APPLICABLE).sort());
    for (const id of Object.keys(info.notApplicable)) expect(requirementById(id), id).toBeDefined();
    expect(JSON.stringify(info)).not.toContain(SECRET);
    expect((await a.jwks()).keys.length).toBeGreaterThan(0);
    expect((await adapterFor(server.url).start()).capabilities.orgScopedM2m).toBe(false);
  });

  it('start() fails fast on refused credentials, naming the variables and never the secret', async () => {
    const wrong = 'W'.repeat(42);
    const a = adapterFor(server.url, { KINDE_M2M_CLIENT_SECRET: wrong });
    const e = await a.start().then(() => null, (x: unknown) => x as AdapterError);
    expect(e?.code).toBe('ERR_TARGET_REJECTED');
    expect(e?.message).toMatch(/KINDE_M2M_CLIENT_ID \/ KINDE_M2M_CLIENT_SECRET and KINDE_AUDIENCE was refused \(HTTP 401 invalid_client/);
    expect(e?.message).not.toContain(wrong);
    const org = await adapterFor(server.url, { ...ORG_ENV, KINDE_EXPECT_ORG_CODE: 'org_other' }).start().then(() => null, (x: unknown) => x as AdapterError);
    expect(org?.message).toMatch(/KINDE_EXPECT_ORG_CODE does not match/);
  });

  it('an unreachable domain is ERR_TARGET_UNREACHABLE within the timeout', async () => {
    const s = await startServer({ port: 0, log: () => {} });
    const url = s.url;
    await s.close();
    const e = await adapterFor(url).start().then(() => null, (x: unknown) => x as AdapterError);
    expect(e?.code).toBe('ERR_TARGET_UNREACHABLE');
  });

  it('property: any generated M2M request maps onto the real app (azp, aud), keeping wrong secrets and unknown clients wrong', async () => {
    const a = adapterFor(server.url, ORG_ENV);
    await a.start();
    await fc.assert(
      fc.asyncProperty(m2mScenarioArb(), fc.constantFrom('own', 'wrong', 'unknown'), async ({ tenant, request, application }, variant) => {
        await a.provision(tenant);
        const req =
          variant === 'own' ? request : variant === 'wrong' ? { ...request, clientSecret: `${request.clientSecret}x` } : { ...request, clientId: `${request.clientId}-unknown` };
        const r = await a.clientCredentials(req);
        if (variant !== 'own') {
          expect(r).toMatchObject({ ok: false, status: 401, error: 'invalid_client' });
          return;
        }
        if (!r.ok) throw new Error(`refused: ${r.error}`);
        const claims = decodeJwt(r.body.access_token);
        const scoped = application.orgCode !== undefined;
        expect(claims.azp).toBe(scoped ? 'orgrobot' : 'robot');
        expect(claims.aud).toEqual(['acme:api']);
        // An org_code override is sent as is; the issuer must ignore it.
        expect(claims.org_code).toBe(scoped ? 'org_one' : undefined);
      }),
      { numRuns: 25 },
    );
  });
});

describe('conformance checks through the kinde adapter', () => {
  const CHECKS: Check<any>[] = [...m2mChecks, ...signatureChecks, ...responseChecks];
  /** Judged honestly against a fixed tenant (FIXED_TENANT_NOT_APPLICABLE lists the rest). */
  const HONEST = ['M2M-GTY', 'M2M-VERSION', 'M2M-NO-USER-CLAIMS', 'ORG-M2M-GLOBAL', 'ORG-M2M-NO-OVERRIDE', 'SIG-RS256', 'SIG-KID-IN-JWKS', 'SIG-RSA-2048', 'RESP-SHAPE', 'TOKEN-JTI-UNIQUE'];

  async function verdicts(server: StartedServer): Promise<Record<string, string>> {
    const adapter = adapterFor(server.url, ORG_ENV);
    const info = await adapter.start();
    const out: Record<string, string> = {};
    const only = new Set(HONEST);
    for (const check of CHECKS) {
      if (!check.requirements.some((r) => only.has(r))) continue;
      const result = await runCheck(check, { adapter, info }, { seed: 7, runs: 10, only, severity: () => 'fail', shrinkBudgetMs: 500 });
      // Several checks decide one requirement (e.g. a key-rotation check this target cannot run): the worst verdict counts.
      for (const [id, o] of Object.entries(result.outcomes)) out[id] = out[id] === undefined ? o.verdict : worseVerdict(out[id] as Verdict, o.verdict);
    }
    await adapter.stop();
    return out;
  }

  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.close()));
  });

  it('the honest requirements pass against the reference', async () => {
    const v = await verdicts(await live());
    expect(Object.keys(v).sort()).toEqual([...HONEST].sort());
    expect(Object.entries(v).filter(([, x]) => x !== 'PASSED')).toEqual([]);
  });

  it.each([
    ['m2m-user-claims', 'M2M-NO-USER-CLAIMS'],
    ['unpublished-signing-key', 'SIG-KID-IN-JWKS'],
    ['jti-reused', 'TOKEN-JTI-UNIQUE'],
    ['org-override-honored', 'ORG-M2M-NO-OVERRIDE'],
  ] as const)('a live environment with the %s defect fails %s', async (defect, requirement) => {
    const v = await verdicts(await live([defect]));
    expect(v[requirement]).toBe('FAILED');
  });
});
