/**
 * The reference runtime's non-token bindings: kinde.env, kinde.fetch /
 * kinde.secureFetch answered from fixtures, kinde.cache, the url binding —
 * each mounted only when declared, with @kinde/infrastructure's own helpers
 * unmodified, every request recorded, nothing leaving the machine.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { JsonObject, JsonValue } from '../adapters/types.js';
import { FIXTURE_LIMITS } from '../reference/limits.js';
import {
  closeSandbox,
  compileWorkflow,
  parseWorkflowFixtures,
  parseWorkflowFixturesJson,
  runWorkflow,
  SANDBOX_LIMITS,
  WorkflowFixturesError,
  type RunResult,
  type WorkflowFixtures,
} from '../reference/workflows/index.js';

afterAll(() => closeSandbox());

const DOMAIN = 'https://tenant-1.kinde.com';
const EVENT: JsonObject = {
  request: { auth: { audience: ['https://api.example.com'], scope: [] } },
  context: { domains: { kindeDomain: DOMAIN }, application: { clientId: 'm2m_abc' }, workflow: { trigger: 'm2m:token_generation' } },
};

const workflow = (bindings: string[], body: string) => `
import { createKindeAPI, fetch as kindeFetch, secureFetch, getEnvironmentVariable, m2mTokenClaims } from '@kinde/infrastructure';
export const workflowSettings = { id: 'bindings', trigger: 'm2m:token_generation', bindings: { ${['kinde.m2mToken', ...bindings].map((b) => `${JSON.stringify(b)}: {}`).join(', ')} } };
export default async function (event) {
  const claims = m2mTokenClaims();
  ${body}
}`;

async function run(bindings: string[], body: string, fixtures?: WorkflowFixtures): Promise<RunResult> {
  const wf = await compileWorkflow(workflow(bindings, body));
  return runWorkflow(wf, { event: EVENT, tokens: { 'kinde.m2mToken': {} }, timeoutMs: 5000, ...(fixtures ? { fixtures } : {}) });
}

const claims = (r: RunResult): Record<string, JsonValue> => {
  if (!r.ok) throw new Error(`the workflow failed: ${r.error.code} ${r.error.message}`);
  return Object.fromEntries(r.writes.map((w) => [w.name, w.value]));
};

const TUTORIAL = parseWorkflowFixtures({
  env: { KINDE_WF_M2M_CLIENT_ID: 'client-id', KINDE_WF_M2M_CLIENT_SECRET: { value: 'client-secret', isSecret: true } },
  fetch: [
    { method: 'POST', url: '{kindeDomain}/oauth2/token', json: { access_token: 'mgmt-token', token_type: 'bearer', expires_in: 86399 } },
    { method: 'GET', url: '{kindeDomain}/api/v1/applications/*/properties', json: { properties: [{ key: 'org_code', value: 'org_123' }] } },
  ],
});

describe('gates: a binding is there only when declared', () => {
  it('undeclared kinde.env, kinde.fetch, kinde.secureFetch, kinde.cache and url give nothing; the library says so', async () => {
    const r = await run([], `
      const seen = {};
      for (const k of ['env', 'fetch', 'secureFetch', 'cache']) seen[k] = typeof kinde[k];
      seen.URL = typeof URL; seen.URLSearchParams = typeof URLSearchParams;
      try { getEnvironmentVariable('X'); } catch (e) { seen.env_error = e.message; }
      try { await kindeFetch('https://x.example/', {}); } catch (e) { seen.fetch_error = e.message; }
      claims.seen = seen;`, TUTORIAL);
    expect(claims(r).seen).toEqual({
      env: 'undefined', fetch: 'undefined', secureFetch: 'undefined', cache: 'undefined', URL: 'undefined', URLSearchParams: 'undefined',
      env_error: 'env binding not available, please add to workflow/page settings to enable',
      fetch_error: 'fetch binding not available',
    });
    expect(r.requests).toEqual([]);
  });

  it('each declared binding comes alone: kinde.env does not bring kinde.fetch, kinde.secureFetch does not bring kinde.fetch', async () => {
    const r = await run(['kinde.env', 'kinde.secureFetch'], `claims.seen = ['env', 'fetch', 'secureFetch', 'cache'].map((k) => typeof kinde[k]);`);
    expect(claims(r).seen).toEqual(['object', 'undefined', 'function', 'undefined']);
  });
});

