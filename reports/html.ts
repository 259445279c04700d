/**
 * The HTML conformance report: one self-contained file (inline CSS and JS, no
 * network at all) that can be attached to a CI run or mailed around.
 *
 * Everything in RunResults is untrusted: claim values, workflow sources and
 * messages come from generated inputs and from the target under test. All of
 * it goes through {@link escapeHtml}; data for the script travels as JSON in a
 * `<script type="application/json">` block with `<` escaped; and a
 * Content-Security-Policy allows only our own script (by hash), so a missed
 * escape still cannot run code or load anything.
 */
import { createHash } from 'node:crypto';
import type { TokenType } from '../adapters/types.js';
import { rootsFirst } from './attribution.js';
import { diffLines } from './diff.js';
import {
  AREA_TITLES,
  TOKEN_TYPE_TITLES,
  VERDICT_LABELS,
  VERDICT_ORDER,
  formatPercent,
  groupByArea,
  isFailing,
  prettyJson,
  scoreMessage,
} from './format.js';
import { compareResults } from './merge.js';
import type { Comparison, VerdictChange } from './merge.js';
import type { RequirementResult, RunResults, Verdict } from './results.js';

export interface HtmlOptions {
  /** A base run: adds a "Changes since base" section. */
  compareWith?: RunResults;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and quoted attribute values alike. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** JSON that is safe inside `<script type="application/json">`: nothing in it can close the element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** CSS class of a verdict. */
function vc(v: Verdict): string {
  return v === 'NOT_APPLICABLE' ? 'v-na' : `v-${v.toLowerCase()}`;
}

function badge(v: Verdict): string {
  return `<span class="v ${vc(v)}">${escapeHtml(VERDICT_LABELS[v])}</span>`;
}

/** Only http(s) documentation links become links; anything else (e.g. `javascript:`) stays text. */
function docLink(url: string): string {
  let ok = false;
  try {
    const u = new URL(url);
    ok = u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    ok = false;
  }
  return ok
    ? `<a class="doc" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(url)}</a>`
    : `<span class="doc">${escapeHtml(url)}</span>`;
}

/** Pretty JSON with quiet syntax colouring. Every token is escaped on its own. */
function jsonBlock(value: unknown): string {
  const text = prettyJson(value);
  if (value === undefined) return `<pre class="json"><code>${escapeHtml(text)}</code></pre>`;
  const re = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
  let out = '';
  let last = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out += escapeHtml(text.slice(last, m.index));
    const [whole, str, colon, lit] = m;
    if (str !== undefined) {
      out += colon !== undefined
        ? `<span class="k">${escapeHtml(str)}</span>${escapeHtml(colon)}`
        : `<span class="s">${escapeHtml(str)}</span>`;
    } else if (lit !== undefined) out += `<span class="l">${escapeHtml(lit)}</span>`;
    else out += `<span class="n">${escapeHtml(whole)}</span>`;
    last = m.index + whole.length;
  }
  out += escapeHtml(text.slice(last));
  return `<pre class="json"><code>${out}</code></pre>`;
}

function diffBlock(expected: unknown, actual: unknown): string {
  const lines = diffLines(prettyJson(expected), prettyJson(actual));
  const body = lines
    .map((l) => {
      const sign = l.op === 'del' ? '-' : l.op === 'add' ? '+' : ' ';
      return `<span class="dl ${l.op}"><span class="sign" aria-hidden="true">${sign}</span>${escapeHtml(l.text)}</span>`;
    })
    .join('');
  return (
    `<p class="legend"><span class="dl del">− expected</span> <span class="dl add">+ actual</span></p>` +
    `<pre class="diff" aria-label="expected versus actual"><code>${body}</code></pre>`
  );
}

function tokenTypesText(types: readonly TokenType[]): string {
  return types.length === 0 ? 'any' : types.map((t) => TOKEN_TYPE_TITLES[t]).join(' · ');
}

