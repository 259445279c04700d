/**
 * VERIFY-INVALID-401 (suites/verifier-status.ts): every invalid token refused with 401. The reference and
 * a correct verifier that judges claims in another order and ignores kid pass; the generated defects that
 * answer 403 to every invalid token, or only to expired ones, fail; a library that only accepts or refuses
 * (no HTTP status) is not applicable, never passed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReferenceAdapter } from '../reference/adapter.js';
import type { TargetInfo } from '../adapters/types.js';
import type { Verdict, VerificationContext, VerifierAdapter } from '../adapters/verifier-types.js';
import { createVerifier } from '../adapters/verifiers/registry.js';
import { requirementById } from '../schemas/catalog.js';
import type { CheckEnv } from '../suites/lib/check.js';
import { runCheck } from '../runner/run-check.js';
import { checks } from '../suites/verifier-status.js';

const adapter = new ReferenceAdapter();
let info: TargetInfo;
beforeAll(async () => {
  info = await adapter.start();
});
afterAll(() => adapter.stop());

async function verdictOf(name: string | VerifierAdapter, runs = 12): Promise<{ verdict: string; message: string }> {
  const v = typeof name === 'string' ? createVerifier(name) : name;
  const env: CheckEnv = { adapter, info, verifier: { adapter: v, info: await v.start() } };
  try {
    const r = await runCheck(checks[0]!, env, { seed: 7, runs, severity: (id) => requirementById(id).severity });
    const o = r.outcomes['VERIFY-INVALID-401']!;
    return { verdict: o.verdict, message: JSON.stringify(o) };
  } finally {
    await v.stop();
  }
}

describe('VERIFY-INVALID-401: invalid tokens are refused with 401', () => {
  it('is a documented failure, not a warning', () => {
    expect(requirementById('VERIFY-INVALID-401')).toMatchObject({ level: 'documented', severity: 'fail' });
  });

  for (const name of ['reference', 'variant:kid-ignored-claims-reversed']) {
    it(`${name} passes`, async () => {
      const r = await verdictOf(name);
      expect(r.verdict, r.message).toBe('PASSED');
    });
  }

  it('weak:status:invalid-403 (403 for every invalid token, 401 only without one) fails', async () => {
    const r = await verdictOf('weak:status:invalid-403');
    expect(r.verdict).toBe('FAILED');
    expect(r.message).toContain('HTTP 403');
  });

  it('weak:status:expired-403 (403 only for expired or not-yet-valid tokens) fails on a time attack', async () => {
    const r = await verdictOf('weak:status:expired-403');
    expect(r.verdict).toBe('FAILED');
    expect(r.message).toMatch(/expired|exp-invalid|nbf-future/);
  });

  it('400 (invalid_request) is allowed for a token outside RFC 6750 b64token syntax, and only there', async () => {
    let malformed = 0;
    const inner = createVerifier('reference');
    const syntaxFirst = (status: number): VerifierAdapter => ({
      name: 'syntax-first',
      start: () => inner.start(),
      stop: () => inner.stop(),
      async verify(token: string | undefined, ctx: VerificationContext): Promise<Verdict> {
        if (token !== undefined && !/^[A-Za-z0-9\-._~+/]+=*$/.test(token)) {
          malformed++;
          return { accepted: false, status, reason: 'invalid_request' };
        }
        return inner.verify(token, ctx);
      },
    });
    const ok = await verdictOf(syntaxFirst(400), 40);
    expect(malformed, 'no attack token outside b64token syntax was presented').toBeGreaterThan(0);
    expect(ok.verdict, ok.message).toBe('PASSED');
    expect((await verdictOf(syntaxFirst(403), 40)).verdict).toBe('FAILED');
  });

  it('a verifier without HTTP statuses (jose) is not applicable', async () => {
    const r = await verdictOf('jose');
    expect(r.verdict).toBe('NOT_APPLICABLE');
  });
});
