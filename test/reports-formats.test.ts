// JUnit, Markdown, the badge and the terminal summary.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redact, renderBadge, renderJUnit, renderMarkdown, renderTerminalSummary, writeStepSummary } from '../reports/index.js';
import { HOSTILE, FIXTURES, withRequirements, req, hostile, checkXml } from './lib/reports-fixtures.js';

describe('JUnit', () => {
  it.each(['pass', 'fail'] as const)('%s: well-formed, one testcase per requirement, right failures/errors/skipped', (name) => {
    const results = FIXTURES[name];
    const xml = renderJUnit(redact(results));
    const counts = checkXml(xml);
    const s = results.summary;
    expect(counts.get('testsuites')).toBe(1);
    expect(counts.get('testsuite')).toBe(new Set(results.requirements.map((r) => r.area)).size);
    expect(counts.get('testcase') ?? 0).toBe(s.total);
    expect(counts.get('failure') ?? 0).toBe(s.FAILED);
    expect(counts.get('error') ?? 0).toBe(s.ERRORED);
    expect(counts.get('skipped') ?? 0).toBe(s.NOT_APPLICABLE);
    expect(counts.get('system-out') ?? 0).toBe(s.WARNING);
    expect(xml).toContain(`<testsuites name="kinde-token-conformance: ${results.target.name} ${results.target.version}" tests="${s.total}" failures="${s.FAILED}" errors="${s.ERRORED}" skipped="${s.NOT_APPLICABLE}"`);
    for (const r of results.requirements) expect(xml).toContain(`<testcase classname="${r.area}" name="${r.id}: `);
  });

  it('strict runs turn warnings into failures of type "warning"', () => {
    const strict = { ...FIXTURES.fail, strict: true };
    const counts = checkXml(renderJUnit(redact(strict)));
    expect(counts.get('failure')).toBe(strict.summary.FAILED + strict.summary.WARNING);
    expect(counts.get('system-out') ?? 0).toBe(0);
    expect(renderJUnit(strict).match(/<failure message="[^"]*" type="warning">/g)).toHaveLength(strict.summary.WARNING);
  });

  it('stays well-formed with hostile text and control characters', () => {
    const h = hostile();
    req(h, 'AT-AUD-REQUESTED').failure!.message = 'bell \u0007 & "quotes" \'single\' ]]> \uFFFF';
    const xml = renderJUnit(redact(h));
    expect(() => checkXml(xml)).not.toThrow();
    expect(xml).not.toContain('\u0007');
    expect(xml).not.toContain('<img');
    expect(xml).toContain('not applicable: target lacks capability properties');
  });

  it('the well-formedness check itself rejects broken XML', () => {
    expect(() => checkXml('<a><b></a></b>')).toThrow();
    expect(() => checkXml('<a x="1 & 2"/>')).toThrow();
    expect(() => checkXml('<a>1 < 2</a>')).toThrow();
    expect(() => checkXml('<a/><b/>')).toThrow();
  });
});

describe('Markdown', () => {
  it('has the summary line, a table per area, failures with replay commands, warnings apart', () => {
    const results = FIXTURES.fail;
    const md = renderMarkdown(redact(results));
    expect(md.split('\n')[2]).toMatch(/^\*\*72\.2% conforming \(18 of 20 applicable\)\*\*: ✅ 11 passed · ❌ 4 failed · 💥 1 errored · ⚠️ 2 warning · ➖ 2 not applicable/);
    const failuresAt = md.indexOf('### Failures (5)');
    const warningsAt = md.indexOf('### Warnings (2)');
    const areasAt = md.indexOf('### Requirements by area');
    expect(failuresAt).toBeGreaterThan(0);
    expect(warningsAt).toBeGreaterThan(failuresAt);
    expect(areasAt).toBeGreaterThan(warningsAt);
    for (const r of results.requirements) {
      expect(md).toMatch(new RegExp(`^\\| \`${r.id}\` \\| \\S+ ${r.verdict === 'NOT_APPLICABLE' ? 'not applicable' : r.verdict.toLowerCase()} \\|`, 'm'));
      if (r.failure) {
        const section = r.verdict === 'WARNING' ? md.slice(warningsAt, areasAt) : md.slice(failuresAt, warningsAt);
        expect(section).toContain(r.failure.replay);
      }
    }
    expect(md.slice(failuresAt, warningsAt)).not.toContain('FF-JSON-TYPE');
    expect(md.match(/^\| ID \| Verdict \| Statement \|$/gm)).toHaveLength(new Set(results.requirements.map((r) => r.area)).size);
  });

  it('escapes HTML and table-breaking characters', () => {
    const md = renderMarkdown(redact(hostile()));
    // Inside fenced code blocks text is literal; everywhere else it must be escaped.
    const fences = [...md.matchAll(/^(`{3,})sh\n([^]*?)\n\1$/gm)];
    expect(fences.map((f) => f[2])).toContain(`npx x --only='${HOSTILE}'`);
    const prose = fences.reduce((text, f) => text.replace(f[0], ''), md);
    expect(prose).not.toContain('<img');
    expect(md).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    const row = md.split('\n').find((l) => l.startsWith('| `WF-PROHIBITED-ACCESS`'));
    expect(row?.match(/(?<!\\)\|/g)).toHaveLength(4);
  });

  it('writeStepSummary appends to $GITHUB_STEP_SUMMARY, and only when it is set', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ktc-summary-'));
    try {
      const file = join(dir, 'summary.md');
      await writeFile(file, 'earlier step\n');
      expect(await writeStepSummary('# one', { GITHUB_STEP_SUMMARY: file })).toBe(true);
      expect(await writeStepSummary('# two\n', { GITHUB_STEP_SUMMARY: file })).toBe(true);
      expect(await readFile(file, 'utf8')).toBe('earlier step\n# one\n# two\n');
      expect(await writeStepSummary('# three', {})).toBe(false);
      expect(await readFile(file, 'utf8')).toBe('earlier step\n# one\n# two\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('badge', () => {
  it('shows the score of the applicable requirements, the n/a count beside it, and is red whenever anything failed', () => {
    expect(renderBadge(FIXTURES.fail)).toEqual({ schemaVersion: 1, label: 'kinde tokens', message: '72.2% conforming (18 of 20 applicable)', color: 'red' });
    const onlyWarnings = FIXTURES.fail.requirements.map((r) => ({ ...r, verdict: r.verdict === 'FAILED' || r.verdict === 'ERRORED' ? ('PASSED' as const) : r.verdict }));
    expect(renderBadge(withRequirements(FIXTURES.fail, onlyWarnings))).toMatchObject({ color: 'brightgreen' });
    const fewApplicable = FIXTURES.pass.requirements.map((r, i) => (i < 3 ? r : { ...r, verdict: 'NOT_APPLICABLE' as const }));
    const applicable = fewApplicable.filter((r) => r.verdict !== 'NOT_APPLICABLE').length;
    expect(applicable).toBeLessThan(4);
    expect(renderBadge(withRequirements(FIXTURES.pass, fewApplicable)).message).toBe(`100% conforming (${applicable} of ${FIXTURES.pass.requirements.length} applicable)`);
    expect(renderBadge(FIXTURES.pass)).toEqual({ schemaVersion: 1, label: 'kinde tokens', message: '100% conforming (19 of 20 applicable)', color: 'brightgreen' });
    const allFailed = FIXTURES.fail.requirements.map((r) => ({ ...r, verdict: 'FAILED' as const }));
    expect(renderBadge(withRequirements(FIXTURES.fail, allFailed))).toMatchObject({ message: '0% conforming', color: 'red' });
    const noneApplicable = FIXTURES.fail.requirements.map((r) => ({ ...r, verdict: 'NOT_APPLICABLE' as const }));
    expect(renderBadge(withRequirements(FIXTURES.fail, noneApplicable))).toMatchObject({ message: 'nothing applicable: not checked', color: 'lightgrey' });
  });
});

describe('terminal summary', () => {
  it('lists areas, failures with replay commands, warnings apart, totals last; colour only when asked', () => {
    const results = redact(FIXTURES.fail);
    const plain = renderTerminalSummary(results, { color: false });
    expect(plain).not.toContain('\x1b');
    expect(plain).toMatch(/^ {2}Workflows +1 passed · 1 failed · 0 warn · 0 n\/a · 0 errored$/m);
    const lines = plain.split('\n');
    expect(lines.at(-1)).toBe('20 requirements: 11 passed, 4 failed, 2 warning, 2 not applicable, 1 errored — 72.2% conforming (18 of 20 applicable)');
    const failuresAt = plain.indexOf('Failures (5)');
    const warningsAt = plain.indexOf('Warnings (2)');
    expect(warningsAt).toBeGreaterThan(failuresAt);
    for (const r of results.requirements) {
      if (r.verdict === 'FAILED') expect(plain.slice(failuresAt, warningsAt)).toContain(`replay: ${r.failure!.replay}`);
      if (r.verdict === 'WARNING') expect(plain.slice(warningsAt)).toContain(r.id);
    }
    const colored = renderTerminalSummary(results, { color: true });
    expect(colored).toContain('\x1b[31m');
    expect(colored.replace(/\x1b\[\d+m/g, '')).toBe(plain);
  });

  it('neutralises control characters from untrusted text', () => {
    const h = structuredClone(FIXTURES.fail);
    req(h, 'AT-AUD-REQUESTED').failure!.message = 'evil \x1b[2J\x1b]0;title\x07';
    expect(renderTerminalSummary(h, { color: false })).not.toContain('\x1b');
  });
});
