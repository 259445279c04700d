/**
 * What a correct issuer does with a list of deployed workflow programs for one
 * token request: run those of the request's trigger in order; a run that
 * fails ends the request (failurePolicy stop, the default) or contributes
 * nothing (continue); the writes of runs that complete are applied.
 */
import type { JsonValue } from '../../adapters/types.js';
import {
  expectedRun,
  finalClaims,
  TRIGGER_BINDINGS,
  type EventPath,
  type ExpectedWrite,
  type TokenBinding,
  type WorkflowProgram,
  type WorkflowTriggerName,
} from '../../generators/workflow.js';

export interface Expectation {
  /** Set when a failing workflow with policy stop must make the request fail. */
  refusal?: { cause: 'threw' | 'undeclared-binding' | 'timeout'; workflow: string };
  writes: ExpectedWrite[];
  /** Workflows that failed under policy continue (their writes are not applied). */
  continued: Array<{ cause: string; workflow: string }>;
}

export function expectWorkflows(
  programs: WorkflowProgram[],
  trigger: WorkflowTriggerName,
  event: Record<EventPath, JsonValue | undefined>,
  offered: readonly TokenBinding[] = TRIGGER_BINDINGS[trigger],
): Expectation {
  const out: Expectation = { writes: [], continued: [] };
  programs.forEach((p, i) => {
    if (out.refusal || p.trigger !== trigger) return;
    const run = expectedRun(p, { offered, event });
    const id = `${p.id}_${i}`;
    if (run.completes) out.writes.push(...run.writes);
    else if (p.failurePolicy === 'continue') out.continued.push({ cause: run.failure!, workflow: id });
    else out.refusal = { cause: run.failure!, workflow: id };
  });
  return out;
}

/** Claim names written through any binding other than `binding`. */
export function namesWrittenElsewhere(writes: ExpectedWrite[], binding: TokenBinding): Set<string> {
  return new Set(writes.filter((w) => w.binding !== binding).map((w) => w.name));
}

export { finalClaims };
