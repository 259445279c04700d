/**
 * Writes every report format for one run into a directory. Validation and
 * redaction happen here, once, so no writer can leak what another removed.
 */
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { withConsequences } from './attribution.js';
import { renderBadge } from './badge.js';
import { renderHtml } from './html.js';
import { renderJUnit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { redact } from './redact.js';
import type { RunResults } from './results.js';
import { validateResults } from './schema.js';

export interface WriteOptions {
  /** A base run for the "Changes since base" section of the HTML report. */
  compareWith?: RunResults;
}

export interface WrittenReports {
  json: string;
  html: string;
  junit: string;
  markdown: string;
  badge: string;
}

/** Where reports go unless told otherwise: a folder in the directory the command runs in. */
export const DEFAULT_REPORT_DIR = 'kinde-conformance';

export const REPORT_FILES = Object.freeze({
  json: 'results.json',
  html: 'report.html',
  junit: 'junit.xml',
  markdown: 'summary.md',
  badge: 'badge.json',
});

/**
 * Creates `dir` and writes a probe file in it, so a directory reports cannot
 * go to fails before a run, not after it. Throws an Error naming the errno.
 */
export async function ensureWritableDirectory(dir: string): Promise<void> {
  const probe = join(dir, `.write-probe-${process.pid}`);
  try {
    await makeDirectory(dir);
    await writeFile(probe, 'ok', { flag: 'wx', signal: AbortSignal.timeout(5000) });
    await rm(probe, { force: true });
  } catch (e) {
    throw new Error(`cannot write reports there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/**
 * `mkdir -p`, one level at a time: Node's recursive mkdir loops forever on
 * some paths (e.g. under /proc), where this fails at once with the errno.
 */
export async function makeDirectory(dir: string): Promise<void> {
  const full = resolve(dir);
  try {
    if ((await stat(full)).isDirectory()) return;
    throw Object.assign(new Error(`${full} exists and is not a directory`), { code: 'ENOTDIR' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const parent = dirname(full);
  if (parent !== full) await makeDirectory(parent);
  try {
    await mkdir(full);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

/** Validates, redacts and writes `results.json`, `report.html`, `junit.xml`, `summary.md`, `badge.json`. */
export async function writeReports(results: RunResults, dir: string, opts: WriteOptions = {}): Promise<WrittenReports> {
  validateResults(results);
  const safe = withConsequences(redact(results));
  let base: RunResults | undefined;
  if (opts.compareWith) {
    validateResults(opts.compareWith);
    base = redact(opts.compareWith);
  }
  await makeDirectory(dir);
  const paths: WrittenReports = {
    json: join(dir, REPORT_FILES.json),
    html: join(dir, REPORT_FILES.html),
    junit: join(dir, REPORT_FILES.junit),
    markdown: join(dir, REPORT_FILES.markdown),
    badge: join(dir, REPORT_FILES.badge),
  };
  await Promise.all([
    writeFile(paths.json, `${JSON.stringify(safe, null, 2)}\n`),
    writeFile(paths.html, renderHtml(safe, base ? { compareWith: base } : {})),
    writeFile(paths.junit, renderJUnit(safe)),
    writeFile(paths.markdown, renderMarkdown(safe)),
    writeFile(paths.badge, `${JSON.stringify(renderBadge(safe), null, 2)}\n`),
  ]);
  return paths;
}
