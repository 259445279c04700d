// The results schema and redaction of secrets before anything is written.
import { describe, expect, it } from 'vitest';
import { redact, ResultsValidationError, summarize, validateResults } from '../reports/index.js';
import { SECRET, FIXTURES, req, allFormats } from './lib/reports-fixtures.js';

describe('schema', () => {
  it('accepts both fixtures', () => {
    for (const f of Object.values(FIXTURES)) expect(() => validateResults(structuredClone(f))).not.toThrow();
  });

  it('rejects malformed results and names where', () => {
    const bad = structuredClone(FIXTURES.fail) as unknown as { requirements: Array<Record<string, unknown>> };
    bad.requirements[0]!['verdict'] = 'MAYBE';
    delete bad.requirements[1]!['source'];
    expect(() => validateResults(bad)).toThrow(ResultsValidationError);
    try {
      validateResults(bad);
    } catch (e) {
      expect((e as ResultsValidationError).code).toBe('ERR_RESULTS_INVALID');
      expect((e as Error).message).toContain('/requirements/0/verdict');
      expect((e as Error).message).toContain("/requirements/1: must have required property 'source'");
    }
  });

  it('rejects a summary that does not match the requirements, and duplicate ids', () => {
    const stale = structuredClone(FIXTURES.fail);
    stale.summary.FAILED += 1;
    expect(() => validateResults(stale)).toThrow(/summary\/FAILED/);
    const dup = structuredClone(FIXTURES.pass);
    dup.requirements.push(structuredClone(dup.requirements[0]!));
    dup.summary = summarize(dup.requirements);
    expect(() => validateResults(dup)).toThrow(/duplicate requirement id "SIG-RS256"/);
  });
});

describe('redaction', () => {
  it('the fixtures really carry the secret (so the next test can fail)', () => {
    expect(JSON.stringify(FIXTURES.fail)).toContain(SECRET);
    expect(JSON.stringify(FIXTURES.pass)).toContain(SECRET);
  });

  it.each(['pass', 'fail'] as const)('no output format of the %s fixture contains the client secret', (name) => {
    const input = structuredClone(FIXTURES[name]);
    // The secret also leaks into free text, as a careless producer might write it.
    req(input, 'FF-JSON-TYPE').failure!.message += ` (client_secret=${SECRET}-should-never-appear)`;
    for (const [format, text] of Object.entries(allFormats(input))) {
      expect(text, format).not.toContain(SECRET);
    }
    expect(JSON.stringify(input)).toContain(SECRET); // input untouched
  });

  it('removes JWK private members, PEM private keys, refresh tokens and passwords, keeps the rest', () => {
    const input = structuredClone(FIXTURES.fail);
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
    req(input, 'RT-ROTATION').failure!.counterexample!.request = {
      refresh_token: 'rt_0123456789',
      password: 'hunter22',
      key: { kty: 'RSA', kid: 'k1', n: 'modulus', e: 'AQAB', d: 'private-exponent', p: 'prime-p', q: 'prime-q', dp: 'x1', dq: 'x2', qi: 'x3' },
      note: `key follows ${pem} end`,
    };
    const out = redact(input);
    const request = req(out, 'RT-ROTATION').failure!.counterexample!.request as Record<string, unknown>;
    expect(request['refresh_token']).toBe('[redacted]');
    expect(request['password']).toBe('[redacted]');
    expect(request['key']).toEqual({ kty: 'RSA', kid: 'k1', n: 'modulus', e: 'AQAB', d: '[redacted]', p: '[redacted]', q: '[redacted]', dp: '[redacted]', dq: '[redacted]', qi: '[redacted]' });
    expect(request['note']).toBe('key follows [redacted] end');
    // Numbers under secret-looking keys are durations, not secrets.
    const tenant = req(out, 'ORGM2M-ORG-CODE-FIXED').failure!.counterexample!.tenant as { applications: Array<{ clientSecret: string; lifetimes: { refreshToken: number } }> };
    expect(tenant.applications[0]!.lifetimes.refreshToken).toBe(1_296_000);
    expect(tenant.applications[0]!.clientSecret).toBe('[redacted]');
    // Ordinary claims named like JWK members outside a JWK are left alone.
    expect(req(out, 'AT-AUD-REQUESTED')).toEqual(req(input, 'AT-AUD-REQUESTED'));
  });
});
