/**
 * The check runner keeps what it found: an error thrown while shrinking (a
 * stateful verifier that broke after a key rotation, a target that died) ends
 * the shrinking but never turns a found violation into ERRORED; a violation
 * that follows from another requirement is decided without shrinking.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReferenceAdapter } from '../reference/adapter.js';
import { AdapterError } from '../adapters/types.js';
import { defineCheck } from '../suites/lib/check.js';
import { runCheck } from '../runner/run-check.js';

const adapter = new ReferenceAdapter();
const env = async () => ({ adapter, info: await adapter.start() });
const options = { seed: 42, runs: 50, severity: () => 'fail' as const };

/** A check whose "verifier" breaks for good once it has produced one violation (as after a key rotation). */
function breaksAfterFirstFailure(error: () => Error) {
  let broken = false;
  return defineCheck({
    name: 'breaks while shrinking',
    requirements: ['SIG-RS256'],
    needs: [],
    arbitrary: () => fc.integer({ min: 0, max: 1_000_000 }),
    async predicate(n, judge) {
      if (broken) throw error();
      if (n >= 10) {
        broken = true;
        judge.check(false, 'SIG-RS256', 'ERR_SIG_INVALID', `n = ${n} is at least 10`, { actual: n });
      }
    },
  });
}

describe('runCheck: errors while shrinking', () => {
  for (const [label, error] of [
    ['a plain exception', () => new Error('verifier lost its key after rotation')],
    ['a target error', () => new AdapterError('ERR_TARGET_UNREACHABLE', 'GET http://127.0.0.1:1/jwks: cannot reach the target')],
  ] as const) {
    it(`${label} during shrinking leaves the found violation FAILED with its counterexample`, async () => {
      const result = await runCheck(breaksAfterFirstFailure(error), await env(), options);
      const o = result.outcomes['SIG-RS256']!;
      expect(o.verdict, JSON.stringify(o)).toBe('FAILED');
      expect(o.failure?.counterexample.message).toMatch(/is at least 10/);
      expect(typeof o.failure?.counterexample.actual).toBe('number');
      expect(o.failure?.counterexample.actual as number).toBeGreaterThanOrEqual(10);
      expect(o.reason).toMatch(/shrinking stopped early/);
      expect(o.reason).toContain(error().message);
    });
  }

  it('an error before any violation is still ERRORED (nothing was found)', async () => {
    const check = defineCheck({
      name: 'always throws',
      requirements: ['SIG-RS256'],
      needs: [],
      arbitrary: () => fc.integer(),
      async predicate() {
        throw new AdapterError('ERR_TARGET_TIMEOUT', 'POST http://127.0.0.1:1/oauth2/token: no complete answer within 10 ms');
      },
    });
    const o = (await runCheck(check, await env(), options)).outcomes['SIG-RS256']!;
    expect(o.verdict).toBe('ERRORED');
    expect(o.reason).toMatch(/^ERR_TARGET_TIMEOUT: /);
  });
});

describe('runCheck: consequences are not shrunk', () => {
  it('a violation with `because` is decided from the first failing input, carrying the cause', async () => {
    let callsAfterFailure = 0;
    let failed = false;
    const check = defineCheck({
      name: 'consequence',
      requirements: ['ACCESS-SUB-AZP'],
      needs: [],
      arbitrary: () => fc.integer({ min: 0, max: 1_000_000 }),
      async predicate(n, judge) {
        if (failed) callsAfterFailure += 1;
        if (n >= 10) {
          failed = true;
          judge.check(false, 'ACCESS-SUB-AZP', 'ERR_TOKEN_MALFORMED', `n = ${n}`, { because: 'TOKEN-BOUNDED' });
        }
      },
    });
    const o = (await runCheck(check, await env(), options)).outcomes['ACCESS-SUB-AZP']!;
    expect(o.verdict).toBe('FAILED');
    expect(o.failure?.counterexample.because).toBe('TOKEN-BOUNDED');
    expect(callsAfterFailure).toBe(0);
  });

  /** Fails for n ≥ 10 with `because` as given: the shrunk counterexample is 10 unless shrinking is skipped. */
  async function shrunkFor(requirement: string, because?: string) {
    const check = defineCheck({
      name: `fails from 10 (${requirement}, because ${because})`,
      requirements: [requirement],
      needs: [],
      arbitrary: () => fc.integer({ min: 0, max: 1_000_000 }),
      async predicate(n, judge) {
        judge.check(n < 10, requirement, 'ERR_CLAIM_MISMATCH', `n = ${n}`, { actual: n, ...(because ? { because } : {}) });
      },
    });
    return (await runCheck(check, await env(), options)).outcomes[requirement]!.failure!.counterexample;
  }

  it('a violation naming its own requirement as cause is its own failure, and is shrunk', async () => {
    const c = await shrunkFor('WF-PROHIBITED-ACCESS', 'WF-PROHIBITED-ACCESS');
    expect(c.actual).toBe(10);
    expect(c.because).toBeUndefined();
  });

  it('a violation without `because` is shrunk (control: the same property shrinks to 10)', async () => {
    const c = await shrunkFor('ACCESS-SUB-AZP');
    expect(c.actual).toBe(10);
    expect(c.because).toBeUndefined();
  });
});
