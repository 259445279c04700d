/**
 * The one source of truth of a conformance run. Every report format (terminal,
 * HTML, JUnit, Markdown, badge) is rendered from a {@link RunResults} value, and
 * `schemas/results.schema.json` describes it.
 */
import type { Capabilities, JsonObject, JsonValue, TokenType } from '../adapters/types.js';
import type { RequirementInfo } from '../schemas/types.js';
import { roundPercent } from '../cli/term.js';

export type Verdict = 'PASSED' | 'FAILED' | 'WARNING' | 'NOT_APPLICABLE' | 'ERRORED';
export const VERDICTS: readonly Verdict[] = ['PASSED', 'FAILED', 'WARNING', 'NOT_APPLICABLE', 'ERRORED'];

export type { Area, DocSource } from '../schemas/types.js';

/** The smallest failing example, as fast-check shrank it. */
export interface Counterexample {
  /** Requirement the violated condition belongs to. */
  requirement: string;
  message: string;
  /**
   * The requirement this failure follows from (the same evidence breaks it too,
   * e.g. a prohibited claim a workflow changed, a token that does not decode).
   */
  because?: string;
  tokenType?: TokenType;
  claim?: string;
  expected?: JsonValue;
  actual?: JsonValue;
  /** Decoded token that broke the requirement. */
  token?: { header: JsonObject; payload: JsonObject };
  /** A comparison failure's other side: the token `token` was compared with, and what it was. */
  compared?: { label: string; token: { header: JsonObject; payload: JsonObject } };
  /** Generated inputs (secrets redacted). */
  tenant?: JsonValue;
  request?: JsonValue;
  /** `Workflow.ts` sources deployed for the failing run. */
  workflows?: string[];
  /** Stateful runs: the shrunk command sequence, one command a line. */
  commands?: string[];
}

export interface RequirementResult extends RequirementInfo {
  verdict: Verdict;
  /** Names of the tests that checked this requirement. */
  tests: string[];
  /** Generated cases run (sum over tests). */
  runs: number;
  durationMs: number;
  /** Why NOT_APPLICABLE or ERRORED. */
  reason?: string;
  /**
   * FAILED or WARNING because of another requirement that failed in the same run
   * (reports/attribution.ts): read that one first; this verdict still counts.
   */
  consequenceOf?: string;
  /** FAILED or WARNING: what broke. */
  failure?: {
    message: string;
    counterexample?: Counterexample;
    seed: number;
    path?: string;
    /** Shell command that replays exactly this failure. */
    replay: string;
  };
}

export interface RunResults {
  schemaVersion: 1;
  suite: { name: 'kinde-token-conformance'; version: string; gitRevision?: string };
  target: { name: string; version: string; capabilities: Capabilities };
  seed: number;
  runs: number;
  strict: boolean;
  node: string;
  startedAt: string;
  finishedAt: string;
  /** Set when this run is one shard of several (`--shard=i/n`). */
  shard?: { index: number; count: number };
  /** Milliseconds from the process start to the first check starting, and the run's wall time. */
  timing?: { firstCheckAfterMs: number; wallMs: number };
  /** What was named on the command line (target as given, URLs, timeout), so `--replay` can rerun it. */
  invocation?: { target: string; targetUrl?: string; verifier?: string; verifierUrl?: string; timeoutMs?: number; validateProtocol?: boolean };
  requirements: RequirementResult[];
  summary: Record<Verdict, number> & { total: number; score: number };
}

/** Counts per verdict and the conformance score: PASSED / (all applicable). */
export function summarize(requirements: RequirementResult[]): RunResults['summary'] {
  const counts = { PASSED: 0, FAILED: 0, WARNING: 0, NOT_APPLICABLE: 0, ERRORED: 0 } as Record<Verdict, number>;
  for (const r of requirements) counts[r.verdict] += 1;
  const applicable = requirements.length - counts.NOT_APPLICABLE;
  // Rounded like vitest and Stryker (2/3 → 66.7), never to 100 while something failed.
  const score = roundPercent(counts.PASSED + counts.WARNING, applicable);
  return { ...counts, total: requirements.length, score };
}

/** Exit codes of a conformance run (documented in README). */
export const EXIT = Object.freeze({
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  UNREACHABLE: 3,
});

export function exitCodeFor(results: RunResults): number {
  const s = results.summary;
  if (s.FAILED > 0 || s.ERRORED > 0) return EXIT.FAILED;
  if (results.strict && s.WARNING > 0) return EXIT.FAILED;
  return EXIT.OK;
}
