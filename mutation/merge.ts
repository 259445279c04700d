/**
 * Shards of one campaign and their merge.
 *
 * `power --shard=i/n` runs slice i of the selected operators (round robin over
 * the selection, so every shard gets a share of each family and of the slow
 * live operators); `power report --merge shard-*\/mutation-results.json`
 * folds the shards' files into the results one job would have written: the
 * same mutants in the same order, the same tallies and exit code. Only the
 * timing differs (the merge keeps the earliest start, the latest finish and
 * the longest shard's wall time). A file that is not a shard of the same
 * campaign (another seed, target, run count, selection or shard count; a
 * shard missing or given twice) is refused, naming the file.
 */
import type { Shard } from '../runner/plan.js';
import type { ControlResult, MutantResult, MutantStatus } from './campaign.js';
import { allOperators, sampleOperators, selectOperators } from './operators.js';
import { buildResults, type CampaignResults } from './report.js';
import type { Operator } from './types.js';

export function shardOperators<T>(ops: readonly T[], shard: Shard | undefined): T[] {
  return shard ? ops.filter((_, i) => i % shard.count === shard.index - 1) : [...ops];
}

export class PowerMergeError extends Error {
  readonly code = 'ERR_POWER_MERGE';
}

const STATUSES: readonly MutantStatus[] = ['killed', 'errored', 'equivalent', 'survived', 'unexercised'];

/** The parts of a results file the merge relies on, checked (a results file is foreign input). */
export function checkCampaignResults(file: string, value: unknown): CampaignResults {
  const bad = (why: string) => new PowerMergeError(`${file}: not a mutation-results.json of this version (${why})`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('not a JSON object');
  const r = value as Record<string, unknown>;
  if (r.kind !== 'kinde-token-conformance mutation campaign' || r.schemaVersion !== 1) throw bad('kind or schemaVersion');
  for (const k of ['seed', 'runs', 'escalateRuns', 'wallMs'] as const) if (!Number.isSafeInteger(r[k])) throw bad(`${k} is not an integer`);
  if (typeof r.target !== 'string' || typeof r.startedAt !== 'string' || typeof r.finishedAt !== 'string') throw bad('target, startedAt or finishedAt');
  const sel = r.selection as Record<string, unknown> | undefined;
  if (typeof sel !== 'object' || sel === null || !Number.isSafeInteger(sel.selected) || !Number.isSafeInteger(sel.generated)) throw bad('selection');
  const control = r.control as Record<string, unknown> | undefined;
  if (typeof control !== 'object' || control === null || typeof control.passed !== 'boolean' || !Array.isArray(control.failures)) throw bad('control');
  if (!Array.isArray(r.mutants)) throw bad('mutants is not an array');
  for (const m of r.mutants as unknown[]) {
    const x = m as Record<string, unknown>;
    if (typeof x !== 'object' || x === null || typeof x.id !== 'string' || !STATUSES.includes(x.status as MutantStatus)) throw bad('a mutant without id or known status');
  }
  return value as CampaignResults;
}

function sameCampaign(a: CampaignResults, b: CampaignResults): string | undefined {
  for (const k of ['target', 'seed', 'runs', 'escalateRuns'] as const) if (a[k] !== b[k]) return `${k} ${JSON.stringify(b[k])} ≠ ${JSON.stringify(a[k])}`;
  const { shard: sa, ...restA } = a.selection;
  const { shard: sb, ...restB } = b.selection;
  if (JSON.stringify(restA) !== JSON.stringify(restB)) return `another operator selection (${JSON.stringify(restB)} ≠ ${JSON.stringify(restA)})`;
  if (sa?.count !== sb?.count) return `another shard count (${sb?.count ?? 'none'} ≠ ${sa?.count ?? 'none'})`;
  return undefined;
}

/** The order one unsharded job would have run the operators in (ids this version does not generate go last). */
function selectionOrder(r: CampaignResults): Map<string, number> {
  let ops: Operator[] = [];
  try {
    const selected = selectOperators(r.selection.operators, allOperators());
    ops = r.selection.sample === undefined ? selected : sampleOperators(selected, r.selection.sample, r.seed);
  } catch {
    /* another version's selection: keep the files' order */
  }
  return new Map(ops.map((op, i) => [op.id, i]));
}

function mergeControl(controls: ControlResult[]): ControlResult {
  const seen = new Set<string>();
  const failures = controls.flatMap((c) => c.failures).filter((f) => {
    const k = JSON.stringify(f);
    return seen.has(k) ? false : (seen.add(k), true);
  });
  return { passed: controls.every((c) => c.passed), failures, requirementsPassed: Math.max(0, ...controls.map((c) => c.requirementsPassed)) };
}

/** One campaign's results from its shards' (`files` name them in errors). */
export function mergeCampaignResults(shards: ReadonlyArray<{ file: string; results: CampaignResults }>): CampaignResults {
  if (shards.length === 0) throw new PowerMergeError('no results file to merge');
  const first = shards[0]!.results;
  const count = first.selection.shard?.count ?? 1;
  const byIndex = new Map<number, string>();
  for (const { file, results } of shards) {
    const why = sameCampaign(first, results);
    if (why) throw new PowerMergeError(`${file} is not a shard of the same campaign as ${shards[0]!.file}: ${why}`);
    const index = results.selection.shard?.index ?? 1;
    const twice = byIndex.get(index);
    if (twice !== undefined) throw new PowerMergeError(`${file} and ${twice} are both shard ${index}/${count}`);
    byIndex.set(index, file);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) throw new PowerMergeError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing: merge every shard of the campaign`);
  const order = selectionOrder(first);
  const mutants: MutantResult[] = [];
  const ids = new Set<string>();
  for (const { file, results } of shards) {
    for (const m of results.mutants) {
      if (ids.has(m.id)) throw new PowerMergeError(`${file}: mutant ${JSON.stringify(m.id)} is in two shards`);
      ids.add(m.id);
      mutants.push(m);
    }
  }
  const rank = (m: MutantResult) => order.get(m.id) ?? Number.MAX_SAFE_INTEGER;
  mutants.sort((a, b) => rank(a) - rank(b));
  const all = shards.map((s) => s.results);
  const { shard: _shard, ...selection } = first.selection;
  return buildResults(
    {
      control: mergeControl(all.map((r) => r.control)),
      mutants,
      wallMs: Math.max(...all.map((r) => r.wallMs)),
      ...(all.every((r) => r.controlMs !== undefined) ? { controlMs: Math.max(...all.map((r) => r.controlMs!)) } : {}),
    },
    {
      target: first.target,
      seed: first.seed,
      runs: first.runs,
      escalateRuns: first.escalateRuns,
      selection,
      startedAt: all.map((r) => r.startedAt).sort()[0]!,
      finishedAt: all.map((r) => r.finishedAt).sort().at(-1)!,
    },
  );
}
