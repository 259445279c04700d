/**
 * The HTML report of a check-workflow run: one self-contained file, no script,
 * no network (a Content-Security-Policy allows inline styles only). Every
 * value comes from the workflow under check and is escaped.
 */
import { escapeHtml } from '../reports/html.js';
import { prettyJson } from '../reports/format.js';
import { countLevels, formatPosition, type Finding } from './findings.js';
import type { CheckWorkflowResults, WorkflowReport } from './report.js';
import { plural } from '../cli/term.js';

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1d1d1f}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem;border-top:1px solid #ddd;padding-top:1rem}
h3{font-size:1rem;margin:1rem 0 .3rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:.3rem .5rem;text-align:left;vertical-align:top}
.l{font-weight:600;border-radius:3px;padding:0 .35rem;white-space:nowrap}
.l-error{background:#fde2e1;color:#a40e0e}.l-warning{background:#fff1cc;color:#7a5200}.l-info{background:#e3f1fb;color:#0b5394}
.ok{color:#1a7f37}code,pre{font:12px/1.4 ui-monospace,monospace}pre{background:#f6f8fa;padding:.6rem;overflow:auto;max-height:28rem}
.meta{color:#555}details{margin:.4rem 0}
`;

function finding(f: Finding): string {
  return (
    `<tr><td><span class="l l-${f.level}">${escapeHtml(f.level)}</span></td><td><code>${escapeHtml(f.kind)}</code></td>` +
    `<td><code>${escapeHtml(formatPosition(f.at))}</code></td><td>${escapeHtml(f.message)}` +
    (f.basis ? `<div class="meta">${escapeHtml(f.basis.level)}: ${escapeHtml(f.basis.source)}</div>` : '') +
    '</td></tr>'
  );
}

function findingsTable(list: readonly Finding[]): string {
  if (list.length === 0) return '<p class="ok">No findings.</p>';
  return `<table><tr><th>level</th><th>kind</th><th>where</th><th>finding</th></tr>${list.map(finding).join('')}</table>`;
}

function pre(value: unknown): string {
  return `<pre>${escapeHtml(typeof value === 'string' ? value : prettyJson(value))}</pre>`;
}

function overview(list: readonly WorkflowReport[]): string {
  const rows = list.map((w, i) => {
    const c = countLevels(w.findings);
    const verdict = c.error > 0 ? '<span class="l l-error">error</span>' : c.warning > 0 ? '<span class="l l-warning">warning</span>' : '<span class="ok">✓</span>';
    return `<tr><td>${verdict}</td><td><a href="#w${i}"><code>${escapeHtml(w.file)}</code></a></td><td>${escapeHtml(w.trigger ?? '')}</td><td>${c.error}</td><td>${c.warning}</td><td>${c.info}</td></tr>`;
  });
  return `<table><tr><th></th><th>workflow</th><th>trigger</th><th>errors</th><th>warnings</th><th>info</th></tr>${rows.join('')}</table>`;
}

function workflow(w: WorkflowReport, index: number): string {
  const c = countLevels(w.findings);
  const parts: string[] = [];
  parts.push(`<h2 id="w${index}">${escapeHtml(w.file)}</h2>`);
  const meta = [
    w.id && `id <code>${escapeHtml(w.id)}</code>`,
    w.trigger && `trigger <code>${escapeHtml(w.trigger)}</code>`,
    w.failurePolicy && `failurePolicy <code>${escapeHtml(w.failurePolicy)}</code>${w.failurePolicyDefault ? ' (default)' : ''}`,
    w.bindings.length > 0 && `bindings ${w.bindings.map((b) => `<code>${escapeHtml(b)}</code>`).join(' ')}`,
    `${plural(w.cases, 'request')}, ${plural(w.runs, 'run')}, ${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}`,
  ].filter(Boolean);
  parts.push(`<p class="meta">${meta.join(' · ')}</p>`);
  parts.push(findingsTable(w.findings));
  if (w.counterexample) {
    const x = w.counterexample;
    parts.push('<h3>Smallest failing request</h3>');
    parts.push(`<p>${escapeHtml(x.request)} (${escapeHtml(x.origin)}), after ${x.shrinks} shrinks: <code>${escapeHtml(x.error.code)}</code> ${escapeHtml(x.error.message)}</p>`);
    parts.push(`<p>${escapeHtml(x.effect)}</p>`);
    parts.push(`<details><summary>Event</summary>${pre(x.event)}</details>`);
  }
  const sizes = Object.entries(w.largestTokens);
  if (sizes.length > 0) {
    parts.push('<h3>Largest tokens</h3><table><tr><th>token</th><th>bytes</th><th>without the workflow</th><th>request</th></tr>');
    for (const [type, t] of sizes) {
      parts.push(`<tr><td>${escapeHtml(type)}</td><td>${t.bytes}</td><td>${t.withoutWorkflow ?? ''}</td><td>${escapeHtml(t.request)}</td></tr>`);
    }
    parts.push('</table>');
  }
  if (w.preview) {
    parts.push(`<h3>Token preview</h3><p>${escapeHtml(w.preview.request)}${w.preview.failed ? `: the workflow failed (${escapeHtml(w.preview.failed)})` : ''}</p>`);
    if (w.preview.event) parts.push(`<details><summary>Event</summary>${pre(w.preview.event)}</details>`);
    let first = true;
    for (const s of w.preview.steps) {
      if (s.refused) parts.push(`<p>${escapeHtml(s.origin)}: refused, ${s.refused.status} ${escapeHtml(s.refused.error)}: ${escapeHtml(s.refused.description)}</p>`);
      for (const [type, t] of Object.entries(s.tokens ?? {})) {
        parts.push(`<details${first ? ' open' : ''}><summary>${escapeHtml(type)} token (${t.bytes} bytes, ${escapeHtml(s.origin)})</summary>${pre(t.payload)}</details>`);
        first = false;
      }
    }
  }
  if (w.requests && w.requests.length > 0) {
    parts.push('<h3>Fetch requests (answered from fixtures; nothing left the machine)</h3><table><tr><th>binding</th><th>method</th><th>URL</th><th>fixture</th><th>runs</th></tr>');
    for (const q of w.requests) {
      const fixture = q.fixture !== undefined ? `#${q.fixture}` : '<strong>none matched</strong>';
      parts.push(`<tr><td>${escapeHtml(q.binding)}</td><td>${escapeHtml(q.method)}</td><td><code>${escapeHtml(q.url)}</code></td><td>${fixture}</td><td>${q.count}</td></tr>`);
    }
    parts.push('</table>');
  }
  if (w.console.out.length + w.console.err.length > 0) {
    parts.push('<h3>Console output (sample request)</h3>');
    if (w.console.out.length > 0) parts.push(`<p class="meta">log / info / debug</p>${pre(w.console.out.join('\n'))}`);
    if (w.console.err.length > 0) parts.push(`<p class="meta">warn / error</p>${pre(w.console.err.join('\n'))}`);
  }
  return parts.join('\n');
}

export function renderCheckHtml(r: CheckWorkflowResults): string {
  const s = r.summary;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>check-workflow: ${plural(s.error, 'error')}, ${plural(s.warning, 'warning')}</title><style>${STYLE}</style></head>
<body><h1>check-workflow: ${escapeHtml(r.input)}</h1>
<p class="meta">${plural(s.workflows, 'workflow')} · ${plural(s.error, 'error')} · ${plural(s.warning, 'warning')} · ${s.info} info · seed ${r.seed} · ${plural(r.runs, 'run')} each · ` +
    `timeout ${r.timeoutMs} ms · @kinde/infrastructure ${escapeHtml(r.infrastructure)} · ${escapeHtml(r.startedAt)}${r.replayOf ? ` · replay of ${escapeHtml(r.replayOf)}` : ''}</p>
${overview(r.workflows)}
${r.project.length > 0 ? `<h2>Project</h2>${findingsTable(r.project)}` : ''}
${r.workflows.map(workflow).join('\n')}
</body></html>
`;
}
