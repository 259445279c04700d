/**
 * Three issuer surfaces a blind measure found unjudged: a header that declares
 * a nested JWT (TOKEN-HEADER-MEMBERS), JWKS members that are not Base64urlUInt
 * (SIG-JWK-ENCODING) and a refresh token in client-credentials answers
 * (M2M-NO-REFRESH-TOKEN, a warning). Each: the seeded defect is caught, and an
 * issuer differing from the reference in an allowed way passes.
 */
import { describe, expect, it } from 'vitest';
import { ReferenceAdapter } from '../reference/adapter.js';
import type { Adapter, Jwk, Jwks, ClientCredentialsRequest, TokenResult } from '../adapters/types.js';
import { requirementById } from '../schemas/catalog.js';
import { ALL_CHECKS } from '../suites/index.js';
import { base64urlUIntProblem } from '../suites/signature.js';
import { declaresNestedJwt } from '../suites/lib/token-header.js';
import { runCheck } from '../runner/run-check.js';
import { mutant, WithJwks } from './lib/reference-variants.js';

const options = { seed: 5, runs: 5, severity: (id: string) => requirementById(id).severity };
const checkOf = (id: string) => ALL_CHECKS.find((c) => c.requirements.includes(id))!;

async function verdict(adapter: Adapter, id: string) {
  const result = await runCheck(checkOf(id), { adapter, info: await adapter.start() }, { ...options, only: new Set([id]) });
  await adapter.stop();
  return result.outcomes[id];
}


class WithClientCredentials extends ReferenceAdapter {
  constructor(private readonly change: (body: Record<string, unknown>) => Record<string, unknown>) {
    super();
  }
  override async clientCredentials(req: ClientCredentialsRequest): Promise<TokenResult> {
    const r = await super.clientCredentials(req);
    return r.ok ? ({ ...r, body: this.change({ ...r.body }) } as TokenResult) : r;
  }
}

describe('TOKEN-HEADER-MEMBERS: cty declaring a nested JWT', () => {
  it('"JWT" in any case, with or without application/, declares nesting; other values and absence do not', () => {
    for (const v of ['JWT', 'jwt', 'Jwt', 'application/jwt', 'APPLICATION/JWT']) expect(declaresNestedJwt(v), v).toBe(true);
    for (const v of [undefined, null, 42, '', 'json', 'application/json', 'JOSE', 'JWT ', 'jwt+json', 'text/jwt']) expect(declaresNestedJwt(v), String(v)).toBe(false);
  });

  it('the reference passes; cty "JWT" on every token fails', async () => {
    expect((await verdict(new ReferenceAdapter(), 'TOKEN-HEADER-MEMBERS'))?.verdict).toBe('PASSED');
    const o = (await verdict(mutant('header-cty-jwt'), 'TOKEN-HEADER-MEMBERS'))!;
    expect(o.verdict).toBe('FAILED');
    expect(o.failure?.message).toMatch(/header carries cty "JWT" \(a nested JWT/);
  });
});

describe('SIG-JWK-ENCODING', () => {
  it('Base64urlUInt: minimal octets, zero as AA, unpadded canonical base64url', () => {
    for (const v of ['AQAB', 'AA', 'AQ', 'gAAB', '_w']) expect(base64urlUIntProblem(v), v).toBeNull();
    expect(base64urlUIntProblem('AAEAAQ')).toMatch(/leading zero octet \(4 octets where 3/);
    expect(base64urlUIntProblem('AAA')).toMatch(/leading zero octet/);
    expect(base64urlUIntProblem('AQAB=')).toMatch(/not unpadded base64url/);
    expect(base64urlUIntProblem('AQ+/')).toMatch(/not unpadded base64url/);
    expect(base64urlUIntProblem('AR')).toMatch(/not the canonical base64url/);
    expect(base64urlUIntProblem(65537)).toMatch(/is number, not a string/);
  });

  it('the reference passes; a leading zero octet in n fails, naming the octets', async () => {
    expect((await verdict(new ReferenceAdapter(), 'SIG-JWK-ENCODING'))?.verdict).toBe('PASSED');
    const o = (await verdict(mutant('jwks-n-leading-zero'), 'SIG-JWK-ENCODING'))!;
    expect(o.verdict).toBe('FAILED');
    expect(o.failure?.message).toMatch(/n has a leading zero octet \(257 octets where 256 hold the value\)/);
  });

  it('every RSA key is judged, not only the signing one: a second key with e "AAEAAQ" fails', async () => {
    const second = (k: Jwk): Jwk => ({ ...k, kid: `${k.kid}-old`, e: 'AAEAAQ' });
    const o = (await verdict(new WithJwks((j) => ({ keys: [...j.keys, second(j.keys[0]!)] })), 'SIG-JWK-ENCODING'))!;
    expect(o.verdict).toBe('FAILED');
    expect(o.failure?.message).toMatch(/-old"\): e has a leading zero octet/);
  });

  it('an allowed variant passes: keys in another order, without alg or use members, with x5t and an unknown member', async () => {
    const variant = (j: Jwks): Jwks => ({
      keys: [...j.keys].reverse().map((k) => {
        const { alg: _a, ...rest } = k as Jwk & { alg?: string };
        return { x5t: 'bm90LWEtdGh1bWJwcmludA', ext_note: 'x', ...rest } as Jwk;
      }),
    });
    expect((await verdict(new WithJwks(variant), 'SIG-JWK-ENCODING'))?.verdict).toBe('PASSED');
  });
});

describe('M2M-NO-REFRESH-TOKEN', () => {
  it('is a warning from RFC 6749 §4.4.3 that needs the m2m capability', () => {
    const r = requirementById('M2M-NO-REFRESH-TOKEN');
    expect([r.severity, r.level, r.recommendation?.clause, r.capabilities]).toEqual(['warning', 'inferred', 'RFC 6749 §4.4.3', ['m2m']]);
  });

  it('the reference passes; a refresh_token in client-credentials answers is a WARNING', async () => {
    expect((await verdict(new ReferenceAdapter(), 'M2M-NO-REFRESH-TOKEN'))?.verdict).toBe('PASSED');
    const o = (await verdict(mutant('m2m-refresh-token'), 'M2M-NO-REFRESH-TOKEN'))!;
    expect(o.verdict).toBe('WARNING');
    expect(o.failure?.message).toMatch(/client_credentials response carries a refresh_token/);
    expect(JSON.stringify(o.failure?.counterexample.actual)).toContain('[redacted]');
  });

  it('an allowed variant passes: no scope member, lowercase bearer, an explicit null refresh_token', async () => {
    const variant = new WithClientCredentials((b) => {
      const { scope: _s, ...rest } = b;
      return { ...rest, token_type: 'bearer', refresh_token: null };
    });
    expect((await verdict(variant, 'M2M-NO-REFRESH-TOKEN'))?.verdict).toBe('PASSED');
  });
});

describe('M2M-NO-REFRESH-TOKEN never passes on nothing', () => {
  it('a target refusing every client-credentials request does not pass it when it is judged alone', async () => {
    class Refusing extends ReferenceAdapter {
      override async clientCredentials(): Promise<TokenResult> {
        return { ok: false, status: 401, error: 'invalid_client' };
      }
    }
    const o = (await verdict(new Refusing(), 'M2M-NO-REFRESH-TOKEN'))!;
    expect(o.verdict).not.toBe('PASSED');
    expect(o.failure?.message).toMatch(/refused|client credentials/i);
  });
});
