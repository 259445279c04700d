/**
 * The README's power table from a campaign's results:
 *
 *   npx tsx bench/power-table.ts kinde-conformance/mutation-results.json
 *
 * (after `npx kinde-token-conformance power --target=reference --seed=1 --runs=10`, or the merge of its shards).
 */
import { readFileSync } from 'node:fs';
import type { CampaignResults, Tally } from '../mutation/report.js';

const LABELS: Record<string, string> = {
  access: 'access token',
  id: 'ID token',
  m2m: 'M2M token',
  response: 'token response',
  jose: 'JOSE header',
  jwks: 'JWKS',
  consistency: 'consistency within a response',
  refresh: 'refresh-token state machine',
};

const n = (x: number) => x.toLocaleString('en-US');

export function renderPowerTable(r: CampaignResults): string {
  const order = [...Object.keys(LABELS), ...Object.keys(r.byArea).filter((a) => !(a in LABELS)).sort()];
  const row = (label: string, t: Tally, bold = false) => {
    const k = t.killed + t.errored;
    const b = (s: string) => (bold ? `**${s}**` : s);
    const pct = bold ? ` (${t.score === null ? '—' : `${(Math.floor(t.score * 1000) / 10).toFixed(t.score === 1 ? 0 : 1)} %`})` : '';
    return `| ${b(label)} | ${b(`${n(k)} / ${n(k + t.survived)}${pct}`)} | ${b(n(t.equivalent))} | ${b(n(t.unexercised))} |`;
  };
  return [
    '| area | killed / (killed + survived) | equivalent (ledgered) | unexercised |',
    '|---|---:|---:|---:|',
    ...order.filter((a) => r.byArea[a]).map((a) => row(LABELS[a] ?? a, r.byArea[a]!)),
    row('all', r.summary, true),
  ].join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const file = process.argv[2] ?? 'kinde-conformance/mutation-results.json';
  const r = JSON.parse(readFileSync(file, 'utf8')) as CampaignResults;
  const s = r.summary;
  console.log(renderPowerTable(r));
  console.log(`\n${n(r.summary.total)} mutants, seed ${r.seed}, ${r.runs} runs, escalation ${r.escalateRuns}: ${(r.wallMs / 60_000).toFixed(1)} min wall (control ${((r.controlMs ?? 0) / 1000).toFixed(0)} s); ${s.survived} unexplained survivors; ` +
    `${r.mutants.filter((m) => m.path === 'recorded').length} judged over the recording, ${r.mutants.filter((m) => m.path !== 'recorded').length} live`);
}
