/** The top of the report: header with score and counts, changes since a base run, the area × token-type matrix. */
import type { TokenType } from '../adapters/types.js';
import { AREA_TITLES, TOKEN_TYPE_TITLES, VERDICT_LABELS, VERDICT_ORDER, formatPercent, groupByArea, scoreMessage } from './format.js';
import { badge, formatDate, formatDuration, vc } from './html-blocks.js';
import { escapeHtml } from './html-escape.js';
import { plural } from '../cli/term.js';
import type { Comparison, VerdictChange } from './merge.js';
import type { RunResults } from './results.js';

/** Squares per matrix cell (the catalog puts a few dozen in its largest cell). */
export const MATRIX_CELL_CHIPS = 64;

export function matrix(results: RunResults): string {
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
          // A cell of thousands of squares (a huge or hostile results file) kept the browser busy for seconds on every
          // filter click: the worst verdicts first, at most MATRIX_CELL_CHIPS, then a count.
          const shown = inCell.length <= MATRIX_CELL_CHIPS ? inCell : [...inCell].sort((a, b) => VERDICT_ORDER.indexOf(a.verdict) - VERDICT_ORDER.indexOf(b.verdict)).slice(0, MATRIX_CELL_CHIPS);
          const more = inCell.length - shown.length;
          const chips = shown
            .map(
              (r) =>
                `<a class="chip ${vc(r.verdict)}" href="#req-${escapeHtml(r.id)}" data-matrix-id="${escapeHtml(r.id)}" data-verdict="${r.verdict}" title="${escapeHtml(`${r.id} — ${VERDICT_LABELS[r.verdict]}`)}"><span class="sr">${escapeHtml(`${r.id}: ${VERDICT_LABELS[r.verdict]}`)}</span></a>`,
            )
            .join('') + (more > 0 ? `<span class="more">+${more} more</span>` : '');
          return `<td class="cell ${vc(worst)}">${chips}</td>`;
        })
        .join('');
      return `<tr><th scope="row">${escapeHtml(AREA_TITLES[area] ?? area)}<span class="frac">${passed}/${applicable}</span></th>${cells}</tr>`;
    })
    .join('');
  const squares = results.requirements.reduce((n, r) => n + Math.max(1, r.tokenTypes.length), 0);
  return (
    `<section class="matrix-wrap" aria-labelledby="matrix-h"><h2 id="matrix-h">Matrix</h2>` +
    `<p class="hint" data-legend>Requirements by area and token type. Each square is one requirement under one token type: a requirement ` +
    `about several token types is drawn once in each of their columns (${escapeHtml(plural(results.requirements.length, 'requirement'))}, ` +
    `${escapeHtml(plural(squares, 'square'))}). Select a square to jump to the details.</p>` +
    `<div class="scroll"><table class="matrix"><thead><tr><th scope="col">Area <span class="frac">ok/applicable</span></th>${head}</tr></thead><tbody>${rows}</tbody></table></div></section>`
  );
}

/** How many failing requirements the first screen names before pointing at the Failures section. */
const FIRST_SCREEN_FAILURES = 12;

/** The first screen of a failing run: which requirements failed, each with a one-line reason. */
export function failingSummary(failures: readonly RunResults['requirements'][number][]): string {
  if (failures.length === 0) return '';
  const items = failures
    .slice(0, FIRST_SCREEN_FAILURES)
    .map((r) => {
      const text = (r.failure?.message ?? r.reason ?? r.statement).replace(new RegExp(`^${r.id}: `), '').split('\n')[0]!;
      const why = text.length > 200 ? `${text.slice(0, 199)}…` : text;
      return (
        `<li data-first-failure="${escapeHtml(r.id)}">${badge(r.verdict)} <a href="#req-${escapeHtml(r.id)}"><code>${escapeHtml(r.id)}</code></a>` +
        `<span class="why">${escapeHtml(why)}</span></li>`
      );
    })
    .join('');
  const more = failures.length > FIRST_SCREEN_FAILURES ? `<p class="hint">and ${failures.length - FIRST_SCREEN_FAILURES} more in <a href="#failures">Failures</a>.</p>` : '';
  return `<section class="what-failed" aria-labelledby="what-failed-h"><h2 id="what-failed-h">What failed <span class="pill">${failures.length}</span></h2><ul class="first-failures">${items}</ul>${more}</section>`;
}

export function changeList(title: string, kind: string, list: readonly VerdictChange[]): string {
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

export function changesSection(base: RunResults, cmp: Comparison): string {
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

export function header(results: RunResults): string {
  const s = results.summary;
  const meta = [
    `suite ${escapeHtml(results.suite.version)}${results.suite.gitRevision ? ` (${escapeHtml(results.suite.gitRevision)})` : ''}`,
    `seed <code>${escapeHtml(results.seed)}</code>`,
    `${escapeHtml(plural(results.runs, 'run'))} per property`,
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