function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)}m ${Math.round(s % 60)}s`;
}

function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function quoteFigure(url: string, quote: string): string {
  return `<figure class="quote"><blockquote>${escapeHtml(quote)}</blockquote><figcaption>${docLink(url)}</figcaption></figure>`;
}

function failureBody(r: RequirementResult): string {
  const f = r.failure;
  if (!f) return '';
  const c = f.counterexample;
  let out = `<h4>${r.verdict === 'WARNING' ? 'What was noticed' : 'What broke'}</h4>`;
  out += `<pre class="msg">${escapeHtml(f.message)}</pre>`;
  const facts = [`seed <code>${escapeHtml(f.seed)}</code>`];
  if (f.path) facts.push(`path <code>${escapeHtml(f.path)}</code>`);
  if (c?.tokenType) facts.push(`${escapeHtml(TOKEN_TYPE_TITLES[c.tokenType])} token`);
  if (c?.claim) facts.push(`claim <code>${escapeHtml(c.claim)}</code>`);
  out += `<p class="small">${facts.join(' · ')}</p>`;
  if (c) {
    if (c.message && c.message !== f.message) out += `<p>${escapeHtml(c.message)}</p>`;
    if ('expected' in c || 'actual' in c) out += `<h4>Expected vs actual</h4>${diffBlock(c.expected, c.actual)}`;
    if (c.token) {
      out +=
        `<h4>Decoded token</h4><div class="cols">` +
        `<div><h5>Header</h5>${jsonBlock(c.token.header)}</div>` +
        `<div><h5>Payload</h5><div class="payload">${jsonBlock(c.token.payload)}</div></div></div>`;
    }
    if (c.commands && c.commands.length > 0) {
      out += `<h4>Command sequence</h4><ol class="commands">${c.commands
        .map((cmd) => `<li><code>${escapeHtml(cmd)}</code></li>`)
        .join('')}</ol>`;
    }
    if (c.workflows && c.workflows.length > 0) {
      out += c.workflows
        .map(
          (src, i) =>
            `<h4>Workflow.ts${c.workflows!.length > 1 ? ` #${i + 1}` : ''}</h4><pre class="code"><code>${escapeHtml(src)}</code></pre>`,
        )
        .join('');
    }
    if (c.request !== undefined || c.tenant !== undefined) {
      out += `<details class="inputs"><summary>Generated inputs</summary>`;
      if (c.request !== undefined) out += `<h5>Request</h5>${jsonBlock(c.request)}`;
      if (c.tenant !== undefined) out += `<h5>Tenant</h5>${jsonBlock(c.tenant)}`;
      out += `</details>`;
    }
  }
  out +=
    `<h4>Replay</h4><div class="replay"><pre><code>${escapeHtml(f.replay)}</code></pre>` +
    `<button type="button" class="btn" data-copy="${escapeHtml(r.id)}">Copy</button></div>`;
  return `<div class="failure">${out}</div>`;
}

function requirementRow(r: RequirementResult): string {
  const facts: Array<[string, string]> = [
    ['Area', escapeHtml(AREA_TITLES[r.area] ?? r.area)],
    ['Token types', escapeHtml(tokenTypesText(r.tokenTypes))],
    ['Level', escapeHtml(r.level)],
    ['Severity', escapeHtml(r.severity)],
    ['Runs', `${escapeHtml(r.runs)} in ${escapeHtml(formatDuration(r.durationMs))}`],
  ];
  if (r.tests.length > 0) facts.push(['Tests', r.tests.map((t) => `<code>${escapeHtml(t)}</code>`).join('<br>')]);
  // The statement itself is the summary line, which wraps in full once the row is open.
  let body = `<dl class="facts">${facts.map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`).join('')}</dl>`;
  body += quoteFigure(r.source.url, r.source.quote);
  if (r.contradiction) {
    body +=
      `<div class="callout"><p><strong>The docs disagree.</strong> ${escapeHtml(r.contradiction.note)}</p>` +
      r.contradiction.readings.map((d) => quoteFigure(d.url, d.quote)).join('') +
      `</div>`;
  }
  if (r.consequenceOf) body += `<p class="reason"><strong>Also failed because of</strong> <a href="#req-${escapeHtml(r.consequenceOf)}">${escapeHtml(r.consequenceOf)}</a>: read that failure first.</p>`;
  if (r.reason) body += `<p class="reason"><strong>${r.verdict === 'ERRORED' ? 'Error' : 'Reason'}:</strong> ${escapeHtml(r.reason)}</p>`;
  body += failureBody(r);
  const id = escapeHtml(r.id);
  return (
    `<details class="req ${vc(r.verdict)}" id="req-${id}" data-requirement-id="${id}" data-verdict="${r.verdict}">` +
    `<summary>${badge(r.verdict)}<code class="rid">${id}</code><span class="stmt">${escapeHtml(r.statement)}</span>` +
    `<span class="tt">${escapeHtml(tokenTypesText(r.tokenTypes))}</span></summary>` +
    `<div class="body">${body}</div></details>`
  );
}

