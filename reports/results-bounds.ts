/**
 * Bounds of a results file read back (`report`, `--compare`, `--merge`,
 * `run --replay`): a results file may come from anywhere (a CI artifact of a
 * fork), so it is read like a target's answer (adapters/bounds.ts): within a
 * size, a nesting depth, a per-string length and a number of requirements,
 * walked iteratively, and a file beyond one stops with the bound's name (exit
 * 2), never a RangeError from a recursive walker further on.
 *
 * Each bound is what the suite itself can write, with room to spare:
 */
import { BOUNDS, count } from '../adapters/bounds.js';
import { foreignLine } from './sanitize.js';

export const RESULTS_BOUNDS = Object.freeze({
  /**
   * Bytes of one file. The largest file the suite writes: every requirement of
   * the catalog (106 today) failing on each of its token types (at most 4),
   * each failure within the report bounds (a message of 4 KiB, decoded tokens,
   * tenant and request cut to 2 KiB strings). The largest failure among 273
   * recorded by real runs was 5.2 KiB; at 32 KiB each, 106 × 4 × 32 KiB ≈
   * 13 MiB. A 240 MB file took 75 s and 4 GB to render; one just under this
   * bound renders in well under the hardening harness's 500 MB.
   */
  bytes: 16 * 1024 * 1024,
  /**
   * Nesting: a counterexample value is cut at 16 levels (BOUNDS.reportDepth)
   * and sits 5 levels down (/requirements/i/failure/counterexample/actual):
   * 21; the judge's JSON depth (64) leaves room and is the same everywhere.
   */
  depth: BOUNDS.jsonDepth,
  /**
   * Characters of one string: the suite cuts messages at 4 KiB and values at
   * 2 KiB; the longest uncut strings are generated Workflow.ts sources and
   * replay commands (a few KiB). 64 KiB also holds a whole 16 KiB token.
   */
  stringChars: 64 * 1024,
  /**
   * Requirements in one file: the catalog has 106; a later catalog, merged
   * shards of one, or a results file of another tool's making may hold more.
   * 10,000 is ~100 times today's catalog and renders (lazily) in a browser.
   */
  requirements: 10_000,
});

/** A results file beyond one of {@link RESULTS_BOUNDS}; `bound` names it. */
export class ResultsBoundError extends Error {
  readonly code = 'ERR_RESULTS_BOUND';
  constructor(
    readonly bound: keyof typeof RESULTS_BOUNDS,
    message: string,
  ) {
    super(message);
    this.name = 'ResultsBoundError';
  }
}

/** Where in the file, down to a few levels (enough to find it; cheap on millions of values). */
const PATH_LEVELS = 4;

/**
 * Checks a parsed results file against the depth, string and requirement
 * bounds, iteratively (a 100,000-deep file is walked without recursion).
 * Throws {@link ResultsBoundError} at the first value beyond one.
 */
export function checkResultsBounds(data: unknown): void {
  const reqs = (data as { requirements?: unknown } | null)?.requirements;
  if (Array.isArray(reqs) && reqs.length > RESULTS_BOUNDS.requirements) {
    throw new ResultsBoundError('requirements', `${count(reqs.length)} requirements; at most ${count(RESULTS_BOUNDS.requirements)} are read (the catalog has about a hundred)`);
  }
  const stack: Array<{ v: unknown; d: number; at: string }> = [{ v: data, d: 0, at: '' }];
  while (stack.length > 0) {
    const { v, d, at } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.length > RESULTS_BOUNDS.stringChars) {
        throw new ResultsBoundError('stringChars', `a string of ${count(v.length)} characters at ${foreignLine(at || '/', 200)}; at most ${count(RESULTS_BOUNDS.stringChars)} per string are read`);
      }
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (d >= RESULTS_BOUNDS.depth) {
      throw new ResultsBoundError('depth', `values nested deeper than ${RESULTS_BOUNDS.depth} levels at ${foreignLine(at || '/', 200)}…; the suite writes at most about 21`);
    }
    const deeper = d + 1 <= PATH_LEVELS;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push({ v: v[i], d: d + 1, at: deeper ? `${at}/${i}` : at });
    } else {
      for (const [k, child] of Object.entries(v)) stack.push({ v: child, d: d + 1, at: deeper ? `${at}/${k.slice(0, 40)}` : at });
    }
  }
}
