/**
 * `power --shard=i/n` + `power report --merge`: the shards of a campaign,
 * merged, are the campaign one job runs (same mutants in the same order, same
 * statuses, detections, tallies); what is not a complete set of shards of one
 * campaign is refused. A few checks and operators keep it quick.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCampaign } from '../../mutation/campaign.js';
import { loadLedger } from '../../mutation/ledger.js';
import { mergeCampaignResults, PowerMergeError, shardOperators } from '../../mutation/merge.js';
import { allOperators, selectOperators } from '../../mutation/operators.js';
import { buildResults, type CampaignResults } from '../../mutation/report.js';
import { powerReportCommand } from '../../mutation/report-cli.js';
import { ReferenceAdapter } from '../../reference/adapter.js';
import { ALL_CHECKS } from '../../suites/index.js';

const SEED = 7;
const RUNS = 2;
// Killed by the first checks (signature, required claims, foreign claims), one survivor-or-equivalent, one live operator.
const SPEC = 'access.sub:drop,id.iss:type:number,m2m.header.typ:lower,jwks.kid:drop,access.jti:edit:other-id,response.token_type:drop,consistency:swap-access-id,refresh:refuse-second';
const CHECKS = ALL_CHECKS.slice(0, 5);

async function campaign(shard?: { index: number; count: number }): Promise<CampaignResults> {
  const selected = selectOperators(SPEC);
  const operators = shardOperators(selected, shard);
  const outcome = await runCampaign({ createTarget: () => new ReferenceAdapter(), operators, ledger: loadLedger(), seed: SEED, runs: RUNS, escalateRuns: 0, concurrency: 2, checks: CHECKS });
  const now = new Date().toISOString();
  return buildResults(outcome, {
    target: 'reference',
    seed: SEED,
    runs: RUNS,
    escalateRuns: 0,
    selection: { operators: SPEC, selected: selected.length, generated: allOperators().length, ...(shard ? { shard } : {}) },
    startedAt: now,
    finishedAt: now,
  });
}

/** What must agree: everything except how long it took. */
function verdicts(r: CampaignResults) {
  const { wallMs: _w, controlMs: _c, startedAt: _s, finishedAt: _f, mutants, ...rest } = r;
  return { ...rest, mutants: mutants.map(({ durationMs: _d, ...m }) => m) };
}

describe('power shards', () => {
  it('3 shards merged give the result of one job', async () => {
    const whole = await campaign();
    const shards = await Promise.all([1, 2, 3].map((index) => campaign({ index, count: 3 })));
    expect(shards.map((s) => s.mutants.length)).toEqual([3, 3, 2]);
    // Given in another order than the shards' numbers: the merge orders mutants as the selection does.
    const merged = mergeCampaignResults([shards[2]!, shards[0]!, shards[1]!].map((results, i) => ({ file: `s${i}.json`, results })));
    expect(whole.mutants.map((m) => m.id)).toEqual(selectOperators(SPEC).map((o) => o.id));
    expect(verdicts(merged)).toEqual(verdicts(whole));
    // Not a vacuous comparison: kills by several requirements, and the recorded and live paths both taken.
    expect(new Set(whole.mutants.map((m) => m.detection?.requirement)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(whole.mutants.map((m) => m.path))).toEqual(new Set(['recorded', 'live']));
  }, 3_600_000);

  it('refuses a missing, doubled or foreign shard, naming the file', async () => {
    const s1 = await campaign({ index: 1, count: 2 });
    const s2 = await campaign({ index: 2, count: 2 });
    expect(() => mergeCampaignResults([{ file: 'a.json', results: s1 }])).toThrow(/shard 2\/2 missing/);
    expect(() => mergeCampaignResults([{ file: 'a.json', results: s1 }, { file: 'b.json', results: s1 }])).toThrow(/b\.json and a\.json are both shard 1\/2/);
    const other = { ...s2, seed: SEED + 1 };
    expect(() => mergeCampaignResults([{ file: 'a.json', results: s1 }, { file: 'c.json', results: other }])).toThrow(PowerMergeError);
    expect(() => mergeCampaignResults([{ file: 'a.json', results: s1 }, { file: 'c.json', results: other }])).toThrow(/c\.json .*seed/);

    // Through the command: files in, merged reports out, the exit code of the campaign.
    const dir = mkdtempSync(join(os.tmpdir(), 'ktc-power-merge-'));
    writeFileSync(join(dir, '1.json'), JSON.stringify(s1));
    writeFileSync(join(dir, '2.json'), JSON.stringify(s2));
    writeFileSync(join(dir, 'bad.json'), '{"kind":"something else"}');
    const out = join(dir, 'merged');
    // Five checks leave some mutants alive: the merged campaign exits 1 exactly when it has an unexplained survivor.
    const expected = mergeCampaignResults([{ file: '1', results: s1 }, { file: '2', results: s2 }]).unexplained.length > 0 ? 1 : 0;
    expect(await powerReportCommand(['--merge', join(dir, '1.json'), join(dir, '2.json'), `--report-dir=${out}`])).toBe(expected);
    const merged = JSON.parse(readFileSync(join(out, 'mutation-results.json'), 'utf8')) as CampaignResults;
    expect(merged.unexplained).toEqual([...s1.unexplained, ...s2.unexplained].sort((a, b) => SPEC.indexOf(a) - SPEC.indexOf(b)));
    expect(merged.mutants).toHaveLength(s1.mutants.length + s2.mutants.length);
    expect(merged.selection.shard).toBeUndefined();
    expect(readFileSync(join(out, 'mutation-report.html'), 'utf8')).toContain('<html');
    expect(await powerReportCommand(['--merge', join(dir, '1.json'), join(dir, 'bad.json'), `--report-dir=${out}`])).toBe(2);
    expect(await powerReportCommand(['--merge', join(dir, '1.json'), `--report-dir=${out}`])).toBe(2);
  }, 3_600_000);
});
