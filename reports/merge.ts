/**
 * Shards of one run become one run again; two runs become a list of what
 * changed. Both work on requirement ids, the stable key of a conformance run.
 */
import { isFailing, worseVerdict } from './format.js';
import { summarize } from './results.js';
import type { Area, RequirementResult, RunResults, Verdict } from './results.js';

export type MergeErrorCode = 'ERR_MERGE_EMPTY' | 'ERR_MERGE_MISMATCH';

export class MergeError extends Error {
  readonly code: MergeErrorCode;
  constructor(code: MergeErrorCode, message: string) {
    super(message);
    this.name = 'MergeError';
    this.code = code;
  }
}

/** When shards disagree on a requirement, the worse verdict wins. */
const worse = worseVerdict;

function combine(a: RequirementResult, b: RequirementResult): RequirementResult {
  const verdict = worse(a.verdict, b.verdict);
  // Failure details and the reason come from the entry that decided the verdict, the first one if both did.
  const decisive = a.verdict === verdict ? a : b;
  const merged: RequirementResult = {
    ...a,
    verdict,
    tests: [...new Set([...a.tests, ...b.tests])],
    runs: a.runs + b.runs,
    durationMs: a.durationMs + b.durationMs,
  };
  delete merged.reason;
  delete merged.failure;
  const reason = decisive.reason ?? (verdict === 'PASSED' ? undefined : (a.reason ?? b.reason));
  if (reason !== undefined) merged.reason = reason;
  const failure = decisive.failure ?? a.failure ?? b.failure;
  if (failure !== undefined && verdict !== 'PASSED' && verdict !== 'NOT_APPLICABLE') merged.failure = failure;
  const contradiction = a.contradiction ?? b.contradiction;
  if (contradiction !== undefined) merged.contradiction = contradiction;
  return merged;
}

function mismatch(what: string, first: unknown, other: unknown, index: number): MergeError {
  return new MergeError(
    'ERR_MERGE_MISMATCH',
    `shard ${index + 1} is not part of the same run: ${what} is ${JSON.stringify(other)}, shard 1 has ${JSON.stringify(first)}`,
  );
}

/**
 * Combines the shards of one run (same seed, target, runs and strictness) into
 * one {@link RunResults}. Requirement order is first appearance; the summary
 * is recomputed.
 */
export function mergeResults(shards: readonly RunResults[]): RunResults {
  const first = shards[0];
  if (first === undefined) throw new MergeError('ERR_MERGE_EMPTY', 'nothing to merge: no results given');
  const shardIndexes = new Set<number>();
  shards.forEach((s, i) => {
    if (s.seed !== first.seed) throw mismatch('seed', first.seed, s.seed, i);
    if (s.target.name !== first.target.name) throw mismatch('target name', first.target.name, s.target.name, i);
    if (s.target.version !== first.target.version) throw mismatch('target version', first.target.version, s.target.version, i);
    if (s.runs !== first.runs) throw mismatch('runs', first.runs, s.runs, i);
    if (s.strict !== first.strict) throw mismatch('strict', first.strict, s.strict, i);
    if (s.shard) {
      if (first.shard && s.shard.count !== first.shard.count) throw mismatch('shard count', first.shard.count, s.shard.count, i);
      if (shardIndexes.has(s.shard.index)) {
        throw new MergeError('ERR_MERGE_MISMATCH', `shard ${s.shard.index}/${s.shard.count} is given twice`);
      }
      shardIndexes.add(s.shard.index);
    }
  });

  const byId = new Map<string, RequirementResult>();
  for (const shard of shards) {
    for (const r of shard.requirements) {
      const seen = byId.get(r.id);
      byId.set(r.id, seen ? combine(seen, r) : r);
    }
  }
  const requirements = [...byId.values()];
  const startedAt = shards.map((s) => s.startedAt).reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));
  const finishedAt = shards.map((s) => s.finishedAt).reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
  const { shard: _shard, ...rest } = first;
  return { ...rest, startedAt, finishedAt, requirements, summary: summarize(requirements) };
}

/** One requirement's verdict in the base and head run (absent in one for added/removed). */
export interface VerdictChange {
  id: string;
  area: Area;
  statement: string;
  base?: Verdict;
  head?: Verdict;
}

export interface Comparison {
  /** Newly failing: FAILED/ERRORED now, not before. */
  regressions: VerdictChange[];
  /** FAILED/ERRORED before, PASSED or WARNING now. */
  fixes: VerdictChange[];
  /** Any other verdict change (e.g. PASSED → WARNING, FAILED → NOT_APPLICABLE). */
  changed: VerdictChange[];
  /** Only in head. */
  added: VerdictChange[];
  /** Only in base. */
  removed: VerdictChange[];
}

/** What changed between two runs of the suite, requirement by requirement. */
export function compareResults(base: RunResults, head: RunResults): Comparison {
  const out: Comparison = { regressions: [], fixes: [], changed: [], added: [], removed: [] };
  const baseById = new Map(base.requirements.map((r) => [r.id, r]));
  const headIds = new Set<string>();
  for (const h of head.requirements) {
    headIds.add(h.id);
    const b = baseById.get(h.id);
    if (!b) {
      out.added.push({ id: h.id, area: h.area, statement: h.statement, head: h.verdict });
      continue;
    }
    if (b.verdict === h.verdict) continue;
    const change = { id: h.id, area: h.area, statement: h.statement, base: b.verdict, head: h.verdict };
    if (isFailing(h.verdict) && !isFailing(b.verdict)) out.regressions.push(change);
    else if (isFailing(b.verdict) && (h.verdict === 'PASSED' || h.verdict === 'WARNING')) out.fixes.push(change);
    else out.changed.push(change);
  }
  for (const b of base.requirements) {
    if (!headIds.has(b.id)) out.removed.push({ id: b.id, area: b.area, statement: b.statement, base: b.verdict });
  }
  return out;
}
