/**
 * One defect shows as its own requirement failing; rows that fail only
 * because of it are marked "also failed because of <ID>" and listed after
 * it, without being hidden: verdicts, counts and the exit code stay.
 * First the rule on hand-made results, then a real seeded defect
 * (mutant:workflow-overwrites-sub) through the real checks.
 */
import { describe, expect, it } from 'vitest';
import { ReferenceAdapter } from '../reference/adapter.js';
import { consequences, withConsequences } from '../reports/attribution.js';
import { renderMarkdown } from '../reports/markdown.js';
import { exitCodeFor, type RequirementResult, type RunResults, type Verdict } from '../reports/results.js';
import { validateResults } from '../reports/schema.js';
import { renderTerminalSummary } from '../reports/terminal.js';
import { describeFailure } from '../reports/text.js';
import { requirementById } from '../schemas/catalog.js';
import { ALL_CHECKS } from '../suites/index.js';
import { collectResults } from '../runner/collect.js';
import { runCheck, type RequirementOutcome } from '../runner/run-check.js';

/** Results as the real collector folds them, from one outcome per requirement. */
function run(outcomes: Record<string, RequirementOutcome>): RunResults {
  const options = { target: 'mutant:x', seed: 1, runs: 1, strict: false, only: [] };
  const target = { name: 'mutant:x', version: '1', capabilities: { userTokens: true, refresh: true, m2m: true, orgScopedM2m: true, workflows: true, properties: true, featureFlags: true, clock: true, keyRotation: true } };
  const tests = Object.entries(outcomes).map(([id, o]) => ({
    title: `[${id}] check`,
    meta: { area: requirementById(id).area, check: 'check', target, seed: 1, runs: 1, durationMs: 1, outcomes: { [id]: o.failure ? { ...o, replay: `npm test -- --only=${id}` } : o } },
  }));
  return collectResults(tests, options, { startedAt: new Date(0), finishedAt: new Date(0) });
}

function outcome(id: string, verdict: Verdict, because?: string): RequirementOutcome {
  if (verdict !== 'FAILED' && verdict !== 'WARNING') return { verdict };
  return { verdict, failure: { message: `${id}: broken`, seed: 1, counterexample: { requirement: id, message: `${id}: broken`, ...(because ? { because } : {}) } } };
}

const rows = (list: Array<[string, Verdict, string?]>): RequirementResult[] => run(Object.fromEntries(list.map(([id, v, b]) => [id, outcome(id, v, b)]))).requirements;

