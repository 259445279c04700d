/**
 * The terminal summary of a check-workflow run: one block per workflow, the bad
 * news first, a code frame under each finding with a position. A workflow
 * that never ran (non-token trigger, refused settings, no build) is marked
 * "not run", like a skipped test, never ✓. Every string from the workflow
 * (messages, source lines, console) goes through the one sanitizer.
 */
import { foreignLine } from '../reports/sanitize.js';
import { countLevels, formatPosition, type Finding, type FindingLevel } from './findings.js';
import { codeFrame } from './frames.js';
import type { CheckWorkflowResults, WorkflowReport } from './report.js';

const COLORS: Record<FindingLevel | 'ok' | 'dim', string> = { error: '31', warning: '33', info: '36', ok: '32', dim: '2' };

/** A workflow that ran under no generated request: only the static checks ran. */
export function notRun(w: WorkflowReport): boolean {
  return w.runs === 0;
}

export function renderSummary(results: CheckWorkflowResults, opts: { color?: boolean; frames?: boolean } = {}): string {
  const paint = (what: keyof typeof COLORS, text: string) => (opts.color ? `\u001b[${COLORS[what]}m${text}\u001b[0m` : text);
  const clean = (s: string) => foreignLine(s, 1200);
  const lines: string[] = [];
  const finding = (f: Finding) => {
    const where = formatPosition(f.at);
    lines.push(`  ${paint(f.level, f.level.padEnd(7))} ${f.kind.padEnd(18)} ${where ? `${clean(where)}  ` : ''}${clean(f.message)}`);
    if (f.hint) lines.push(`          ${paint('dim', 'hint:')} ${clean(f.hint)}`);
    if (opts.frames !== false) for (const l of codeFrame(f, '      ', clean)) lines.push(paint('dim', l));
  };
  for (const f of results.project) finding(f);
  let skipped = 0;
  for (const w of results.workflows) {
    const counts = countLevels(w.findings);
    const idle = notRun(w);
    if (idle) skipped++;
    const mark = counts.error > 0 ? paint('error', '✗') : idle ? paint('dim', '○') : counts.warning > 0 ? paint('warning', '!') : paint('ok', '✓');
    lines.push(`${mark} ${clean(w.file)}${describe(w, clean)}${idle ? paint('dim', '  — not run: only the static checks ran') : ''}`);
    for (const f of w.findings) finding(f);
    const sizes = Object.entries(w.largestTokens)
      .map(([type, t]) => `${type} ${t.bytes} B`)
      .join(', ');
    lines.push(
      paint(
        'dim',
        idle
          ? '  not run (0 generated requests)'
          : `  ${plural(w.cases, 'request')}, ${plural(w.runs, 'run')}${sizes ? `; largest tokens: ${sizes}` : ''}${w.counterexample ? `; counterexample after ${w.counterexample.shrinks} shrinks` : ''}`,
      ),
    );
    if (w.requests && w.requests.length > 0) {
      const answered = w.requests.filter((q) => q.fixture !== undefined).reduce((n, q) => n + q.count, 0);
      const unmatched = w.requests.filter((q) => q.fixture === undefined).reduce((n, q) => n + q.count, 0);
      lines.push(paint('dim', `  fetch: ${plural(answered, 'request')} answered by fixtures, ${unmatched} unmatched${results.fixtures ? ` (${clean(results.fixtures)})` : ''}`));
    }
    if (w.console.out.length + w.console.err.length > 0) {
      lines.push(paint('dim', `  console (sample request): ${w.console.out.length} log/info/debug, ${w.console.err.length} warn/error line(s)`));
    }
  }
  const s = results.summary;
  const ran = s.workflows - skipped;
  lines.push('');
  lines.push(
    `${s.error > 0 ? paint('error', `${s.error} error${s.error === 1 ? '' : 's'}`) : paint('ok', '0 errors')}, ` +
      `${s.warning} warning${s.warning === 1 ? '' : 's'}, ${s.info} info in ${s.workflows} workflow${s.workflows === 1 ? '' : 's'}: ` +
      `${ran} ran${skipped > 0 ? `, ${paint('dim', `${skipped} not run (static checks only)`)}` : ''} ` +
      `(seed ${results.seed}, ${plural(results.runs, 'run')} each)`,
  );
  return lines.join('\n');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function describe(w: WorkflowReport, clean: (s: string) => string): string {
  const parts: string[] = [];
  if (w.id) parts.push(`id ${clean(w.id)}`);
  if (w.trigger) parts.push(clean(w.trigger));
  if (w.failurePolicy) parts.push(`failurePolicy ${w.failurePolicy}${w.failurePolicyDefault ? ' (default)' : ''}`);
  return parts.length > 0 ? `  (${parts.join(', ')})` : '';
}
