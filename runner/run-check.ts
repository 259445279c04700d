/**
 * Runs one check against a target and decides each of its requirements.
 *
 * The property is run with all undecided requirements in focus. When it fails,
 * the requirement named by the shrunk counterexample is decided (FAILED, or
 * WARNING for warning-severity ones) with the seed and path that replay it;
 * the remaining requirements are then checked again without it. Shrinking
 * executes a bounded number of candidates (deterministic: the same seed gives
 * the same path anywhere), with a time budget as a safety net so a slow
 * target cannot turn one failure into minutes (the path still replays the
 * reported counterexample exactly). A target error
 * (unreachable, protocol violation) stops the check at once: ERRORED, no
 * shrinking against a broken target. An error while shrinking a violation
 * already found ends the shrinking instead: the violation stays FAILED with
 * the smallest counterexample found so far. A violation that follows from
 * another requirement (`because`) is not shrunk at all.
 */
import fc from 'fast-check';
import { AdapterError } from '../adapters/types.js';
import type { Verdict } from '../reports/results.js';
import type { Check, CheckEnv } from '../suites/lib/check.js';
import { Judge, Violation } from '../suites/lib/violation.js';
import type { Counterexample } from '../reports/results.js';

export interface RequirementOutcome {
  verdict: Verdict;
  reason?: string;
  failure?: { message: string; counterexample: Counterexample; seed: number; path?: string };
}

export interface CheckResult {
  check: string;
  seed: number;
  runs: number;
  durationMs: number;
  outcomes: Record<string, RequirementOutcome>;
}

export interface RunCheckOptions {
  seed: number;
  runs: number;
  severity(requirement: string): 'fail' | 'warning';
  /** Only these requirements (replay / --only). */
  only?: ReadonlySet<string>;
  /** Replay a recorded failure: run exactly this path. */
  path?: string;
  /** Why a requirement does not apply to this target (undefined = it applies). */
  declined?(requirement: string): string | undefined;
  /** Milliseconds of shrinking allowed per decided requirement: a safety net for slow targets (default {@link SHRINK_BUDGET_MS}). */
  shrinkBudgetMs?: number;
  /** Shrink candidates executed at most per decided requirement (default {@link SHRINK_STEPS}). */
  maxShrinkSteps?: number;
  /** Ends the check (no further run, no further requirement) once fired. */
  signal?: AbortSignal;
  /** Stop at the first requirement decided FAILED/WARNING (a mutation campaign needs only the first). */
  firstFailureOnly?: boolean;
}

/**
 * Shrinking is bounded by a count of candidates, so a seed gives the same
 * counterexample and replay path on a fast or a loaded machine, in parallel or
 * not. The time budget only stops a target slow enough to turn one failure
 * into minutes.
 */
export const SHRINK_STEPS = 100;
export const SHRINK_BUDGET_MS = 20_000;

