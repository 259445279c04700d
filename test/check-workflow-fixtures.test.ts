/**
 * check-workflow with fixtures: the docs' M2M tutorial workflow
 * (examples/workflows/m2m-tutorial: createKindeAPI, the Management API's
 * application properties and organization) runs on a fixtures file, and the
 * claims it sets land in the M2M token JSON-identical to the fixture values.
 * A request no fixture answers is named; a bad fixtures file or flag is a
 * usage error naming the field.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheckWorkflow } from './lib/check-workflow-run.js';
import { parseEnvFile } from '../workflow-check/fixtures-input.js';
import type { CheckWorkflowResults, WorkflowReport } from '../workflow-check/report.js';

const PROJECT = 'examples/workflows/m2m-tutorial';
const FIXTURES = `${PROJECT}/fixtures.json`;
const OUT = 'test-output/check-workflow-fixtures';
const COMMON = ['--seed=20261123', '--runs=6', '--timeout=1000'];

const run = runCheckWorkflow;

function only(dir: string): WorkflowReport {
  const results = JSON.parse(readFileSync(join(dir, 'check-workflow.json'), 'utf8')) as CheckWorkflowResults;
  expect(results.workflows).toHaveLength(1);
  return results.workflows[0]!;
}

interface TutorialFixtures {
  fetch: Array<{ url: string; json: { properties?: Array<{ key: string; value: string }>; name?: string; code?: string } }>;
}
const fixtures = JSON.parse(readFileSync(FIXTURES, 'utf8')) as TutorialFixtures;

describe('check-workflow runs the docs M2M tutorial workflow on fixtures', () => {
  it('exits 0; the claims land JSON-identical to the fixture answers; every request was answered by its fixture', async () => {
    const dir = `${OUT}/ok`;
    const r = await run([PROJECT, `--fixtures=${FIXTURES}`, ...COMMON, `--report-dir=${dir}`]);
    const w = only(dir);
    expect(r.code, r.err).toBe(0);
    expect(w.findings.map((f) => `${f.level} ${f.kind}`)).toEqual(['info not-run']); // the Management API audience only
    const payload = w.preview?.steps[0]?.tokens?.m2m?.payload;
    const props = fixtures.fetch[1]!.json.properties!;
    const org = fixtures.fetch[2]!.json;
    expect(payload?.orgCode).toEqual(props.find((p) => p.key === 'org_code')!.value);
    expect(payload?.orgName).toEqual(org.name);
    expect(payload?.applicationId).toEqual(payload?.azp);
    expect(w.runs).toBeGreaterThan(1);
    expect(w.requests?.map((q) => [q.method, q.fixture])).toEqual([
      ['POST', 0],
      ['GET', 1],
      ['GET', 2],
    ]);
    // Every run that the issuer ran asked each fixture once: the counts agree.
    expect(new Set(w.requests?.map((q) => q.count)).size).toBe(1);
    expect(r.out).toMatch(new RegExp(`fetch: ${3 * w.requests![0]!.count} requests answered by fixtures, 0 unmatched \\(${FIXTURES.replace(/[./]/g, '\\$&')}\\)`));
    const html = readFileSync(join(dir, 'check-workflow.html'), 'utf8');
    expect(html).toContain('<h3>Fetch requests');
    expect(html).toContain('{kindeDomain}/oauth2/token</code>');
  });

  it('a request no fixture answers fails inside the workflow, is named with the fixture line to add, and reads "needs fixtures", not a code error', async () => {
    const dir = `${OUT}/unmatched`;
    mkdirSync(dir, { recursive: true });
    const partial = join(dir, 'fixtures.json');
    writeFileSync(partial, JSON.stringify({ ...JSON.parse(readFileSync(FIXTURES, 'utf8')), fetch: fixtures.fetch.slice(0, 2) }));
    const r = await run([PROJECT, `--fixtures=${partial}`, ...COMMON, `--report-dir=${dir}`]);
    const w = only(dir);
    expect(r.code).toBe(0);
    const unmatched = w.findings.filter((f) => f.kind === 'fetch-unmatched');
    expect(unmatched).toHaveLength(1);
    expect(unmatched[0]!.message).toMatch(/^GET \{kindeDomain\}\/api\/v1\/organization\?code=\* \(kinde\.fetch, \d+ runs?\): none of the 2 fetch fixtures answers it/);
    expect(unmatched[0]!.detail?.add).toBe('{"method":"GET","url":"{kindeDomain}/api/v1/organization?code=*","status":200,"json":{}}');
    expect(w.findings.some((f) => f.level === 'error')).toBe(false);
    const needs = w.findings.find((f) => f.kind === 'needs-fixtures');
    expect(needs?.level).toBe('warning');
    expect(needs?.message).toContain('fetch failed: no fixture answers GET');
    expect(needs?.message).toContain('not judged a code error');
    expect(w.counterexample?.effect).toContain('failurePolicy stop: the token request is refused');
    // --replay answers from the recorded fixtures file again: the same request is unmatched.
    const again = await run([`--replay=${join(dir, 'check-workflow.json')}`, `--report-dir=${dir}/replay`]);
    expect(again.code).toBe(0);
    expect(only(`${dir}/replay`).findings.filter((f) => f.kind === 'fetch-unmatched').map((f) => f.detail?.url)).toEqual([unmatched[0]!.detail?.url]);
  });

  it('--env wins over the file: without the client id the library says "M2M client ID not set"', async () => {
    const dir = `${OUT}/env`;
    const r = await run([PROJECT, `--fixtures=${FIXTURES}`, '--env', 'KINDE_WF_M2M_CLIENT_ID=', ...COMMON, '--runs=2', `--report-dir=${dir}`]);
    expect(r.code).toBe(1);
    expect(only(dir).findings.find((f) => f.kind === 'throws')?.message).toContain('M2M client ID not set');
  });

  it('bad fixtures and flags are usage errors (exit 2) naming the file and field', async () => {
    const dir = `${OUT}/bad`;
    mkdirSync(dir, { recursive: true });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ fetch: [{ url: '{kindeDomain}/x', status: 'ok' }] }));
    const cases: Array<[string[], RegExp]> = [
      [[`--fixtures=${bad}`], new RegExp(`^kinde-token-conformance check-workflow: ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\.fetch\\[0\\]\\.status must be integer`)],
      [[`--fixtures=${dir}/missing.json`], /^kinde-token-conformance check-workflow: --fixtures: cannot read .*missing\.json: ENOENT/],
      [['--env', 'NOEQUALS'], /^kinde-token-conformance check-workflow: --env must be KEY=VALUE, got "NOEQUALS"/],
      [['--env', '1BAD=x'], /^kinde-token-conformance check-workflow: fixtures\.env has a key that is not a valid environment variable name/],
    ];
    for (const [flags, message] of cases) {
      const r = await run([PROJECT, ...flags, `--report-dir=${dir}`]);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
  });

  it('--env-vars reads KEY=VALUE lines (comments, export, quotes) and names a bad line', () => {
    expect(parseEnvFile('# c\n\nexport A=1\nB="two words"\nC=x=y\n', 'e.env')).toEqual({ A: '1', B: 'two words', C: 'x=y' });
    expect(() => parseEnvFile('A=1\nnot a pair\n', 'e.env')).toThrow(/^--env-vars: e\.env:2 is not KEY=VALUE$/);
  });
});
