/**
 * `report --matrix`: runs side by side, each failing cell linked to its
 * failure, foreign text (names, ids, messages) never reaching HTML or
 * Markdown raw.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportCommand } from '../reports/cli.js';
import { buildMatrix, renderMatrixHtml, renderMatrixMarkdown } from '../reports/matrix.js';
import type { RunResults } from '../reports/results.js';
import { FIXTURES, HOSTILE, withRequirements } from './lib/reports-fixtures.js';

const hostile: RunResults = {
  ...withRequirements(FIXTURES.fail, [
    ...FIXTURES.fail.requirements.slice(0, 3),
    { ...FIXTURES.fail.requirements.find((r) => r.verdict === 'FAILED')!, id: `X|${HOSTILE}`, failure: { message: `boom\u001b[31m ${HOSTILE} | pipe\nnext line`, seed: 1, replay: `npx x --replay=${HOSTILE}` } },
  ]),
  target: { ...FIXTURES.fail.target, name: `evil ${HOSTILE}\u001b]8;;x` },
};

describe('report --matrix', () => {
  it('one row per requirement, one column per run, verdict symbols, failures linked', () => {
    const m = buildMatrix([FIXTURES.pass, FIXTURES.fail]);
    expect(m.columns).toHaveLength(2);
    const failed = FIXTURES.fail.requirements.filter((r) => r.verdict === 'FAILED').map((r) => r.id);
    expect(failed.length).toBeGreaterThan(0);
    const md = renderMatrixMarkdown(m);
    for (const id of failed) expect(md).toMatch(new RegExp(`\\| ${id.replace(/-/g, '\\-')} \\|.*\\[✗\\]\\(matrix\\.html#f1-${id}\\)`));
    const html = renderMatrixHtml(m);
    for (const id of failed) {
      expect(html).toContain(`href="#f1-${id}"`);
      expect(html).toContain(`id="f1-${id}"`);
    }
    // Same name twice: columns stay apart.
    expect(buildMatrix([FIXTURES.fail, FIXTURES.fail]).columns).toEqual([FIXTURES.fail.target.name, `${FIXTURES.fail.target.name} (2)`]);
    expect(renderMatrixMarkdown(m, null)).not.toContain('](');
  });

  it('foreign text is escaped: no markup, no control characters, no broken table row', () => {
    const m = buildMatrix([FIXTURES.pass, hostile]);
    const html = renderMatrixHtml(m);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('</script>');
    expect(html).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    const md = renderMatrixMarkdown(m);
    expect(md).not.toContain('<img');
    expect(md).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    const columnsPerRow = md.split('\n').map((line) => line.replace(/\\\|/g, '').split('|').length);
    expect(new Set(columnsPerRow).size).toBe(1);
  });

  it('the command writes matrix.html and matrix.md and prints the table; a bad file is a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ktc-matrix-'));
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    writeFileSync(a, JSON.stringify(FIXTURES.pass));
    writeFileSync(b, JSON.stringify(FIXTURES.fail));
    let stdout = '';
    const code = await reportCommand(['--matrix', a, b, '--out', join(dir, 'out')], { stdout: (t) => void (stdout += t), stderr: () => {} });
    expect(code).toBe(0);
    expect(stdout).toContain('| requirement |');
    expect(readFileSync(join(dir, 'out', 'matrix.md'), 'utf8')).toContain('[✗](matrix.html#f1-');
    expect(readFileSync(join(dir, 'out', 'matrix.html'), 'utf8')).toMatch(/^<!doctype html>/);
    let stderr = '';
    expect(await reportCommand(['--matrix', a, join(dir, 'missing.json')], { stdout: () => {}, stderr: (t) => void (stderr += t) })).toBe(2);
    expect(stderr).toContain('missing.json');
  });
});
