/**
 * Expected results of a real verifier: findings are findings, so a library
 * that accepts an attack is recorded here (requirement → expected verdict +
 * why) instead of being hidden. CI fails when a requirement breaks that is not
 * expected to, and when an expected failure stops failing (the file must then
 * be updated, so fixes are noticed too).
 */
import { InputFileError, readInputFile } from './read-input.js';
import type { RunResults, Verdict } from './results.js';

export interface ExpectedEntry {
  verdict: Verdict;
  comment: string;
}

export interface ExpectedFile {
  verifier: string;
  /** Version the expectations were recorded with. */
  version?: string;
  /** Requirement id → expected verdict. Requirements not listed are expected to pass (or be NOT_APPLICABLE). */
  expected: Record<string, ExpectedEntry>;
}

export class ExpectedFileError extends Error {
  readonly code = 'ERR_EXPECTED_FILE';
  constructor(message: string) {
    super(message);
    this.name = 'ExpectedFileError';
  }
}

/** An expected-results file lists at most one entry per requirement: a few KiB; 1 MiB is plenty. */
const MAX_EXPECTED_BYTES = 1024 * 1024;

const BROKEN: ReadonlySet<Verdict> = new Set(['FAILED', 'WARNING', 'ERRORED']);

export function loadExpected(file: string): ExpectedFile {
  let data: unknown;
  try {
    data = JSON.parse(readInputFile(file, MAX_EXPECTED_BYTES));
  } catch (e) {
    throw new ExpectedFileError(e instanceof InputFileError ? e.message : `${file}: ${(e as Error).message}`);
  }
  const f = data as ExpectedFile;
  if (typeof f?.verifier !== 'string' || typeof f.expected !== 'object' || f.expected === null) {
    throw new ExpectedFileError(`${file}: needs {"verifier": string, "expected": {ID: {verdict, comment}}}`);
  }
  for (const [id, e] of Object.entries(f.expected)) {
    if (!['PASSED', 'FAILED', 'WARNING', 'NOT_APPLICABLE', 'ERRORED'].includes(e?.verdict) || typeof e.comment !== 'string' || e.comment.length < 10) {
      throw new ExpectedFileError(`${file}: ${id} needs a verdict and a comment saying why`);
    }
  }
  return f;
}

export function compareWithExpected(
  results: RunResults,
  expectedFile: string,
): { unexpectedFailures: string[]; fixedExpectedFailures: string[]; ok: boolean } {
  const { expected } = loadExpected(expectedFile);
  const unexpectedFailures: string[] = [];
  const fixedExpectedFailures: string[] = [];
  const seen = new Set<string>();
  for (const r of results.requirements) {
    seen.add(r.id);
    const want = expected[r.id];
    if (want && BROKEN.has(want.verdict)) {
      if (r.verdict !== want.verdict) {
        (BROKEN.has(r.verdict) ? unexpectedFailures : fixedExpectedFailures).push(
          `${r.id}: expected ${want.verdict} (${want.comment}), got ${r.verdict}${r.failure ? `: ${r.failure.message}` : r.reason ? `: ${r.reason}` : ''}`,
        );
      }
    } else if (want && r.verdict !== want.verdict && !(want.verdict === 'PASSED' && r.verdict === 'NOT_APPLICABLE')) {
      unexpectedFailures.push(`${r.id}: expected ${want.verdict} (${want.comment}), got ${r.verdict}${r.failure ? `: ${r.failure.message}` : r.reason ? `: ${r.reason}` : ''}`);
    } else if (!want && BROKEN.has(r.verdict)) {
      unexpectedFailures.push(`${r.id}: ${r.verdict}${r.failure ? `: ${r.failure.message}` : r.reason ? `: ${r.reason}` : ''}`);
    }
  }
  // An expected failure whose requirement did not run at all (e.g. --only) is not judged.
  void seen;
  return { unexpectedFailures, fixedExpectedFailures, ok: unexpectedFailures.length === 0 && fixedExpectedFailures.length === 0 };
}
