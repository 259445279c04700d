/**
 * Options of a conformance run: plain JSON, so they cross into the runner's
 * worker threads unchanged.
 */
import { isModulePath } from '../targets/module-path.js';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMAND } from '../cli/args.js';

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
/** Upper bound of --runs: far beyond a nightly run, far below "forever". */
export const MAX_RUNS = 100_000;

export function defaultOptions(): ConformanceOptions {
  return { target: 'reference', seed: Date.now() & 0x7fffffff, runs: DEFAULT_RUNS, strict: false, only: [] };
}

/** The command a user types: works in a clone and wherever the package is installed. */
export { COMMAND };

/** The shell command that reruns exactly one requirement's failure, with every option that shaped the run. */
export function replayCommand(o: ConformanceOptions, requirement: string, path?: string): string {
  const parts = [`${COMMAND} run`, `--target=${quote(fromCwd(o.target))}`];
  if (o.targetUrl) parts.push(`--target-url=${quote(o.targetUrl)}`);
  if (o.verifier) parts.push(`--verifier=${quote(fromCwd(o.verifier))}`);
  if (o.verifierUrl) parts.push(`--verifier-url=${quote(o.verifierUrl)}`);
  if (o.timeoutMs !== undefined) parts.push(`--timeout=${o.timeoutMs}`);
  if (o.validateProtocol) parts.push('--validate-protocol');
  if (o.strict) parts.push('--strict');
  // A long path is read back from the results file instead of pasted; the file keeps the rest,
  // but never a module to run: a module target or verifier is named on the command line (bin/replay.ts).
  if (path && path.length > 160 && o.resultsFile) {
    const modules = [
      ...(isModulePath(o.target) ? [`--target=${quote(o.target)}`] : []),
      ...(o.verifier !== undefined && isModulePath(o.verifier) ? [`--verifier=${quote(o.verifier)}`] : []),
    ];
    return [`${COMMAND} run --replay=${quote(o.resultsFile)}`, ...modules, `--only=${requirement}`].join(' ');
  }
  parts.push(`--seed=${o.seed}`, `--runs=${o.runs}`, `--only=${requirement}`);
  // Shrinking is time-bounded, so only the path pins the exact counterexample.
  if (path) parts.push(`--path=${path}`);
  return parts.join(' ');
}

/** An absolute adapter module path as the user would type it from the cwd (`./adapters/x.mjs`); anything else unchanged. */
export function fromCwd(spec: string, cwd = process.cwd()): string {
  const file = spec.startsWith('file:') ? fileURLToPath(spec) : spec;
  if (!isAbsolute(file)) return spec;
  const rel = relative(cwd, file);
  if (rel === '' || isAbsolute(rel)) return spec;
  return rel.startsWith('..') ? rel : `./${rel}`;
}

/** Single-quotes a shell word when it needs it. */
function quote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