describe('the docs M2M tutorial path: createKindeAPI unmodified', () => {
  it('gets its token from the token fixture, calls the Management API, lands the answer; every request recorded', async () => {
    const r = await run(['kinde.fetch', 'kinde.env', 'url'], `
      const api = await createKindeAPI(event);
      const { data } = await api.get({ endpoint: 'applications/' + event.context.application.clientId + '/properties' });
      claims.orgCode = data.properties.find((p) => p.key === 'org_code').value;`, TUTORIAL);
    expect(claims(r)).toEqual({ orgCode: 'org_123' });
    expect(r.requests).toEqual([
      { binding: 'kinde.fetch', method: 'POST', url: `${DOMAIN}/oauth2/token`, fixture: 0 },
      { binding: 'kinde.fetch', method: 'GET', url: `${DOMAIN}/api/v1/applications/m2m_abc/properties`, fixture: 1 },
    ]);
  });

  it('without url declared, createKindeAPI fails (URLSearchParams is not there), as on Kinde', async () => {
    const r = await run(['kinde.fetch', 'kinde.env'], 'await createKindeAPI(event);', TUTORIAL);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toMatch(/URLSearchParams is not defined/);
  });

  it('kinde.cache keeps the token within the run only: a second createKindeAPI asks no new token; the next run asks again', async () => {
    const body = 'await createKindeAPI(event); await createKindeAPI(event);';
    const first = await run(['kinde.fetch', 'kinde.env', 'url'], body, TUTORIAL);
    const second = await run(['kinde.fetch', 'kinde.env', 'url'], body, TUTORIAL);
    for (const r of [first, second]) expect(r.requests.map((q) => q.url)).toEqual([`${DOMAIN}/oauth2/token`]);
  });
});

describe('nothing comes from the machine, nothing leaves it', () => {
  it('kinde.env never reads the process environment; a request to a live local server never reaches it', async () => {
    const { createServer } = await import('node:http');
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      expect(process.env.PATH).toBeDefined();
      const r = await run(['kinde.env', 'kinde.fetch'], `
        claims.path = kinde.env.get('PATH') ?? null;
        try { kinde.fetch('http://127.0.0.1:${port}/'); claims.fetched = true; } catch (e) { claims.fetched = e.message; }`);
      expect(claims(r)).toEqual({ path: null, fetched: `fetch failed: no fixture answers GET http://127.0.0.1:${port}/ (nothing leaves the machine)` });
      expect(hits).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('kinde.fetch from fixtures', () => {
  it('an unmatched request throws like a network error inside the workflow and is recorded without a fixture', async () => {
    const r = await run(['kinde.fetch'], `
      try { kinde.fetch('https://elsewhere.example/a?b=1', { method: 'delete' }); } catch (e) { claims.error = e.name + ': ' + e.message; claims.realm = e instanceof TypeError; }`, TUTORIAL);
    expect(claims(r)).toEqual({ error: 'TypeError: fetch failed: no fixture answers DELETE https://elsewhere.example/a?b=1 (nothing leaves the machine)', realm: true });
    expect(r.requests).toEqual([{ binding: 'kinde.fetch', method: 'DELETE', url: 'https://elsewhere.example/a?b=1' }]);
  });

  it('method, binding and glob all take part in matching; first match wins; status, headers and text come back', async () => {
    const fixtures = parseWorkflowFixtures({
      fetch: [
        { method: 'POST', url: 'https://api.example/*', json: { which: 'post' } },
        { binding: 'kinde.secureFetch', url: 'https://api.example/*', json: { which: 'secure' } },
        { url: 'https://api.example/*/items?*', status: 404, headers: { 'x-a': 'b' }, text: 'not here' },
        { url: 'https://api.example/*', json: { which: 'any' } },
      ],
    });
    const r = await run(['kinde.fetch', 'kinde.secureFetch'], `
      const a = kinde.fetch('https://api.example/x', { method: 'POST' });
      const b = kinde.secureFetch('https://api.example/x', {});
      const c = kinde.fetch('https://api.example/v1/items?page=2');
      const d = kinde.fetch('https://api.example/x');
      claims.out = [a.json, b.json, { status: c.status, ok: c.ok, text: c.text, json: c.json ?? null, h: c.headers['x-a'] }, d.json];
      claims.realm = [a, a.json, c.headers].every((o) => o instanceof Object && Object.getPrototypeOf(o) === Object.prototype);`, fixtures);
    expect(claims(r).out).toEqual([{ which: 'post' }, { which: 'secure' }, { status: 404, ok: false, text: 'not here', json: null, h: 'b' }, { which: 'any' }]);
    expect(claims(r).realm).toBe(true);
    expect(r.requests.map((q) => q.fixture)).toEqual([0, 1, 2, 3]);
  });

  it(`a run makes at most ${SANDBOX_LIMITS.maxFetches} requests; one more is a RangeError`, async () => {
    const fixtures = parseWorkflowFixtures({ fetch: [{ url: '*', json: 1 }] });
    const r = await run(['kinde.fetch'], `
      let n = 0;
      try { for (;;) { kinde.fetch('https://a.example/' + n); n++; } } catch (e) { claims.stop = [n, e.name]; }`, fixtures);
    expect(claims(r).stop).toEqual([SANDBOX_LIMITS.maxFetches, 'RangeError']);
    expect(r.requests).toHaveLength(SANDBOX_LIMITS.maxFetches);
  });

  it('property: any JSON answer and env value lands in the claims JSON-identical (fresh objects each call)', async () => {
    const wf = await compileWorkflow(workflow(['kinde.fetch', 'kinde.env'], `
      const r = kinde.fetch(event.context.domains.kindeDomain + '/data');
      r.json && typeof r.json === 'object' && (r.json.__mutated = true);
      claims.answer = kinde.fetch(event.context.domains.kindeDomain + '/data').json;
      claims.env = kinde.env.get('VALUE');`));
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.string(), fc.boolean(), async (json, value, isSecret) => {
        const fixtures = parseWorkflowFixtures({ env: { VALUE: { value, isSecret } }, fetch: [{ url: '{kindeDomain}/data', json }] });
        const r = await runWorkflow(wf, { event: EVENT, tokens: { 'kinde.m2mToken': {} }, fixtures, timeoutMs: 5000 });
        const c = claims(r);
        expect(c.answer).toEqual(JSON.parse(JSON.stringify(json)));
        expect(c.env).toEqual({ value, isSecret });
      }),
      { numRuns: 25 },
    );
  });
});

describe('the url binding inside the sandbox realm', () => {
  it('URL parses href, host, pathname, searchParams; URLSearchParams builds from an object and encodes as forms do', async () => {
    const r = await run(['url'], `
      const u = new URL('/a/b?x=1&y=two+words', 'https://Example.COM:443');
      u.searchParams.append('z', "it's");
      const p = new URLSearchParams({ audience: 'https://t.kinde.com/api', scope: 'a b' });
      claims.out = {
        href: u.href, host: u.host, pathname: u.pathname, x: u.searchParams.get('x'), y: u.searchParams.get('y'), missing: u.searchParams.get('q'),
        params: p.toString(), roundTrip: [...new URLSearchParams(p.toString())],
        realm: u instanceof Object && u.searchParams instanceof Object && Object.getPrototypeOf(u.searchParams) === URLSearchParams.prototype && URL instanceof Function,
        invalid: (() => { try { new URL('not a url'); return 'parsed'; } catch (e) { return e instanceof TypeError; } })(),
      };`);
    expect(claims(r).out).toEqual({
      href: "https://example.com/a/b?x=1&y=two+words&z=it%27s",
      host: 'example.com',
      pathname: '/a/b',
      x: '1',
      y: 'two words',
      missing: null,
      params: 'audience=https%3A%2F%2Ft.kinde.com%2Fapi&scope=a+b',
      roundTrip: [['audience', 'https://t.kinde.com/api'], ['scope', 'a b']],
      realm: true,
      invalid: true,
    });
  });

  it('property: URLSearchParams serializes like Node\'s (WHATWG) for any names and values', async () => {
    const wf = await compileWorkflow(workflow(['url'], 'claims.s = new URLSearchParams(event.context.pairs).toString();'));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' })), { maxLength: 5 }), async (wellFormed) => {
        const event = { ...EVENT, context: { ...(EVENT.context as JsonObject), pairs: wellFormed } };
        const r = await runWorkflow(wf, { event, tokens: { 'kinde.m2mToken': {} }, timeoutMs: 5000 });
        expect(claims(r).s).toBe(new URLSearchParams(wellFormed).toString());
      }),
      { numRuns: 25 },
    );
  });
});

