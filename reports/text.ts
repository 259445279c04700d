/**
 * Plain-text description of a requirement's failure: what JUnit bodies,
 * Markdown and the terminal show. No markup, no colour.
 */
import { prettyJson } from './format.js';
import type { RequirementResult } from './results.js';
import { escapeControls, inertCommand } from './sanitize.js';

function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((line) => (line.length > 0 ? by + line : line))
    .join('\n');
}

/** Everything a developer needs to reproduce and understand one non-passing requirement. */
export function describeFailure(r: RequirementResult): string {
  const lines: string[] = [];
  lines.push(`${r.id}: ${r.statement}`);
  lines.push(`verdict: ${r.verdict} (${r.level}, severity ${r.severity})`);
  if (r.consequenceOf) lines.push(`also failed because of: ${r.consequenceOf} (the same evidence breaks it; read that failure first)`);
  lines.push(`source: ${r.source.url}`);
  lines.push(`quote: "${r.source.quote}"`);
  if (r.contradiction) {
    lines.push(`contradiction: ${r.contradiction.note}`);
    for (const reading of r.contradiction.readings) lines.push(`  - "${reading.quote}" (${reading.url})`);
  }
  if (r.reason) lines.push(`reason: ${r.reason}`);
  const f = r.failure;
  if (f) {
    lines.push(`message: ${f.message}`);
    lines.push(`seed: ${f.seed}${f.path ? `, path: ${f.path}` : ''}`);
    const c = f.counterexample;
    if (c) {
      if (c.message && c.message !== f.message) lines.push(`counterexample: ${c.message}`);
      if (c.tokenType) lines.push(`token type: ${c.tokenType}`);
      if (c.claim) lines.push(`claim: ${c.claim}`);
      if ('expected' in c || 'actual' in c) {
        lines.push('expected:', indent(prettyJson(c.expected)));
        lines.push('actual:', indent(prettyJson(c.actual)));
      }
      if (c.token) {
        lines.push('token header:', indent(prettyJson(c.token.header)));
        lines.push('token payload:', indent(prettyJson(c.token.payload)));
      }
      if (c.request !== undefined) lines.push('request:', indent(prettyJson(c.request)));
      if (c.commands && c.commands.length > 0) lines.push('commands:', indent(c.commands.join('\n')));
      c.workflows?.forEach((source, i) => lines.push(`Workflow.ts #${i + 1}:`, indent(source)));
    }
    lines.push(`replay: ${f.replay}`);
  }
  // Foreign lines (messages, sources, a target's values) may be read in a CI log: controls escaped, no line a workflow command.
  return escapeControls(lines.join('\n')).split('\n').map(inertCommand).join('\n');
}
