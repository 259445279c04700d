/**
 * The HTTP-surface operators and the mutant adapter's httpGet: every key set
 * the target serves (either JWKS path, jwks_uri) becomes the mutant's own, so
 * only the operator's edit differs; each operator changes what it names and
 * nothing when the thing is absent.
 */
import { describe, expect, it } from 'vitest';
import type { Adapter, HttpGetAnswer, TokenResult } from '../adapters/types.js';
import { MutantAdapter } from '../mutation/adapter.js';
import { campaignKeys } from '../mutation/jws.js';
import { IDENTITY } from '../mutation/operators.js';
import { surfaceOperatorsAll } from '../mutation/surface-operators.js';
import type { Operator } from '../mutation/types.js';

const DISCOVERY = { issuer: 'https://acme.kinde.com', authorization_endpoint: 'http://127.0.0.1:1/oauth2/auth', token_endpoint: 'http://127.0.0.1:1/oauth2/token', jwks_uri: 'http://127.0.0.1:1/.well-known/jwks', response_types_supported: ['code'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'] };
const TARGET_KEYS = { keys: [{ kty: 'RSA', kid: 'target', n: 'AQAB', e: 'AQAB' }] };

function inner(): Adapter {
  const refused: TokenResult = { ok: false, status: 400, error: 'invalid_grant' };
  return {
    name: 'fake',
    start: async () => ({ name: 'fake', version: '0', capabilities: { userTokens: false, refresh: false, m2m: false, orgScopedM2m: false, workflows: false, properties: false, featureFlags: false, clock: false, keyRotation: false, httpSurface: true } }),
    provision: async () => {},
    deployWorkflow: async () => ({ id: 'x', trigger: 'x' }),
    removeWorkflow: async () => {},
    signIn: async () => refused,
    refresh: async () => refused,
    clientCredentials: async () => refused,
    jwks: async () => structuredClone(TARGET_KEYS),
    httpGet: async (ref: string): Promise<HttpGetAnswer | null> => {
      if (ref.startsWith('https://elsewhere')) return null;
      const json = ref.endsWith('openid-configuration') ? structuredClone(DISCOVERY) : structuredClone(TARGET_KEYS);
      return { url: ref, status: 200, headers: { 'content-type': 'application/json' }, json };
    },
    stop: async () => {},
  };
}

const op = (id: string): Operator => surfaceOperatorsAll().find((o) => o.id === id)!;

describe('mutant adapter: the HTTP surface', () => {
  it('serves its own keys at both JWKS paths and at jwks_uri, and leaves discovery alone under the identity operator', async () => {
    const m = new MutantAdapter(inner(), IDENTITY, await campaignKeys());
    const served = await m.jwks();
    for (const ref of ['/.well-known/jwks', '/.well-known/jwks.json', DISCOVERY.jwks_uri]) expect((await m.httpGet(ref))!.json).toEqual(served);
    expect((await m.httpGet('/.well-known/openid-configuration'))!.json).toEqual(DISCOVERY);
    expect(await m.httpGet('https://elsewhere.example/x')).toBeNull();
    expect(m.applied).toBe(0);
  });

  it('each discovery and JWKS-path operator changes what it names, once per answer', async () => {
    const keys = await campaignKeys();
    const cases: Array<[string, string, (a: HttpGetAnswer) => unknown, unknown]> = [
      ['discovery.issuer:edit:trailing-slash', '/.well-known/openid-configuration', (a) => (a.json as { issuer: string }).issuer, 'https://acme.kinde.com/'],
      ['discovery.subject_types_supported:drop', '/.well-known/openid-configuration', (a) => 'subject_types_supported' in (a.json as object), false],
      ['discovery.jwks_uri:edit:other-path', '/.well-known/openid-configuration', (a) => (a.json as { jwks_uri: string }).jwks_uri, 'http://127.0.0.1:1/.well-known/keys'],
      ['discovery.id_token_signing_alg_values_supported:edit:no-rs256', '/.well-known/openid-configuration', (a) => (a.json as { id_token_signing_alg_values_supported: string[] }).id_token_signing_alg_values_supported, ['ES256']],
      ['jwks-path.jwks.json:404', '/.well-known/jwks.json', (a) => a.status, 404],
    ];
    for (const [id, ref, read, expected] of cases) {
      const m = new MutantAdapter(inner(), op(id), keys);
      expect(read((await m.httpGet(ref))!), id).toEqual(expected);
      expect(m.applied, id).toBe(1);
      // Another surface is left as it was.
      const other = ref.endsWith('jwks.json') ? '/.well-known/jwks' : '/.well-known/jwks.json';
      expect((await m.httpGet(other))!.status, id).toBe(200);
      expect(m.applied, id).toBe(1);
    }
  });

  it('header operators edit the headers of successful token answers only', () => {
    const h = { 'cache-control': 'no-store', pragma: 'no-cache' };
    const drop = op('response.headers.pragma:drop');
    const copy = { ...h };
    expect(drop.headers!(copy, { grant: 'authorization_code', memory: new Map() })).toBe(true);
    expect(copy).toEqual({ 'cache-control': 'no-store' });
    expect(drop.headers!(copy, { grant: 'authorization_code', memory: new Map() })).toBe(false);
    expect(op('response.headers.cache-control:drop@refresh').grants).toEqual(['refresh_token']);
  });
});
