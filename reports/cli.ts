/**
 * `kinde-token-conformance report [results.json…] [--out=DIR] [--merge] [--compare[=base.json]]`
 *
 * Re-renders stored results: merges CI shards, compares against a base run
 * (by default the run before), writes every format and exits like the run
 * itself would have. Without a file it takes ./kinde-conformance/latest; a
 * directory marked RUNNING or INTERRUPTED is refused, naming the marker.
 */
import { basename, dirname, join, resolve } from 'node:path';
import { errorPrefix, parse, UsageError } from '../cli/args.js';
import { plural, useColor } from '../cli/term.js';
import { createRunDirectory, LATEST, pointLatest, previousRun, readMarker, runIdOf, runState } from './history.js';
import { EXIT, exitCodeFor } from './results.js';
import type { RunResults } from './results.js';
import { compareResults, mergeResults, MergeError } from './merge.js';
import { writeStepSummary, renderMarkdown } from './markdown.js';
import { redact } from './redact.js';
import { ResultsValidationError, validateResults } from './schema.js';
import { renderTerminalSummary } from './terminal.js';
import { DEFAULT_REPORT_DIR, writeReports } from './write.js';
import { InputFileError, readInputFile } from './read-input.js';
import { foreignBlock, foreignLine } from './sanitize.js';
import { checkResultsBounds, ResultsBoundError, RESULTS_BOUNDS } from './results-bounds.js';
import { buildMatrix, renderMatrixHtml, renderMatrixMarkdown } from './matrix.js';
import { makeDirectory } from './write.js';
import { writeFile } from 'node:fs/promises';

export const REPORT_USAGE = `Usage: kinde-token-conformance report [results.json…] [options]

Renders stored conformance results as HTML, JUnit, Markdown, JSON and a badge.
Several files are shards of one run and are merged. Without a file: the latest run
(./kinde-conformance/latest/results.json). Options are written --name=VALUE or --name VALUE.

Options:
  --out=DIR          where to write the reports (default: the latest run's directory when no
                     file is named, else a new ./kinde-conformance/<run-id>/, latest moved to it)
  --merge            merge the given files (implied by more than one file)
  --compare[=FILE]   a base run; the HTML report lists what changed since. Without FILE (or
                     --compare=previous): the run before the reported one in ./kinde-conformance
  --matrix           the given runs side by side (targets or verifiers): requirement ×
                     implementation as DIR/matrix.html (self-contained, each failing cell
                     linked to its failure) and DIR/matrix.md, printed too
  --no-color         no ANSI colours in the terminal summary (also NO_COLOR)
  -h, --help         this text

Exit codes: 0 conforming, 1 failures (or warnings with --strict runs), 2 usage or input error.`;

export type ReportInputErrorCode = 'ERR_RESULTS_MISSING' | 'ERR_RESULTS_JSON' | 'ERR_RESULTS_INVALID' | 'ERR_RESULTS_BOUND';

/** A results file that cannot be used; the message always names the file. */
export class ReportInputError extends Error {
  readonly code: ReportInputErrorCode;
  readonly file: string;
  constructor(code: ReportInputErrorCode, file: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReportInputError';
    this.code = code;
    this.file = file;
  }
}

/** Where `reportCommand` prints. Defaults to the process streams. */
export interface ReportIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Colour the terminal summary (default: stdout is a TTY and `NO_COLOR` is unset). */
  color?: boolean;
}

/**
 * Reads and validates one results file — foreign input: a regular file (not a
 * device or FIFO) within the read bound, then the depth, string and
 * requirement bounds (reports/results-bounds.ts) walked iteratively, then the
 * schema. A file beyond a bound is an input error naming it (exit 2).
 */
