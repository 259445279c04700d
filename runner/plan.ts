/**
 * Which checks a run executes: the issuer or verifier pool, narrowed by
 * `--only` and `--shard`. Shards slice the selected checks round-robin, so
 * merged shards decide exactly what one unsharded run decides.
 */
import type { Area } from '../reports/results.js';
import { SUITES, VERIFIER_SUITES } from '../suites/index.js';
import type { Check } from '../suites/lib/check.js';

export interface PlannedCheck {
  area: Area;
  check: Check<any>;
}

export interface Shard {
  index: number;
  count: number;
}

export function planChecks(opts: { verifier?: string | undefined; only: readonly string[]; shard?: Shard | undefined }): PlannedCheck[] {
  const suites = opts.verifier !== undefined ? VERIFIER_SUITES : SUITES;
  const all = suites.flatMap((s) => s.checks.map((check) => ({ area: s.area, check })));
  const selected = all.filter(({ check }) => opts.only.length === 0 || check.requirements.some((r) => opts.only.includes(r)));
  const shard = opts.shard;
  return shard ? selected.filter((_, i) => i % shard.count === shard.index - 1) : selected;
}

/** A check by its (unique) name, within a plan. */
export function findPlanned(plan: readonly PlannedCheck[], name: string): PlannedCheck {
  const found = plan.find((p) => p.check.name === name);
  if (!found) throw new Error(`no check named "${name}" in this run`);
  return found;
}
