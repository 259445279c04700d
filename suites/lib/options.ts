/**
 * Options of a conformance run, passed from the launcher (bin/cli.ts) into
 * the vitest workers with `provide` and read back with `inject`.
 */
export interface ConformanceOptions {
  target: string;
  seed: number;
  runs: number;
  strict: boolean;
  /** Requirement IDs to run (replay / focus); empty = all. */
  only: string[];
  /** fast-check replay path for a single requirement. */
  path?: string;
  /** Base URL of an out-of-process target (`--target=http --target-url=…`). */
  targetUrl?: string;
  /** Per-call timeout for out-of-process targets, ms. */
  timeoutMs?: number;
  /** Validate every exchange with an out-of-process target against schemas/protocol. */
  validateProtocol?: boolean;
  /** Verifier under test (`--verifier=…`); the issuer target then supplies the tokens. */
  verifier?: string;
  /** Base URL of an API under test for the http-api verifier. */
  verifierUrl?: string;
  /** Where this run's results.json goes (as given on the command line), for short replay commands. */
  resultsFile?: string;
}

export const DEFAULT_RUNS = 100;

declare module 'vitest' {
  interface ProvidedContext {
    conformance: ConformanceOptions;
  }
}

export function defaultOptions(): ConformanceOptions {
  return { target: 'reference', seed: Date.now() & 0x7fffffff, runs: DEFAULT_RUNS, strict: false, only: [] };
}

/** The shell command that reruns exactly one requirement's failure. */
export function replayCommand(o: ConformanceOptions, requirement: string, path?: string): string {
  const parts = ['npm test --', `--target=${o.target}`];
  if (o.targetUrl) parts.push(`--target-url=${o.targetUrl}`);
  if (o.verifier) parts.push(`--verifier=${o.verifier}`);
  if (o.verifierUrl) parts.push(`--verifier-url=${o.verifierUrl}`);
  parts.push(`--seed=${o.seed}`, `--runs=${o.runs}`, `--only=${requirement}`);
  // Shrinking is time-bounded, so only the path pins the exact counterexample.
  // A long path is read back from the results file instead of pasted.
  if (path && path.length > 160 && o.resultsFile) return `npm test -- --replay=${o.resultsFile} --only=${requirement}`;
  if (path) parts.push(`--path=${path}`);
  return parts.join(' ');
}
