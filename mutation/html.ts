/**
 * The mutation report page: one self-contained HTML file (inline CSS, no
 * script, no network). Scores per area and family, which requirement killed
 * how many, the unexplained survivors first, then the equivalents with the
 * doc quote that allows them, then every mutant. Everything from the run is
 * escaped: mutant descriptions and failure messages carry target data.
 */
import { escapeHtml as e } from '../reports/html.js';
import { CSS as REPORT_CSS } from '../reports/html-style.js';
import type { MutantResult } from './campaign.js';
import { percent, type CampaignResults, type Tally } from './report.js';
import { plural } from '../cli/term.js';

// report.html's look (colours, dark theme, header, cards), plus the tables this page needs.
const CSS = `${REPORT_CSS}
.tbl{width:100%;border-collapse:separate;border-spacing:0;background:var(--card);border:1px solid var(--border);border-radius:12px;overflow:hidden;margin:8px 0}
.tbl th,.tbl td{text-align:left;padding:7px 12px;border-bottom:1px solid var(--border);vertical-align:top;overflow-wrap:anywhere}
.tbl tr:last-child td{border-bottom:0}
.tbl th{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums}.mbar{display:inline-block;height:8px;border-radius:999px;background:var(--pass);vertical-align:middle}
.bad{color:var(--fail);font-weight:600}.ok{color:var(--pass);font-weight:600}
.tbl blockquote{margin:.2rem 0;color:var(--muted);border-left:3px solid var(--border);padding-left:.5rem;font-style:italic}
details{margin:10px 0}details>summary{cursor:pointer;color:var(--muted)}
.s-killed,.s-errored{color:var(--pass)}.s-survived{color:var(--fail);font-weight:600}.s-equivalent{color:var(--err)}.s-unexercised{color:var(--na)}`;

function tallyRows(title: string, groups: Record<string, Tally>): string {
  const rows = Object.entries(groups)
    .map(([k, t]) => {
      const w = t.score === null ? 0 : Math.round(t.score * 120);
      return `<tr><td>${e(k)}</td><td class="n">${t.total}</td><td class="n">${t.killed + t.errored}</td><td class="n">${t.survived}</td><td class="n">${t.equivalent}</td><td class="n">${t.unexercised}</td><td class="n">${percent(t.score)}</td><td><span class="mbar" style="width:${w}px"></span></td></tr>`;
    })
    .join('');
  return `<div class="scroll"><table class="tbl"><tr><th>${e(title)}</th><th>mutants</th><th>killed</th><th>survived</th><th>equivalent</th><th>unexercised</th><th>score</th><th></th></tr>${rows}</table></div>`;
}

function mutantRow(m: MutantResult): string {
  const by = m.detection ? `${e(m.detection.requirement ?? m.detection.check)} <small>${e(m.detection.verdict)}</small>` : '';
  const why = m.detection ? `<br><small>${e(m.detection.message.slice(0, 300))}</small>` : '';
  return `<tr><td><code>${e(m.id)}</code><br><small>${e(m.description)}</small></td><td class="s-${e(m.status)}">${e(m.status)}${m.escalated ? ' <small>(escalated)</small>' : ''}</td><td>${by}${why}</td><td class="n">${m.applied}</td></tr>`;
}

function equivalentRow(m: MutantResult): string {
  const l = m.ledgered!;
  const src = l.docUrl ? `<a href="${e(l.docUrl)}">${e(l.docUrl)}</a><blockquote>${e(l.quote)}</blockquote>` : `${e(l.rfc!.clause)} <a href="${e(l.rfc!.url)}">${e(l.rfc!.url)}</a><blockquote>${e(l.rfc!.quote)}</blockquote>`;
  return `<tr><td><code>${e(m.id)}</code><br><small>${e(m.description)}</small></td><td>${e(l.why)}<br>${src}</td></tr>`;
}

export function renderMutationHtml(r: CampaignResults): string {
  const s = r.summary;
  const survivors = r.mutants.filter((m) => m.status === 'survived');
  const equivalents = r.mutants.filter((m) => m.status === 'equivalent');
  const unexercised = r.mutants.filter((m) => m.status === 'unexercised');
  const control = r.control.passed
    ? `<p class="ok">Control passed: the unmutated target and the wrapped identity pass every applicable requirement (${r.control.requirementsPassed}).</p>`
    : `<p class="bad">Control failed: the campaign stopped.</p><ul>${r.control.failures.map((f) => `<li>${e(f.where)}: ${e(f.requirement ?? f.check)} ${e(f.verdict)}: ${e(f.message)}</li>`).join('')}</ul>`;
  const killedBy = Object.entries(r.killedBy).map(([id, n]) => `<tr><td>${e(id)}</td><td class="n">${n}</td></tr>`).join('');
  const good = s.survived === 0 && r.control.passed;
  const table = (head: string, rows: string) => `<div class="scroll"><table class="tbl">${head}${rows}</table></div>`;
  const mutantHead = '<tr><th>mutant</th><th>status</th><th>killed by</th><th>applied</th></tr>';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mutation report · ${e(r.target)}</title><style>${CSS}</style></head><body><main>
<header class="top"><div class="title"><p class="eyebrow">Kinde token conformance · mutation campaign</p>
<h1>${e(r.target)}</h1>
<p class="meta">${plural(s.total, 'generated mutant')} · seed <code>${r.seed}</code> · ${plural(r.runs, 'run')} per check (escalation ${r.escalateRuns}) · ${(r.wallMs / 1000).toFixed(1)} s · ${e(r.startedAt)}</p></div>
<div class="score ${good ? 'good' : 'bad'}"><p class="big">${percent(s.score)}</p><p class="under">killed / (killed + survived)</p></div></header>
<p>Killed ${s.killed + s.errored} (${s.errored} by an error), <span class="${s.survived ? 'bad' : 'ok'}">unexplained survivors ${s.survived}</span>, equivalent ${s.equivalent}, unexercised ${s.unexercised}.</p>
${control}
<h2>Unexplained survivors <span class="pill">${survivors.length}</span></h2>
${survivors.length ? table(mutantHead, survivors.map(mutantRow).join('')) : '<p class="ok">None.</p>'}
<h2>By area</h2>${tallyRows('area', r.byArea)}
<h2>By operator family</h2>${tallyRows('family', r.byFamily)}
<h2>Killed first by</h2>${table('<tr><th>requirement</th><th>mutants</th></tr>', killedBy)}
<h2>Equivalent mutants <span class="pill">${equivalents.length}</span></h2>
${table('<tr><th>mutant</th><th>why the docs allow it</th></tr>', equivalents.map(equivalentRow).join(''))}
<details><summary>Unexercised (${unexercised.length}): the operator found nothing to change on this target</summary>${table('', unexercised.map(mutantRow).join(''))}</details>
<details><summary>By target (${Object.keys(r.byTarget).length})</summary>${tallyRows('target', r.byTarget)}</details>
<details><summary>Every mutant (${r.mutants.length})</summary>${table(mutantHead, r.mutants.map(mutantRow).join(''))}</details>
<footer>Generated by kinde-token-conformance power. This file is self-contained: it loads nothing from the network.</footer>
</main></body></html>
`;
}
