/**
 * test/replay-untrusted.test.ts through the command line a user runs (the npx
 * entry, a fresh process in the folder of the results file): a module a
 * results file names never runs, in every way a file can name one; exit 2.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli } from '../lib/cli.js';
import { CASES, setup } from '../lib/replay-fixtures.js';

describe('run --replay (command line) of a hostile results file', () => {
  it.concurrent.each(CASES)('a module named as %s does not run: exit 2 naming it', async (_name, shape, named) => {
    const s = setup(shape);
    const r = await cli(['run', `--replay=${s.file}`, '--only=TOKEN-JTI-UNIQUE'], 120_000, { cwd: s.dir });
    expect(existsSync(s.marker), `the module ran:\n${r.out}`).toBe(false);
    expect(r.code, r.out).toBe(2);
    expect(r.out).toContain(named);
    expect(r.out).not.toMatch(/^\s+at /m);
  });

  it('the same module named on the command line runs (the marker works)', async () => {
    const s = setup((r) => (r.invocation = { target: './evil.mjs' }));
    const r = await cli(['run', `--replay=${s.file}`, '--only=TOKEN-JTI-UNIQUE', '--target=./evil.mjs'], 120_000, { cwd: s.dir });
    expect(existsSync(s.marker), r.out).toBe(true);
    expect(r.code, r.out).toBe(2);
  });
});
