/**
 * Renders docs/requirements.md from schemas/requirements.json: every
 * requirement with its statement, level, severity, source quote and the
 * checks that decide it. `npm run docs` rewrites it; test/docs.test.ts fails
 * when the committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { AREA_TITLES, AREAS } from '../reports/format.js';
import { requirements } from '../schemas/catalog.js';
import { ALL_CHECKS, VERIFIER_CHECKS } from '../suites/index.js';

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderRequirementsDoc(): string {
  const checksOf = (id: string) =>
    [...ALL_CHECKS.map((c) => ({ c, kind: 'issuer' })), ...VERIFIER_CHECKS.map((c) => ({ c, kind: 'verifier' }))]
      .filter(({ c }) => c.requirements.includes(id))
      .map(({ c, kind }) => `${kind}: ${c.name}`);
  const out: string[] = [
    '# Requirements',
    '',
    `Generated from [\`schemas/requirements.json\`](../schemas/requirements.json) by \`npm run docs\`; do not edit by hand.`,
    `${requirements.length} requirements. **documented**: a Kinde docs page states it (quoted). **inferred**: derived, and the note says from what.`,
    '**warning** severity: the docs contradict themselves; both readings are quoted and a violation warns instead of failing (unless `--strict`).',
    '',
  ];
  for (const area of AREAS) {
    const list = requirements.filter((r) => r.area === area);
    if (list.length === 0) continue;
    out.push(`## ${AREA_TITLES[area]}`, '');
    for (const r of list) {
      out.push(`### ${r.id}`, '');
      out.push(r.statement, '');
      out.push(`- level: **${r.level}** · severity: **${r.severity}** · token types: ${r.tokenTypes.join(', ') || '—'} · needs: ${r.capabilities.join(', ') || '—'}`);
      out.push(`- source: <${r.source.url}>`);
      out.push(`  > ${esc(r.source.quote)}`);
      if (r.contradiction) {
        out.push(`- contradiction: ${esc(r.contradiction.note)}`);
        for (const reading of r.contradiction.readings) out.push(`  - <${reading.url}>: “${esc(reading.quote)}”`);
      }
      if (r.recommendation) out.push(`- warning only: ${esc(r.recommendation.clause)} recommends it: “${esc(r.recommendation.quote)}”`);
      if (r.note) out.push(`- note: ${esc(r.note)}`);
      out.push(`- decided by: ${checksOf(r.id).map((n) => `\`${n}\``).join('; ')}`, '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(new URL('../docs/requirements.md', import.meta.url), renderRequirementsDoc());
  console.log('wrote docs/requirements.md');
}
