/**
 * Report directories that keep history. A run without --report-dir writes
 * `./kinde-conformance/<run-id>/` (a UTC timestamp: names sort by time) and
 * points `./kinde-conformance/latest` at it; earlier runs stay. A run marks its
 * directory the moment it starts (`RUNNING`), and a SIGINT/SIGTERM turns the
 * marker into `INTERRUPTED`, so neither a person nor a CI upload can take an
 * unfinished or stale directory for a result. `--report-dir=DIR` writes
 * exactly DIR (CI reads DIR/results.json), with the same markers, and removes
 * the previous run's reports there before the first check.
 */
import { cpSync, existsSync, realpathSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { escapeHtml } from './html-escape.js';
import { REPORT_FILES } from './write.js';

export const LATEST = 'latest';
export const MARKER = { running: 'RUNNING', interrupted: 'INTERRUPTED' } as const;
const RUN_ID = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z(-\d+)?$/;

export interface MarkerInfo {
  state: 'running' | 'interrupted';
  startedAt: string;
  pid: number;
  /** What the run was asked to do, e.g. "target reference, 50 checks". */
  what: string;
  interruptedAt?: string;
  signal?: string;
  /** What had been checked when it stopped. */
  checked?: string;
}

/** `2026-12-07T04-31-05-123Z`: a UTC timestamp that sorts as text and is a valid file name everywhere. */
export function runId(now = new Date()): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

export function isRunId(name: string): boolean {
  return RUN_ID.test(name);
}

/** Creates a new, empty run directory under `base`; never reuses one. */
export function createRunDirectory(base: string, now = new Date()): { id: string; dir: string } {
  mkdirSync(base, { recursive: true });
  const id0 = runId(now);
  for (let n = 1; ; n++) {
    const id = n === 1 ? id0 : `${id0}-${n}`;
    const dir = join(base, id);
    try {
      mkdirSync(dir);
      return { id, dir };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || n > 100) throw e;
    }
  }
}

/** The run directories under `base`, oldest first. */
export function listRuns(base: string): string[] {
  try {
    return readdirSync(base).filter(isRunId).sort();
  } catch {
    return [];
  }
}

export type RunState = 'finished' | 'running' | 'interrupted' | 'empty';

/** What a report directory holds: a finished run's reports, a run still marked RUNNING, an INTERRUPTED one, or nothing. */
export function runState(dir: string): RunState {
  if (existsSync(join(dir, MARKER.interrupted))) return 'interrupted';
  if (existsSync(join(dir, MARKER.running))) return 'running';
  return existsSync(join(dir, REPORT_FILES.json)) ? 'finished' : 'empty';
}

export function readMarker(dir: string): MarkerInfo | undefined {
  for (const name of [MARKER.interrupted, MARKER.running]) {
    try {
      const info = JSON.parse(readFileSync(join(dir, name), 'utf8').slice(0, 64 * 1024)) as MarkerInfo;
      if (info && typeof info === 'object') return info;
    } catch {
      // absent or not ours: next
    }
  }
  return undefined;
}

/** The newest finished run under `base` other than `except` (and older than it, when it is a run id). */
export function previousRun(base: string, except?: string): string | undefined {
  const runs = listRuns(base).filter((id) => id !== except && (except === undefined || !isRunId(except) || id < except));
  for (const id of runs.reverse()) if (runState(join(base, id)) === 'finished') return join(base, id);
  return undefined;
}

/**
 * The run id a directory holds: its own name, the name `latest` links to, or, for a `latest` that is a copy,
 * the newest finished run (the one it was copied from).
 */
export function runIdOf(dir: string): string | undefined {
  let real = dir;
  try {
    real = realpathSync(dir);
  } catch {
    return undefined;
  }
  if (isRunId(basename(real))) return basename(real);
  if (basename(real) === LATEST) return listRuns(dirname(real)).filter((id) => runState(join(dirname(real), id)) === 'finished').pop();
  return undefined;
}

