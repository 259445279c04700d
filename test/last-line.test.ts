/**
 * One way of counting: the run's last line counts requirements like the
 * summary above it, agrees with the exit code, and requirements that were
 * never attempted (a broken target) are said once, not once each.
 */
import { describe, expect, it } from 'vitest';
import { lastLine } from '../reports/last-line.js';
import { exitCodeFor, summarize } from '../reports/results.js';
import { renderTerminalSummary } from '../reports/terminal.js';
import { FIXTURES } from './lib/reports-fixtures.js';

const GREP = /^[0-9]+ passed, [0-9]+ failed/;

describe('the last line', () => {
  it('counts requirements as the summary does, and says 0 failed exactly when the exit code is 0', () => {
    for (const results of Object.values(FIXTURES)) {
      const code = exitCodeFor(results);
      const line = lastLine({ results, exitCode: code });
      const s = results.summary;
      expect(line).toMatch(GREP);
      expect(line).toContain(`${s.PASSED} passed, `);
      expect(line).toContain(`${s.total} requirement`);
      expect(line.startsWith(`${s.PASSED} passed, 0 failed`)).toBe(code === 0);
      if (code !== 0) expect(line).toContain(`failed`);
      expect(line).toContain(`(exit ${code}`);
    }
  });

  it('adds the self-tests of npm test and the duration', () => {
    const results = FIXTURES.pass;
    const line = lastLine({ results, exitCode: 0, selfTests: { passed: 500, failed: 0, skipped: 2 }, durationMs: 252_000 });
    expect(line).toMatch(new RegExp(`^${500 + results.summary.PASSED} passed, 0 failed, `));
    expect(line).toContain('502 self-tests and');
    expect(line).toContain('2 skipped');
    expect(line).toMatch(/\(exit 0, 4 min 12 s\)$/);
  });

  it('a run without a verdict (unreachable, nothing checked) is never "0 failed"', () => {
    expect(lastLine({ exitCode: 3, why: 'the target could not be reached' })).toMatch(/^0 passed, 1 failed \(the run\) — the target could not be reached \(exit 3\)$/);
    // Every selected requirement not applicable: the one failure is the run's, not a requirement's.
    const na = FIXTURES.pass.requirements.slice(0, 1).map((r) => ({ ...r, verdict: 'NOT_APPLICABLE' as const }));
    const results = { ...FIXTURES.pass, requirements: na, summary: summarize(na) };
    expect(lastLine({ results, exitCode: 2, why: 'nothing was checked' })).toMatch(/^0 passed, 1 failed \(the run\), 1 not applicable — 1 requirement — nothing was checked \(exit 2\)$/);
    // A real failure is never labelled as the run's.
    expect(lastLine({ results: FIXTURES.fail, exitCode: exitCodeFor(FIXTURES.fail) })).not.toContain('(the run)');
  });

  it('--expected: failures the file expects are counted apart when the run matches it', () => {
    const results = FIXTURES.fail;
    const s = results.summary;
    const broken = s.FAILED + s.ERRORED;
    expect(lastLine({ results, exitCode: 0, expectedFailures: broken })).toMatch(new RegExp(`^${s.PASSED} passed, 0 failed, .*${broken} failed as expected`));
  });
});

describe('not attempted requirements in the terminal summary', () => {
  it('are one block with the shared reason, not one failure block each', () => {
    const base = FIXTURES.pass;
    const why = 'ERR_TARGET_TIMEOUT: not attempted: the target failed first in check "x": GET /jwks: no complete answer within 2000 ms';
    const requirements = base.requirements.map((r, i) => (i === 0 ? r : { ...r, verdict: 'ERRORED' as const, reason: why }));
    const results = { ...base, requirements, summary: summarize(requirements) };
    const text = renderTerminalSummary(results, { color: false });
    expect(text).toContain(`Not attempted (${requirements.length - 1} requirements)`);
    expect(text.split(why).length - 1).toBe(1);
    expect(text).not.toMatch(/^Failures/m);
  });
});
