/**
 * mutation-results.json: the campaign's control, every mutant's outcome and
 * the scores per family, area, target and killing requirement.
 *
 * score = killed / (killed + survived): equivalent mutants (ledgered) and
 * unexercised ones (the operator never found anything to change) are left
 * out; an errored mutant (a check could not judge) counts as killed, since
 * the run is red, and is listed apart.
 */
import type { CampaignOutcome, MutantResult, MutantStatus } from './campaign.js';
import { plural } from '../cli/term.js';

export interface Tally {
  total: number;
  killed: number;
  errored: number;
  equivalent: number;
  survived: number;
  unexercised: number;
  /** (killed + errored) / (killed + errored + survived); null when nothing counts. */
  score: number | null;
}

export interface CampaignResults {
  schemaVersion: 1;
  kind: 'kinde-token-conformance mutation campaign';
  target: string;
  seed: number;
  runs: number;
  escalateRuns: number;
  /** Operators selected (before sampling) and how they were chosen. */
  selection: { operators?: string; sample?: number; selected: number; generated: number; shard?: { index: number; count: number } };
  startedAt: string;
  finishedAt: string;
  wallMs: number;
  /** Of wallMs, the control (with the recording the mutants replay). */
  controlMs?: number;
  control: CampaignOutcome['control'];
  summary: Tally;
  byFamily: Record<string, Tally>;
  byArea: Record<string, Tally>;
  byTarget: Record<string, Tally>;
  /** How many mutants each requirement killed first. */
  killedBy: Record<string, number>;
  /** Survivors no ledger entry explains: each makes `power` exit 1. */
  unexplained: string[];
  /** Ledgered as equivalent yet killed: the suite is stricter than the ledger says (review the entry or the check). */
  ledgeredButKilled: string[];
  mutants: MutantResult[];
}

function empty(): Tally {
  return { total: 0, killed: 0, errored: 0, equivalent: 0, survived: 0, unexercised: 0, score: null };
}

function add(t: Tally, s: MutantStatus): void {
  t.total += 1;
  t[s] += 1;
  const counted = t.killed + t.errored + t.survived;
  t.score = counted === 0 ? null : (t.killed + t.errored) / counted;
}

function group(mutants: MutantResult[], key: (m: MutantResult) => string): Record<string, Tally> {
  const out: Record<string, Tally> = {};
  for (const m of mutants) add((out[key(m)] ??= empty()), m.status);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

export function buildResults(
  outcome: CampaignOutcome,
  meta: Pick<CampaignResults, 'target' | 'seed' | 'runs' | 'escalateRuns' | 'selection' | 'startedAt' | 'finishedAt'>,
): CampaignResults {
  const summary = empty();
  const killedBy: Record<string, number> = {};
  for (const m of outcome.mutants) {
    add(summary, m.status);
    if (m.status === 'killed' && m.detection?.requirement) killedBy[m.detection.requirement] = (killedBy[m.detection.requirement] ?? 0) + 1;
  }
  return {
    schemaVersion: 1,
    kind: 'kinde-token-conformance mutation campaign',
    ...meta,
    wallMs: outcome.wallMs,
    ...(outcome.controlMs !== undefined ? { controlMs: outcome.controlMs } : {}),
    control: outcome.control,
    summary,
    byFamily: group(outcome.mutants, (m) => m.family),
    byArea: group(outcome.mutants, (m) => m.area),
    byTarget: group(outcome.mutants, (m) => m.target),
    killedBy: Object.fromEntries(Object.entries(killedBy).sort(([, a], [, b]) => b - a)),
    unexplained: outcome.mutants.filter((m) => m.status === 'survived').map((m) => m.id),
    ledgeredButKilled: outcome.mutants.filter((m) => m.ledgered && (m.status === 'killed' || m.status === 'errored')).map((m) => m.id),
    mutants: outcome.mutants,
  };
}

export function percent(x: number | null): string {
  // Rounded like Stryker (0.6666 → 66.7 %), never to 100 % below 1.
  return x === null ? '—' : `${(x < 1 && Math.round(x * 1000) >= 1000 ? 99.9 : Math.round(x * 1000) / 10).toFixed(1)} %`;
}

/** A few lines for the terminal. */
export function renderSummary(r: CampaignResults): string {
  const s = r.summary;
  const lines = [
    `mutation campaign against ${r.target}: ${plural(s.total, 'mutant')} (seed ${r.seed}, ${plural(r.runs, 'run')} per check, escalation ${r.escalateRuns}), ${(r.wallMs / 1000).toFixed(1)} s`,
    `  killed ${s.killed}, errored ${s.errored}, equivalent ${s.equivalent}, unexplained survivors ${s.survived}, unexercised ${s.unexercised}`,
    `  score ${percent(s.score)} (killed / (killed + survived); equivalents and unexercised left out)`,
  ];
  for (const [area, t] of Object.entries(r.byArea)) lines.push(`  ${area.padEnd(12)} ${percent(t.score).padStart(8)}  (${t.killed + t.errored}/${t.killed + t.errored + t.survived}, ${t.equivalent} equivalent, ${t.unexercised} unexercised)`);
  if (r.unexplained.length > 0) lines.push(`  UNEXPLAINED SURVIVORS (not in mutation/equivalent.json):`, ...r.unexplained.map((id) => `    ${id}`));
  if (r.ledgeredButKilled.length > 0) lines.push(`  ledgered as equivalent but killed (the suite is stricter than the ledger): ${r.ledgeredButKilled.join(', ')}`);
  return lines.join('\n');
}