function rowsByArea(requirements: readonly RequirementResult[]): string {
  return groupByArea(requirements)
    .map(
      ([area, list]) =>
        `<div class="area-group" data-area-group="${escapeHtml(area)}"><h3>${escapeHtml(AREA_TITLES[area] ?? area)}</h3>${list
          .map(requirementRow)
          .join('')}</div>`,
    )
    .join('');
}

function section(name: string, title: string, hint: string, list: readonly RequirementResult[], empty: string): string {
  return (
    `<section class="group" id="${name}" data-section="${name}"><h2>${title} <span class="pill">${list.length}</span></h2>` +
    `<p class="hint">${hint}</p>${list.length > 0 ? rowsByArea(list) : `<p class="empty">${empty}</p>`}</section>`
  );
}

function matrix(results: RunResults): string {
  const used = new Set<TokenType | 'any'>();
  for (const r of results.requirements) {
    if (r.tokenTypes.length === 0) used.add('any');
    for (const t of r.tokenTypes) used.add(t);
  }
  const columns = (['access', 'id', 'm2m', 'any'] as const).filter((c) => used.has(c));
  const head = columns.map((c) => `<th scope="col">${c === 'any' ? 'Any / none' : escapeHtml(TOKEN_TYPE_TITLES[c])}</th>`).join('');
  const rows = groupByArea(results.requirements)
    .map(([area, list]) => {
      const passed = list.filter((r) => r.verdict === 'PASSED' || r.verdict === 'WARNING').length;
      const applicable = list.filter((r) => r.verdict !== 'NOT_APPLICABLE').length;
      const cells = columns
        .map((col) => {
          const inCell = list.filter((r) => (col === 'any' ? r.tokenTypes.length === 0 : r.tokenTypes.includes(col)));
          if (inCell.length === 0) return `<td class="empty-cell">·</td>`;
          const worst = VERDICT_ORDER.find((v) => inCell.some((r) => r.verdict === v)) ?? 'PASSED';
          const chips = inCell
            .map(
              (r) =>
                `<a class="chip ${vc(r.verdict)}" href="#req-${escapeHtml(r.id)}" data-matrix-id="${escapeHtml(r.id)}" data-verdict="${r.verdict}" title="${escapeHtml(`${r.id} — ${VERDICT_LABELS[r.verdict]}`)}"><span class="sr">${escapeHtml(`${r.id}: ${VERDICT_LABELS[r.verdict]}`)}</span></a>`,
            )
            .join('');
          return `<td class="cell ${vc(worst)}">${chips}</td>`;
        })
        .join('');
      return `<tr><th scope="row">${escapeHtml(AREA_TITLES[area] ?? area)}<span class="frac">${passed}/${applicable}</span></th>${cells}</tr>`;
    })
    .join('');
  return (
    `<section class="matrix-wrap" aria-labelledby="matrix-h"><h2 id="matrix-h">Matrix</h2>` +
    `<p class="hint">Requirements by area and token type. Each square is one requirement; select it to jump to the details.</p>` +
    `<div class="scroll"><table class="matrix"><thead><tr><th scope="col">Area <span class="frac">ok/applicable</span></th>${head}</tr></thead><tbody>${rows}</tbody></table></div></section>`
  );
}

function changeList(title: string, kind: string, list: readonly VerdictChange[]): string {
  if (list.length === 0) return '';
  const items = list
    .map(
      (c) =>
        `<li data-change="${kind}" data-change-id="${escapeHtml(c.id)}"><a href="#req-${escapeHtml(c.id)}"><code>${escapeHtml(c.id)}</code></a> ` +
        `${c.base ? badge(c.base) : '<span class="v v-none">absent</span>'} <span aria-hidden="true">→</span> ` +
        `${c.head ? badge(c.head) : '<span class="v v-none">absent</span>'} <span class="stmt">${escapeHtml(c.statement)}</span></li>`,
    )
    .join('');
  return `<h3>${title} <span class="pill">${list.length}</span></h3><ul class="changes">${items}</ul>`;
}

