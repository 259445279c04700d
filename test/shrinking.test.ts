/**
 * Counterexamples shrink to the minimum: for the seeded defects whose
 * counterexamples carry generated workflows, the shrunk case is 1-minimal —
 * removing any one of its workflows or any one op makes the failure go away. So no empty or unrelated workflow, no stray op
 * is left in a report. Shrinking gets a fixed number of steps here (not the
 * time budget of real runs), so the result does not depend on machine load;
 * the step count is what a loaded CI machine gets within the 3 s budget.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReferenceAdapter } from '../reference/adapter.js';
import { fewestItemsArray, shrinkingFirst } from '../generators/shrink.js';
import type { WorkflowProgram } from '../generators/workflow.js';
import type { DefectName } from '../reference/defects.js';
import { requirementById } from '../schemas/catalog.js';
import { ALL_CHECKS } from '../suites/index.js';
import type { Check, CheckEnv } from '../suites/lib/check.js';
import { DEFAULT_RUNS } from '../runner/options.js';
import { runCheck } from '../runner/run-check.js';
import { Judge, Violation } from '../suites/lib/violation.js';
import { MUTANT_SEED } from './mutant-kill.js';

/** Shrink steps allowed: about what the 3 s budget buys against the in-process reference on a loaded 2-core machine. */
const SHRINK_STEPS = 60;

const USER_RUN = 'user token workflows change only what they may, exactly where they aim';
/** Defect, the requirement that catches it, the check whose counterexample is a generated workflow list (and its minLength when not 1). */
const CASES: Array<[DefectName, string, string, number?]> = [
  ['workflow-overwrites-sub', 'WF-PROHIBITED-ACCESS', USER_RUN],
  ['workflow-overwrites-sub', 'WF-PROHIBITED-M2M', 'M2M token workflows change only what they may'],
  ['exp-dropped-on-empty-permissions', 'WF-PROHIBITED-ACCESS', USER_RUN],
  ['access-claims-leak-into-id', 'WF-CUSTOM-ISOLATION', USER_RUN],
  ['bindings-not-enforced', 'WF-BINDING-REQUIRED', 'a token binding must be declared before a workflow can change that token'],
  ['m2m-trigger-on-user-tokens', 'WF-TRIGGER', 'workflows run only for their own trigger'],
  // (The never-ending-workflow check is left out: each of its shrink steps waits out the workflow timeout.)
  ['failure-policy-ignored', 'WF-FAILURE-STOP', 'failurePolicy: stop fails the token request, continue issues tokens without that workflow'],
  ['workflow-on-management-api', 'WF-M2M-MGMT-API', 'M2M workflows cannot modify tokens for the Management API'],
  // Workflows with awaits and event conditions: the minimum keeps only the await and the write after it.
  ['workflow-promise-not-awaited', 'WF-AWAIT-WRITES', 'claims a workflow sets after an await land in the token'],
  // Two workflows at least: the first one (empty in the minimum) is what the defect runs.
  ['only-first-workflow-runs', 'WF-ALL-WORKFLOWS-RUN', 'every workflow deployed for the user token trigger runs, in any order', 2],
  ['undefined-written-as-null', 'WF-UNDEFINED-CLAIM', 'a claim set to undefined never lands as null; delete on the claims proxy changes nothing'],
  // Workflows play no part here: the minimum has none (issuance lists may be empty).
  ['oversized-token', 'TOKEN-BOUNDED', 'every token is RS256-signed by a key of the JWKS'],
  // (A failure that follows from another requirement, e.g. CLAIMS-REQUIRED-M2M because of WF-PROHIBITED-M2M,
  // is decided without shrinking: its cause's counterexample is the minimal one.)
];

const isProgram = (x: unknown): x is WorkflowProgram =>
  typeof x === 'object' && x !== null && Array.isArray((x as WorkflowProgram).ops) && typeof (x as WorkflowProgram).trigger === 'string';
/** Fields of the generated input that hold workflows: lists (possibly empty) or a single program. */
const WORKFLOW_FIELD = /^(programs|program|userPrograms|m2mPrograms|userWorkflows|m2mWorkflows)$/;
/** The arbitraries' minLength per list field (issuanceArb's lists may be empty; the workflow checks need one). */
const MIN_LENGTH: Record<string, number> = { userWorkflows: 0, m2mWorkflows: 0 };

function workflowLists(input: Record<string, unknown>): Array<[string, WorkflowProgram[]]> {
  return Object.entries(input)
    .filter(([k, v]) => WORKFLOW_FIELD.test(k) && (isProgram(v) || (Array.isArray(v) && v.every(isProgram))))
    .map(([k, v]) => [k, isProgram(v) ? [v] : (v as WorkflowProgram[])]);
}

/** The input with one workflow or one op removed: every one-step-smaller variant the arbitrary could produce. */
function smaller(input: Record<string, unknown>, minLength?: number): Array<{ what: string; input: Record<string, unknown> }> {
  const out: Array<{ what: string; input: Record<string, unknown> }> = [];
  for (const [k, list] of workflowLists(input)) {
    const single = isProgram(input[k]);
    const put = (l: WorkflowProgram[]) => ({ ...input, [k]: single ? l[0] : l });
    if (!single && list.length > (minLength ?? MIN_LENGTH[k] ?? 1)) {
      list.forEach((_, i) => out.push({ what: `${k}: without workflow ${i}`, input: put(list.filter((__, j) => j !== i)) }));
    }
    list.forEach((p, i) =>
      p.ops.forEach((op, j) => {
        if (op.kind === 'loopForever') return;
        out.push({ what: `${k}: workflow ${i} without op ${j} (${op.kind})`, input: put(list.map((q, n) => (n === i ? { ...q, ops: q.ops.filter((_, m) => m !== j) } : q))) });
      }),
    );
  }
  return out;
}

