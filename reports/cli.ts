/**
 * `kinde-token-conformance report <results.json…> [--out DIR] [--merge] [--compare base.json]`
 *
 * Re-renders stored results: merges CI shards, compares against a base run,
 * writes every format and exits like the run itself would have.
 */
import { parseArgs } from 'node:util';
import { EXIT, exitCodeFor } from './results.js';
import type { RunResults } from './results.js';
import { compareResults, mergeResults, MergeError } from './merge.js';
import { writeStepSummary, renderMarkdown } from './markdown.js';
import { redact } from './redact.js';
import { ResultsValidationError, validateResults } from './schema.js';
import { renderTerminalSummary } from './terminal.js';
import { DEFAULT_REPORT_DIR, writeReports } from './write.js';
import { InputFileError, readInputFile } from './read-input.js';
import { buildMatrix, renderMatrixHtml, renderMatrixMarkdown } from './matrix.js';
import { makeDirectory } from './write.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const REPORT_USAGE = `Usage: kinde-token-conformance report <results.json…> [options]

Renders stored conformance results as HTML, JUnit, Markdown, JSON and a badge.
Several files are shards of one run and are merged.

Options:
  --out DIR          where to write the reports (default: ./kinde-conformance)
  --merge            merge the given files (implied by more than one file)
  --compare FILE     a base run; the HTML report lists what changed since
  --matrix           the given runs side by side (targets or verifiers): requirement ×
                     implementation as DIR/matrix.html (self-contained, each failing cell
                     linked to its failure) and DIR/matrix.md, printed too
  --no-color         no ANSI colours in the terminal summary
  -h, --help         this text

Exit codes: 0 conforming, 1 failures (or warnings with --strict runs), 2 usage or input error.`;

export type ReportInputErrorCode = 'ERR_RESULTS_MISSING' | 'ERR_RESULTS_JSON' | 'ERR_RESULTS_INVALID';

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

/** A results file larger than this is not one the suite wrote (counterexamples are bounded per failure). */
const MAX_RESULTS_BYTES = 256 * 1024 * 1024;

/** Reads and validates one results file: a regular file (not a device or FIFO), within MAX_RESULTS_BYTES. */
export async function loadResults(file: string): Promise<RunResults> {
  let text: string;
  try {
    text = readInputFile(file, MAX_RESULTS_BYTES);
  } catch (cause) {
    const reason = cause instanceof InputFileError ? (cause.reason === 'ENOENT' ? 'no such file' : cause.reason) : (cause as Error).message;
    throw new ReportInputError('ERR_RESULTS_MISSING', file, `cannot read results file ${file}: ${reason}`, { cause });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new ReportInputError('ERR_RESULTS_JSON', file, `${file} is not valid JSON: ${(cause as Error).message}`, { cause });
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
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: 'string' },
        merge: { type: 'boolean', default: false },
        compare: { type: 'string' },
        matrix: { type: 'boolean', default: false },
        'no-color': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    out.stderr(`${(e as Error).message}\n\n${REPORT_USAGE}\n`);
    return EXIT.USAGE;
  }
  if (args.values.help) {
    out.stdout(`${REPORT_USAGE}\n`);
    return EXIT.OK;
  }
  const files = args.positionals;
  if (files.length === 0) {
    out.stderr(`report: no results file given\n\n${REPORT_USAGE}\n`);
    return EXIT.USAGE;
  }
  const dir = args.values.out ?? DEFAULT_REPORT_DIR;
  if (args.values.matrix) return matrixCommand(files, dir, out);
  let results: RunResults;
  let base: RunResults | undefined;
  try {
    const loaded = [];
    for (const f of files) loaded.push(await loadResults(f));
    results = loaded.length > 1 || args.values.merge ? mergeResults(loaded) : (loaded[0] as RunResults);
    if (args.values.compare) base = await loadResults(args.values.compare);
  } catch (e) {
    if (e instanceof ReportInputError || e instanceof MergeError) {
      out.stderr(`report: ${e.message}\n`);
      return EXIT.USAGE;
    }
    throw e;
  }
  const written = await writeReports(results, dir, base ? { compareWith: base } : {});
  const color = out.color ?? (io.stdout === undefined && process.stdout.isTTY === true && !out.env['NO_COLOR']);
  const safe = redact(results);
  out.stdout(`${renderTerminalSummary(safe, { color: color && !args.values['no-color'] })}\n`);
  if (base) {
    const cmp = compareResults(base, results);
    out.stdout(
      `\nSince base: ${cmp.regressions.length} regressions, ${cmp.fixes.length} fixes, ${cmp.changed.length} other changes, ` +
        `${cmp.added.length} added, ${cmp.removed.length} removed\n`,
    );
    for (const r of cmp.regressions) out.stdout(`  regression ${r.id}: ${r.base} → ${r.head}\n`);
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
      out.stderr(`report: ${e.message}\n`);
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