describe('attribution rule', () => {
  it('marks a failure whose cause failed too, following chains to the root', () => {
    const map = consequences(
      rows([
        ['WF-PROHIBITED-ID', 'FAILED'],
        ['WF-FAILURE-CONTINUE', 'FAILED', 'WF-PROHIBITED-ID'],
        ['TOKEN-BOUNDED', 'FAILED'],
        ['TOKEN-WELL-FORMED', 'FAILED', 'TOKEN-BOUNDED'],
        ['SIG-RS256', 'FAILED', 'TOKEN-WELL-FORMED'],
      ]),
    );
    expect(Object.fromEntries(map)).toEqual({ 'WF-FAILURE-CONTINUE': 'WF-PROHIBITED-ID', 'TOKEN-WELL-FORMED': 'TOKEN-BOUNDED', 'SIG-RS256': 'TOKEN-BOUNDED' });
  });

  it('never hides an independent failure: a named cause that passed, a cycle, a self-reference stay unmarked', () => {
    const map = consequences(
      rows([
        ['WF-PROHIBITED-ID', 'PASSED'],
        ['WF-FAILURE-CONTINUE', 'FAILED', 'WF-PROHIBITED-ID'],
        ['TOKEN-BOUNDED', 'FAILED', 'TOKEN-WELL-FORMED'],
        ['TOKEN-WELL-FORMED', 'FAILED', 'TOKEN-BOUNDED'],
        ['ACCESS-SCP', 'FAILED', 'ACCESS-SCP'],
        ['CLAIMS-REQUIRED-M2M', 'FAILED', 'NO-SUCH-REQUIREMENT'],
      ]),
    );
    expect(map.size).toBe(0);
  });

  it('reports list roots first, mark consequences, and keep every verdict, count and the exit code', () => {
    const results = run({
      'WF-FAILURE-CONTINUE': outcome('WF-FAILURE-CONTINUE', 'FAILED', 'WF-PROHIBITED-ID'),
      'WF-PROHIBITED-ID': outcome('WF-PROHIBITED-ID', 'FAILED'),
      'SIG-RS256': outcome('SIG-RS256', 'PASSED'),
    });
    const marked = withConsequences(results);
    validateResults(marked);
    expect(marked.requirements.map((r) => [r.id, r.verdict, r.consequenceOf])).toEqual([
      ['SIG-RS256', 'PASSED', undefined],
      ['WF-FAILURE-CONTINUE', 'FAILED', 'WF-PROHIBITED-ID'],
      ['WF-PROHIBITED-ID', 'FAILED', undefined],
    ]);
    expect(results.requirements.every((r) => r.consequenceOf === undefined), 'the input is not changed').toBe(true);
    expect(exitCodeFor(marked)).toBe(1);
    expect(marked.summary.FAILED).toBe(2);

    const text = renderTerminalSummary(results, { color: false });
    expect(text).toContain('Failures (2; 1 of them also failed because of another one, listed last)');
    expect(text.indexOf('✗ WF-PROHIBITED-ID')).toBeLessThan(text.indexOf('✗ WF-FAILURE-CONTINUE'));
    expect(text).toMatch(/✗ WF-FAILURE-CONTINUE .*\n {4}also failed because of WF-PROHIBITED-ID/);
    const md = renderMarkdown(marked);
    expect(md).toContain('_Also failed because of `WF-PROHIBITED-ID`: read that failure first._');
    expect(md.indexOf('`WF-PROHIBITED-ID`: ')).toBeLessThan(md.indexOf('`WF-FAILURE-CONTINUE`: '));
    expect(describeFailure(marked.requirements.find((r) => r.id === 'WF-FAILURE-CONTINUE')!)).toContain('also failed because of: WF-PROHIBITED-ID');
  });
});

describe('a real defect: mutant:workflow-overwrites-sub', () => {
  it('WF-PROHIBITED-* fail as their own; failure-policy and schema rows that saw the same changed sub follow from them', async () => {
    const adapter = new ReferenceAdapter('mutant:workflow-overwrites-sub', { defects: new Set(['workflow-overwrites-sub']) });
    const info = await adapter.start();
    const wanted = ['WF-PROHIBITED-ID', 'WF-PROHIBITED-M2M', 'WF-FAILURE-CONTINUE', 'CLAIMS-REQUIRED-M2M'];
    const outcomes: Record<string, RequirementOutcome> = {};
    // The default 100 runs: the core user check spreads its ops over awaits, conditions and deletes, so fewer runs
    // may miss the overwritten sub that the failure-policy check (which should follow from it) still sees.
    for (const check of ALL_CHECKS.filter((c) => c.requirements.some((r) => wanted.includes(r)))) {
      const r = await runCheck(check, { adapter, info }, { seed: 1, runs: 100, severity: (id) => requirementById(id).severity });
      for (const [id, o] of Object.entries(r.outcomes)) if (outcomes[id]?.verdict !== 'FAILED') outcomes[id] = o;
    }
    const marked = withConsequences(run(outcomes)).requirements;
    const failed = marked.filter((r) => r.verdict === 'FAILED');
    const own = failed.filter((r) => r.consequenceOf === undefined).map((r) => r.id);
    const follow = Object.fromEntries(failed.filter((r) => r.consequenceOf !== undefined).map((r) => [r.id, r.consequenceOf]));
    // Every failure outside WF-PROHIBITED-* is explained by one of them; at least one such consequence appears.
    expect(own.every((id) => id.startsWith('WF-PROHIBITED-')), JSON.stringify({ own, follow })).toBe(true);
    expect(Object.values(follow).every((c) => c!.startsWith('WF-PROHIBITED-'))).toBe(true);
    expect(Object.keys(follow).length, JSON.stringify({ own, follow })).toBeGreaterThan(0);
  });
});