async function violates(check: Check<unknown>, input: unknown, requirement: string, env: CheckEnv): Promise<boolean> {
  try {
    await check.predicate(input, new Judge(new Set([requirement])), env);
    return false;
  } catch (e) {
    if (e instanceof Violation) return e.requirement === requirement;
    throw e;
  }
}

describe(`shrunk workflow counterexamples are 1-minimal (seed ${MUTANT_SEED}, ${DEFAULT_RUNS} runs, ${SHRINK_STEPS} shrink steps)`, () => {
  for (const [defect, requirement, checkName, minLength] of CASES) {
    it(`mutant:${defect}, ${requirement}`, async () => {
      const adapter = new ReferenceAdapter(`mutant:${defect}`, { defects: new Set([defect]) });
      const env = { adapter, info: await adapter.start() };
      const check = ALL_CHECKS.find((c) => c.name === checkName)!;
      let last: Record<string, unknown> | undefined;
      const spy: Check<unknown> = {
        ...check,
        async predicate(input, judge, e) {
          try {
            await check.predicate(input, judge, e);
          } catch (err) {
            if (err instanceof Violation) last = input as Record<string, unknown>;
            throw err;
          }
        },
      };
      const result = await runCheck(spy, env, {
        seed: MUTANT_SEED,
        runs: DEFAULT_RUNS,
        only: new Set([requirement]),
        severity: (id) => requirementById(id).severity,
        shrinkBudgetMs: Infinity,
        maxShrinkSteps: SHRINK_STEPS,
      });
      expect(result.outcomes[requirement]?.verdict).toBe('FAILED');
      const lists = workflowLists(last!).map(([, l]) => l);
      expect(lists.length, 'the input carries workflows').toBeGreaterThan(0);
      const still: string[] = [];
      for (const v of smaller(last!, minLength)) if (await violates(check, v.input, requirement, env)) still.push(v.what);
      expect(still, `still fails with ${still.join('; ')}\n${lists.flat().map(String).join('\n')}`).toEqual([]);
      for (const list of lists) expect(list.filter((p) => p.ops.length === 0 && list.length > (minLength ?? 1)), 'no empty workflow beside others').toEqual([]);
      await adapter.stop();
    });
  }
});

describe('the shrink-order arbitraries generate exactly what fast-check generates', () => {
  const item = fc.record({ n: fc.nat(100), s: fc.string({ maxLength: 5 }) });
  const model = () => ({ name: fc.string(), items: fewestItemsArray(item, { minLength: 1, maxLength: 4 }), flag: fc.boolean() });

  it('fewestItemsArray: the values of fc.array for the same seeds', () => {
    for (const seed of [1, 2, 3]) {
      expect(fc.sample(fewestItemsArray(item, { maxLength: 5 }), { seed, numRuns: 50 })).toStrictEqual(fc.sample(fc.array(item, { maxLength: 5 }), { seed, numRuns: 50 }));
    }
  });

  it('shrinkingFirst: the values of fc.record for the same seeds, null-prototype objects included', () => {
    for (const seed of [1, 2, 3]) {
      const ours = fc.sample(shrinkingFirst(model(), ['items']), { seed, numRuns: 100 });
      const theirs = fc.sample(fc.record(model()), { seed, numRuns: 100 });
      expect(ours).toStrictEqual(theirs);
      expect(ours.map((o) => Object.getPrototypeOf(o) === null)).toEqual(theirs.map((o) => Object.getPrototypeOf(o) === null));
    }
  });
});

describe('shrink order: an unneeded item is dropped wherever it stands', () => {
  const item = fc.record({ n: fc.nat(100), s: fc.string({ maxLength: 5 }) });
  /** Fails when some item has n >= 50: the minimum is one item {n: 50, s: ''}. */
  const shrunk = (arb: fc.Arbitrary<{ name: string; items: Array<{ n: number; s: string }> }>, seed: number) =>
    fc.check(fc.property(arb, (v) => !v.items.some((x) => x.n >= 50)), { seed }).counterexample?.[0];

  it('fewestItemsArray + shrinkingFirst reach the minimum for every seed; fc.array (minLength 1) keeps a trailing item for some', () => {
    const seeds = [1, 2, 3, 4, 5, 6];
    const ours = seeds.map((seed) => shrunk(shrinkingFirst({ name: fc.string(), items: fewestItemsArray(item, { minLength: 1, maxLength: 4 }) }, ['items']), seed));
    const plain = seeds.map((seed) => shrunk(fc.record({ name: fc.string(), items: fc.array(item, { minLength: 1, maxLength: 4 }) }), seed));
    for (const c of ours) expect(c).toEqual({ name: '', items: [{ n: 50, s: '' }] });
    expect(plain.filter((c) => c!.items.length > 1).length, 'the control: plain fc.array does leave one').toBeGreaterThan(0);
  });
});
