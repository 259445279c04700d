/**
 * Machine formats of check-workflow's findings, for editors and CI:
 * `stylish` (ESLint's: file, then `line:col  level  message  kind`), `github`
 * (workflow commands GitHub turns into annotations; every property and message
 * escaped as actions/toolkit does, controls escaped first) and `sarif` (2.1.0,
 * one run, one rule per finding kind). `json` is the results file itself.
 */
import { plural } from '../cli/term.js';
import { escapeCommandData, escapeCommandProperty, foreignLine } from '../reports/sanitize.js';
import type { Finding } from './findings.js';
import type { CheckWorkflowResults } from './report.js';
import { notRun } from './terminal.js';

export const FORMATS = ['text', 'json', 'stylish', 'github', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

interface Located {
  file: string;
  f: Finding;
}

function all(results: CheckWorkflowResults): Located[] {
  return [
    ...results.project.map((f) => ({ file: f.at?.file ?? results.input, f })),
    ...results.workflows.flatMap((w) => w.findings.map((f) => ({ file: f.at?.file ?? w.file, f }))),
  ];
}

function text(f: Finding): string {
  return f.hint ? `${f.message} (${f.hint})` : f.message;
}

export function renderStylish(results: CheckWorkflowResults): string {
  const byFile = new Map<string, Finding[]>();
  for (const { file, f } of all(results)) byFile.set(file, [...(byFile.get(file) ?? []), f]);
  const lines: string[] = [];
  for (const [file, list] of byFile) {
    lines.push(foreignLine(file, 400));
    for (const f of list) {
      const pos = f.at ? `${f.at.line}:${f.at.column ?? 0}` : '0:0';
      lines.push(`  ${pos.padEnd(8)} ${f.level.padEnd(7)}  ${foreignLine(text(f), 1000)}  ${f.kind}`);
    }
    lines.push('');
  }
  for (const w of results.workflows.filter(notRun)) lines.push(`${foreignLine(w.file, 400)}: not run (only the static checks ran)`);
  const s = results.summary;
  lines.push(`✖ ${plural(s.error + s.warning + s.info, 'problem')} (${plural(s.error, 'error')}, ${plural(s.warning, 'warning')}, ${s.info} info)`);
  return lines.join('\n');
}

const GH_LEVEL: Record<Finding['level'], string> = { error: 'error', warning: 'warning', info: 'notice' };

export function renderGithub(results: CheckWorkflowResults): string {
  return all(results)
    .map(({ file, f }) => {
      const props = [`file=${escapeCommandProperty(file)}`];
      if (f.at) props.push(`line=${f.at.line}`, ...(f.at.column ? [`col=${f.at.column}`] : []));
      props.push(`title=${escapeCommandProperty(`check-workflow ${f.kind}`)}`);
      return `::${GH_LEVEL[f.level]} ${props.join(',')}::${escapeCommandData(text(f))}`;
    })
    .join('\n');
}

const SARIF_LEVEL: Record<Finding['level'], string> = { error: 'error', warning: 'warning', info: 'note' };

export function renderSarif(results: CheckWorkflowResults): string {
  const located = all(results);
  const kinds = [...new Set(located.map((l) => l.f.kind))].sort();
  return JSON.stringify(
    {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'kinde-token-conformance check-workflow', version: results.version, rules: kinds.map((id) => ({ id })) } },
          results: located.map(({ file, f }) => ({
            ruleId: f.kind,
            level: SARIF_LEVEL[f.level],
            message: { text: text(f) },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: file.split('\\').join('/') },
                  ...(f.at ? { region: { startLine: f.at.line, ...(f.at.column ? { startColumn: f.at.column } : {}) } } : {}),
                },
              },
            ],
            ...(f.basis ? { properties: { basis: f.basis.level, source: f.basis.source, ...(f.basis.quote ? { quote: f.basis.quote } : {}) } } : {}),
          })),
        },
      ],
    },
    null,
    2,
  );
}