describe('fixtures files: clear errors naming the bad field', () => {
  const bad: Array<[string, unknown, RegExp]> = [
    ['unknown top-level field', { envs: {} }, /^f\.json has an unknown field "envs"$/],
    ['missing url', { fetch: [{ method: 'GET' }] }, /^f\.json\.fetch\[0\] needs the field "url"$/],
    ['bad status', { fetch: [{ url: 'x', status: 99 }] }, /^f\.json\.fetch\[0\]\.status must be >= 100$/],
    ['both json and text', { fetch: [{ url: 'x', json: 1, text: '1' }] }, /^f\.json\.fetch\[0\] gives both "json" and "text"/],
    ['env value not a string', { env: { A: 1 } }, /^f\.json\.env\.A must be a string or/],
    ['bad env name', { env: { '1A': 'x' } }, /^f\.json\.env has a key that is not a valid environment variable name/],
    ['too many answers', { fetch: Array.from({ length: FIXTURE_LIMITS.maxFetch + 1 }, () => ({ url: 'x' })) }, /at most 256/],
  ];
  for (const [name, raw, message] of bad) {
    it(name, () => {
      let err: unknown;
      try {
        parseWorkflowFixtures(raw, 'f.json');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(WorkflowFixturesError);
      expect((err as WorkflowFixturesError).code).toBe('ERR_WORKFLOW_FIXTURES');
      expect((err as Error).message).toMatch(message);
    });
  }

  it('not JSON, and too large, are named as such', () => {
    expect(() => parseWorkflowFixturesJson('{', 'f.json')).toThrow(/^f\.json is not JSON/);
    expect(() => parseWorkflowFixturesJson(' '.repeat(FIXTURE_LIMITS.maxBytes + 1), 'f.json')).toThrow(/^f\.json is larger than/);
  });
});
