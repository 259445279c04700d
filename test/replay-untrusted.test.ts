/**
 * A results file is foreign input: `run --replay=results.json` never runs code
 * the file names. A marker module (it writes a file when imported) named by a
 * results file in every way a file can name one must not run, and the replay
 * stops with exit 2 naming it; named again on the command line it does run
 * (the marker works, so the test can fail). URLs the file records are printed
 * before any request goes there. In-process here (fast); through the installed
 * entry in test/full/replay-untrusted-cli.test.ts.
 */
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { conformanceCommand } from '../bin/run-command.js';
import { UsageError } from '../cli/args.js';
import { CASES, setup } from './lib/replay-fixtures.js';

const home = process.cwd();
afterEach(() => {
  process.chdir(home);
  vi.restoreAllMocks();
});

/** The command as bin/cli.ts runs it: a UsageError is exit 2 with its message; everything printed is collected. */
async function run(argv: string[], cwd: string): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const collect = (...a: unknown[]) => void out.push(a.map(String).join(' '));
  vi.spyOn(console, 'log').mockImplementation(collect);
  vi.spyOn(console, 'error').mockImplementation(collect);
  vi.spyOn(process.stdout, 'write').mockImplementation((t) => (collect(String(t)), true));
  process.chdir(cwd);
  try {
    return { code: await conformanceCommand('run', argv), out: out.join('\n') };
  } catch (e) {
    if (e instanceof UsageError) return { code: 2, out: `${out.join('\n')}\n${e.message}` };
    throw e;
  }
}

describe('run --replay of a results file from elsewhere', () => {
  it.each(CASES)('a module named as %s does not run: exit 2 naming it', async (_name, shape, named) => {
    const s = setup(shape);
    const r = await run([`--replay=${s.file}`, '--only=TOKEN-JTI-UNIQUE'], s.dir);
    expect(existsSync(s.marker), `the module ran:\n${r.out}`).toBe(false);
    expect(r.code, r.out).toBe(2);
    expect(r.out).toContain(named);
    expect(r.out).toContain('never chooses code');
  });

  it('an unknown name in the file is refused (exit 2)', async () => {
    const s = setup((r) => (r.invocation = { target: 'no-such-target' }));
    const r = await run([`--replay=${s.file}`, '--only=TOKEN-JTI-UNIQUE'], s.dir);
    expect(r.code, r.out).toBe(2);
    expect(r.out).toContain('not a built-in target');
  });

  it('the same module named on the command line runs (the marker works)', async () => {
    const s = setup((r) => (r.invocation = { target: './evil.mjs' }));
    const r = await run([`--replay=${s.file}`, '--only=TOKEN-JTI-UNIQUE', '--target=./evil.mjs'], s.dir);
    expect(existsSync(s.marker), r.out).toBe(true);
    expect(r.code, r.out).toBe(2); // the marker exports no adapter
  });

  it('a URL from the file is printed before any request, and the replay says the file comes from elsewhere', async () => {
    const s = setup((r) => (r.invocation = { target: 'http', targetUrl: 'http://127.0.0.1:9/from-the-file' }));
    const r = await run([`--replay=${s.file}`, '--only=TOKEN-JTI-UNIQUE'], s.dir);
    expect(r.code, r.out).toBe(3);
    const said = r.out.indexOf('target URL http://127.0.0.1:9/from-the-file');
    expect(said, r.out).toBeGreaterThanOrEqual(0);
    expect(said).toBeLessThan(r.out.indexOf('cannot reach'));
    expect(r.out).toMatch(/replaying TOKEN-JTI-UNIQUE from \S+results\.json, a results file written elsewhere/);
  });
});

describe('a URL is given only to the target or verifier that reads it', () => {
  it.each([
    [['--target-url=http://127.0.0.1:9'], /--target-url is read only by --target=http \(or an adapter module\); --target is "reference"/],
    [['--target=mutant:jti-reused', '--target-url=http://127.0.0.1:9'], /--target is "mutant:jti-reused"/],
    [['--verifier-url=http://127.0.0.1:9'], /--verifier-url is read only by --verifier=http-api \(or a verifier module\); --verifier is not given/],
    [['--verifier=jose', '--verifier-url=http://127.0.0.1:9'], /--verifier is "jose"/],
  ])('%j → exit 2 (was silently ignored)', async (argv, message) => {
    const r = await run([...argv, '--runs=1', '--only=TOKEN-ISS'], home);
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(message);
  });
});

describe('the --replay command a report prints', () => {
  it('names a module target and verifier itself (the file will not)', async () => {
    const { replayCommand, defaultOptions } = await import('../runner/options.js');
    const long = Array.from({ length: 100 }, () => '0').join(':');
    const o = { ...defaultOptions(), target: '/home/you/my-adapter.mjs', verifier: './v.ts', resultsFile: 'kinde-conformance/results.json' };
    expect(replayCommand(o, 'TOKEN-JTI-UNIQUE', long)).toBe(
      'npx kinde-token-conformance run --replay=kinde-conformance/results.json --target=/home/you/my-adapter.mjs --verifier=./v.ts --only=TOKEN-JTI-UNIQUE',
    );
    expect(replayCommand({ ...o, target: 'mutant:jti-reused', verifier: undefined }, 'TOKEN-JTI-UNIQUE', long)).toBe(
      'npx kinde-token-conformance run --replay=kinde-conformance/results.json --only=TOKEN-JTI-UNIQUE',
    );
  });
});
