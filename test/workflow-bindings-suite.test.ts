/**
 * The suites/workflow-bindings.ts checks: the reference passes them, each of
 * their seeded defects fails exactly its own requirement (the kill matrix runs
 * them at the default runs too), and a target that does not declare
 * `workflowFixtures` gets NOT_APPLICABLE, never a pass.
 */
import { describe, expect, it } from 'vitest';
import { ReferenceAdapter } from '../reference/adapter.js';
import { DEFECTS, type DefectName } from '../reference/defects.js';
import { requirementById } from '../schemas/catalog.js';
import { runCheck } from '../runner/run-check.js';
import { checks } from '../suites/workflow-bindings.js';

const SEED = 20261202;
const RUNS = 30;

async function verdicts(adapter: ReferenceAdapter, capabilities: Record<string, boolean> = {}): Promise<Record<string, string>> {
  const started = await adapter.start();
  const info = { ...started, capabilities: { ...started.capabilities, ...capabilities } };
  const out: Record<string, string> = {};
  for (const check of checks) {
    const r = await runCheck(check, { adapter, info }, { seed: SEED, runs: RUNS, severity: (id) => requirementById(id).severity });
    // Several checks decide one requirement: a failure in any of them is the verdict.
    for (const [id, o] of Object.entries(r.outcomes)) {
      if (out[id] !== undefined && out[id] !== 'PASSED') continue;
      out[id] = o.reason !== undefined && o.verdict === 'NOT_APPLICABLE' ? `${o.verdict}: ${o.reason}` : o.verdict;
    }
  }
  return out;
}

describe('workflow bindings checks', () => {
  it('the reference passes WF-FIXTURE-VALUES and WF-NATIVE-BINDING-GATE', async () => {
    expect(await verdicts(new ReferenceAdapter())).toEqual({ 'WF-FIXTURE-VALUES': 'PASSED', 'WF-NATIVE-BINDING-GATE': 'PASSED' });
  });

  it('a target without fixture support is NOT_APPLICABLE (the values cannot be known), never passed', async () => {
    const v = await verdicts(new ReferenceAdapter(), { workflowFixtures: false });
    expect(Object.keys(v).sort()).toEqual(['WF-FIXTURE-VALUES', 'WF-NATIVE-BINDING-GATE']);
    for (const verdict of Object.values(v)) expect(verdict).toMatch(/^NOT_APPLICABLE: .*workflowFixtures/);
  });

  const seeded: DefectName[] = ['fetch-env-always-mounted', 'secure-fetch-with-fetch', 'env-values-trimmed', 'fetch-ignores-url'];
  for (const name of seeded) {
    it(`mutant:${name} fails ${DEFECTS[name].caughtBy} and nothing else`, async () => {
      const v = await verdicts(new ReferenceAdapter(`mutant:${name}`, { defects: new Set([name]) }));
      const failed = Object.entries(v).filter(([, x]) => x === 'FAILED').map(([id]) => id);
      expect(failed).toEqual([DEFECTS[name].caughtBy]);
    });
  }
});
