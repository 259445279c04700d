/**
 * Where a run writes, and what happens to it when the run is stopped:
 * a new `./kinde-conformance/<run-id>/` per run (earlier runs kept, `latest`
 * pointing at the newest) unless --report-dir names the directory exactly;
 * `RUNNING` from the start; on SIGINT/SIGTERM `INTERRUPTED` and one line
 * saying what had been checked and that no report was written.
 */
import { join, resolve } from 'node:path';
import { shownPath } from '../cli/term.js';
import { errorPrefix, UsageError } from '../cli/args.js';
import { createRunDirectory, markFinished, markInterrupted, markRunning, pointLatest, previousRun, type MarkerInfo } from '../reports/history.js';
import { DEFAULT_REPORT_DIR, ensureWritableDirectory } from '../reports/write.js';

export interface ReportTarget {
  /** Where the reports go. */
  dir: string;
  /** The history base (./kinde-conformance) when no --report-dir was given. */
  base?: string;
  id?: string;
}

/** Creates (and proves writable) the directory reports will go to, before the first check. */
export async function prepareReportDir(reportDirArg: string | undefined, shard: { index: number; count: number } | undefined, command: string): Promise<ReportTarget> {
  const sub = (d: string) => (shard ? resolve(d, `shard-${shard.index}-of-${shard.count}`) : d);
  if (reportDirArg !== undefined) {
    const dir = sub(resolve(reportDirArg));
    await writable(dir, `--report-dir ${reportDirArg}`);
    return { dir };
  }
  const base = resolve(DEFAULT_REPORT_DIR);
  await writable(base, `./${DEFAULT_REPORT_DIR}`);
  const { id, dir } = createRunDirectory(base);
  if (shard) await writable(sub(dir), command);
  return { dir: sub(dir), base, id };
}

async function writable(dir: string, what: string): Promise<void> {
  try {
    await ensureWritableDirectory(dir);
  } catch (e) {
    throw new UsageError(`${what}: ${(e as Error).message}`);
  }
}

/**
 * Marks the directory RUNNING and turns SIGINT/SIGTERM into: the marker
 * INTERRUPTED, one line (what was checked, that no report was written), exit
 * 130/143. Returns the function to call once the reports are written.
 */
export function guardRun(target: ReportTarget, what: string, command: string, checked: () => string): { finished(): void } {
  const info: MarkerInfo = markRunning(target.dir, what);
  const onSignal = (signal: NodeJS.Signals) => {
    const summary = checked();
    markInterrupted(target.dir, info, signal, summary);
    process.stderr.write(`\n${errorPrefix(command)}interrupted (${signal}): ${summary}; no report was written (${shown(target.dir)} is marked INTERRUPTED${target.base ? ', earlier runs are untouched' : ''})\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    finished() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      markFinished(target.dir);
    },
  };
}

/** After the reports are written: `latest` moves to this run; a partial run says where the last full one is. */
export function recordRun(target: ReportTarget, partial: boolean): string[] {
  if (!target.base || !target.id) return [];
  const before = previousRun(target.base, target.id);
  pointLatest(target.base, target.id);
  const lines = [`This run: ${shown(target.dir)} (also ${shown(join(target.base, 'latest'))}); earlier runs are kept beside it.`];
  if (before) {
    lines.push(
      partial
        ? `A partial run (--only/--shard): the previous run's reports stay in ${shown(before)}; compare: npx kinde-token-conformance report --compare`
        : `Changes since the previous run (${shown(before)}): npx kinde-token-conformance report --compare`,
    );
  }
  return lines;
}

/** A path as the user would type it from here. */
export const shown = shownPath;