function changesSection(base: RunResults, cmp: Comparison): string {
  const total = cmp.regressions.length + cmp.fixes.length + cmp.changed.length + cmp.added.length + cmp.removed.length;
  const lists =
    changeList('Regressions', 'regression', cmp.regressions) +
    changeList('Fixes', 'fix', cmp.fixes) +
    changeList('Other changes', 'changed', cmp.changed) +
    changeList('Added requirements', 'added', cmp.added) +
    changeList('Removed requirements', 'removed', cmp.removed);
  return (
    `<section class="changes-wrap" id="changes" aria-labelledby="changes-h"><h2 id="changes-h">Changes since base</h2>` +
    `<p class="hint">Base: ${escapeHtml(base.target.name)} ${escapeHtml(base.target.version)}, ${escapeHtml(formatDate(base.startedAt))}, ` +
    `${escapeHtml(scoreMessage(base))}.</p>` +
    (total === 0 ? `<p class="empty">No verdict changed.</p>` : lists) +
    `</section>`
  );
}

function header(results: RunResults): string {
  const s = results.summary;
  const meta = [
    `suite ${escapeHtml(results.suite.version)}${results.suite.gitRevision ? ` (${escapeHtml(results.suite.gitRevision)})` : ''}`,
    `seed <code>${escapeHtml(results.seed)}</code>`,
    `${escapeHtml(results.runs)} runs per property`,
    `${escapeHtml(formatDate(results.startedAt))}`,
    `took ${escapeHtml(formatDuration(Date.parse(results.finishedAt) - Date.parse(results.startedAt)))}`,
    `Node ${escapeHtml(results.node)}`,
    results.strict ? 'strict: warnings fail' : 'warnings do not fail',
  ];
  if (results.shard) meta.push(`shard ${escapeHtml(results.shard.index)}/${escapeHtml(results.shard.count)}`);
  const counts = VERDICT_ORDER.map(
    (v) =>
      `<li class="count ${vc(v)}"><span class="n" data-verdict-count="${v}">${s[v]}</span><span class="lbl">${escapeHtml(VERDICT_LABELS[v])}</span></li>`,
  ).join('');
  const bar = s.total === 0
    ? ''
    : `<div class="bar" aria-hidden="true">${VERDICT_ORDER.filter((v) => s[v] > 0)
        .map((v) => `<span class="${vc(v)}" style="flex-grow:${s[v]}"></span>`)
        .join('')}</div>`;
  const score = scoreMessage(results);
  const applicable = s.total - s.NOT_APPLICABLE;
  return (
    `<header class="top"><div class="title"><p class="eyebrow">Kinde token conformance</p>` +
    `<h1><span data-target-name>${escapeHtml(results.target.name)}</span> <span class="ver">${escapeHtml(results.target.version)}</span></h1>` +
    `<p class="meta">${meta.join(' · ')}</p></div>` +
    `<div class="score ${s.FAILED + s.ERRORED > 0 ? 'bad' : 'good'}"><p class="big" data-score="${escapeHtml(s.score)}">${applicable === 0 ? '—' : escapeHtml(formatPercent(s.score))}</p>` +
    `<p class="under">${escapeHtml(score.replace(/^[\d.]+% /, ''))}</p></div></header>` +
    `<p class="sr">${escapeHtml(score)}</p>` +
    `${bar}<ul class="counts">${counts}<li class="count total"><span class="n" data-total>${s.total}</span><span class="lbl">requirements</span></li></ul>`
  );
}

