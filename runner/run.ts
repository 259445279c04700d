/**
 * A conformance run without any test framework: plan the checks, execute them
 * (worker threads, or inline), fold the outcomes into {@link RunResults}.
 *
 * Target health (runner/health.ts): a check that ends on a target failure
 * (timeout, protocol error, unreachable) fails that check; the target counts
 * as broken when its start or a fresh handshake probe fails as well, or after
 * several checks failed on the same call. Then the remaining checks are not attempted
 * (ERRORED, naming the failure), unless `keepGoing`. A hung target so costs
 * about one or two timeouts per lane, not one per check.
 */
import { availableParallelism } from 'node:os';
import type { RunResults } from '../reports/results.js';
import { collectResults, type CollectedTest } from './collect.js';
import { brokenOutcomes, checkTitle, notAttempted, targetFailureCode, UNREACHABLE_CODES, type ConformanceMeta } from './execute.js';
import { consecutiveLimit, failedCall, probeAfresh, targetFailureOf, type BrokenTarget } from './health.js';
import type { ConformanceOptions } from './options.js';
import { inlineExecutor, workerExecutor, type Executor, type GivenAdapters } from './executor.js';
import { planChecks, type PlannedCheck, type Shard } from './plan.js';

export interface RunnerOptions extends ConformanceOptions {
  shard?: Shard;
  /** Checks at once, each in a worker thread of its own; 1 = inline in this thread. Default: the cores, at most 4. */
  concurrency?: number;
  /** Go on after the target failed (unreachable, timeout, protocol). */
  keepGoing?: boolean;
}

export interface RunHooks {
  onCheckStart?(check: PlannedCheck): void;
  onCheckDone?(meta: ConformanceMeta, done: number, total: number): void;
}

export interface RunOutcome {
  /** Undefined when no check was selected. */
  results?: RunResults;
  checks: { passed: number; failed: number; skipped: number; total: number };
  /** The failure that declared the target broken, when the run stopped early (or would have, under keepGoing). */
  targetFailure?: BrokenTarget;
}

export function defaultConcurrency(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

export async function runChecks(options: RunnerOptions, hooks: RunHooks = {}, given: GivenAdapters = {}): Promise<RunOutcome> {
  const startedAt = new Date();
  const t0 = performance.now();
  let firstCheckAt: number | undefined;
  const onStart = (planned: PlannedCheck) => {
    firstCheckAt ??= performance.now();
    hooks.onCheckStart?.(planned);
  };
  const plan = planChecks({ verifier: options.verifier, only: options.only, shard: options.shard });
  const checks = { passed: 0, failed: 0, skipped: 0, total: plan.length };
  if (plan.length === 0) return { checks };
  const size = Math.min(plan.length, given.adapter || given.verifier ? 1 : (options.concurrency ?? defaultConcurrency()));
  // One lane runs in this thread (no worker to start before the first check);
  // the others each get a worker thread with an environment of its own.
  const inline = inlineExecutor(options, plan, given);
  const pool = size > 1 ? workerExecutor({ options, ...(options.shard ? { shard: options.shard } : {}) }, size - 1) : undefined;
  const executorOf = (lane: number): Executor => (lane === 0 || !pool ? inline : pool);

  const metas = new Map<string, ConformanceMeta>();
  let failure: RunOutcome['targetFailure'];
  let done = 0;
  const record = (meta: ConformanceMeta, announce = true) => {
    metas.set(meta.check, meta);
    done += 1;
    const broken = brokenOutcomes(meta, options.strict);
    const list = Object.values(meta.outcomes);
    if (broken.length > 0) checks.failed += 1;
    else if (list.length > 0 && list.every((o) => o.verdict === 'NOT_APPLICABLE')) checks.skipped += 1;
    else checks.passed += 1;
    if (announce) hooks.onCheckDone?.(meta, done, plan.length);
  };
  // Health: a target failure fails its check; the target is broken when its start or a fresh probe fails too,
  // or after `limit` checks failed on the same call (runner/health.ts).
  const limit = consecutiveLimit(size);
  const failedCalls = new Map<string, number>();
  const tripped = async (meta: ConformanceMeta) => {
    if (failure) return;
    const f = targetFailureOf(meta);
    if (!f) return;
    if (meta.unreachable !== undefined) {
      failure = f; // the start was a fresh handshake, and it failed
      return;
    }
    const call = failedCall(f.reason);
    const times = (failedCalls.get(call) ?? 0) + 1;
    failedCalls.set(call, times);
    const probe = await probeAfresh(options, f.code, given);
    if (failure) return;
    if (probe !== undefined) failure = { check: meta.check, code: targetFailureCode(probe) ?? f.code, reason: `${f.reason}; ${probe.replace(/^[A-Z_]+: /, '')}` };
    else if (times >= limit) failure = { ...f, reason: `${f.reason} (${times} checks failed on this call, although the target's handshake answers)` };
  };

  let aborting = false;
  let abortDone: Promise<void> | undefined;
  const abort = () => {
    if (aborting) return;
    aborting = true;
    abortDone = pool?.close(true);
  };
  let next = 0;
  const lane = async (index: number): Promise<void> => {
    const executor = executorOf(index);
    while (next < plan.length && !(failure && !options.keepGoing)) {
      const planned = plan[next++]!;
      let meta: ConformanceMeta;
      try {
        meta = await executor.run(planned.check.name, () => onStart(planned));
      } catch (e) {
        if (failure && !options.keepGoing) return; // aborted with the pool
        meta = notAttempted(planned.area, planned.check, options, `internal error: ${(e as Error).message}`);
      }
      record(meta);
      await tripped(meta);
      if (failure && !options.keepGoing) abort();
    }
  };
  await Promise.all(Array.from({ length: size }, (_, i) => lane(i)));
  await Promise.all([inline.close(), abortDone ?? pool?.close(false)]);

  if (failure) {
    const why = `${failure.code}: not attempted: the target failed first in check "${failure.check}": ${failure.reason.replace(/^[A-Z_]+: /, '')}`;
    // Not attempted: no progress row each (they never ran); the summary says it once.
    for (const planned of plan) if (!metas.has(planned.check.name)) record(notAttempted(planned.area, planned.check, options, why), false);
  }
  const tests: CollectedTest[] = plan.map((p) => ({ title: `${p.area} > ${checkTitle(p.check)}`, meta: metas.get(p.check.name)! }));
  const results = collectResults(tests, options, { startedAt, finishedAt: new Date() }, options.shard);
  // performance.now() counts from the process start: the start-up a user waits through is included.
  results.timing = { firstCheckAfterMs: Math.round(firstCheckAt ?? performance.now()), wallMs: Math.round(performance.now() - t0) };
  return { results, checks, ...(failure ? { targetFailure: failure } : {}) };
}

/**
 * Exit 3: the target (or verifier) could not be reached — it was declared
 * broken (its start or a fresh probe failed, or it stopped answering) with an
 * unreachable or timeout code, and nothing FAILED on its answers. One check's
 * timeout on a target that still answers is exit 1, never 3.
 */
export function unreachable(outcome: RunOutcome): boolean {
  const r = outcome.results;
  if (!r || r.summary.FAILED > 0 || !outcome.targetFailure) return false;
  return (UNREACHABLE_CODES as readonly string[]).includes(outcome.targetFailure.code);
}
