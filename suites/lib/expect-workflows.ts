/**
 * What a correct issuer does with a list of deployed workflow programs for one
 * token request: run every one of the request's trigger; a run that fails
 * ends the request (failurePolicy stop, the default) or contributes nothing
 * (continue); the writes of runs that complete are applied.
 *
 * Neither the docs nor kinde-oss/workflows-runtime (one workflow per
 * execution) define an order between several workflows of one trigger, so
 * only what holds in every order is expected: a refusal (any stop-policy
 * failure refuses, whatever ran before), and per claim any applied
 * workflow's last value where several workflows write it ({@link possibleClaims}).
 */
import type { JsonValue } from '../../adapters/types.js';
import {
  expectedRun,
  finalClaims,
  TRIGGER_BINDINGS,
  type EventPath,
  type ExpectedWrite,
  type FixtureReads,
  type TokenBinding,
  type UndefinedWrite,
  type WorkflowProgram,
  type WorkflowTriggerName,
} from '../../generators/workflow.js';
import { jsonEqual } from './json.js';

export interface Expectation {
  /** Set when a failing workflow with policy stop must make the request fail. */
  refusal?: { cause: 'threw' | 'undeclared-binding' | 'timeout'; workflow: string };
  /** The applied writes in deployment order (the reference's order: one of the allowed ones). */
  writes: ExpectedWrite[];
  /** The applied writes per workflow that completed. */
  applied: ExpectedWrite[][];
  /** Workflows that failed under policy continue (their writes are not applied). */
  continued: Array<{ cause: string; workflow: string }>;
}

export function expectWorkflows(
  programs: WorkflowProgram[],
  trigger: WorkflowTriggerName,
  event: Record<EventPath, JsonValue | undefined>,
  offered: readonly TokenBinding[] = TRIGGER_BINDINGS[trigger],
  undefinedWrite: UndefinedWrite = 'refuse',
  reads?: FixtureReads,
): Expectation {
  const out: Expectation = { writes: [], applied: [], continued: [] };
  programs.forEach((p, i) => {
    if (p.trigger !== trigger) return;
    const run = expectedRun(p, { offered, event, ...(reads !== undefined ? { reads } : {}) }, undefinedWrite);
    const id = `${p.id}_${i}`;
    if (run.completes) {
      out.writes.push(...run.writes);
      out.applied.push(run.writes);
    } else if (p.failurePolicy === 'continue') out.continued.push({ cause: run.failure!, workflow: id });
    else out.refusal ??= { cause: run.failure!, workflow: id };
  });
  if (out.refusal) {
    out.writes = [];
    out.applied = [];
  }
  return out;
}

/**
 * Per claim of `binding`, every value the token may end with: the last value
 * of each applied workflow that writes it (any of them may have run last).
 */
export function possibleClaims(e: Expectation, binding: TokenBinding): Map<string, JsonValue[]> {
  const out = new Map<string, JsonValue[]>();
  for (const writes of e.applied) {
    for (const [name, value] of finalClaims(writes, binding)) {
      const values = out.get(name) ?? [];
      if (!values.some((v) => jsonEqual(v, value))) values.push(value);
      out.set(name, values);
    }
  }
  return out;
}

/** Claim names written through any binding other than `binding`. */
export function namesWrittenElsewhere(writes: ExpectedWrite[], binding: TokenBinding): Set<string> {
  return new Set(writes.filter((w) => w.binding !== binding).map((w) => w.name));
}

export { finalClaims };