const CSS = `
:root{color-scheme:light dark;--bg:#f7f7f5;--fg:#1f2328;--muted:#5e6470;--card:#fff;--border:#e3e3df;--code:#f1f1ee;
--pass:#1a7f37;--pass-bg:#e6f4ea;--fail:#c62828;--fail-bg:#fdecec;--warn:#9a6700;--warn-bg:#fff4d6;--na:#6e7781;--na-bg:#eef0f2;--err:#7b3fbf;--err-bg:#f3ebfc;
--add:#e6f4ea;--add-fg:#1a7f37;--del:#fdecec;--del-fg:#c62828;--accent:#3a5ccc;--k:#3a5ccc;--s:#0f6e5a;--l:#9a3ea8;--num:#9a5b00}
@media (prefers-color-scheme:dark){:root{--bg:#111317;--fg:#e4e6ea;--muted:#9aa1ad;--card:#181b20;--border:#2a2e35;--code:#1f2329;
--pass:#56c271;--pass-bg:#15301e;--fail:#f47272;--fail-bg:#3a1818;--warn:#e3b341;--warn-bg:#332a12;--na:#9aa1ad;--na-bg:#252931;--err:#c198f2;--err-bg:#2b2040;
--add:#15301e;--add-fg:#7ee08f;--del:#3a1818;--del-fg:#ff9c9c;--accent:#8aa4ff;--k:#8aa4ff;--s:#6fd3b7;--l:#e29be8;--num:#f0b860}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1120px;margin:0 auto;padding:28px 24px 64px}
code,pre{font-family:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace;font-size:13px}
a{color:var(--accent)}
h1,h2,h3,h4,h5{line-height:1.25;margin:0}
h2{font-size:20px;margin:36px 0 6px}
h3{font-size:13px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:18px 0 8px;font-weight:600}
h4{font-size:14px;margin:18px 0 6px}
h5{font-size:12px;color:var(--muted);margin:8px 0 4px;font-weight:600;text-transform:uppercase;letter-spacing:.05em}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.hint{color:var(--muted);margin:0 0 12px;font-size:14px}
.empty{color:var(--muted);font-style:italic}
.pill{display:inline-block;min-width:1.7em;padding:0 .5em;border-radius:999px;background:var(--code);color:var(--muted);font-size:13px;text-align:center;vertical-align:middle}
.top{display:flex;gap:24px;align-items:flex-end;justify-content:space-between;flex-wrap:wrap}
.top .title{flex:1 1 420px;min-width:0}
.eyebrow{margin:0 0 4px;color:var(--muted);font-size:13px;text-transform:uppercase;letter-spacing:.08em;font-weight:600}
h1{font-size:30px;font-weight:650}
h1 .ver{color:var(--muted);font-weight:400}
.meta{color:var(--muted);margin:8px 0 0;font-size:13.5px}
.meta code{font-size:12.5px}
.score{text-align:right}
.score .big{font-size:44px;font-weight:700;margin:0;line-height:1;font-variant-numeric:tabular-nums}
.score.good .big{color:var(--pass)}.score.bad .big{color:var(--fail)}
.score .under{margin:4px 0 0;color:var(--muted)}
.bar{display:flex;height:8px;border-radius:999px;overflow:hidden;margin:22px 0 14px;background:var(--border);gap:2px}
.bar span{display:block;min-width:4px}
.bar .v-passed{background:var(--pass)}.bar .v-failed{background:var(--fail)}.bar .v-warning{background:var(--warn)}.bar .v-na{background:var(--na)}.bar .v-errored{background:var(--err)}
.counts{list-style:none;display:flex;flex-wrap:wrap;gap:10px;padding:0;margin:0}
.count{display:flex;align-items:baseline;gap:8px;padding:8px 14px;border-radius:10px;background:var(--card);border:1px solid var(--border)}
.count .n{font-size:20px;font-weight:700;font-variant-numeric:tabular-nums}
.count .lbl{color:var(--muted);font-size:13.5px}
.count.v-passed .n{color:var(--pass)}.count.v-failed .n{color:var(--fail)}.count.v-warning .n{color:var(--warn)}.count.v-na .n{color:var(--na)}.count.v-errored .n{color:var(--err)}
.toolbar{position:sticky;top:0;z-index:2;display:flex;flex-wrap:wrap;gap:8px;align-items:center;padding:12px 0;margin-top:18px;background:var(--bg);border-bottom:1px solid var(--border)}
.toolbar .spacer{flex:1}
.btn{font:inherit;font-size:13.5px;padding:5px 12px;border-radius:8px;border:1px solid var(--border);background:var(--card);color:var(--fg);cursor:pointer}
.btn:hover{border-color:var(--muted)}
.btn[aria-pressed="true"]{background:var(--fg);color:var(--bg);border-color:var(--fg)}
.btn:focus-visible,summary:focus-visible,.chip:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
.v{display:inline-block;font-size:11.5px;font-weight:650;text-transform:uppercase;letter-spacing:.04em;padding:2px 8px;border-radius:6px;white-space:nowrap}
.v.v-passed{color:var(--pass);background:var(--pass-bg)}.v.v-failed{color:var(--fail);background:var(--fail-bg)}.v.v-warning{color:var(--warn);background:var(--warn-bg)}.v.v-na{color:var(--na);background:var(--na-bg)}.v.v-errored{color:var(--err);background:var(--err-bg)}.v.v-none{color:var(--muted);background:var(--code)}
.scroll{overflow-x:auto}
.matrix{border-collapse:separate;border-spacing:0;width:100%;background:var(--card);border:1px solid var(--border);border-radius:12px;overflow:hidden}
.matrix th,.matrix td{padding:8px 12px;border-bottom:1px solid var(--border);text-align:left;vertical-align:middle}
.matrix tr:last-child th,.matrix tr:last-child td{border-bottom:0}
.matrix thead th{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);font-weight:600}
.matrix tbody th{font-weight:550;white-space:nowrap}
.frac{margin-left:8px;color:var(--muted);font-weight:400;font-size:12.5px;font-variant-numeric:tabular-nums;text-transform:none;letter-spacing:0}
.cell.v-failed{background:var(--fail-bg)}.cell.v-errored{background:var(--err-bg)}
.empty-cell{color:var(--border)}
.chip{display:inline-block;width:16px;height:16px;border-radius:4px;margin:2px 4px 2px 0;vertical-align:middle;transition:opacity .15s}
.chip.v-passed{background:var(--pass)}.chip.v-failed{background:var(--fail)}.chip.v-warning{background:var(--warn)}.chip.v-na{background:var(--na);opacity:.55}.chip.v-errored{background:var(--err)}
.chip.dim{opacity:.15}
.area-group{margin-bottom:8px}
.req{background:var(--card);border:1px solid var(--border);border-left:4px solid var(--na);border-radius:10px;margin:0 0 8px}
.req.v-passed{border-left-color:var(--pass)}.req.v-failed{border-left-color:var(--fail)}.req.v-warning{border-left-color:var(--warn)}.req.v-errored{border-left-color:var(--err)}
.req>summary{display:grid;grid-template-columns:auto auto 1fr auto;gap:12px;align-items:center;padding:10px 14px;cursor:pointer;list-style:none}
.req>summary::-webkit-details-marker{display:none}
.req>summary::after{content:"▸";color:var(--muted);grid-column:5;transition:transform .15s}
.req[open]>summary::after{transform:rotate(90deg)}
.req>summary .v{min-width:7.5em;text-align:center}
.rid{font-weight:600;font-size:12.5px}
.stmt{color:var(--fg);overflow:hidden;text-overflow:ellipsis}
.req:not([open]) .stmt{white-space:nowrap}
.tt{color:var(--muted);font-size:12.5px;white-space:nowrap}
.body{padding:14px 18px 18px;border-top:1px solid var(--border)}
.statement{font-size:15.5px;margin:14px 0 10px}
.facts{display:flex;flex-wrap:wrap;gap:6px 28px;margin:0 0 12px}
.facts dt{font-size:11.5px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
.facts dd{margin:0;font-size:14px}
.quote{margin:10px 0;padding:8px 14px;border-left:3px solid var(--border);background:var(--code);border-radius:0 8px 8px 0}
.quote blockquote{margin:0;font-style:italic}
.quote figcaption{font-size:12.5px;margin-top:4px;word-break:break-all}
.callout{border:1px solid var(--warn);background:var(--warn-bg);border-radius:10px;padding:4px 14px;margin:12px 0}
.callout .quote{background:var(--card)}
.reason{padding:8px 12px;border-radius:8px;background:var(--code)}
.v-errored .reason{background:var(--err-bg)}
.failure{margin-top:8px}
.small{font-size:13px;color:var(--muted);margin:6px 0}
pre{background:var(--code);border:1px solid var(--border);border-radius:8px;padding:10px 12px;overflow:auto;margin:0;max-height:480px}
pre.msg{white-space:pre-wrap;word-break:break-word;font-size:13.5px;border-left:3px solid var(--fail)}
.v-warning pre.msg{border-left-color:var(--warn)}
.cols{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,2fr);gap:12px}
@media (max-width:760px){.cols{grid-template-columns:minmax(0,1fr)}.req>summary{grid-template-columns:auto 1fr}.req>summary .stmt,.req>summary .tt{grid-column:1/-1}.req>summary::after{display:none}.top{align-items:flex-start}.score{text-align:left}}
.json .k{color:var(--k)}.json .s{color:var(--s)}.json .l{color:var(--l)}.json .n{color:var(--num)}
.diff .dl{display:block;padding:0 6px;margin:0 -6px;white-space:pre}
.diff .dl.add{background:var(--add);color:var(--add-fg)}.diff .dl.del{background:var(--del);color:var(--del-fg)}
.diff .sign{display:inline-block;width:1.4em;user-select:none;opacity:.8}
.legend{font-size:12.5px;margin:0 0 6px}.legend .dl{padding:1px 8px;border-radius:4px}
.legend .add{background:var(--add);color:var(--add-fg)}.legend .del{background:var(--del);color:var(--del-fg)}
.commands{margin:0;padding-left:1.6em}.commands li{margin:2px 0}.commands code{background:var(--code);padding:1px 6px;border-radius:4px}
.inputs{margin-top:14px}.inputs>summary{cursor:pointer;color:var(--muted);font-size:13.5px}
.replay{display:flex;gap:8px;align-items:stretch}
.replay pre{flex:1;white-space:pre-wrap;word-break:break-all}
.changes{list-style:none;padding:0;margin:0}
.changes li{display:flex;flex-wrap:wrap;gap:8px;align-items:center;padding:6px 0;border-bottom:1px solid var(--border)}
.changes .stmt{color:var(--muted);font-size:14px}
footer{margin-top:48px;color:var(--muted);font-size:12.5px}
[hidden]{display:none!important}
@media print{.toolbar{display:none}.req .body{display:block}pre{max-height:none}}
`;

