/**
 * The mutation report page: one self-contained HTML file (inline CSS, no
 * script, no network). Scores per area and family, which requirement killed
 * how many, the unexplained survivors first, then the equivalents with the
 * doc quote that allows them, then every mutant. Everything from the run is
 * escaped: mutant descriptions and failure messages carry target data.
 */
import { escapeHtml as e } from '../reports/html.js';
import type { MutantResult } from './campaign.js';
import { percent, type CampaignResults, type Tally } from './report.js';
import { plural } from '../cli/term.js';

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem;max-width:72rem;color:#1d2430}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #e3e6ea;vertical-align:top}th{background:#f4f6f8}
td.n{text-align:right;font-variant-numeric:tabular-nums}.bar{display:inline-block;height:.6rem;background:#2e7d32;vertical-align:middle}
.bad{color:#b3261e;font-weight:600}.ok{color:#2e7d32;font-weight:600}code{font-size:12px}blockquote{margin:.2rem 0;color:#555;border-left:3px solid #ccd;padding-left:.5rem}
details{margin:.5rem 0}.s-killed,.s-errored{color:#2e7d32}.s-survived{color:#b3261e;font-weight:600}.s-equivalent{color:#6a4fb3}.s-unexercised{color:#777}`;

function tallyRows(title: string, groups: Record<string, Tally>): string {
  const rows = Object.entries(groups)
    .map(([k, t]) => {
      const w = t.score === null ? 0 : Math.round(t.score * 120);
      return `<tr><td>${e(k)}</td><td class="n">${t.total}</td><td class="n">${t.killed + t.errored}</td><td class="n">${t.survived}</td><td class="n">${t.equivalent}</td><td class="n">${t.unexercised}</td><td class="n">${percent(t.score)}</td><td><span class="bar" style="width:${w}px"></span></td></tr>`;
    })
    .join('');
  return `<table><tr><th>${e(title)}</th><th>mutants</th><th>killed</th><th>survived</th><th>equivalent</th><th>unexercised</th><th>score</th><th></th></tr>${rows}</table>`;
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
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Mutation report · ${e(r.target)}</title><style>${CSS}</style></head><body>
<h1>Mutation report · ${e(r.target)}</h1>
<p>${plural(s.total, 'generated mutant')} · seed ${r.seed} · ${plural(r.runs, 'run')} per check (escalation ${r.escalateRuns}) · ${(r.wallMs / 1000).toFixed(1)} s · ${e(r.startedAt)}</p>
<p>Score <b>${percent(s.score)}</b>: killed ${s.killed + s.errored} (${s.errored} by an error), <span class="${s.survived ? 'bad' : 'ok'}">unexplained survivors ${s.survived}</span>, equivalent ${s.equivalent}, unexercised ${s.unexercised}. Score = killed / (killed + survived).</p>
${control}
<h2>By area</h2>${tallyRows('area', r.byArea)}
<h2>By operator family</h2>${tallyRows('family', r.byFamily)}
<h2>Unexplained survivors (${survivors.length})</h2>
${survivors.length ? `<table><tr><th>mutant</th><th>status</th><th>killed by</th><th>applied</th></tr>${survivors.map(mutantRow).join('')}</table>` : '<p class="ok">None.</p>'}
<h2>Killed first by</h2><table><tr><th>requirement</th><th>mutants</th></tr>${killedBy}</table>
<h2>Equivalent mutants (${equivalents.length})</h2>
<table><tr><th>mutant</th><th>why the docs allow it</th></tr>${equivalents.map(equivalentRow).join('')}</table>
<details><summary>Unexercised (${unexercised.length}): the operator found nothing to change on this target</summary><table>${unexercised.map(mutantRow).join('')}</table></details>
<details><summary>By target (${Object.keys(r.byTarget).length})</summary>${tallyRows('target', r.byTarget)}</details>
<details><summary>Every mutant (${r.mutants.length})</summary><table><tr><th>mutant</th><th>status</th><th>killed by</th><th>applied</th></tr>${r.mutants.map(mutantRow).join('')}</table></details>
</body></html>
`;
}
