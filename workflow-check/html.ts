/**
 * The HTML report of a check-workflow run: one self-contained file, no script,
 * no network (a Content-Security-Policy allows inline styles only), in
 * report.html's visual language (reports/html-style.ts: the same header,
 * counts, verdict chips, light and dark theme). Laid out as cards, not wide
 * tables, so nothing scrolls sideways at 420 px or 1,366 px: long text wraps,
 * code scrolls inside its own box. Every value comes from the workflow under
 * check and is escaped.
 */
import { escapeHtml } from '../reports/html-escape.js';
import { prettyJson } from '../reports/format.js';
import { CSS } from '../reports/html-style.js';
import { countLevels, formatPosition, type Finding } from './findings.js';
import { codeFrame } from './frames.js';
import type { CheckWorkflowResults, WorkflowReport } from './report.js';
import { plural } from '../cli/term.js';
import { notRun } from './terminal.js';

const EXTRA = `
.wf{background:var(--card);border:1px solid var(--border);border-left:4px solid var(--pass);border-radius:10px;padding:12px 16px;margin:0 0 14px}
.wf.v-failed{border-left-color:var(--fail)}.wf.v-warning{border-left-color:var(--warn)}.wf.v-none{border-left-color:var(--na)}
.wf h2{font-size:16px;margin:4px 0 6px;overflow-wrap:anywhere}
.f{border-top:1px solid var(--border);padding:10px 0}
.f .head{display:flex;flex-wrap:wrap;gap:6px 10px;align-items:center}
.f .where{color:var(--muted);overflow-wrap:anywhere}
.f p{margin:6px 0;overflow-wrap:anywhere}
.f .basis{font-size:13px;color:var(--muted);overflow-wrap:anywhere}
.f pre{margin-top:6px}
.list{list-style:none;padding:0;margin:0}.list li{display:flex;flex-wrap:wrap;gap:6px 12px;padding:6px 0;border-bottom:1px solid var(--border);overflow-wrap:anywhere}
.list li a{min-width:0}.list .tt{white-space:normal;min-width:0}
details>summary{cursor:pointer;color:var(--muted);font-size:13.5px;margin:6px 0}
td,th{overflow-wrap:anywhere}
`;

const LEVEL_CLASS: Record<Finding['level'], string> = { error: 'v-failed', warning: 'v-warning', info: 'v-na' };

function finding(f: Finding): string {
  const frame = codeFrame(f, '', (s) => s);
  return (
    `<div class="f" data-level="${f.level}"><div class="head"><span class="v ${LEVEL_CLASS[f.level]}">${escapeHtml(f.level)}</span>` +
    `<code>${escapeHtml(f.kind)}</code>${f.at ? `<code class="where">${escapeHtml(formatPosition(f.at))}</code>` : ''}</div>` +
    `<p>${escapeHtml(f.message)}</p>` +
    (f.hint ? `<p class="hint">hint: ${escapeHtml(f.hint)}</p>` : '') +
    (frame.length > 0 ? `<pre>${escapeHtml(frame.join('\n'))}</pre>` : '') +
    (f.basis
      ? `<p class="basis">${escapeHtml(f.basis.level)}: ${escapeHtml(f.basis.source)}${f.basis.quote ? ` — “${escapeHtml(f.basis.quote)}”` : ''}</p>`
      : '') +
    '</div>'
  );
}

function pre(value: unknown): string {
  return `<pre>${escapeHtml(typeof value === 'string' ? value : prettyJson(value))}</pre>`;
}

function verdict(w: WorkflowReport): { cls: string; label: string } {
  const c = countLevels(w.findings);
  if (c.error > 0) return { cls: 'v-failed', label: 'error' };
  if (notRun(w)) return { cls: 'v-none', label: 'not run' };
  if (c.warning > 0) return { cls: 'v-warning', label: 'warning' };
  return { cls: 'v-passed', label: 'ok' };
}

function overview(list: readonly WorkflowReport[]): string {
  const rows = list.map((w, i) => {
    const c = countLevels(w.findings);
    const v = verdict(w);
    return (
      `<li><span class="v ${v.cls}">${v.label}</span><a href="#w${i}"><code>${escapeHtml(w.file)}</code></a>` +
      `<span class="tt">${escapeHtml(w.trigger ?? '')} · ${c.error} errors · ${c.warning} warnings · ${c.info} info${notRun(w) ? ' · only the static checks ran' : ` · ${w.runs} runs`}</span></li>`
    );
  });
  return `<h2>Workflows</h2><ul class="list">${rows.join('')}</ul>`;
}