/** The directory `base/latest` stands for: the symlink's target, or the copy itself. */
export function latestRun(base: string): string | undefined {
  const p = join(base, LATEST);
  return existsSync(p) ? p : undefined;
}

/**
 * Marks `dir` as running: the previous run's reports there are removed (a stale
 * green report must not outlive a run that did not finish), `RUNNING` says who
 * and what, and report.html says the run has not finished.
 */
export function markRunning(dir: string, what: string): MarkerInfo {
  for (const f of Object.values(REPORT_FILES)) rmSync(join(dir, f), { force: true });
  rmSync(join(dir, MARKER.interrupted), { force: true });
  const info: MarkerInfo = { state: 'running', startedAt: new Date().toISOString(), pid: process.pid, what };
  writeFileSync(join(dir, MARKER.running), `${JSON.stringify(info, null, 2)}\n`);
  writeFileSync(join(dir, REPORT_FILES.html), markerPage(info));
  return info;
}

/** A finished run: its reports are written, the marker goes. */
export function markFinished(dir: string): void {
  rmSync(join(dir, MARKER.running), { force: true });
}

/** Synchronous (it runs in a signal handler): RUNNING becomes INTERRUPTED, report.html says so. */
export function markInterrupted(dir: string, info: MarkerInfo, signal: string, checked: string): void {
  const done: MarkerInfo = { ...info, state: 'interrupted', interruptedAt: new Date().toISOString(), signal, checked };
  try {
    writeFileSync(join(dir, MARKER.interrupted), `${JSON.stringify(done, null, 2)}\n`);
    rmSync(join(dir, MARKER.running), { force: true });
    writeFileSync(join(dir, REPORT_FILES.html), markerPage(done));
  } catch {
    // the directory went away: nothing to mark
  }
}

/** The page a RUNNING or INTERRUPTED directory shows instead of a report. */
export function markerPage(info: MarkerInfo): string {
  const title = info.state === 'running' ? 'Run in progress: no report yet' : 'Run interrupted: no report was written';
  const rows = [
    ['what', info.what],
    ['started', info.startedAt],
    ...(info.interruptedAt ? [['interrupted', `${info.interruptedAt} (${info.signal ?? 'signal'})`]] : []),
    ...(info.checked ? [['checked before it stopped', info.checked]] : []),
  ];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>:root{color-scheme:light dark}body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;overflow-wrap:anywhere}
h1{font-size:1.3rem;color:#b45309}th{text-align:left;padding-right:1rem;vertical-align:top}</style></head>
<body><h1 id="state" data-state="${info.state}">${escapeHtml(title)}</h1><table>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k!)}</th><td>${escapeHtml(v!)}</td></tr>`).join('')}</table>
<p>${info.state === 'running' ? 'This page is replaced by the report when the run finishes.' : 'The results of an earlier run are not here: this run stopped before it could write any.'}</p></body></html>
`;
}

/**
 * Points `base/latest` at run `id`: a relative symlink swapped in atomically;
 * where symlinks cannot be made (some Windows set-ups), a copy of the directory.
 */
export function pointLatest(base: string, id: string): void {
  const link = join(base, LATEST);
  const tmp = join(base, `.${LATEST}-${process.pid}`);
  try {
    rmSync(tmp, { force: true, recursive: true });
    symlinkSync(id, tmp, 'dir');
    let old: ReturnType<typeof lstatSync> | undefined;
    try {
      old = lstatSync(link);
    } catch {
      old = undefined;
    }
    if (old && !old.isSymbolicLink()) rmSync(link, { recursive: true, force: true });
    renameSync(tmp, link);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // no temporary link was made
    }
    rmSync(link, { recursive: true, force: true });
    if (statSync(join(base, id)).isDirectory()) cpSync(join(base, id), link, { recursive: true });
  }
}
