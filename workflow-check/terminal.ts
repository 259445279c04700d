/** The terminal summary of a check-workflow run: one block per workflow, the bad news first. */
import { countLevels, formatPosition, type Finding, type FindingLevel } from './findings.js';
import type { CheckWorkflowResults, WorkflowReport } from './report.js';

const COLORS: Record<FindingLevel | 'ok' | 'dim', string> = { error: '31', warning: '33', info: '36', ok: '32', dim: '2' };

export function renderSummary(results: CheckWorkflowResults, opts: { color?: boolean } = {}): string {
  const paint = (what: keyof typeof COLORS, text: string) => (opts.color ? `\u001b[${COLORS[what]}m${text}\u001b[0m` : text);
  const lines: string[] = [];
  const finding = (f: Finding) => {
    const where = formatPosition(f.at);
    lines.push(`  ${paint(f.level, f.level.padEnd(7))} ${f.kind.padEnd(18)} ${where ? `${where}  ` : ''}${f.message}`);
  };
  for (const f of results.project) finding(f);
  for (const w of results.workflows) {
    const counts = countLevels(w.findings);
    const mark = counts.error > 0 ? paint('error', '✗') : counts.warning > 0 ? paint('warning', '!') : paint('ok', '✓');
    lines.push(`${mark} ${w.file}${describe(w)}`);
    for (const f of w.findings) finding(f);
    const sizes = Object.entries(w.largestTokens)
      .map(([type, t]) => `${type} ${t.bytes} B`)
      .join(', ');
    lines.push(paint('dim', `  ${plural(w.cases, 'request')}, ${plural(w.runs, 'run')}${sizes ? `; largest tokens: ${sizes}` : ''}${w.counterexample ? `; counterexample after ${w.counterexample.shrinks} shrinks` : ''}`));
    if (w.requests && w.requests.length > 0) {
      const answered = w.requests.filter((q) => q.fixture !== undefined).reduce((n, q) => n + q.count, 0);
      const unmatched = w.requests.filter((q) => q.fixture === undefined).reduce((n, q) => n + q.count, 0);
      lines.push(paint('dim', `  fetch: ${plural(answered, 'request')} answered by fixtures, ${unmatched} unmatched${results.fixtures ? ` (${results.fixtures})` : ''}`));
    }
    if (w.console.out.length + w.console.err.length > 0) {
      lines.push(paint('dim', `  console (sample request): ${w.console.out.length} log/info/debug, ${w.console.err.length} warn/error line(s)`));
    }
  }
  const s = results.summary;
  lines.push('');
  lines.push(
    `${s.error > 0 ? paint('error', `${s.error} error${s.error === 1 ? '' : 's'}`) : paint('ok', '0 errors')}, ` +
      `${s.warning} warning${s.warning === 1 ? '' : 's'}, ${s.info} info in ${s.workflows} workflow${s.workflows === 1 ? '' : 's'} ` +
      `(seed ${results.seed}, ${plural(results.runs, 'run')} each)`,
  );
  return lines.join('\n');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function describe(w: WorkflowReport): string {
  const parts: string[] = [];
  if (w.id) parts.push(`id ${w.id}`);
  if (w.trigger) parts.push(w.trigger);
  if (w.failurePolicy) parts.push(`failurePolicy ${w.failurePolicy}${w.failurePolicyDefault ? ' (default)' : ''}`);
  return parts.length > 0 ? `  (${parts.join(', ')})` : '';
}