function workflow(w: WorkflowReport, index: number): string {
  const c = countLevels(w.findings);
  const v = verdict(w);
  const parts: string[] = [`<section class="wf ${v.cls}" id="w${index}" data-workflow>`];
  parts.push(`<span class="v ${v.cls}">${v.label}</span><h2>${escapeHtml(w.file)}</h2>`);
  const meta = [
    w.id && `id <code>${escapeHtml(w.id)}</code>`,
    w.trigger && `trigger <code>${escapeHtml(w.trigger)}</code>`,
    w.failurePolicy && `failurePolicy <code>${escapeHtml(w.failurePolicy)}</code>${w.failurePolicyDefault ? ' (default)' : ''}`,
    w.bindings.length > 0 && `bindings ${w.bindings.map((b) => `<code>${escapeHtml(b)}</code>`).join(' ')}`,
    notRun(w) ? 'not run: only the static checks ran' : `${plural(w.cases, 'request')}, ${plural(w.runs, 'run')}`,
    `${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}`,
  ].filter(Boolean);
  parts.push(`<p class="meta">${meta.join(' · ')}</p>`);
  parts.push(w.findings.length === 0 ? '<p class="empty">No findings.</p>' : w.findings.map(finding).join(''));
  if (w.counterexample) {
    const x = w.counterexample;
    parts.push('<h3>Smallest failing request</h3>');
    parts.push(`<p>${escapeHtml(x.request)} (${escapeHtml(x.origin)}), after ${x.shrinks} shrinks: <code>${escapeHtml(x.error.code)}</code> ${escapeHtml(x.error.message)}</p>`);
    parts.push(`<p>${escapeHtml(x.effect)}</p><details><summary>Event</summary>${pre(x.event)}</details>`);
  }
  const sizes = Object.entries(w.largestTokens);
  if (sizes.length > 0) {
    parts.push('<h3>Largest tokens</h3><ul class="list">');
    for (const [type, t] of sizes) {
      parts.push(`<li><strong>${escapeHtml(type)}</strong> ${t.bytes} bytes${t.withoutWorkflow !== undefined ? ` (${t.withoutWorkflow} without the workflow)` : ''}<span class="tt">${escapeHtml(t.request)}</span></li>`);
    }
    parts.push('</ul>');
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
    parts.push('<h3>Fetch requests (answered from fixtures; nothing left the machine)</h3><ul class="list">');
    for (const q of w.requests) {
      const fixture = q.fixture !== undefined ? `fixture #${q.fixture}` : '<strong>no fixture matched</strong>';
      parts.push(`<li><code>${escapeHtml(q.method)} ${escapeHtml(q.url)}</code><span class="tt">${escapeHtml(q.binding)} · ${fixture} · ${q.count} runs</span></li>`);
    }
    parts.push('</ul>');
  }
  if (w.console.out.length + w.console.err.length > 0) {
    parts.push('<h3>Console output (sample request)</h3>');
    if (w.console.out.length > 0) parts.push(`<p class="small">log / info / debug</p>${pre(w.console.out.join('\n'))}`);
    if (w.console.err.length > 0) parts.push(`<p class="small">warn / error</p>${pre(w.console.err.join('\n'))}`);
  }
  parts.push('</section>');
  return parts.join('\n');
}

function header(r: CheckWorkflowResults): string {
  const s = r.summary;
  const idle = r.workflows.filter(notRun).length;
  const meta = [
    `seed ${r.seed}`,
    `${r.runs} runs each`,
    `timeout ${r.timeoutMs} ms`,
    `@kinde/infrastructure ${escapeHtml(r.infrastructure)}`,
    escapeHtml(r.startedAt),
    ...(r.replayOf ? [`replay of ${escapeHtml(r.replayOf)}`] : []),
  ];
  const counts: [string, number, string][] = [
    ['v-failed', s.error, 'errors'],
    ['v-warning', s.warning, 'warnings'],
    ['v-na', s.info, 'info'],
    ['v-passed', s.workflows - idle, 'workflows run'],
    ['v-na', idle, 'not run (static checks only)'],
  ];
  return (
    `<header class="top"><div class="title"><p class="eyebrow">Kinde token conformance · check-workflow</p>` +
    `<h1 style="overflow-wrap:anywhere">${escapeHtml(r.input)}</h1><p class="meta">${meta.join(' · ')}</p></div>` +
    `<div class="score ${s.error > 0 ? 'bad' : 'good'}"><p class="big">${s.error}</p><p class="under">error${s.error === 1 ? '' : 's'} in ${s.workflows} workflows</p></div></header>` +
    `<ul class="counts" style="margin-top:18px">${counts.map(([cls, n, label]) => `<li class="count ${cls}"><span class="n">${n}</span><span class="lbl">${label}</span></li>`).join('')}</ul>`
  );
}

export function renderCheckHtml(r: CheckWorkflowResults): string {
  const s = r.summary;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>check-workflow: ${plural(s.error, 'error')}, ${plural(s.warning, 'warning')}</title><style>${CSS}${EXTRA}</style></head>
<body data-report="check-workflow"><main>
${header(r)}
${overview(r.workflows)}
${r.project.length > 0 ? `<h2>Project</h2><section class="wf v-warning">${r.project.map(finding).join('')}</section>` : ''}
<h2>Details</h2>
${r.workflows.map(workflow).join('\n')}
</main></body></html>
`;
}