/** Filters, copy buttons, deep links. Static: it reads data only from the JSON block. */
const SCRIPT = `(function () {
  'use strict';
  var dataEl = document.getElementById('report-data');
  var data = dataEl ? JSON.parse(dataEl.textContent || '{}') : { requirements: [] };
  var replays = {};
  (data.requirements || []).forEach(function (r) { if (r.failure) replays[r.id] = r.failure.replay; });
  var FILTERS = {
    all: function () { return true; },
    failures: function (v) { return v === 'FAILED' || v === 'ERRORED'; },
    warnings: function (v) { return v === 'WARNING'; }
  };
  function all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function applyFilter(name) {
    if (!Object.prototype.hasOwnProperty.call(FILTERS, name)) name = 'all';
    var keep = FILTERS[name];
    all('[data-requirement-id]').forEach(function (row) { row.hidden = !keep(row.getAttribute('data-verdict')); });
    all('[data-area-group]').forEach(function (g) {
      g.hidden = !all('[data-requirement-id]', g).some(function (r) { return !r.hidden; });
    });
    all('[data-section]').forEach(function (s) {
      s.hidden = name !== 'all' && s.getAttribute('data-section') !== name;
    });
    all('[data-matrix-id]').forEach(function (c) { c.classList.toggle('dim', !keep(c.getAttribute('data-verdict'))); });
    all('[data-filter]').forEach(function (b) { b.setAttribute('aria-pressed', String(b.getAttribute('data-filter') === name)); });
    document.body.setAttribute('data-active-filter', name);
  }
  function openRequirement(id) {
    var el = document.getElementById('req-' + id);
    if (!el) return;
    if (el.hidden) applyFilter('all');
    el.open = true;
  }
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () { return true; }, function () { return fallbackCopy(text); });
    }
    return Promise.resolve(fallbackCopy(text));
  }
  function fallbackCopy(text) {
    var ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    document.body.removeChild(ta);
    return ok;
  }
  document.addEventListener('click', function (ev) {
    var t = ev.target;
    if (!(t instanceof Element)) return;
    var f = t.closest('[data-filter]');
    if (f) {
      var name = f.getAttribute('data-filter');
      applyFilter(name);
      try { history.replaceState(null, '', name === 'all' ? location.pathname + location.search : '#' + name); } catch (e) {}
      return;
    }
    var x = t.closest('[data-expand-all]');
    if (x) {
      var open = x.getAttribute('data-expand-all') === 'open';
      all('details.req').forEach(function (d) { if (!d.hidden) d.open = open; });
      return;
    }
    var c = t.closest('[data-copy]');
    if (c) {
      var id = c.getAttribute('data-copy');
      var text = replays[id] || '';
      copyText(text).then(function (ok) {
        c.textContent = ok ? 'Copied' : 'Select & copy';
        if (!ok) {
          var pre = c.parentNode && c.parentNode.querySelector('pre');
          if (pre) { var range = document.createRange(); range.selectNodeContents(pre); var sel = getSelection(); sel.removeAllRanges(); sel.addRange(range); }
        }
        setTimeout(function () { c.textContent = 'Copy'; }, 1600);
      });
      return;
    }
    var a = t.closest('a[href^="#req-"]');
    if (a) openRequirement(a.getAttribute('href').slice(5));
  });
  var hash = location.hash.slice(1);
  if (hash === 'failures' || hash === 'warnings') applyFilter(hash);
  else {
    applyFilter('all');
    if (hash.indexOf('req-') === 0) openRequirement(hash.slice(4));
  }
})();`;

