/**
 * The command line as a CI system uses it: documented exit codes, reports
 * written, and sharded runs that merge to the verdicts of one unsharded run.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResults } from '../reports/results.js';
import { cli } from './lib/cli.js';

const verdicts = (r: RunResults) => Object.fromEntries(r.requirements.map((x) => [x.id, x.verdict]));
const read = (dir: string): RunResults => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as RunResults;

describe('kinde-token-conformance command line', () => {
  it('exit 2 and one line pointing at the list of targets for an unknown target', async () => {
    const r = await cli(['test', '--target=nope']);
    expect(r.code).toBe(2);
    expect(r.out.trim().split('\n')).toEqual([
      `kinde-token-conformance test: unknown target "nope"; a name 'kinde-token-conformance targets' lists, or a path to an adapter module`,
    ]);
    const typo = await cli(['run', '--target=refrence']);
    expect(typo.out).toMatch(/^kinde-token-conformance run: unknown target "refrence" \(did you mean "reference"\?\)/);
  });

  it('exit 2 naming the flag for an unknown flag or a bad value', async () => {
    const a = await cli(['run', '--tagret=reference']);
    expect(a.code).toBe(2);
    expect(a.out).toMatch(/tagret/);
    const b = await cli(['run', '--runs=zero']);
    expect(b.code).toBe(2);
    expect(b.out).toContain('--runs must be an integer');
  });

  it('exit 3 when an http target cannot be reached (refused, not waited for)', async () => {
    const r = await cli(['run', '--target=http', '--target-url=http://127.0.0.1:9']);
    expect(r.code).toBe(3);
    expect(r.out).toContain('cannot reach the target');
    expect(r.out).not.toMatch(/no complete answer within/); // refused, not a timeout waited for
    expect(r.out).toMatch(/^0 passed, 1 failed \(the run\) — the target could not be reached \(exit 3/m);
  });

  it('exit 0 and every report written for a conforming target; exit 1 naming the requirement and a replay command for a mutant', async () => {
    const ok = mkdtempSync(join(tmpdir(), 'ktc-ok-'));
    const good = await cli(['run', '--only=TOKEN-JTI-UNIQUE', '--runs=10', '--seed=5', `--report-dir=${ok}`]);
    expect(good.code, good.out).toBe(0);
    for (const f of ['results.json', 'report.html', 'junit.xml', 'summary.md', 'badge.json']) expect(existsSync(join(ok, f)), f).toBe(true);
    expect(verdicts(read(ok))['TOKEN-JTI-UNIQUE']).toBe('PASSED');
    expect(good.out).toMatch(/^\d+ passed, 0 failed/m);

    const bad = mkdtempSync(join(tmpdir(), 'ktc-bad-'));
    const r = await cli(['run', '--target=mutant:jti-reused', '--only=TOKEN-JTI-UNIQUE', '--runs=10', '--seed=5', `--report-dir=${bad}`]);
    expect(r.code, r.out).toBe(1);
    expect(verdicts(read(bad))['TOKEN-JTI-UNIQUE']).toBe('FAILED');
    expect(r.out).toMatch(/replay: +npx kinde-token-conformance run (--target=mutant:jti-reused --seed=5|--replay=\S+results\.json --only=TOKEN-JTI-UNIQUE)/);

    // The counterexample carries the generated tenant, never its client secrets.
    const secrets: unknown[] = [];
    const walk = (x: unknown): void => {
      if (Array.isArray(x)) x.forEach(walk);
      else if (x && typeof x === 'object')
        for (const [k, v] of Object.entries(x)) (/secret/i.test(k) && typeof v === 'string' ? secrets.push(v) : walk(v));
    };
    const saved = read(bad);
    walk(saved);
    expect(saved.requirements.find((x) => x.id === 'TOKEN-JTI-UNIQUE')!.failure!.counterexample?.tenant).toBeDefined();
    expect(secrets.length).toBeGreaterThan(0);
    expect(new Set(secrets)).toEqual(new Set(['[redacted]']));

    // Replaying from the saved results reproduces the same counterexample, without overwriting them.
    const again = await cli(['run', `--replay=${join(bad, 'results.json')}`]);
    expect(again.code, again.out).toBe(1);
    const first = read(bad).requirements.find((x) => x.id === 'TOKEN-JTI-UNIQUE')!.failure!;
    const replayed = read(join(bad, 'replay')).requirements.find((x) => x.id === 'TOKEN-JTI-UNIQUE')!.failure!;
    // Same generated inputs (token values such as the jti itself are random per issuance).
    expect(replayed.counterexample?.tenant).toEqual(first.counterexample?.tenant);
    expect(replayed.counterexample?.request).toEqual(first.counterexample?.request);
    expect(replayed.message.replace(/[0-9a-f-]{36}/g, 'JTI')).toBe(first.message.replace(/[0-9a-f-]{36}/g, 'JTI'));
    expect(read(bad).requirements.find((x) => x.id === 'TOKEN-JTI-UNIQUE')!.verdict).toBe('FAILED');
  });

  it('merged shards reach the same verdicts as one unsharded run with the same seed', async () => {
    const base = mkdtempSync(join(tmpdir(), 'ktc-shard-'));
    const args = ['run', '--target=mutant:scope-scp-disagree', '--runs=8', '--seed=11'];
    // One after the other: three runs at once on two shared cores only test the machine.
    const whole = await cli([...args, `--report-dir=${join(base, 'whole')}`]);
    const s1 = await cli([...args, '--shard=1/2', `--report-dir=${join(base, 'sharded')}`]);
    const s2 = await cli([...args, '--shard=2/2', `--report-dir=${join(base, 'sharded')}`]);
    expect(whole.code, whole.out).toBe(1);
    for (const s of [s1, s2]) expect([0, 1], s.out).toContain(s.code);
    expect(Math.max(s1.code ?? 0, s2.code ?? 0)).toBe(1);
    const merged = await cli([
      'report',
      '--merge',
      join(base, 'sharded', 'shard-1-of-2', 'results.json'),
      join(base, 'sharded', 'shard-2-of-2', 'results.json'),
      '--out',
      join(base, 'merged'),
      '--no-color',
    ]);
    expect(merged.code, merged.out).toBe(1);
    expect(verdicts(read(join(base, 'merged')))).toEqual(verdicts(read(join(base, 'whole'))));
    expect(verdicts(read(join(base, 'whole')))['M2M-SCOPE-SCP']).toBe('FAILED');
  });
});
