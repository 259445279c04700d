/**
 * The shape of check-workflow's results (check-workflow.json), shared by the
 * JSON, HTML and terminal renderers.
 */
import type { JsonObject, TokenType } from '../adapters/types.js';
import type { Origin } from './execute.js';
import type { Finding } from './findings.js';
import type { CheckCase } from './scenario.js';

export interface TokenPreview {
  bytes: number;
  payload: JsonObject;
}

export interface StepPreview {
  origin: Origin;
  /** The tokens issued, or why the request was refused. */
  tokens?: Partial<Record<TokenType, TokenPreview>>;
  refused?: { status: number; error: string; description: string };
}

export interface Preview {
  request: string;
  event?: JsonObject;
  steps: StepPreview[];
  /** The workflow failed on the sample request (its message). */
  failed?: string;
}

export interface Counterexample {
  /** The shrunk request, for --replay (secrets redacted in the written file). */
  case: CheckCase;
  request: string;
  origin: Origin;
  event: JsonObject;
  error: { code: string; message: string };
  /** What the workflow's failurePolicy does to that request. */
  effect: string;
  seed: number;
  path?: string;
  shrinks: number;
}

export interface WorkflowReport {
  /** As given, relative to the current directory. */
  file: string;
  id?: string;
  name?: string;
  trigger?: string;
  failurePolicy?: 'stop' | 'continue';
  /** failurePolicy was absent (Kinde's default applies). */
  failurePolicyDefault?: boolean;
  bindings: string[];
  /** The bundle Kinde would build. */
  bundle?: { bytes: number; files: string[] };
  /** Generated requests, and workflow executions among them. */
  cases: number;
  runs: number;
  findings: Finding[];
  counterexample?: Counterexample;
  largestTokens: Partial<Record<TokenType, { bytes: number; withoutWorkflow?: number; request: string }>>;
  preview?: Preview;
  /** The sample run's console output: log/info/debug, and warn/error apart (as Kinde's runtime captures them). */
  console: { out: string[]; err: string[] };
  durationMs: number;
}

export interface CheckWorkflowResults {
  tool: 'kinde-token-conformance check-workflow';
  version: string;
  /** The @kinde/infrastructure the workflows were bundled with. */
  infrastructure: string;
  input: string;
  seed: number;
  runs: number;
  timeoutMs: number;
  /** Set on a --replay run: the results file replayed. */
  replayOf?: string;
  startedAt: string;
  durationMs: number;
  summary: { workflows: number; error: number; warning: number; info: number };
  /** Findings about the project rather than one workflow (files Kinde will not discover). */
  project: Finding[];
  workflows: WorkflowReport[];
}
