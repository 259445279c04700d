/**
 * Usage errors as a user meets them: exit 2, one line naming the option and
 * what it accepts, before anything starts; and runs that check nothing are
 * never green.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { cli } from './lib/cli.js';

describe('command-line usage errors', () => {
  it.each([
    [['run', '--runs=1e23'], /--runs must be an integer from 1 to 100000, got "1e23"/],
    [['run', '--runs=100001'], /--runs must be an integer from 1 to 100000/],
    [['run', '--seed=2147483648'], /--seed must be an integer from -2147483648 to 2147483647/],
    [['run', '--seed=-2147483649'], /--seed must be an integer/],
    [['run', '--only='], /--only needs at least one requirement ID/],
    [['run', '--only=TOKEN-ISZ'], /unknown requirement ID\(s\): TOKEN-ISZ \(did you mean "TOKEN-ISS"\?\)/],
    [['run', '--path=garbage', '--seed=1', '--only=TOKEN-ISS'], /--path must be a fast-check path/],
    [['run', '--shard=3/2'], /--shard must look like i\/n/],
    [['run', '--shard=1/1001'], /--shard must look like i\/n with 1 ≤ i ≤ n ≤ 1000/],
    [['run', '--shard=999/1000'], /no conformance check selected \(shard 999\/1000 of \d+ checks is empty\)/],
    [['run', '--timeout=0'], /--timeout must be an integer from 1 to 600000/],
    [['run', '--tagret=reference'], /unknown option --tagret \(did you mean "--target"\?\)/],
    [['run', '--target=refrence'], /unknown target "refrence" \(did you mean "reference"\?\)/],
    [['run', '--verifier=jsoe'], /unknown verifier "jsoe" \(did you mean "jose"\?\)/],
    [['run', '--target=http'], /--target=http needs --target-url/],
    [['run', '--target=./no-such-adapter.js'], /adapter module not found: \.\/no-such-adapter\.js/],
    [['run', '--report-dir=/proc/self/x'], /--report-dir \/proc\/self\/x: cannot write reports there \(E[A-Z]+\)/],
    [['rnu'], /unknown command "rnu" \(did you mean "run"\?\)/],
    [['serve', '--refresh-overlap=-1'], /--refresh-overlap must be a whole number of seconds/],
    // Files named on the command line: a device is refused before it is read (each of these hung on /dev/zero).
    [['serve', '--tenant', '/dev/zero'], /--tenant \/dev\/zero: cannot read it \(not a regular file/],
    [['report', '/dev/zero'], /cannot read results file \/dev\/zero: not a regular file/],
    [['run', '--replay=/dev/zero', '--only=TOKEN-ISS'], /cannot read results file \/dev\/zero: not a regular file/],
    [['run', '--expected=/dev/zero'], /\/dev\/zero: not a regular file/],
    [['check-workflow', 'examples/workflows/m2m-tutorial', '--fixtures=/dev/zero'], /--fixtures: \/dev\/zero: not a regular file/],
    [['check-workflow', 'examples/workflows/m2m-tutorial', '--env-vars=/dev/zero'], /--env-vars: \/dev\/zero: not a regular file/],
  ])('%j → exit 2: %s', async (args, message) => {
    const r = await cli(args);
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(message);
    expect(r.out).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/); // no stack trace
  });

  it('a --report-dir that is a file is refused before the first check', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ktc-file-')), 'not-a-dir');
    writeFileSync(file, 'x');
    const r = await cli(['run', `--report-dir=${file}`]);
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(/cannot write reports there \(ENOTDIR\)/);
    expect(r.out).not.toMatch(/\[\s*\d+\/\d+ · /); // no progress line: no check started
  });

  it('an adapter module without the contract is named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ktc-mod-'));
    writeFileSync(join(dir, 'half.mjs'), 'export default { name: "half", start() {}, stop() {} };\n');
    const r = await cli(['run', `--target=${join(dir, 'half.mjs')}`]);
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(/exports an adapter without provision\(\), deployWorkflow\(\), removeWorkflow\(\), signIn\(\), refresh\(\), clientCredentials\(\), jwks\(\)/);
  });

  it('--version prints the package version; every command has --help', async () => {
    const v = await cli(['--version']);
    expect(v.code).toBe(0);
    expect(v.out.trim()).toBe(pkg.version);
    for (const c of ['run', 'test', 'report', 'targets', 'serve']) {
      const h = await cli([c, '--help']);
      expect(h.code, c).toBe(0);
      expect(h.out, c).toMatch(/Usage: kinde-token-conformance/);
    }
  });

  it('a run where every selected requirement is not applicable is not conforming: exit 2, and the badge says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ktc-na-'));
    const r = await cli(['run', '--target=oauth2-mock-server', '--only=WF-TRIGGER', '--runs=2', `--report-dir=${dir}`]);
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(/every selected requirement is not applicable .*nothing was checked/);
    const badge = JSON.parse(readFileSync(join(dir, 'badge.json'), 'utf8')) as { message: string; color: string };
    expect(badge.color).toBe('lightgrey');
    expect(badge.message).not.toMatch(/100%/);
  });

  it('GitHub Actions: one ::error annotation per failed requirement', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ktc-gha-'));
    const r = await cli(['run', '--target=mutant:jti-reused', '--only=TOKEN-JTI-UNIQUE', '--runs=10', '--seed=5', `--report-dir=${dir}`], undefined, {
      env: { GITHUB_ACTIONS: 'true' },
    });
    expect(r.code, r.out).toBe(1);
    const lines = r.out.split('\n').filter((l) => l.startsWith('::error '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^::error title=TOKEN-JTI-UNIQUE FAILED::.*replay: npx kinde-token-conformance run/);
    expect(lines[0]).not.toContain('\n');
  });
});
