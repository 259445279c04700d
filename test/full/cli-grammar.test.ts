/**
 * One command grammar for every command, as a user meets it (processes; > 20 s):
 * both value forms, one error prefix, a one-line error with a suggestion (usage
 * only on --help), colour decided the same way on every line; report directories
 * that keep history and say when a run did not finish; list.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LATEST } from '../../reports/history.js';
import { cli } from '../lib/cli.js';

const BIN = fileURLToPath(new URL('../../bin/kinde-token-conformance.mjs', import.meta.url));

describe('one grammar', () => {
  it.each(['run', 'test', 'list', 'report', 'serve', 'power', 'check-workflow', 'targets'])('%s: a mistyped option is one line with the command prefix, no usage', async (cmd) => {
    const r = await cli([cmd, '--verbos']);
    expect(r.code, r.out).toBe(2);
    const lines = r.out.trim().split('\n');
    expect(lines, r.out).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^kinde-token-conformance ${cmd}: unknown option --verbos`));
    expect(r.out).not.toMatch(/Usage:/);
  });

  it('--opt VALUE and --opt=VALUE mean the same', async () => {
    const a = await cli(['list', '--only', 'TOKEN-ISS,ACCESS-AUD', '--json']);
    const b = await cli(['list', '--only=TOKEN-ISS,ACCESS-AUD', '--json']);
    expect(a.code, a.out).toBe(0);
    expect(a.out).toBe(b.out);
    expect((JSON.parse(a.out) as { requirements: Array<{ id: string }> }).requirements.map((r) => r.id).sort()).toEqual(['ACCESS-AUD', 'TOKEN-ISS']);
  });

  it('-V, -v and --version; test --help names test; the command list keeps its columns', async () => {
    for (const f of ['-V', '-v', '--version']) expect((await cli([f])).out.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect((await cli(['test', '--help'])).out).toMatch(/^Usage: kinde-token-conformance test /);
    const help = (await cli(['--help'])).out;
    for (const c of ['run', 'test', 'list', 'report', 'targets', 'serve', 'power', 'check-workflow']) expect(help).toMatch(new RegExp(`^  ${c} {2,}\\S`, 'm'));
  });

  it('list: text names every selected requirement once, grouped by area; unknown IDs get a suggestion', async () => {
    const r = await cli(['run', '--list', '--only=TOKEN-ISS']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^ {2}TOKEN-ISS {2}Every token's iss/m);
    expect(r.out).toMatch(/1 requirement in 1 check for target reference/);
    const bad = await cli(['list', '--only=TOKEN-ISZ']);
    expect(bad.code).toBe(2);
    expect(bad.out).toMatch(/^kinde-token-conformance list: unknown requirement ID\(s\): TOKEN-ISZ \(did you mean "TOKEN-ISS"\?\)/);
  });
});

describe('progress lines', () => {
  it('name their check, show elapsed time, fold under GitHub Actions, and take colour like the summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ktc-progress-'));
    const args = ['run', '--only=TOKEN-ISS', '--runs=2', '--seed=1', `--report-dir=${dir}`];
    const forced = await cli(args, undefined, { env: { FORCE_COLOR: '1', GITHUB_ACTIONS: 'true' } });
    expect(forced.code, forced.out).toBe(0);
    const row = forced.out.split('\n').find((l) => l.includes('every token names its environment as issuer'))!;
    expect(row, forced.out).toBeDefined();
    expect(row).toMatch(/\[1\/1 · \d+\.\d s\]/);
    expect(row).toContain('\u001b[');
    expect(forced.out).toMatch(/^::group::kinde-token-conformance: 1 check$/m);
    expect(forced.out).toMatch(/^::endgroup::$/m);
    const plain = await cli([...args, '--no-color'], undefined, { env: { FORCE_COLOR: '1' } });
    expect(plain.code, plain.out).toBe(0);
    expect(plain.out).not.toContain('\u001b[');
    expect(plain.out).toMatch(/seed 1, 2 runs per check, 1 check/);
  });
});

describe('report directories keep history', () => {
  it('a run writes its own directory; Ctrl-C marks it INTERRUPTED, says what was checked, and leaves the earlier run alone', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ktc-runs-'));
    mkdirSync(join(cwd, 'x'));
    const first = await cli(['run', '--only=TOKEN-ISS', '--runs=2', '--seed=1'], undefined, { cwd });
    expect(first.code, first.out).toBe(0);
    const runs = () => readdirSync(join(cwd, 'kinde-conformance')).filter((n) => n !== LATEST).sort();
    const [firstRun] = runs();
    expect(readFileSync(join(cwd, 'kinde-conformance', LATEST, 'results.json'), 'utf8')).toBe(readFileSync(join(cwd, 'kinde-conformance', firstRun!, 'results.json'), 'utf8'));
    const child = spawn(process.execPath, [BIN, 'run', '--runs=50', '--seed=2', '--concurrency=1'], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (/\[\s*1\/\d+ ·/.test(out)) child.kill('SIGINT');
    });
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, out).toBe(130);
    const lines = out.split('\n').filter((l) => l.includes('interrupted (SIGINT)'));
    expect(lines, out).toHaveLength(1);
    expect(lines[0]).toMatch(/^kinde-token-conformance run: interrupted \(SIGINT\): \d+ of \d+ checks done in .*; no report was written \(kinde-conformance\/[^ ]+ is marked INTERRUPTED, earlier runs are untouched\)$/);
    const second = runs().find((n) => n !== firstRun)!;
    expect(existsSync(join(cwd, 'kinde-conformance', second, 'INTERRUPTED'))).toBe(true);
    expect(existsSync(join(cwd, 'kinde-conformance', second, 'results.json'))).toBe(false);
    expect(readFileSync(join(cwd, 'kinde-conformance', second, 'report.html'), 'utf8')).toContain('Run interrupted: no report was written');
    // The earlier run is untouched and still latest.
    expect(existsSync(join(cwd, 'kinde-conformance', firstRun!, 'results.json'))).toBe(true);
    expect(existsSync(join(cwd, 'kinde-conformance', LATEST, 'results.json'))).toBe(true);
  });
});
