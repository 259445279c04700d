/**
 * The summary printed at the end of a run: per-area counts, then what failed
 * and how to replay it, warnings apart, totals last (the line people read).
 */
import { rootsFirst, withConsequences } from './attribution.js';
import { AREA_TITLES, VERDICT_LABELS, groupByArea, scoreMessage } from './format.js';
import type { RunResults, Verdict } from './results.js';
import { foreignBlock, foreignLine, withoutStack } from './sanitize.js';
import { plural } from '../cli/term.js';

export interface TerminalOptions {
  /** ANSI colours. Pass false for files, CI logs without colour, or `NO_COLOR`. */
  color: boolean;
}

const CODES = { red: 31, green: 32, yellow: 33, magenta: 35, gray: 90, bold: 1, dim: 2 } as const;
type Style = keyof typeof CODES;

const VERDICT_STYLE: Record<Verdict, Style> = {
  PASSED: 'green',
  FAILED: 'red',
  WARNING: 'yellow',
  NOT_APPLICABLE: 'gray',
  ERRORED: 'magenta',
};

/** The reason of a requirement the runner did not attempt because the target was broken (runner/run.ts). */
const NOT_ATTEMPTED = /^ERR_[A-Z_]+: not attempted: /;

const MARK: Record<Verdict, string> = { PASSED: '✓', FAILED: '✗', WARNING: '⚠', NOT_APPLICABLE: '-', ERRORED: '!' };

/**
 * Everything a results file holds is foreign (a target's messages, a file from
 * elsewhere): one line each through reports/sanitize.ts, a message as an
 * indented block of at most a few lines.
 */
const clean = (text: string): string => foreignLine(text, 500);
/** A message (a stack left out) as an indented block of at most a few lines. */
const block = (text: string): string => foreignBlock(withoutStack(text), '    ', 12, 500);

export function renderTerminalSummary(run: RunResults, opts: TerminalOptions): string {
  const results = withConsequences(run);
  const paint = (style: Style, text: string): string => (opts.color ? `\x1b[${CODES[style]}m${text}\x1b[0m` : text);
  const count = (v: Verdict, n: number, label: string): string => {
    const text = `${n} ${label}`;
    return n > 0 && v !== 'PASSED' && v !== 'NOT_APPLICABLE' ? paint(VERDICT_STYLE[v], text) : n > 0 ? text : paint('dim', text);
  };
  const lines: string[] = [];
  lines.push(
    paint('bold', `Kinde token conformance: ${clean(results.target.name)} ${clean(results.target.version)}`) +
      paint('gray', ` (seed ${results.seed}, ${plural(results.runs, 'run')}${results.strict ? ', strict' : ''})`),
  );
  const groups = groupByArea(results.requirements);
  const width = Math.max(0, ...groups.map(([area]) => (AREA_TITLES[area] ?? area).length));
  for (const [area, list] of groups) {
    const c = { PASSED: 0, FAILED: 0, WARNING: 0, NOT_APPLICABLE: 0, ERRORED: 0 } as Record<Verdict, number>;
    for (const r of list) c[r.verdict]++;
    lines.push(
      `  ${(AREA_TITLES[area] ?? area).padEnd(width)}  ` +
        [
          count('PASSED', c.PASSED, 'passed'),
          count('FAILED', c.FAILED, 'failed'),
          count('WARNING', c.WARNING, 'warn'),
          count('NOT_APPLICABLE', c.NOT_APPLICABLE, 'n/a'),
          count('ERRORED', c.ERRORED, 'errored'),
        ].join(paint('gray', ' · ')),
    );
  }
  // Requirements never attempted (the target was broken first) share one reason: said once, not once each.
  const skipped = results.requirements.filter((r) => r.verdict === 'ERRORED' && NOT_ATTEMPTED.test(r.reason ?? ''));
  const failing = rootsFirst(results.requirements.filter((r) => (r.verdict === 'FAILED' || r.verdict === 'ERRORED') && !skipped.includes(r)));
  if (skipped.length > 0) {
    lines.push('', paint('bold', `Not attempted (${skipped.length} requirements)`));
    lines.push(`  ${paint('magenta', MARK.ERRORED)} ${clean(skipped[0]!.reason!)}`);
  }
  if (failing.length > 0) {
    const followers = failing.filter((r) => r.consequenceOf !== undefined).length;
    lines.push('', paint('bold', `Failures (${failing.length}${followers > 0 ? `; ${followers} of them also failed because of another one, listed last` : ''})`));
    for (const r of failing) {
      lines.push(`  ${paint(VERDICT_STYLE[r.verdict], `${MARK[r.verdict]} ${clean(r.id)}`)}  ${clean(r.statement)}`);
      if (r.consequenceOf) lines.push(`    ${paint('yellow', `also failed because of ${clean(r.consequenceOf)}`)}`);
      const message = r.failure?.message ?? r.reason;
      if (message) lines.push(block(message));
      if (r.failure) lines.push(`    ${paint('gray', 'replay:')} ${foreignLine(r.failure.replay)}`);
    }
  }
  const warnings = results.requirements.filter((r) => r.verdict === 'WARNING');
  if (warnings.length > 0) {
    lines.push('', paint('bold', `Warnings (${warnings.length})${results.strict ? ', failing this strict run' : ''}`));
    for (const r of warnings) {
      lines.push(`  ${paint('yellow', `${MARK.WARNING} ${clean(r.id)}`)}  ${clean(r.statement)}`);
      const message = r.failure?.message ?? r.contradiction?.note ?? r.reason;
      if (message) lines.push(block(message));
      if (r.failure) lines.push(`    ${paint('gray', 'replay:')} ${foreignLine(r.failure.replay)}`);
    }
  }
  const s = results.summary;
  const totals =
    `${plural(s.total, 'requirement')}: ` +
    (['PASSED', 'FAILED', 'WARNING', 'NOT_APPLICABLE', 'ERRORED'] as const)
      .map((v) => count(v, s[v], VERDICT_LABELS[v]))
      .join(', ') +
    ` — ${scoreMessage(results)}`;
  lines.push('', s.FAILED + s.ERRORED > 0 ? paint('bold', totals) : totals);
  return lines.join('\n');
}
