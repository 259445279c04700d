/**
 * Runs a workflow under generated requests with fast-check. The property is
 * "the workflow finishes": a throw, a rejection, a timeout or a promise that
 * never settles is a counterexample, which fast-check shrinks to the smallest
 * request (few users and orgs, short scopes). Runs that end in a binding the
 * reference does not implement are inconclusive, never failures. Everything
 * else the runs show is accumulated in {@link Observations}.
 */
import fc from 'fast-check';
import { MAX_TIMEOUT_MS, type WorkflowErrorCode, type WorkflowSettingsInfo } from '../reference/workflows/index.js';
import { NATIVE_GLOBALS, referenceSupports, type TokenTrigger } from './bindings.js';
import type { Harness, Observed, Step, StepOutcome } from './execute.js';
import { Observations } from './observations.js';
import type { CheckedRun, CheckedWorkflow } from './sandbox.js';
import { caseArb, type CheckCase } from './scenario.js';

export interface RunContext {
  harness: Harness;
  checked: CheckedWorkflow;
  settings: WorkflowSettingsInfo;
  trigger: TokenTrigger;
  timeoutMs: number;
}

export interface FailedRun {
  step: Step;
  run: CheckedRun;
  code: WorkflowErrorCode;
  message: string;
}

export interface CaseResult {
  observed: Observed;
  failed?: FailedRun;
  /** Runs that reached a binding the reference lacks. */
  inconclusive?: string;
  /** What the issuer did with the workflow deployed (absent when a direct run failed or was inconclusive). */
  outcome?: StepOutcome[];
  runs: CheckedRun[];
}

/** Why a failed run says nothing about the workflow (undefined = it is the workflow's own failure). */
function unsupportedReason(run: CheckedRun, settings: WorkflowSettingsInfo): string | undefined {
  const declared = new Set(settings.bindings);
  for (const r of run.records) {
    if (r.k !== 'b') continue;
    const b = `kinde.${r.n}`;
    if (!r.ok && !referenceSupports(b) && declared.has(b)) return `${b} (declared; the reference does not implement it yet)`;
  }
  if (run.result.ok) return undefined;
  const m = /^ReferenceError: (\w+) is not defined/.exec(run.result.error.message);
  const native = m ? NATIVE_GLOBALS[m[1]!] : undefined;
  if (native && declared.has(native) && !referenceSupports(native)) return `${native} (declared; the reference does not implement it yet)`;
  return undefined;
}

/**
 * The second, longer budget a timed-out run gets before it counts as a timeout.
 * Budgets are wall-clock: on a busy machine a quick workflow can miss the first
 * one, never (in practice) both; a workflow that loops misses both.
 */
export function extendedBudget(timeoutMs: number): number {
  return Math.min(MAX_TIMEOUT_MS, Math.max(timeoutMs * 3, timeoutMs + 1000));
}

/** Runs one case: the direct runs (one per token request), then the issuance when they all finished. */
export async function runCase(ctx: RunContext, c: CheckCase, obs: Observations, issue = true): Promise<CaseResult> {
  obs.cases++;
  const observed = await ctx.harness.observe(c);
  if (observed.notRun) obs.addNotRun(observed.notRun);
  const runs: CheckedRun[] = [];
  for (const step of observed.steps) {
    let run = await ctx.checked.run(ctx.settings, step.event, step.tokens, ctx.timeoutMs);
    if (!run.result.ok && run.result.error.code === 'ERR_WORKFLOW_TIMEOUT') {
      const again = await ctx.checked.run(ctx.settings, step.event, step.tokens, extendedBudget(ctx.timeoutMs));
      if (again.result.ok || again.result.error.code !== 'ERR_WORKFLOW_TIMEOUT') obs.addSlow(again.result.durationMs);
      run = again;
    }
    runs.push(run);
    obs.addRun(run, step);
    if (run.result.ok) continue;
    const reason = unsupportedReason(run, ctx.settings);
    if (reason !== undefined) {
      obs.addInconclusive(reason);
      return { observed, inconclusive: reason, runs };
    }
    return { observed, runs, failed: { step, run, code: run.result.error.code, message: run.result.error.message } };
  }
  if (!issue || observed.notRun !== undefined) return { observed, runs };
  const outcome = await ctx.harness.issue(c, ctx.checked.source);
  obs.addOutcome(c, observed.steps, outcome);
  return { observed, runs, outcome };
}

class CaseFailed extends Error {
  constructor(readonly result: CaseResult) {
    super(result.failed ? `${result.failed.code}: ${result.failed.message}` : 'failed');
  }
}

export interface ExploreOptions {
  seed: number;
  runs: number;
  /** Replays one recorded fast-check path. */
  path?: string;
  /** Milliseconds of shrinking allowed after the first failure (default 3000). */
  shrinkBudgetMs?: number;
}

export interface ExploreResult {
  numRuns: number;
  observations: Observations;
  failure?: { case: CheckCase; path?: string; numShrinks: number };
  /** check-workflow itself broke (never a verdict on the workflow). */
  aborted?: Error;
}

export async function explore(ctx: RunContext, options: ExploreOptions, observations = new Observations()): Promise<ExploreResult> {
  const budget = options.shrinkBudgetMs ?? 3000;
  let aborted: Error | undefined;
  let shrinkDeadline = Infinity;
  const property = fc.asyncProperty(caseArb(ctx.trigger), async (c) => {
    if (aborted || performance.now() > shrinkDeadline) return;
    let result: CaseResult;
    try {
      result = await runCase(ctx, c, observations);
    } catch (e) {
      aborted = e instanceof Error ? e : new Error(String(e));
      return;
    }
    if (result.failed) {
      if (shrinkDeadline === Infinity) shrinkDeadline = performance.now() + budget;
      throw new CaseFailed(result);
    }
  });
  const params: fc.Parameters<[CheckCase]> = { seed: options.seed, numRuns: options.runs };
  if (options.path !== undefined) Object.assign(params, { path: options.path, endOnFailure: true });
  const details = await fc.check(property, params);
  const out: ExploreResult = { numRuns: details.numRuns, observations };
  if (aborted) out.aborted = aborted;
  else if (details.failed && details.counterexample) {
    out.failure = {
      case: details.counterexample[0],
      numShrinks: details.numShrinks,
      ...(details.counterexamplePath ? { path: details.counterexamplePath } : {}),
    };
  } else if (details.failed) {
    const e: unknown = details.errorInstance;
    out.aborted = e instanceof Error ? e : new Error(String(e));
  }
  return out;
}
