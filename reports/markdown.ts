/**
 * A Markdown summary for pull requests and the GitHub Actions job summary
 * (`$GITHUB_STEP_SUMMARY`). GitHub renders inline HTML in Markdown, so
 * untrusted text is entity-escaped (controls and bidi shown escaped, reports/sanitize.ts), and code blocks use a fence longer than
 * any backtick run inside them.
 */
import { appendFile } from 'node:fs/promises';
import { rootsFirst } from './attribution.js';
import { AREA_TITLES, VERDICT_LABELS, groupByArea, isFailing, scoreMessage } from './format.js';
import type { RequirementResult, RunResults, Verdict } from './results.js';
import { escapeControls } from './sanitize.js';
import { plural } from '../cli/term.js';

const ICONS: Record<Verdict, string> = {
  PASSED: '✅',
  FAILED: '❌',
  WARNING: '⚠️',
  NOT_APPLICABLE: '➖',
  ERRORED: '💥',
};

/** GitHub rejects job summaries over 1 MiB; stay below with room for other steps. */
export const STEP_SUMMARY_LIMIT = 1_000_000;

/** Text safe in a Markdown paragraph or table cell: no HTML, no table breaks, no emphasis surprises. */
export function escapeMarkdown(text: string): string {
  return escapeControls(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

function codeBlock(raw: string, lang = ''): string {
  const text = escapeControls(raw);
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text}\n${fence}`;
}

function inlineCode(text: string): string {
  const clean = escapeControls(text).replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${clean}${pad}${ticks}`;
}

function verdictCell(v: Verdict): string {
  return `${ICONS[v]} ${VERDICT_LABELS[v]}`;
}

function failureEntry(r: RequirementResult): string {
  const lines = [`#### ${ICONS[r.verdict]} ${inlineCode(r.id)}: ${escapeMarkdown(r.statement)}`, ''];
  if (r.consequenceOf) lines.push(`_Also failed because of ${inlineCode(r.consequenceOf)}: read that failure first._`, '');
  const message = r.failure?.message ?? r.reason;
  if (message) lines.push(escapeMarkdown(message), '');
  if (r.contradiction) lines.push(`> **The docs disagree:** ${escapeMarkdown(r.contradiction.note)}`, '');
  lines.push(`Source: ${escapeMarkdown(r.source.url)} (${r.level}, severity ${r.severity})`, '');
  if (r.failure) lines.push('Replay:', '', codeBlock(r.failure.replay, 'sh'), '');
  return lines.join('\n');
}

/** The run as GitHub-flavoured Markdown. */
export function renderMarkdown(results: RunResults): string {
  const s = results.summary;
  const out: string[] = [];
  out.push(`## Kinde token conformance: ${escapeMarkdown(results.target.name)} ${escapeMarkdown(results.target.version)}`, '');
  out.push(
    `**${escapeMarkdown(scoreMessage(results))}**: ` +
      (['PASSED', 'FAILED', 'ERRORED', 'WARNING', 'NOT_APPLICABLE'] as const)
        .map((v) => `${ICONS[v]} ${s[v]} ${VERDICT_LABELS[v]}`)
        .join(' · ') +
      ` (${plural(s.total, 'requirement')}, seed ${inlineCode(String(results.seed))}, ${plural(results.runs, 'run')}${results.strict ? ', strict' : ''})`,
    '',
  );
  const failures = rootsFirst(results.requirements.filter((r) => isFailing(r.verdict)));
  const warnings = results.requirements.filter((r) => r.verdict === 'WARNING');
  if (failures.length > 0) {
    out.push(`### Failures (${failures.length})`, '');
    for (const r of failures) out.push(failureEntry(r));
  }
  if (warnings.length > 0) {
    out.push(`### Warnings (${warnings.length})`, '');
    if (!results.strict) out.push('_Warnings do not fail this run._', '');
    for (const r of warnings) out.push(failureEntry(r));
  }
  out.push('### Requirements by area', '');
  for (const [area, list] of groupByArea(results.requirements)) {
    const ok = list.filter((r) => r.verdict === 'PASSED' || r.verdict === 'WARNING').length;
    const applicable = list.filter((r) => r.verdict !== 'NOT_APPLICABLE').length;
    out.push(`#### ${escapeMarkdown(AREA_TITLES[area] ?? area)} (${ok}/${applicable})`, '');
    out.push('| ID | Verdict | Statement |', '| --- | --- | --- |');
    for (const r of list) out.push(`| ${inlineCode(r.id)} | ${verdictCell(r.verdict)} | ${escapeMarkdown(r.statement)} |`);
    out.push('');
  }
  return out.join('\n');
}

/**
 * Appends `markdown` to the GitHub Actions job summary when `$GITHUB_STEP_SUMMARY`
 * is set. Returns whether it wrote. Oversized summaries are cut with a note,
 * because GitHub drops them entirely otherwise.
 */
export async function writeStepSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const file = env['GITHUB_STEP_SUMMARY'];
  if (!file) return false;
  let text = markdown;
  if (Buffer.byteLength(text) > STEP_SUMMARY_LIMIT) {
    text = Buffer.from(text).subarray(0, STEP_SUMMARY_LIMIT).toString('utf8').replace(/\uFFFD$/, '');
    text += '\n\n_Summary truncated; see the HTML report artifact for everything._\n';
  }
  await appendFile(file, text.endsWith('\n') ? text : `${text}\n`);
  return true;
}
