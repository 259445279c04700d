/** Terminal conventions: colour only where it helps, GitHub annotations in Actions. */
import type { RunResults } from '../reports/results.js';
import { escapeCommandData as escapeData, escapeCommandProperty as escapeProperty, withoutStack } from '../reports/sanitize.js';

export { useColor } from '../cli/term.js';

/** One file-less `::error` line per FAILED or ERRORED requirement (`::warning` for warnings). */
export function githubAnnotations(results: RunResults): string[] {
  const lines: string[] = [];
  for (const r of results.requirements) {
    const kind = r.verdict === 'FAILED' || r.verdict === 'ERRORED' ? 'error' : r.verdict === 'WARNING' ? 'warning' : undefined;
    if (!kind) continue;
    const detail = withoutStack(r.failure?.message ?? r.reason ?? r.statement).slice(0, 2000);
    const replay = r.failure?.replay ? `\nreplay: ${r.failure.replay}` : '';
    lines.push(`::${kind} title=${escapeProperty(`${r.id} ${r.verdict}`)}::${escapeData(`${r.statement}\n${detail}${replay}`)}`);
  }
  return lines;
}
