/**
 * Running the issuer checks against one adapter, stopping at the first
 * requirement that fails (a mutant is killed once; the rest of the suite
 * would only say it again). Shrinking is switched off: a campaign measures
 * whether a defect is seen, and the unshrunk counterexample says by what.
 */
import type { Adapter, TargetInfo } from '../adapters/types.js';
import { ALL_CHECKS } from '../suites/index.js';
import type { Check } from '../suites/lib/check.js';
import { declinedBy, severityFor } from '../runner/execute.js';
import { runCheck } from '../runner/run-check.js';

export interface Detection {
  /** FAILED or WARNING: a requirement saw it. ERRORED: a check could not judge (target error or suite crash). */
  verdict: 'FAILED' | 'WARNING' | 'ERRORED';
  requirement?: string;
  check: string;
  message: string;
}

export interface SuiteRun {
  detection?: Detection;
  /** Requirements decided PASSED (for the control). */
  passed: string[];
  checksRun: number;
}

export interface SuiteOptions {
  seed: number;
  runs: number;
  checks?: ReadonlyArray<Check<any>>;
  /** Keep going after a detection (the control reports every failure). */
  all?: boolean;
  /** Told before and after each check (the recorder and the replayer keep one list of exchanges per check). */
  checkBoundary?: { beginCheck(check: string): void; endCheck(check: string): void };
}

export async function runSuite(adapter: Adapter, info: TargetInfo, options: SuiteOptions): Promise<SuiteRun & { detections: Detection[] }> {
  const detections: Detection[] = [];
  const passed: string[] = [];
  let checksRun = 0;
  for (const check of options.checks ?? ALL_CHECKS) {
    checksRun += 1;
    options.checkBoundary?.beginCheck(check.name);
    const r = await runCheck(check, { adapter, info }, {
      seed: options.seed,
      runs: options.runs,
      severity: (id) => severityFor(info, id),
      declined: (id) => declinedBy(info, id),
      shrinkBudgetMs: 0,
      maxShrinkSteps: 0,
      // Only the first violation of a check decides a mutant: the other requirements would not change it.
      firstFailureOnly: !options.all,
    });
    options.checkBoundary?.endCheck(check.name);
    for (const [id, o] of Object.entries(r.outcomes)) {
      if (o.verdict === 'PASSED') passed.push(id);
      if (o.verdict === 'FAILED' || o.verdict === 'WARNING') {
        detections.push({ verdict: o.verdict, requirement: id, check: check.name, message: o.failure?.message ?? '' });
      } else if (o.verdict === 'ERRORED') {
        detections.push({ verdict: 'ERRORED', requirement: id, check: check.name, message: o.reason ?? '' });
      }
    }
    if (detections.length > 0 && !options.all) break;
  }
  // A real failure outranks an error of another requirement of the same check.
  const first = detections.find((d) => d.verdict !== 'ERRORED') ?? detections[0];
  return { ...(first ? { detection: first } : {}), passed, checksRun, detections };
}
