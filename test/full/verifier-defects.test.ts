/**
 * Power against defects nobody seeded: every generated defective verifier
 * (adapters/verifiers/weaknesses.ts: the contract with one comparison
 * weakened, for every compared value) must fail at least one verifier
 * requirement. Checks run in an order that tries the likeliest requirement
 * first and stop at the first failure, so the whole family stays cheap; which
 * requirement caught which defect is written to
 * test-output/verifier-defects.md (the figures for the README).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReferenceAdapter } from '../../reference/adapter.js';
import type { TargetInfo } from '../../adapters/types.js';
import { createVerifier } from '../../adapters/verifiers/registry.js';
import { weakVerifierNames, WEAKNESSES, type Compared } from '../../adapters/verifiers/weaknesses.js';
import { requirementById } from '../../schemas/catalog.js';
import type { Check, CheckEnv } from '../../suites/lib/check.js';
import { runCheck } from '../../runner/run-check.js';
import { checks } from '../../suites/verifier.js';

const adapter = new ReferenceAdapter();
let info: TargetInfo;
beforeAll(async () => {
  info = await adapter.start();
});
afterAll(() => adapter.stop());

/** Requirements most likely to catch a weakened comparison of each value (tried first; then all the others). */
const FIRST: Record<Compared, string[]> = {
  iss: ['VERIFY-ISS', 'VERIFY-ACCEPT-VALID'],
  aud: ['VERIFY-AUD', 'VERIFY-ACCEPT-VALID', 'VERIFY-TOKEN-TYPE'],
  org: ['VERIFY-ORG-MISMATCH', 'VERIFY-ORG-MISSING-403', 'VERIFY-ORG-MATCH'],
  kid: ['VERIFY-JWKS-KEY-ORDER', 'VERIFY-KID'],
  alg: ['VERIFY-ALG-RS256'],
  exp: ['VERIFY-EXP', 'VERIFY-EXP-REQUIRED', 'VERIFY-ACCEPT-VALID'],
  nbf: ['VERIFY-NBF'],
  state: ['VERIFY-TAMPER', 'VERIFY-KEY-ROTATION', 'VERIFY-EXP'],
  input: ['VERIFY-ORG-USER-INPUT'],
  auth: ['VERIFY-BEARER-CASE', 'VERIFY-AUTH-ONE-TOKEN'],
  status: ['VERIFY-INVALID-401'],
};

function ordered(value: Compared): Check<unknown>[] {
  const first = FIRST[value];
  const rank = (c: Check<unknown>) => {
    const i = Math.min(...c.requirements.map((r) => (first.includes(r) ? first.indexOf(r) : 99)));
    return i;
  };
  return [...checks].sort((a, b) => rank(a) - rank(b));
}

/** The first requirement that fails for `name`, or undefined if the whole suite passes it. */
async function caughtBy(name: string): Promise<string | undefined> {
  const value = name.split(':')[1] as Compared;
  const v = createVerifier(name);
  const env: CheckEnv = { adapter, info, verifier: { adapter: v, info: await v.start() } };
  try {
    for (const check of ordered(value)) {
      // Sequences get more runs: a stateful defect shows only in some command orders.
      const runs = check.runsFactor !== undefined && check.runsFactor < 0.5 ? 40 : 20;
      const r = await runCheck(check, env, { seed: 5, runs, severity: (id) => requirementById(id).severity });
      const failed = Object.entries(r.outcomes).find(([, o]) => o.verdict === 'FAILED' || o.verdict === 'WARNING');
      if (failed) return failed[0];
    }
    return undefined;
  } finally {
    await v.stop();
  }
}

describe('generated defective verifiers are caught', () => {
  const rows: string[] = [];
  const names = weakVerifierNames();

  it('the family covers every compared value', () => {
    expect(new Set(names.map((n) => n.split(':')[1]))).toEqual(new Set(Object.keys(WEAKNESSES)));
    expect(names.length).toBeGreaterThanOrEqual(40);
  });

  for (const name of names) {
    it(`${name} fails some verifier requirement`, async () => {
      const by = await caughtBy(name);
      rows.push(`| ${name} | ${by ?? '**not caught**'} |`);
      expect(by, `${name} passed the whole verifier suite`).toBeDefined();
    });
  }

  afterAll(() => {
    mkdirSync('test-output', { recursive: true });
    const caught = rows.filter((r) => !r.includes('not caught')).length;
    writeFileSync(
      'test-output/verifier-defects.md',
      `Generated defective verifiers caught: ${caught} of ${rows.length}\n\n| generated defect | first requirement that failed |\n|---|---|\n${rows.sort().join('\n')}\n`,
    );
  });
});
