/** The shapes a campaign and its worker pool share: what is asked of a campaign and what each mutant became. */
import type { Adapter } from '../adapters/types.js';
import type { Check } from '../suites/lib/check.js';
import type { TargetOptions } from '../targets/registry.js';
import type { Ledger, LedgerEntry } from './ledger.js';
import type { Detection } from './run-suite.js';
import type { Operator } from './types.js';

export type MutantStatus = 'killed' | 'errored' | 'equivalent' | 'survived' | 'unexercised';

export interface MutantResult {
  id: string;
  family: string;
  target: string;
  area: string;
  description: string;
  status: MutantStatus;
  /** The first requirement that failed (killed) or the check that errored. */
  detection?: Detection;
  /** Tokens, answers or JWKS the operator changed during the run that decided it. */
  applied: number;
  runs: number;
  /** Killed only with the escalated run count. */
  escalated?: boolean;
  /** How the run that decided it was made: over the recorded exchanges, or against a live target. */
  path?: 'recorded' | 'live';
  /** The ledger entry covering this operator (on a killed mutant: the suite is stricter than the ledger says). */
  ledgered?: Pick<LedgerEntry, 'why' | 'docUrl' | 'quote' | 'rfc'>;
  durationMs: number;
}

export interface WorkerSpec {
  count: number;
  /** A registry target name (`reference`, `http`, …) and its options: what each worker builds. */
  target: string;
  targetOptions: TargetOptions;
}

export interface CampaignOptions {
  /** A fresh, unstarted instance of the target per call. */
  createTarget: () => Adapter;
  operators: readonly Operator[];
  ledger: Ledger;
  seed: number;
  runs: number;
  /** Runs for an unexplained survivor's second chance (default 5 × runs; 0 = none). */
  escalateRuns?: number;
  concurrency: number;
  checks?: ReadonlyArray<Check<any>>;
  /**
   * Judge replayable operators over the exchanges recorded during the control (default true); false runs
   * every mutant against a live target (the reference path the equivalence test compares with).
   */
  recorded?: boolean;
  /**
   * Judge the mutants in this many worker threads (all cores), each building its target from the registry
   * by name; only for the built-in checks (`checks` unset). Unset or 0: in this thread.
   */
  workers?: WorkerSpec;
  onResult?(r: MutantResult, done: number, total: number): void;
}
