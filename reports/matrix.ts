/**
 * `report --matrix a.json b.json …`: several runs (targets or verifiers)
 * side by side, requirement × implementation, as one self-contained HTML
 * page and a Markdown table. Every failing cell links to its failure (the
 * message and replay line, further down the page). Everything that came
 * from a results file is foreign: sanitized (reports/sanitize.ts) and
 * escaped for HTML or Markdown before it is written.
 */
import { escapeHtml } from './html-escape.js';
import { escapeMarkdown } from './markdown.js';
import type { RunResults, Verdict } from './results.js';
import { foreignLine } from './sanitize.js';

export interface MatrixCell {
  verdict: Verdict;
  /** FAILED/WARNING/ERRORED: one line of why, sanitized. */
  why?: string;
  replay?: string;
  /** Anchor of the failure on the HTML page. */
  anchor?: string;
}

export interface Matrix {
  /** One per run: the implementation's name (and version), unique. */
  columns: string[];
  /** Requirement ids, in the order of the first run that has them. */
  rows: string[];
  cells: Map<string, Array<MatrixCell | undefined>>;
}

export const MATRIX_SYMBOLS: Record<Verdict, string> = { PASSED: '✓', FAILED: '✗', WARNING: '⚠', NOT_APPLICABLE: 'n/a', ERRORED: '!' };
const WHY_MAX = 300;

function columnName(r: RunResults, taken: Set<string>): string {
  const base = foreignLine(r.target.name, 80);
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base} (${i})`;
  taken.add(name);
  return name;
}

/** `labels` name the columns (default: each run's target name, numbered when repeated). */
export function buildMatrix(runs: RunResults[], labels?: string[]): Matrix {
  const taken = new Set<string>();
  const columns = runs.map((r, i) => (labels?.[i] !== undefined ? foreignLine(labels[i], 80) : columnName(r, taken)));
  const rows: string[] = [];
  const cells = new Map<string, Array<MatrixCell | undefined>>();
  runs.forEach((run, col) => {
    for (const req of run.requirements) {
      const id = foreignLine(req.id, 80);
      let row = cells.get(id);
      if (!row) {
        row = new Array<MatrixCell | undefined>(runs.length).fill(undefined);
        cells.set(id, row);
        rows.push(id);
      }
      const cell: MatrixCell = { verdict: req.verdict };
      const why = req.failure?.message ?? (req.verdict === 'ERRORED' ? req.reason : undefined);
      if (why !== undefined && req.verdict !== 'PASSED' && req.verdict !== 'NOT_APPLICABLE') {
        cell.why = foreignLine(why, WHY_MAX);
        if (req.failure?.replay) cell.replay = foreignLine(req.failure.replay, WHY_MAX);
        cell.anchor = `f${col}-${id.replace(/[^A-Za-z0-9-]/g, '_')}`;
      }
      row[col] = cell;
    }
  });
  return { columns, rows, cells };
}

/**
 * The Markdown table. `link` gives each failing cell's target (default: the
 * anchor on matrix.html beside it); `null` renders symbols only (the README).
 */
export function renderMatrixMarkdown(m: Matrix, link: ((cell: MatrixCell) => string) | null = (c) => `matrix.html#${c.anchor}`): string {
  const head = `| requirement | ${m.columns.map(escapeMarkdown).join(' | ')} |`;
  const rule = `|---|${m.columns.map(() => '---').join('|')}|`;
  const body = m.rows.map((id) => {
    const row = m.cells.get(id)!;
    const cells = row.map((c) => {
      if (!c) return ' ';
      const s = MATRIX_SYMBOLS[c.verdict];
      return c.anchor && link ? `[${s}](${link(c)})` : s;
    });
    return `| ${escapeMarkdown(id)} | ${cells.join(' | ')} |`;
  });
  return [head, rule, ...body].join('\n');
}

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#1b1f24}table{border-collapse:collapse}th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:center}td:first-child,th:first-child{text-align:left;font-family:ui-monospace,monospace}.PASSED{background:#dafbe1}.FAILED{background:#ffebe9}.WARNING{background:#fff8c5}.ERRORED{background:#ffd8b5}.NOT_APPLICABLE{color:#656d76}a{color:inherit}dt{font-weight:600;margin-top:1rem}code{white-space:pre-wrap;word-break:break-all}`;

/** One self-contained page: no script, no external resource. */
export function renderMatrixHtml(m: Matrix, title = 'Conformance matrix'): string {
  const head = `<tr><th>requirement</th>${m.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const rows = m.rows
    .map((id) => {
      const tds = m.cells.get(id)!.map((c) => {
        if (!c) return '<td></td>';
        const s = escapeHtml(MATRIX_SYMBOLS[c.verdict]);
        return `<td class="${c.verdict}" title="${escapeHtml(c.verdict)}">${c.anchor ? `<a href="#${c.anchor}">${s}</a>` : s}</td>`;
      });
      return `<tr><td>${escapeHtml(id)}</td>${tds.join('')}</tr>`;
    })
    .join('\n');
  const failures = m.rows.flatMap((id) =>
    m.cells.get(id)!.flatMap((c, col) =>
      c?.anchor
        ? [`<dt id="${c.anchor}">${escapeHtml(m.columns[col])} · ${escapeHtml(id)} · ${escapeHtml(c.verdict)}</dt><dd>${escapeHtml(c.why ?? '')}${c.replay ? `<br><code>${escapeHtml(c.replay)}</code>` : ''}</dd>`]
        : [],
    ),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body><h1>${escapeHtml(title)}</h1>
<p>${m.columns.length} implementations × ${m.rows.length} requirements. ${Object.entries(MATRIX_SYMBOLS).map(([v, s]) => `${escapeHtml(s)} ${escapeHtml(v)}`).join(' · ')}</p>
<table>
${head}
${rows}
</table>
<h2>Failures</h2>
${failures.length ? `<dl>\n${failures.join('\n')}\n</dl>` : '<p>None.</p>'}
</body></html>
`;
}
