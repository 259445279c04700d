/**
 * Renders docs/surfaces.md from the surface inventory (schemas/surfaces/):
 * per side, each surface with the requirements that judge it and the
 * generators that vary it. `npm run docs` rewrites it; test/surfaces.test.ts
 * fails when the committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { allSurfaces, type Surface } from '../schemas/surfaces.js';

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderSurfacesDoc(list: readonly Surface[] = allSurfaces()): string {
  const covered = (s: Surface) => s.requirements.length > 0 && (s.side === 'issuer' || s.variedBy.length > 0);
  const out: string[] = [
    '# Surfaces',
    '',
    'Generated from [`schemas/surfaces/`](../schemas/surfaces/) (format: [`schemas/surfaces.schema.json`](../schemas/surfaces.schema.json)) by `npm run docs`; do not edit by hand.',
    'Every surface a client of the issuer reads, and every input a verifier reads, with the requirements that judge it and the generators that vary it.',
    '`test/surfaces.test.ts` fails when a surface has no requirement, names a requirement the catalog lacks or a generator that does not exist, or when a verifier input is varied by nothing.',
    '',
    `${list.length} surfaces, ${list.filter(covered).length} covered.`,
    '',
  ];
  for (const side of ['issuer', 'verifier'] as const) {
    const rows = list.filter((s) => s.side === side);
    out.push(`## ${side === 'issuer' ? 'Issuer: what a client reads' : 'Verifier: what a verifier reads'} (${rows.length})`, '');
    out.push('| surface | what is read | judged by | varied by | source |', '|---|---|---|---|---|');
    for (const s of rows) {
      const reqs = s.requirements.map((r) => `[${r}](requirements.md#${r.toLowerCase()})`).join(', ') || '**none**';
      const varied = s.variedBy.map((v) => `\`${v}\``).join(', ') || (side === 'verifier' ? '**none**' : '—');
      out.push(`| \`${s.id}\` | ${esc(s.surface)} | ${reqs} | ${varied} | ${esc(s.source)} |`);
    }
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(new URL('../docs/surfaces.md', import.meta.url), renderSurfacesDoc());
  console.log('wrote docs/surfaces.md');
}
