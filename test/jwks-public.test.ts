/**
 * SIG-JWKS-PUBLIC-ONLY: a published key set holds RSA public keys only. A
 * private RSA key or an HMAC secret in the JWKS FAILS it with a message naming
 * the members, the report never repeats the secret, schema violations are
 * named, and a verification that fails because the published key is private
 * is attributed to it.
 */
import { describe, expect, it } from 'vitest';
import { ReferenceAdapter } from '../reference/adapter.js';
import type { Adapter, Jwks } from '../adapters/types.js';
import { requirementById } from '../schemas/catalog.js';
import { ALL_CHECKS } from '../suites/index.js';
import { runCheck } from '../runner/run-check.js';
import { mutant, WithJwks } from './lib/reference-variants.js';

const JWKS_CHECK = ALL_CHECKS.find((c) => c.requirements.includes('SIG-JWKS-PUBLIC-ONLY'))!;
const TOKENS_CHECK = ALL_CHECKS.find((c) => c.requirements.includes('SIG-RS256'))!;
const options = { seed: 3, runs: 5, severity: (id: string) => requirementById(id).severity };

async function judge(adapter: Adapter, check = JWKS_CHECK) {
  const result = await runCheck(check, { adapter, info: await adapter.start() }, options);
  await adapter.stop();
  return result.outcomes;
}

const withJwks = (change: (real: Jwks) => Jwks): Adapter => new WithJwks(change);

describe('SIG-JWKS-PUBLIC-ONLY', () => {
  it('the reference passes it, on every target (it needs no capability)', async () => {
    expect((await judge(new ReferenceAdapter()))['SIG-JWKS-PUBLIC-ONLY']?.verdict).toBe('PASSED');
    expect(requirementById('SIG-JWKS-PUBLIC-ONLY').capabilities).toEqual([]);
    expect(requirementById('SIG-JWKS-PUBLIC-ONLY').tokenTypes).toEqual([]);
  });

  it('a published private RSA key fails it, naming the members; the report redacts them', async () => {
    const o = (await judge(mutant('jwks-publishes-private-key')))['SIG-JWKS-PUBLIC-ONLY']!;
    expect(o.verdict).toBe('FAILED');
    expect(o.failure?.message).toMatch(/publishes private key members d, p, q, dp, dq, qi \(RFC 7518 §6\.3\.2\)/);
    const actual = o.failure?.counterexample.actual as Record<string, unknown>;
    expect(actual['d']).toBe('[redacted]');
    expect(actual['n']).toMatch(/^[A-Za-z0-9_-]{300,}$/);
  });

  it('a published HMAC secret fails it; the secret is not in the report', async () => {
    const o = (await judge(mutant('jwks-publishes-hmac-secret')))['SIG-JWKS-PUBLIC-ONLY']!;
    expect(o.verdict).toBe('FAILED');
    expect(o.failure?.message).toMatch(/is a symmetric key \(kty "oct", secret k published\)/);
    expect((o.failure?.counterexample.actual as Record<string, unknown>)['k']).toBe('[redacted]');
  });

  it('a key the schema refuses (no kid, EC) fails it with the schema path', async () => {
    const o = (await judge(withJwks((real) => ({ keys: [...real.keys, { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' }] }))))['SIG-JWKS-PUBLIC-ONLY']!;
    expect(o.verdict).toBe('FAILED');
    expect(o.failure?.message).toMatch(/breaks schemas\/jwks\.schema\.json: .*\/keys\/1/);
  });

  it('a JWKS of 10,000 keys is judged (and passes when they are all public RSA keys)', async () => {
    const o = (await judge(withJwks((real) => ({ keys: [...Array.from({ length: 9_999 }, (_, i) => ({ ...real.keys[0]!, kid: `decoy-${i}` })), ...real.keys] }))))['SIG-JWKS-PUBLIC-ONLY']!;
    expect(o.verdict).toBe('PASSED');
  });

  it('tokens that cannot be verified because the published key is private fail SIG-RS256 because of SIG-JWKS-PUBLIC-ONLY', async () => {
    const o = await judge(mutant('jwks-publishes-private-key'), TOKENS_CHECK);
    expect(o['SIG-RS256']?.verdict).toBe('FAILED');
    expect(o['SIG-RS256']?.failure?.counterexample.because).toBe('SIG-JWKS-PUBLIC-ONLY');
  });
});
