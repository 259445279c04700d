/**
 * The HTTP-surface checks against implementations that differ from the
 * reference in allowed ways (jwks_uri on the issuer's origin, keys in another
 * order at the second path, Cache-Control as a directive list) and against a
 * defect of each kind: the verdicts follow the rule, not our server's bytes.
 */
import { describe, expect, it } from 'vitest';
import type { Adapter, HttpGetAnswer, Jwks, ResponseHeaders, TokenResult } from '../adapters/types.js';
import { issuerOf } from '../adapters/types.js';
import { ReferenceAdapter } from '../reference/adapter.js';
import { runCheck } from '../runner/run-check.js';
import { checks } from '../suites/discovery.js';

interface Variant {
  headers?: ResponseHeaders;
  issuerSuffix?: string;
  jwksUri?: (issuer: string) => string;
  jsonPath?: (keys: Jwks) => Jwks | undefined;
  /** Members merged into the discovery document (optional ones, or replacements). */
  discovery?: Record<string, unknown>;
}

/** The in-process reference, shown as if over HTTP with `v`'s surface. */
function shown(v: Variant): Adapter {
  const ref = new ReferenceAdapter();
  let issuer = '';
  const withHeaders = async (p: Promise<TokenResult>): Promise<TokenResult> => {
    const r = await p;
    return r.ok ? { ...r, headers: v.headers ?? { 'cache-control': 'no-store', pragma: 'no-cache', 'content-type': 'application/json' } } : r;
  };
  return {
    name: 'shown',
    start: async () => {
      const info = await ref.start();
      return { ...info, capabilities: { ...info.capabilities, httpSurface: true } };
    },
    provision: async (t) => {
      issuer = issuerOf(t);
      await ref.provision(t);
    },
    deployWorkflow: (s, f) => ref.deployWorkflow(s, f),
    removeWorkflow: (id) => ref.removeWorkflow(id),
    signIn: (r) => withHeaders(ref.signIn(r)),
    refresh: (r) => withHeaders(ref.refresh(r)),
    clientCredentials: (r) => withHeaders(ref.clientCredentials(r)),
    jwks: () => ref.jwks(),
    advanceClock: (s) => ref.advanceClock(s),
    httpGet: async (path: string): Promise<HttpGetAnswer | null> => {
      // As real adapters do (adapters/http/surface.ts): nothing outside the target and the issuer's origin is fetched.
      if (!path.startsWith('/') && !path.startsWith(issuer)) return null;
      const ok = (json: unknown): HttpGetAnswer => ({ url: path, status: 200, headers: {}, json: json as never });
      const keys = await ref.jwks();
      const uri = v.jwksUri ? v.jwksUri(issuer) : `${issuer}/.well-known/jwks`;
      if (path === '/.well-known/openid-configuration') {
        return ok({ issuer: `${issuer}${v.issuerSuffix ?? ''}`, authorization_endpoint: `${issuer}/oauth2/auth`, token_endpoint: `${issuer}/oauth2/token`, jwks_uri: uri, response_types_supported: ['code'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256', 'PS256'], ...v.discovery });
      }
      if (path === '/.well-known/jwks.json') {
        const alt = v.jsonPath ? v.jsonPath(keys) : keys;
        return alt === undefined ? { url: path, status: 404, headers: {} } : ok(alt);
      }
      if (path === '/.well-known/jwks' || path === uri) return ok(keys);
      return { url: path, status: 404, headers: {} };
    },
    stop: () => ref.stop(),
  };
}

async function verdicts(v: Variant): Promise<Record<string, string>> {
  const adapter = shown(v);
  const info = await adapter.start();
  const out: Record<string, string> = {};
  for (const check of checks) {
    const r = await runCheck(check, { adapter, info }, { seed: 7, runs: 3, severity: () => 'fail' });
    for (const [id, o] of Object.entries(r.outcomes)) out[id] = o.verdict;
  }
  await adapter.stop();
  return out;
}

const PASS_ALL = { 'DISC-REQUIRED-MEMBERS': 'PASSED', 'DISC-ISSUER': 'PASSED', 'DISC-JWKS-URI': 'PASSED', 'DISC-SIGNING-ALGS': 'PASSED', 'DISC-METADATA': 'PASSED', 'JWKS-BOTH-PATHS': 'PASSED', 'RESP-NO-STORE': 'PASSED', 'RESP-JSON': 'PASSED' };
/** Optional discovery members an issuer may carry beyond what it uses (RFC 8414 §2, OIDC Discovery §3). */
const GENEROUS = {
  grant_types_supported: ['implicit', 'client_credentials', 'refresh_token', 'authorization_code'],
  code_challenge_methods_supported: ['plain', 'S256'],
  scopes_supported: ['openid', 'profile', 'email', 'offline', 'read:reports'],
  userinfo_endpoint: 'https://acme.kinde.com/oauth2/v2/user_profile',
  token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
};

describe('HTTP-surface checks (suites/discovery.ts)', () => {
  it('pass allowed variations: jwks_uri on the issuer origin at the .json path, keys in another order, more algorithms, Cache-Control as a list', async () => {
    const v = await verdicts({
      headers: { 'cache-control': 'private, No-Store, max-age=0', pragma: 'no-cache', 'content-type': 'Application/JSON; charset=UTF-8' },
      jwksUri: (iss) => `${iss}/.well-known/jwks.json`,
      jsonPath: (k) => ({ keys: [...k.keys].reverse() }),
      discovery: GENEROUS,
    });
    expect(v).toEqual(PASS_ALL);
  });

  it('fail each defect under the requirement that states the rule', async () => {
    expect((await verdicts({ issuerSuffix: '/' }))['DISC-ISSUER']).toBe('FAILED');
    expect((await verdicts({ jwksUri: () => 'https://keys.example.com/jwks' }))['DISC-JWKS-URI']).toBe('FAILED');
    expect((await verdicts({ jsonPath: () => undefined }))['JWKS-BOTH-PATHS']).toBe('FAILED');
    expect((await verdicts({ jsonPath: () => ({ keys: [] }) }))['JWKS-BOTH-PATHS']).toBe('FAILED');
    expect((await verdicts({ headers: { 'cache-control': 'no-cache', 'content-type': 'application/json' } }))['RESP-NO-STORE']).toBe('FAILED');
    expect((await verdicts({ headers: { 'cache-control': 'no-store', pragma: 'no-cache', 'content-type': 'text/plain' } }))['RESP-JSON']).toBe('FAILED');
    expect((await verdicts({ discovery: { ...GENEROUS, grant_types_supported: ['authorization_code', 'client_credentials'] } }))['DISC-METADATA']).toBe('FAILED');
    expect((await verdicts({ discovery: { scopes_supported: ['openid', 'offline_access'] } }))['DISC-METADATA']).toBe('FAILED');
    expect((await verdicts({ discovery: { id_token_signing_alg_values_supported: ['RS256', 'HS256'] } }))['DISC-SIGNING-ALGS']).toBe('FAILED');
  });
});
