/**
 * Small shared vocabulary of the report writers: orderings, labels, score
 * formatting. Kept here so every format names things the same way.
 */
import type { TokenType } from '../adapters/types.js';
import type { Area, RequirementResult, RunResults, Verdict } from './results.js';

/** Areas in the order the reports list them (the order of the `Area` union). */
export const AREAS: readonly Area[] = [
  'signature',
  'access-token',
  'id-token',
  'm2m-token',
  'org-m2m',
  'properties',
  'feature-flags',
  'refresh',
  'workflows',
  'token-response',
];

export const AREA_TITLES: Readonly<Record<Area, string>> = {
  signature: 'Signature',
  'access-token': 'Access token',
  'id-token': 'ID token',
  'm2m-token': 'M2M token',
  'org-m2m': 'Org-scoped M2M',
  properties: 'Properties',
  'feature-flags': 'Feature flags',
  refresh: 'Refresh',
  workflows: 'Workflows',
  'token-response': 'Token response',
};

export const TOKEN_TYPE_TITLES: Readonly<Record<TokenType, string>> = {
  access: 'Access',
  id: 'ID',
  m2m: 'M2M',
};

export const VERDICT_LABELS: Readonly<Record<Verdict, string>> = {
  PASSED: 'passed',
  FAILED: 'failed',
  WARNING: 'warning',
  NOT_APPLICABLE: 'not applicable',
  ERRORED: 'errored',
};

/** Display order of verdict counts: the bad news first, then the rest. Also the precedence when several checks or shards judge one requirement. */
export const VERDICT_ORDER: readonly Verdict[] = ['FAILED', 'ERRORED', 'WARNING', 'PASSED', 'NOT_APPLICABLE'];

/** The worse of two verdicts on one requirement (FAILED over ERRORED over WARNING over PASSED over NOT_APPLICABLE); `a` when equal. */
export function worseVerdict(a: Verdict, b: Verdict): Verdict {
  return VERDICT_ORDER.indexOf(a) <= VERDICT_ORDER.indexOf(b) ? a : b;
}

/** `87.5` → `"87.5%"`, `100` → `"100%"`. */
export function formatPercent(score: number): string {
  const rounded = Math.round(score * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}%`;
}

/** Requirements that can be scored at all (not NOT_APPLICABLE). */
export function applicableCount(results: Pick<RunResults, 'summary'>): number {
  return results.summary.total - results.summary.NOT_APPLICABLE;
}

/**
 * The headline every format shows: `"87.5% conforming"`, or why there is no
 * score. The score counts applicable requirements only, so how many were not
 * applicable stands next to it: 100% of 15 is not 100% of 64.
 */
export function scoreMessage(results: Pick<RunResults, 'summary'>): string {
  const applicable = applicableCount(results);
  if (applicable === 0) return 'nothing applicable: not checked';
  const na = results.summary.NOT_APPLICABLE;
  return `${formatPercent(results.summary.score)} conforming${na > 0 ? ` (${applicable} of ${results.summary.total} applicable)` : ''}`;
}

/** Requirements grouped by area, areas in {@link AREAS} order, empty areas left out. */
export function groupByArea(requirements: readonly RequirementResult[]): Array<[Area, RequirementResult[]]> {
  const groups = new Map<Area, RequirementResult[]>();
  for (const area of AREAS) groups.set(area, []);
  for (const r of requirements) {
    const list = groups.get(r.area);
    if (list) list.push(r);
    else groups.set(r.area, [r]);
  }
  return [...groups].filter(([, list]) => list.length > 0);
}

/** Verdict counts of a list of requirements. */
export function countVerdicts(requirements: readonly RequirementResult[]): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { PASSED: 0, FAILED: 0, WARNING: 0, NOT_APPLICABLE: 0, ERRORED: 0 };
  for (const r of requirements) counts[r.verdict] += 1;
  return counts;
}

/** Stable, readable JSON. `undefined` (an absent claim) prints as `(absent)`. */
export function prettyJson(value: unknown): string {
  if (value === undefined) return '(absent)';
  return JSON.stringify(value, null, 2) ?? String(value);
}

export function isFailing(v: Verdict): boolean {
  return v === 'FAILED' || v === 'ERRORED';
}
