// writeReports and the report command.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redact, renderBadge, reportCommand, ResultsValidationError, validateResults, writeReports } from '../reports/index.js';
import { SECRET, FIXTURES, withRequirements, checkXml } from './lib/reports-fixtures.js';

describe('writeReports and reportCommand', () => {
  async function tempDir(): Promise<string> {
    return mkdtemp(join(tmpdir(), 'ktc-reports-'));
  }
  function capture() {
    const out = { stdout: '', stderr: '' };
    return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), env: {}, color: false } };
  }

  it('writes all five files, validated and redacted', async () => {
    const dir = await tempDir();
    try {
      const paths = await writeReports(FIXTURES.fail, join(dir, 'nested', 'out'));
      expect(Object.keys(paths).sort()).toEqual(['badge', 'html', 'json', 'junit', 'markdown']);
      for (const p of Object.values(paths)) expect(await readFile(p, 'utf8')).not.toContain(SECRET);
      const json: unknown = JSON.parse(await readFile(paths.json, 'utf8'));
      validateResults(json);
      expect(json).toEqual(redact(FIXTURES.fail));
      expect(JSON.parse(await readFile(paths.badge, 'utf8'))).toEqual(renderBadge(FIXTURES.fail));
      checkXml(await readFile(paths.junit, 'utf8'));
      await expect(writeReports({ ...FIXTURES.fail, seed: 1.5 }, dir)).rejects.toThrow(ResultsValidationError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('returns 2 and names the file when it is missing, not JSON, or not results', async () => {
    const dir = await tempDir();
    try {
      const missing = join(dir, 'nope.json');
      let c = capture();
      expect(await reportCommand([missing, '--out', dir], c.io)).toBe(2);
      expect(c.out.stderr).toContain(`cannot read results file ${missing}: no such file`);
      c = capture();
      expect(await reportCommand(['/dev/zero', '--out', dir], c.io)).toBe(2);
      expect(c.out.stderr).toContain('cannot read results file /dev/zero: not a regular file');
      const broken = join(dir, 'broken.json');
      await writeFile(broken, '{"schemaVersion": 1,');
      c = capture();
      expect(await reportCommand([broken, '--out', dir], c.io)).toBe(2);
      expect(c.out.stderr).toContain(`${broken} is not valid JSON`);
      const wrong = join(dir, 'wrong.json');
      await writeFile(wrong, JSON.stringify({ ...FIXTURES.pass, seed: 'x' }));
      c = capture();
      expect(await reportCommand([wrong, '--out', dir], c.io)).toBe(2);
      expect(c.out.stderr).toContain(`${wrong}: results do not match the RunResults schema`);
      expect(c.out.stderr).toContain('/seed: must be integer');
      // Without a file, report reads ./kinde-conformance/latest of the working directory: run it where none is
      // (a clone that already ran the suite has one, and the answer must not depend on that).
      c = capture();
      const cwd = process.cwd();
      process.chdir(dir);
      try {
        expect(await reportCommand(['--out', dir], c.io)).toBe(2);
      } finally {
        process.chdir(cwd);
      }
      expect(c.out.stderr).toContain('no results file given');
      c = capture();
      expect(await reportCommand(['--bogus'], c.io)).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('renders a run and exits like the run: 1 with failures, 0 when conforming', async () => {
    const dir = await tempDir();
    try {
      const fail = new URL('./fixtures/results-fail.json', import.meta.url).pathname;
      const pass = new URL('./fixtures/results-pass.json', import.meta.url).pathname;
      let c = capture();
      expect(await reportCommand([fail, '--out', join(dir, 'f'), '--compare', pass], c.io)).toBe(1);
      expect(c.out.stdout).toContain('72.2% conforming');
      expect(c.out.stdout).toContain('Since base: 5 regressions');
      expect(c.out.stdout).toContain(join(dir, 'f', 'report.html'));
      expect(c.out.stdout).not.toContain(SECRET);
      expect(await readFile(join(dir, 'f', 'report.html'), 'utf8')).toContain('Changes since base');
      c = capture();
      expect(await reportCommand([pass, '--out', join(dir, 'p')], c.io)).toBe(0);
      const strictPass = join(dir, 'strict.json');
      await writeFile(strictPass, JSON.stringify({ ...FIXTURES.pass, strict: true }));
      c = capture();
      expect(await reportCommand([strictPass, '--out', join(dir, 's')], c.io)).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('merges several files as shards and refuses mismatched ones', async () => {
    const dir = await tempDir();
    try {
      const r = FIXTURES.fail.requirements;
      const s1 = join(dir, 's1.json');
      const s2 = join(dir, 's2.json');
      await writeFile(s1, JSON.stringify({ ...withRequirements(FIXTURES.fail, r.slice(0, 8)), shard: { index: 1, count: 2 } }));
      await writeFile(s2, JSON.stringify({ ...withRequirements(FIXTURES.fail, r.slice(8)), shard: { index: 2, count: 2 } }));
      let c = capture();
      expect(await reportCommand([s1, s2, '--out', dir], c.io)).toBe(1);
      const merged: unknown = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
      validateResults(merged);
      expect(merged.summary).toEqual(FIXTURES.fail.summary);
      const other = join(dir, 'other.json');
      await writeFile(other, JSON.stringify({ ...FIXTURES.pass, seed: 99 }));
      c = capture();
      expect(await reportCommand([s1, other, '--out', dir], c.io)).toBe(2);
      expect(c.out.stderr).toContain('seed');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
