/**
 * Results files from elsewhere are read within named bounds
 * (reports/results-bounds.ts), walked iteratively: `report`, `report
 * --compare`, `report --merge` and `run --replay` answer a 100,000-deep file,
 * an oversized file or string and too many requirements with exit 2 naming the
 * bound, never a RangeError or a stack; 5,000 requirements still render.
 * (A file just under the read bound: test/full/hostile-results-large.test.ts.)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDeep, writeMany, manyRequirements, baseResults } from '../hardening/hostile-results.js';
import { conformanceCommand } from '../bin/run-command.js';
import { UsageError } from '../cli/args.js';
import { reportCommand } from '../reports/cli.js';
import { redact } from '../reports/redact.js';
import { RESULTS_BOUNDS } from '../reports/results-bounds.js';

const dir = mkdtempSync(join(tmpdir(), 'ktc-hostile-results-'));

async function report(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await reportCommand([...argv, `--out=${join(dir, 'out')}`], { stdout: (t) => void (out += t), stderr: (t) => void (out += t), env: {}, color: false });
  return { code, out };
}

function clean(out: string): void {
  expect(out).not.toMatch(/RangeError|Maximum call stack|internal error/);
  expect(out).not.toMatch(/^\s+at \S.*:\d+:\d+\)?$/m);
}

describe('hostile results files', () => {
  const deep = writeDeep(dir);
  const fine = join(dir, 'fine.json');
  writeFileSync(fine, JSON.stringify(baseResults()));

  it('100,000 levels deep: report, --compare and --merge exit 2 naming the depth bound', async () => {
    for (const argv of [[deep], [fine, '--compare', deep], ['--merge', fine, deep]]) {
      const r = await report(argv);
      expect(r.code, r.out).toBe(2);
      expect(r.out).toContain('(depth)');
      expect(r.out).toContain(`deeper than ${RESULTS_BOUNDS.depth} levels`);
      clean(r.out);
    }
  });

  it('100,000 levels deep: run --replay exits 2 naming the bound', async () => {
    const e = await conformanceCommand('run', [`--replay=${deep}`]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as Error).message).toContain('(depth)');
  });

  it('a file over the read bound, a string over the string bound, too many requirements: exit 2 naming each', async () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, ' '.repeat(RESULTS_BOUNDS.bytes + 1));
    const a = await report([big]);
    expect(a.code, a.out).toBe(2);
    expect(a.out).toContain('read bound');

    const long = baseResults();
    long.requirements.find((r) => r.failure)!.failure!.message = 'x'.repeat(RESULTS_BOUNDS.stringChars + 1);
    const longFile = join(dir, 'long.json');
    writeFileSync(longFile, JSON.stringify(long));
    const b = await report([longFile]);
    expect(b.code, b.out).toBe(2);
    expect(b.out).toContain('(stringChars)');

    const many = join(dir, 'too-many.json');
    writeFileSync(many, JSON.stringify(manyRequirements(RESULTS_BOUNDS.requirements + 1)));
    const c = await report([many]);
    expect(c.code, c.out).toBe(2);
    expect(c.out).toContain('(requirements)');
    for (const r of [a, b, c]) clean(r.out);
  });

  it('5,000 requirements render (exit 1: the fixture fails)', async () => {
    const r = await report([writeMany(dir, 5_000)]);
    expect(r.code, r.out.slice(-500)).toBe(1);
    expect(r.out).toContain('5000 requirements');
    clean(r.out);
  });

  it('redact walks any depth without recursion', () => {
    let deepValue: unknown = 'secret-value';
    for (let i = 0; i < 100_000; i++) deepValue = [deepValue];
    const results = baseResults();
    const f = results.requirements.find((r) => r.failure?.counterexample)!.failure!.counterexample!;
    f.actual = deepValue as never;
    f.tenant = { clientSecret: 'secret-value' };
    const safe = redact(results);
    let v: unknown = safe.requirements.find((r) => r.failure?.counterexample)!.failure!.counterexample!.actual;
    while (Array.isArray(v)) v = v[0];
    expect(v).toBe('[redacted]');
  });
});