/** Stable per-check seed so each check replays on its own. */
export function seedFor(globalSeed: number, name: string): number {
  let h = 0x811c9dc5 ^ globalSeed;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

export async function runCheck<T>(check: Check<T>, env: CheckEnv, options: RunCheckOptions): Promise<CheckResult> {
  const started = performance.now();
  const seed = seedFor(options.seed, check.name);
  const numRuns = Math.max(1, Math.round(options.runs * (check.runsFactor ?? 1)));
  const outcomes: Record<string, RequirementOutcome> = {};
  let totalRuns = 0;

  const missing: string[] = check.needs.filter((c) => !env.info.capabilities[c]);
  if (check.verifierNeeds) {
    if (!env.verifier) missing.push('a verifier under test (--verifier)');
    else missing.push(...check.verifierNeeds.filter((c) => !env.verifier!.info.capabilities[c]).map((c) => `verifier ${c}`));
  }
  let remaining = check.requirements.filter((r) => !options.only || options.only.has(r));
  for (const r of remaining) {
    const why = options.declined?.(r);
    if (why !== undefined) outcomes[r] = { verdict: 'NOT_APPLICABLE', reason: why };
  }
  remaining = remaining.filter((r) => outcomes[r] === undefined);
  if (remaining.length === 0) return { check: check.name, seed, runs: 0, durationMs: performance.now() - started, outcomes };
  const declined = missing.length === 0 ? check.notApplicable?.(env) : undefined;
  if (declined !== undefined) {
    for (const r of remaining) outcomes[r] = { verdict: 'NOT_APPLICABLE', reason: declined };
    return { check: check.name, seed, runs: 0, durationMs: performance.now() - started, outcomes };
  }
  if (missing.length > 0) {
    for (const r of remaining) {
      const who = env.verifier && check.verifierNeeds ? env.verifier.info.name : env.info.name;
      outcomes[r] = { verdict: 'NOT_APPLICABLE', reason: `target "${who}" does not declare: ${missing.join(', ')}` };
    }
    return { check: check.name, seed, runs: 0, durationMs: performance.now() - started, outcomes };
  }

  const arbitrary = check.arbitrary(env);
  const budget = options.shrinkBudgetMs ?? SHRINK_BUDGET_MS;
  const attempt = async (focus: ReadonlySet<string>, path?: string) => {
    /** A non-violation error before any violation: the check cannot be judged (ERRORED). */
    let aborted: Error | undefined;
    /** A non-violation error while shrinking a violation already found: shrinking ends, the violation stands. */
    let shrinkStop: Error | undefined;
    /** Set by the first violation: from then on every run is a shrink candidate. */
    let found = false;
    let shrinkDeadline = Infinity;
    let shrinkSteps = 0;
    const maxSteps = options.maxShrinkSteps ?? SHRINK_STEPS;
    const property = fc.asyncProperty(arbitrary, async (input) => {
      // Done (an error, or shrinking out of budget): end the run here. An interrupt keeps the
      // failure found so far; merely passing the remaining candidates would make fast-check
      // build every one of them (thousands for a generated tenant) for nothing.
      if (options.signal?.aborted && !aborted) aborted = new Error(`check aborted: ${String((options.signal.reason as Error | undefined)?.message ?? 'cancelled')}`);
      if (aborted || shrinkStop || performance.now() > shrinkDeadline || (found && shrinkSteps++ >= maxSteps)) {
        throw new fc.PreconditionFailure(true);
      }
      const judge = new Judge(focus);
      try {
        await check.predicate(input, judge, env);
      } catch (e) {
        if (e instanceof Violation) {
          // A failure that follows from another requirement is not shrunk: that requirement's own counterexample is.
          if (!found) shrinkDeadline = performance.now() + (e.details.because !== undefined ? 0 : budget);
          found = true;
          throw e;
        }
        const error = e instanceof Error ? e : new Error(String(e));
        if (found) shrinkStop = error;
        else aborted = error;
      }
    });
    const params: fc.Parameters<[T]> = { seed, numRuns };
    if (path !== undefined) Object.assign(params, { path, endOnFailure: true });
    const details = await fc.check(property, params);
    totalRuns += details.numRuns;
    return { details, aborted, shrinkStop };
  };

  while (remaining.length > 0) {
    const { details, aborted, shrinkStop } = await attempt(new Set(remaining), options.path);
    if (aborted) {
      for (const r of remaining) outcomes[r] = { verdict: 'ERRORED', reason: describeError(aborted) };
      break;
    }
    if (!details.failed) {
      for (const r of remaining) outcomes[r] = { verdict: 'PASSED' };
      break;
    }
    const first = details.errorInstance;
    if (!(first instanceof Violation)) {
      const why = `property failed without a requirement violation: ${String((first as Error)?.message ?? first)}`;
      for (const r of remaining) outcomes[r] = { verdict: 'ERRORED', reason: why };
      break;
    }
    const req = first.requirement;
    outcomes[req] = {
      verdict: options.severity(req) === 'warning' ? 'WARNING' : 'FAILED',
      failure: {
        message: first.message,
        counterexample: first.toCounterexample(),
        seed,
        ...(details.counterexamplePath ? { path: details.counterexamplePath } : {}),
      },
      ...(shrinkStop ? { reason: `shrinking stopped early (the counterexample is the smallest found before): ${describeError(shrinkStop)}` } : {}),
    };
    remaining = remaining.filter((r) => r !== req);
    if (options.firstFailureOnly) break;
    if (options.path !== undefined) {
      // A replay decides only what it reproduces.
      for (const r of remaining) outcomes[r] = { verdict: 'NOT_APPLICABLE', reason: 'not part of the replayed failure' };
      break;
    }
  }
  return { check: check.name, seed, runs: totalRuns, durationMs: performance.now() - started, outcomes };
}

function describeError(e: Error): string {
  // By code, not only by class: an adapter module of the user's may throw its own errors (or another copy of AdapterError).
  const code = e instanceof AdapterError ? e.code : (e as { code?: unknown }).code;
  return typeof code === 'string' && /^ERR_(TARGET|VERIFIER|WORKFLOW)_[A-Z_]+$/.test(code) ? `${code}: ${e.message}` : `unexpected error: ${e.stack ?? e.message}`;
}