const SCRIPT_HASH = createHash('sha256').update(SCRIPT).digest('base64');

/** The report as one HTML document. `results` should already be redacted (writeReports does that). */
export function renderHtml(results: RunResults, opts: HtmlOptions = {}): string {
  const s = results.summary;
  const failures = rootsFirst(results.requirements.filter((r) => isFailing(r.verdict)));
  const warnings = results.requirements.filter((r) => r.verdict === 'WARNING');
  const others = results.requirements.filter((r) => r.verdict === 'PASSED' || r.verdict === 'NOT_APPLICABLE');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${SCRIPT_HASH}'; img-src data:; base-uri 'none'; form-action 'none'`;
  const title = `${results.target.name} ${results.target.version}: ${scoreMessage(results)}`;
  const toolbar =
    `<nav class="toolbar" aria-label="Filter requirements">` +
    `<button type="button" class="btn" data-filter="all" aria-pressed="true">All <span class="pill">${s.total}</span></button>` +
    `<button type="button" class="btn" data-filter="failures" aria-pressed="false">Failures <span class="pill">${s.FAILED + s.ERRORED}</span></button>` +
    `<button type="button" class="btn" data-filter="warnings" aria-pressed="false">Warnings <span class="pill">${s.WARNING}</span></button>` +
    `<span class="spacer"></span>` +
    `<button type="button" class="btn" data-expand-all="open">Expand all</button>` +
    `<button type="button" class="btn" data-expand-all="close">Collapse all</button></nav>`;
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="referrer" content="no-referrer">` +
    `<link rel="icon" href="data:,">` +
    `<title>${escapeHtml(title)}</title><style>${CSS}</style></head>` +
    `<body><main>` +
    header(results) +
    (opts.compareWith ? changesSection(opts.compareWith, compareResults(opts.compareWith, results)) : '') +
    matrix(results) +
    toolbar +
    section('failures', 'Failures', 'Requirements that FAILED or ERRORED. Open one for the counterexample and the replay command.', failures, 'No failures.') +
    section('warnings', 'Warnings', 'Warnings do not fail the run unless it is strict: inferred requirements, and places where the docs contradict themselves.', warnings, 'No warnings.') +
    section('others', 'Passed and not applicable', 'Requirements the target met, and those its capabilities rule out.', others, 'None.') +
    `<footer>Generated by ${escapeHtml(results.suite.name)} ${escapeHtml(results.suite.version)}. ` +
    `This file is self-contained: it loads nothing from the network.</footer>` +
    `</main><script type="application/json" id="report-data">${jsonForScript(results)}</script>` +
    `<script>${SCRIPT}</script></body></html>\n`
  );
}