export async function loadResults(file: string): Promise<RunResults> {
  let text: string;
  try {
    text = readInputFile(file, RESULTS_BOUNDS.bytes);
  } catch (cause) {
    const reason = cause instanceof InputFileError ? (cause.reason === 'ENOENT' ? 'no such file' : cause.reason) : (cause as Error).message;
    const bound = /^\d+ bytes; at most/.test(reason) ? ' (the read bound of a results file: RESULTS_BOUNDS.bytes)' : '';
    throw new ReportInputError('ERR_RESULTS_MISSING', file, `cannot read results file ${file}: ${reason}${bound}`, { cause });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new ReportInputError('ERR_RESULTS_JSON', file, `${file} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  try {
    checkResultsBounds(data);
  } catch (cause) {
    if (!(cause instanceof ResultsBoundError)) throw cause;
    throw new ReportInputError('ERR_RESULTS_BOUND', file, `${file} is beyond a bound of a results file (${cause.bound}): ${cause.message}`, { cause });
  }
  try {
    validateResults(data);
  } catch (cause) {
    if (cause instanceof ResultsValidationError) {
      throw new ReportInputError('ERR_RESULTS_INVALID', file, `${file}: ${cause.message}`, { cause });
    }
    throw cause;
  }
  return data;
}

const defaultIo = (): ReportIo => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
});

/** Runs the `report` subcommand. Returns the process exit code; never calls `process.exit`. */
export async function reportCommand(argv: string[], io: Partial<ReportIo> = {}): Promise<number> {
  const out = { ...defaultIo(), ...io };
  const fail = (message: string): number => {
    out.stderr(`${foreignBlock(`${errorPrefix('report')}${message}`, '', 40, 1000)}\n`);
    return EXIT.USAGE;
  };
  // A bare --compare (last, or before another option) means the previous run.
  const args = argv.map((a, i) => (a === '--compare' && (i === argv.length - 1 || argv[i + 1]!.startsWith('-')) ? '--compare=previous' : a));
  let parsed;
  try {
    parsed = parse(args, { out: { type: 'string' }, merge: { type: 'boolean' }, compare: { type: 'string' }, matrix: { type: 'boolean' } }, REPORT_USAGE, true);
  } catch (e) {
    if (e instanceof UsageError) return fail(e.message);
    throw e;
  }
  const values = parsed.values as { out?: string; merge?: boolean; compare?: string; matrix?: boolean; help?: boolean; 'no-color'?: boolean };
  if (values.help) {
    out.stdout(`${REPORT_USAGE}\n`);
    return EXIT.OK;
  }
  if (values.matrix) {
    if (parsed.positionals.length === 0) return fail('--matrix needs the results files to put side by side (report --matrix a.json b.json …)');
    return matrixCommand(parsed.positionals, values.out ?? DEFAULT_REPORT_DIR, out);
  }
  const history = resolve(DEFAULT_REPORT_DIR);
  const files = parsed.positionals.length > 0 ? parsed.positionals : [join(DEFAULT_REPORT_DIR, LATEST, 'results.json')];
  for (const f of files) {
    const state = runState(dirname(f));
    if (state === 'running' || state === 'interrupted') {
      const m = readMarker(dirname(f));
      return fail(`${dirname(f)} is marked ${state === 'running' ? 'RUNNING: that run has not finished' : `INTERRUPTED${m?.checked ? ` (${m.checked})` : ''}: that run wrote no report`}`);
    }
  }
  if (parsed.positionals.length === 0 && runState(dirname(files[0]!)) === 'empty') {
    return fail(`no results file given and no finished run in ./${DEFAULT_REPORT_DIR}/${LATEST}/ (run 'kinde-token-conformance run' first, or name a results.json)`);
  }
  let compareFile = values.compare;
  if (compareFile === 'previous') {
    const before = previousRun(history, runIdOf(dirname(files[0]!)) ?? basename(resolve(dirname(files[0]!))));
    if (!before) return fail(`--compare: no earlier finished run in ./${DEFAULT_REPORT_DIR}/ to compare with (name one: --compare=FILE)`);
    compareFile = join(before, 'results.json');
    out.stdout(`Comparing with the previous run: ${compareFile}\n`);
  }
  // Where: --out; the latest run itself when none was named; else a new run directory beside the others.
  let dir = values.out ?? (parsed.positionals.length === 0 ? dirname(files[0]!) : undefined);
  let results: RunResults;
  let base: RunResults | undefined;
  try {
    const loaded = [];
    for (const f of files) loaded.push(await loadResults(f));
    results = loaded.length > 1 || values.merge ? mergeResults(loaded) : (loaded[0] as RunResults);
    if (compareFile) base = await loadResults(compareFile);
  } catch (e) {
    if (e instanceof ReportInputError || e instanceof MergeError) return fail(e.message);
    throw e;
  }
  let newRun: string | undefined;
  if (dir === undefined) ({ id: newRun, dir } = createRunDirectory(history));
  const written = await writeReports(results, dir, base ? { compareWith: base } : {});
  if (newRun !== undefined) pointLatest(history, newRun);
  const color = out.color ?? (io.stdout === undefined && useColor(process.stdout, out.env));
  const safe = redact(results);
  out.stdout(`${renderTerminalSummary(safe, { color: color && !values['no-color'] })}\n`);
  if (base) {
    const cmp = compareResults(base, results);
    out.stdout(
      `\nSince base: ${plural(cmp.regressions.length, 'regression')}, ${plural(cmp.fixes.length, 'fix', 'fixes')}, ${plural(cmp.changed.length, 'other change')}, ` +
        `${cmp.added.length} added, ${cmp.removed.length} removed\n`,
    );
    for (const r of cmp.regressions) out.stdout(`  regression ${foreignLine(r.id, 200)}: ${r.base} → ${r.head}\n`);
  }
  if (await writeStepSummary(renderMarkdown(safe), out.env)) out.stdout('\nAppended the summary to $GITHUB_STEP_SUMMARY\n');
  out.stdout(
    `\nReports:\n${Object.entries(written)
      .map(([kind, path]) => `  ${kind.padEnd(8)} ${path}`)
      .join('\n')}\n`,
  );
  return exitCodeFor(results);
}

/** `report --matrix`: every file is one run (not shards); written as matrix.html and matrix.md. */
async function matrixCommand(files: string[], dir: string, out: ReportIo): Promise<number> {
  const runs: RunResults[] = [];
  try {
    for (const f of files) runs.push(redact(await loadResults(f)));
  } catch (e) {
    if (e instanceof ReportInputError) {
      out.stderr(`${foreignBlock(`${errorPrefix('report')}${e.message}`, '', 40, 1000)}\n`);
      return EXIT.USAGE;
    }
    throw e;
  }
  const m = buildMatrix(runs);
  const md = renderMatrixMarkdown(m);
  try {
    await makeDirectory(dir);
    await writeFile(join(dir, 'matrix.html'), renderMatrixHtml(m));
    await writeFile(join(dir, 'matrix.md'), `${md}\n`);
  } catch (e) {
    out.stderr(`report: cannot write the matrix to ${dir}: ${(e as Error).message}\n`);
    return EXIT.USAGE;
  }
  out.stdout(`${md}\n\nMatrix: ${join(dir, 'matrix.html')}\n        ${join(dir, 'matrix.md')}\n`);
  return EXIT.OK;
}
