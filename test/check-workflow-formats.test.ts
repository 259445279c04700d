/**
 * check-workflow's machine formats and --max-warnings, on the example project's
 * non-token workflow (static checks only, so no runs: fast): --format=stylish,
 * github, sarif print what ESLint users, GitHub annotations and SARIF readers
 * expect; foreign text never starts a workflow command; --max-warnings=N
 * fails on more than N warnings; bad values are usage errors (exit 2).
 */
import { describe, expect, it } from 'vitest';
import { renderGithub } from '../workflow-check/formats.js';
import type { CheckWorkflowResults } from '../workflow-check/report.js';
import { runCheckWorkflow } from './lib/check-workflow-run.js';

const FILE = 'examples/workflows/check-workflow/kindeSrc/environment/workflows/nontoken/postAuthenticationWorkflow.ts';
const OUT = 'test-output/check-workflow-formats';

describe('check-workflow --format and --max-warnings', () => {
  it('stylish: the file, then line:col, level, message and kind', async () => {
    const r = await runCheckWorkflow([FILE, '--format=stylish', `--report-dir=${OUT}`]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(FILE);
    expect(r.out).toMatch(/\n {2}12:3 +warning {2}console is used but not declared.* {2}binding-undeclared\n/);
    expect(r.out).toContain('not run (only the static checks ran)');
  });

  it('github: one annotation per finding, with file, line and col', async () => {
    const r = await runCheckWorkflow([FILE, '--format=github', `--report-dir=${OUT}`]);
    expect(r.code).toBe(0);
    expect(r.out.split('\n').some((l) => l.startsWith(`::warning file=${FILE},line=12,col=3,title=check-workflow binding-undeclared::console is used`))).toBe(true);
    expect(r.out).toMatch(/^::notice file=.*title=check-workflow not-run::trigger user:post_authentication/m);
  });

  it('github: a finding\'s foreign newline never starts a line of its own', () => {
    const results = {
      project: [],
      input: 'x',
      workflows: [{ file: 'w.ts', findings: [{ kind: 'throws', level: 'error', message: 'boom\n::add-mask::secret\r\u001b[2J', at: { file: 'a,b:c.ts', line: 1 } }] }],
    } as unknown as CheckWorkflowResults;
    const out = renderGithub(results);
    expect(out.split('\n')).toHaveLength(1);
    expect(out).toContain('file=a%2Cb%3Ac.ts');
    expect(out).toContain('boom%0A::add-mask::secret');
    expect(out).not.toContain('\u001b');
  });

  it('sarif: version 2.1.0, one rule per finding kind, regions at line and column', async () => {
    const r = await runCheckWorkflow([FILE, '--format=sarif', `--report-dir=${OUT}`]);
    const sarif = JSON.parse(r.out) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; level: string; locations: { physicalLocation: { region?: { startLine: number; startColumn?: number } } }[] }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.tool.driver.rules.map((x) => x.id)).toEqual(['binding-undeclared', 'not-run']);
    const warn = sarif.runs[0]!.results.find((x) => x.ruleId === 'binding-undeclared')!;
    expect(warn.level).toBe('warning');
    expect(warn.locations[0]!.physicalLocation.region).toEqual({ startLine: 12, startColumn: 3 });
  });

  it('--max-warnings=N: exit 1 on more than N warnings, 0 otherwise', async () => {
    expect((await runCheckWorkflow([FILE, '--max-warnings=0', `--report-dir=${OUT}`])).code).toBe(1);
    expect((await runCheckWorkflow([FILE, '--max-warnings=1', `--report-dir=${OUT}`])).code).toBe(0);
  });

  it('bad values are usage errors naming the flag', async () => {
    const bad = await runCheckWorkflow([FILE, '--format=stylsh', `--report-dir=${OUT}`]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--format: "stylsh" is not one of');
    expect(bad.err).toContain('stylish');
    expect((await runCheckWorkflow([FILE, '--json', '--format=github', `--report-dir=${OUT}`])).code).toBe(2);
    expect((await runCheckWorkflow([FILE, '--max-warnings=-1', `--report-dir=${OUT}`])).code).toBe(2);
  });
});
