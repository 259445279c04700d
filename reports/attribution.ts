/**
 * One defect, one failure to read first. A check can only see its own
 * requirements, so a defect such as "a workflow can overwrite sub" also turns
 * other rows red (the failure-policy and schema checks see the same changed
 * claim). A violation names the requirement whose statement the same evidence
 * breaks (`counterexample.because`); here, once the whole run is known, a
 * failure whose cause also failed is marked `consequenceOf` that cause's root.
 *
 * Nothing is hidden: the verdict stays FAILED and counts as one, the exit code
 * is unchanged, and a failure whose named cause passed stays a failure of its
 * own (the evidence was not explained by anything else that failed).
 */
import type { RequirementResult } from './results.js';

const DECIDED_BROKEN = new Set(['FAILED', 'WARNING']);

/** Root cause per failure explained by another failure of the same run: id → root id. */
export function consequences(requirements: readonly RequirementResult[]): Map<string, string> {
  const byId = new Map(requirements.map((r) => [r.id, r]));
  const causeOf = (r: RequirementResult): RequirementResult | undefined => {
    const id = r.failure?.counterexample?.because;
    const cause = id === undefined || id === r.id ? undefined : byId.get(id);
    return cause && DECIDED_BROKEN.has(cause.verdict) ? cause : undefined;
  };
  const out = new Map<string, string>();
  for (const r of requirements) {
    if (!DECIDED_BROKEN.has(r.verdict)) continue;
    // Follow the chain to its root; a cycle has no root, and then nothing is marked.
    const seen = new Set([r.id]);
    let root = causeOf(r);
    while (root) {
      if (seen.has(root.id)) {
        root = undefined;
        break;
      }
      seen.add(root.id);
      const next = causeOf(root);
      if (!next) break;
      root = next;
    }
    if (root) out.set(r.id, root.id);
  }
  return out;
}

/** A copy of `results` whose requirements carry `consequenceOf`, recomputed for the whole run (shards merged included). */
export function withConsequences<T extends { requirements: RequirementResult[] }>(results: T): T {
  const map = consequences(results.requirements);
  const requirements = results.requirements.map((r) => {
    const { consequenceOf: _old, ...rest } = r;
    const root = map.get(r.id);
    return root === undefined ? rest : { ...rest, consequenceOf: root };
  });
  return { ...results, requirements };
}

/** Failures to read first (their own), then those that follow from them; each group keeps its order. */
export function rootsFirst(list: RequirementResult[]): RequirementResult[] {
  return [...list.filter((r) => r.consequenceOf === undefined), ...list.filter((r) => r.consequenceOf !== undefined)];
}
