/** Terminal conventions (plurals, rounding) and report directories that keep history, as units. */
import { writeFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plural, roundPercent } from '../cli/term.js';
import { createRunDirectory, LATEST, markRunning, pointLatest, previousRun, runIdOf, runState } from '../reports/history.js';
import { reportCommand } from '../reports/cli.js';

describe('terminal conventions', () => {
  it('plurals and rounding', () => {
    expect([plural(1, 'run'), plural(2, 'run'), plural(0, 'check'), plural(1, 'fix', 'fixes')]).toEqual(['1 run', '2 runs', '0 checks', '1 fix']);
    expect(roundPercent(2, 3)).toBe(66.7);
    expect(roundPercent(1, 3)).toBe(33.3);
    expect(roundPercent(1999, 2000)).toBe(99.9); // never 100 while something failed
    expect(roundPercent(1, 5000)).toBe(0.1);
    expect(roundPercent(3, 3)).toBe(100);
  });

});

describe('report directories keep history', () => {
  it('run ids sort by time, latest points at the newest, the previous finished run is found, markers are honoured', async () => {
    const base = mkdtempSync(join(tmpdir(), 'ktc-history-'));
    const a = createRunDirectory(base, new Date('2026-01-01T00:00:00Z'));
    writeFileSync(join(a.dir, 'results.json'), '{}');
    const b = createRunDirectory(base, new Date('2026-01-02T00:00:00Z'));
    markRunning(b.dir, 'target reference');
    expect(runState(a.dir)).toBe('finished');
    expect(runState(b.dir)).toBe('running');
    expect(readFileSync(join(b.dir, 'report.html'), 'utf8')).toContain('Run in progress: no report yet');
    expect(previousRun(base, b.id)).toBe(a.dir);
    pointLatest(base, a.id);
    pointLatest(base, b.id);
    expect(existsSync(join(base, LATEST, 'RUNNING'))).toBe(true);
    // report --compare on latest compares with the run before it, never with itself.
    expect(runIdOf(join(base, LATEST))).toBe(b.id);
    expect(previousRun(base, runIdOf(join(base, LATEST)))).toBe(a.dir);
    const out: string[] = [];
    const err: string[] = [];
    const code = await reportCommand([join(b.dir, 'results.json')], { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {} });
    expect(code).toBe(2);
    expect(err.join('')).toMatch(/^kinde-token-conformance report: .* is marked RUNNING: that run has not finished/);
  });

});
