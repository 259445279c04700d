/**
 * The last line of a run: what CI greps (`^[0-9]+ passed, [0-9]+ failed`) and
 * what a person reads last. It counts requirements — the unit of the summary
 * above it — plus, for `npm test`, the self-tests, and it agrees with the exit
 * code: `0 failed` exactly when the exit code is 0.
 *
 *   60 passed, 0 failed, 23 not applicable — 83 requirements (exit 0, 41 s)
 *   572 passed, 0 failed, 23 not applicable — 489 self-tests and 83 requirements (exit 0, 4 min 12 s)
 *   0 passed, 1 failed (the run), 1 not applicable — 1 requirement — nothing was checked (exit 2, 2 s)
 */
import type { RunResults } from './results.js';

export interface LastLineInput {
  /** Undefined when no check ran (nothing selected, the target unreachable before the first check). */
  results?: RunResults;
  exitCode: number;
  selfTests?: { passed: number; failed: number; skipped: number };
  /** `--expected`: failures the file expects (not counted as failed when the run matches it). */
  expectedFailures?: number;
  /** Why the run ended without a verdict (exit 2 or 3), said on the line. */
  why?: string;
  durationMs?: number;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${s % 60} s`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function lastLine(input: LastLineInput): string {
  const s = input.results?.summary;
  const strict = input.results?.strict ?? false;
  const self = input.selfTests;
  let passed = (s?.PASSED ?? 0) + (self?.passed ?? 0);
  let failed = (s ? s.FAILED + s.ERRORED + (strict ? s.WARNING : 0) : 0) + (self?.failed ?? 0);
  const expected = input.expectedFailures ?? 0;
  failed = Math.max(0, failed - expected);
  // A run that did not end in a verdict (unreachable, a usage error, nothing checked) is never "0 failed":
  // the run itself is the one failure, and the line says so (no requirement failed).
  const runFailed = input.exitCode !== 0 && failed === 0;
  if (runFailed) failed = 1;
  if (input.exitCode === 0 && failed > 0) throw new Error(`internal: exit 0 with ${failed} failed`);
  const extras: string[] = [];
  if (s && !strict && s.WARNING > 0) extras.push(plural(s.WARNING, 'warning', 'warnings'));
  if (s && s.NOT_APPLICABLE > 0) extras.push(`${s.NOT_APPLICABLE} not applicable`);
  if (self && self.skipped > 0) extras.push(`${self.skipped} skipped`);
  if (expected > 0) extras.push(`${expected} failed as expected`);
  const what: string[] = [];
  if (self) what.push(plural(self.passed + self.failed + self.skipped, 'self-test', 'self-tests'));
  if (s) what.push(plural(s.total, 'requirement', 'requirements'));
  const tail = [`exit ${input.exitCode}`, ...(input.durationMs !== undefined ? [formatDuration(input.durationMs)] : [])].join(', ');
  passed = Math.max(0, passed);
  return (
    `${passed} passed, ${failed} failed${runFailed ? ' (the run)' : ''}${extras.length > 0 ? `, ${extras.join(', ')}` : ''}` +
    `${what.length > 0 ? ` — ${what.join(' and ')}` : ''}${input.why ? ` — ${input.why}` : ''} (${tail})`
  );
}
