// Merging shards and comparing runs.
import { describe, expect, it } from 'vitest';
import { compareResults, diffLines, mergeResults, MergeError, validateResults } from '../reports/index.js';
import type { RequirementResult, Verdict } from '../reports/index.js';
import { FIXTURES, withRequirements, req } from './lib/reports-fixtures.js';

describe('merge and compare', () => {
  it('merging a run split into two shards gives back the original verdicts and summary', () => {
    const original = FIXTURES.fail;
    const a = original.requirements.filter((_, i) => i % 2 === 0);
    const b = original.requirements.filter((_, i) => i % 2 === 1);
    // One requirement checked in both shards: shard 1 saw it pass, shard 2 failed it.
    const shared = req(original, 'WF-PROHIBITED-ACCESS');
    const sharedPassing: RequirementResult = { ...shared, verdict: 'PASSED', tests: ['other test'], runs: 10, durationMs: 5 };
    delete sharedPassing.failure;
    const shards = [
      { ...withRequirements(original, [...a, sharedPassing].filter((r, i, all) => all.findIndex((x) => x.id === r.id) === i)), shard: { index: 1, count: 2 } },
      { ...withRequirements(original, b), shard: { index: 2, count: 2 } },
    ];
    expect(shards[0]!.requirements.some((r) => r.id === shared.id) && shards[1]!.requirements.some((r) => r.id === shared.id)).toBe(true);
    const merged = mergeResults(shards);
    validateResults(merged);
    expect(merged.shard).toBeUndefined();
    expect(Object.fromEntries(merged.requirements.map((r) => [r.id, r.verdict]))).toEqual(
      Object.fromEntries(original.requirements.map((r) => [r.id, r.verdict])),
    );
    expect(merged.summary).toEqual(original.summary);
    const m = req(merged, shared.id);
    expect(m.failure).toEqual(shared.failure);
    expect(m.runs).toBe(shared.runs + 10);
    expect(m.tests).toEqual(['other test', ...shared.tests]);
  });

  it('combines verdicts by precedence FAILED > ERRORED > WARNING > PASSED > NOT_APPLICABLE', () => {
    const order: Verdict[] = ['FAILED', 'ERRORED', 'WARNING', 'PASSED', 'NOT_APPLICABLE'];
    const base = req(FIXTURES.pass, 'SIG-RS256');
    for (const [i, x] of order.entries()) {
      for (const [j, y] of order.entries()) {
        const shard = (v: Verdict) => withRequirements(FIXTURES.pass, [{ ...base, verdict: v }]);
        expect(mergeResults([shard(x), shard(y)]).requirements[0]!.verdict, `${x}+${y}`).toBe(order[Math.min(i, j)]);
      }
    }
  });

  it('refuses shards of different runs', () => {
    expect(() => mergeResults([FIXTURES.pass, { ...FIXTURES.pass, seed: 7 }])).toThrow(MergeError);
    expect(() => mergeResults([FIXTURES.pass, { ...FIXTURES.pass, seed: 7 }])).toThrow(/seed is 7, shard 1 has 1337/);
    expect(() => mergeResults([FIXTURES.pass, FIXTURES.fail])).toThrow(/target name/);
    expect(() => mergeResults([])).toThrow(expect.objectContaining({ code: 'ERR_MERGE_EMPTY' }));
  });

  it('compare finds an introduced regression, fixes, other changes, added and removed', () => {
    const base = FIXTURES.pass;
    expect(compareResults(base, base)).toEqual({ regressions: [], fixes: [], changed: [], added: [], removed: [] });
    const head = structuredClone(base);
    req(head, 'AT-EXP-LIFETIME').verdict = 'FAILED';
    req(head, 'SIG-RS256').verdict = 'ERRORED';
    req(head, 'ID-ORG-CODES').verdict = 'WARNING';
    const added = { ...req(head, 'TR-TOKEN-TYPE-BEARER'), id: 'TR-NEW' };
    head.requirements = head.requirements.filter((r) => r.id !== 'M2M-NO-USER-CLAIMS').concat(added);
    const cmp = compareResults(base, withRequirements(head, head.requirements));
    expect(cmp.regressions.map((c) => [c.id, c.base, c.head])).toEqual([
      ['SIG-RS256', 'PASSED', 'ERRORED'],
      ['AT-EXP-LIFETIME', 'PASSED', 'FAILED'],
    ]);
    expect(cmp.changed.map((c) => c.id)).toEqual(['ID-ORG-CODES']);
    expect(cmp.added.map((c) => c.id)).toEqual(['TR-NEW']);
    expect(cmp.removed.map((c) => c.id)).toEqual(['M2M-NO-USER-CLAIMS']);
    expect(compareResults(withRequirements(head, head.requirements), base).fixes.map((c) => c.id)).toEqual(['SIG-RS256', 'AT-EXP-LIFETIME']);
  });

  it('diffLines aligns common lines', () => {
    expect(diffLines('a\nb\nc', 'a\nx\nc')).toEqual([
      { op: 'same', text: 'a' },
      { op: 'del', text: 'b' },
      { op: 'add', text: 'x' },
      { op: 'same', text: 'c' },
    ]);
  });
});
