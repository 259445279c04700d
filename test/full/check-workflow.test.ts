/**
 * check-workflow on the example project (examples/workflows/check-workflow):
 * one workflow per finding kind plus a clean one. Each finding is asserted
 * with its source line, and the exit codes (0 clean, 1 an error-level
 * finding, 2 usage) with the one-line usage messages. Small --runs: the
 * findings do not depend on volume (fixed seed, shrinking on).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCheckWorkflow } from '../lib/check-workflow-run.js';
import type { Finding } from '../../workflow-check/findings.js';
import type { CheckWorkflowResults, WorkflowReport } from '../../workflow-check/report.js';
import { scanSources } from '../../workflow-check/static.js';

const PROJECT = 'examples/workflows/check-workflow';
const WORKFLOWS = `${PROJECT}/kindeSrc/environment/workflows`;
const OUT = 'test-output/check-workflow';
const COMMON = ['--seed=20261123', '--runs=8', '--timeout=300'];

const run = runCheckWorkflow;

function load(dir: string): CheckWorkflowResults {
  return JSON.parse(readFileSync(join(dir, 'check-workflow.json'), 'utf8')) as CheckWorkflowResults;
}

function workflow(results: CheckWorkflowResults, path: string): WorkflowReport {
  const w = results.workflows.find((x) => x.file === `${WORKFLOWS}/${path}`);
  if (!w) throw new Error(`no report for ${path}; reported: ${results.workflows.map((x) => x.file).join(', ')}`);
  return w;
}

/** A run that missed the wall-clock budget on a busy machine but finished on its second try (info, never a verdict). */
const isSlowNote = (f: Finding) => f.kind === 'timeout' && f.level === 'info';

function summary(w: WorkflowReport): string[] {
  return w.findings.filter((f) => !isSlowNote(f)).map((f) => `${f.level} ${f.kind} ${f.at?.line ?? '-'}`).sort();
}

function find(w: WorkflowReport, kind: Finding['kind'], pred: (f: Finding) => boolean = () => true): Finding {
  const f = w.findings.find((x) => x.kind === kind && pred(x));
  if (!f) throw new Error(`no ${kind} finding in ${w.file}: ${summary(w).join('; ')}`);
  return f;
}

describe('check-workflow on the example project', () => {
  let results: CheckWorkflowResults;
  let code: number;
  let printed: string;

  beforeAll(async () => {
    const r = await run([PROJECT, ...COMMON, `--report-dir=${OUT}`]);
    code = r.code;
    printed = r.out;
    results = load(OUT);
  });

  it('finds every workflow in the kindeSrc layout and exits 1 (error-level findings)', () => {
    expect(code).toBe(1);
    expect(results.workflows.map((w) => w.file.slice(WORKFLOWS.length + 1)).sort()).toEqual([
      'async/syncDefaultWorkflow.ts',
      'bindings/undeclaredBindingWorkflow.ts',
      'build/brokenWorkflow.js',
      'claims/prohibitedClaimsWorkflow.ts',
      'clean/cleanWorkflow.ts',
      'fixtures/needsEnvWorkflow.ts',
      'hints/missingImportWorkflow.ts',
      'json/jsonValuesWorkflow.ts',
      'nontoken/postAuthenticationWorkflow.ts',
      'object/handleObjectWorkflow.ts',
      'settings/invalidSettingsWorkflow.ts',
      'size/largeTokenWorkflow.ts',
      'throws/orgRequiredWorkflow.ts',
      'timeout/refreshLoopWorkflow.ts',
      'unsupported/Workflow.ts',
    ]);
    expect(results.summary.error).toBeGreaterThan(0);
    expect(results.workflows.flatMap((w) => w.findings).filter((f) => f.kind === 'internal')).toEqual([]);
    expect(printed).toContain('errors,');
  });

  it('the clean workflow has no finding, runs, and shows its tokens and console output', () => {
    const w = workflow(results, 'clean/cleanWorkflow.ts');
    expect(summary(w)).toEqual([]);
    expect(w.runs).toBeGreaterThanOrEqual(8);
    expect(w.bundle?.files.some((f) => f.endsWith('clean/planName.ts'))).toBe(true);
    const access = w.preview?.steps[0]?.tokens?.access?.payload;
    expect(access?.plan).toBe('team:org_0123456789a');
    expect(access?.signedInVia).toBe('authorization_request');
    expect(w.preview?.steps[0]?.tokens?.id?.payload.plan).toBe('team:org_0123456789a');
    expect(w.console.out).toEqual(['log: plan claims added for kp_0123456789abcdef0123456789abcdef']);
    expect(w.console.err).toEqual([]);
  });

  it('needs-fixtures: an env variable nothing supplied is named with its --env flag, not called a code error', () => {
    const w = workflow(results, 'fixtures/needsEnvWorkflow.ts');
    expect(summary(w)).toEqual(['warning needs-fixtures 12']);
    const f = find(w, 'needs-fixtures');
    expect(f.message).toContain("Cannot read properties of undefined (reading 'value')");
    expect(f.message).toContain('--env API_BASE=…');
    expect(f.basis?.level).toBe('inferred');
  });

  it('an object default export with handle() is run (a warning) and does not hide the undeclared binding', () => {
    const w = workflow(results, 'object/handleObjectWorkflow.ts');
    expect(find(w, 'settings').level).toBe('warning');
    expect(find(w, 'binding-undeclared').level).toBe('error');
    expect(find(w, 'binding-undeclared').basis?.quote).toBe('`kinde.accessToken`: required to modify access token claims');
    expect(w.runs).toBeGreaterThan(0);
  });

  it('a non-token trigger is shown not run (never ✓) and still gets its static checks', () => {
    const w = workflow(results, 'nontoken/postAuthenticationWorkflow.ts');
    expect(w.runs).toBe(0);
    expect(summary(w)).toEqual(['info not-run -', 'warning binding-undeclared 12']);
    expect(find(w, 'binding-undeclared').basis).toMatchObject({ level: 'inferred' });
    expect(find(w, 'binding-undeclared').basis?.source).toContain('gojaRuntime.go, setupVM');
    expect(printed).toMatch(/○ \S*postAuthenticationWorkflow\.ts .*not run: only the static checks ran/);
    expect(printed).not.toMatch(/✓ \S*postAuthenticationWorkflow/);
  });

  it('a missing import gets the obvious hint and a code frame at its line:col', () => {
    const w = workflow(results, 'hints/missingImportWorkflow.ts');
    const t = find(w, 'throws');
    expect(t.hint).toBe("`fetch` is not defined — import { fetch } from '@kinde/infrastructure'?");
    expect(t.at).toMatchObject({ line: 11, column: 20 });
    expect(t.source).toContain("await fetch('https://api.example.com/plan'");
    expect(printed).toContain("      11 |   const response = await fetch('https://api.example.com/plan'");
    expect(printed).toMatch(/\n {9}\| {20}\^\n/);
  });

  it('documented findings carry the docs\' words; the rest name their source', () => {
    for (const f of results.workflows.flatMap((w) => w.findings)) {
      if (f.basis?.level === 'documented') expect(f.basis.quote, `${f.kind}: ${f.message}`).toBeTruthy();
      if (f.basis?.source.startsWith("check-workflow's reference runtime")) expect(f.level, f.message).not.toBe('error');
    }
  });

  it('build: a syntax error, at its line', () => {
    const w = workflow(results, 'build/brokenWorkflow.js');
    expect(summary(w)).toEqual(['error build 6']);
    expect(w.runs).toBe(0);
  });

  it('settings: a missing id and an unknown failurePolicy action, with Kinde\'s messages', () => {
    const w = workflow(results, 'settings/invalidSettingsWorkflow.ts');
    // Every problem of the file at once: the refused settings do not hide the unused binding.
    expect(summary(w)).toEqual(['error settings 2', 'error settings 5', 'warning binding-unused 6']);
    expect(find(w, 'settings', (f) => f.at?.line === 2).message).toContain('workflow id not found, please export workflowSettings.id');
    expect(find(w, 'settings', (f) => f.at?.line === 5).message).toContain('"retry"');
  });

  it('bindings: used but not declared, declared but unused, console undeclared', () => {
    const w = workflow(results, 'bindings/undeclaredBindingWorkflow.ts');
    expect(find(w, 'binding-undeclared', (f) => f.level === 'error').at?.line).toBe(16);
    expect(find(w, 'binding-undeclared', (f) => f.level === 'error').message).toContain('kinde.idToken');
    expect(find(w, 'binding-undeclared', (f) => f.message.startsWith('console')).at?.line).toBe(15);
    expect(find(w, 'binding-unused').at?.line).toBe(10);
    // Kinde's library throws when the binding is missing; failurePolicy continue issues the tokens anyway.
    const t = find(w, 'throws');
    expect(t.at?.line).toBe(16);
    expect(w.counterexample?.effect).toContain('tokens are issued without any claim');
  });

  it('claims: prohibited claims and a claim on a token the trigger cannot touch', () => {
    const w = workflow(results, 'claims/prohibitedClaimsWorkflow.ts');
    expect(summary(w)).toEqual([
      'error prohibited-claim 17',
      'error prohibited-claim 18',
      'error prohibited-claim 19',
      'error wrong-token 22',
      'error wrong-token 22',
    ]);
    expect(find(w, 'prohibited-claim', (f) => f.at?.line === 17).message).toContain('"sub"');
    expect(find(w, 'prohibited-claim', (f) => f.at?.line === 19).message).toContain('ID token');
    // The write to sub was ignored: the token keeps the user's id.
    const access = w.preview?.steps[0]?.tokens?.access?.payload;
    expect(access?.sub).toBe('kp_0123456789abcdef0123456789abcdef');
  });

  it('throws: the smallest request (a user without an organization) and what failurePolicy stop does', () => {
    const w = workflow(results, 'throws/orgRequiredWorkflow.ts');
    expect(summary(w)).toEqual(['error throws 14']);
    const x = w.counterexample!;
    expect(x.error.message).toBe('Error: this app needs an organization');
    expect((x.event.context as { organization: { code: unknown } }).organization.code).toBeNull();
    expect(x.case.kind === 'user' && x.case.request.orgCode).toBeFalsy();
    expect(x.effect).toBe('failurePolicy stop: the sign-in is refused (403 access_denied)');
    expect(w.failurePolicyDefault).toBe(true);
  });

  it('timeout: only on refresh_token_request, and failurePolicy continue still issues tokens', () => {
    const w = workflow(results, 'timeout/refreshLoopWorkflow.ts');
    // Our --timeout budget is the reference's model (Kinde documents none): a warning, never an error.
    expect(summary(w)).toEqual(['warning timeout -']);
    expect(w.counterexample?.origin).toBe('refresh_token_request');
    expect(w.counterexample?.error.code).toBe('ERR_WORKFLOW_TIMEOUT');
    expect(w.counterexample?.effect).toBe('failurePolicy continue: tokens are issued without any claim from this workflow');
  });

  it('json-value: what JSON makes of Date, NaN, undefined, functions, Set, cycles and BigInt', async () => {
    // Its own run with a budget no machine's load reaches: the 300 ms of the shared run (kept short for the
    // looping fixture) decides by the machine's speed whether this workflow finishes at all.
    const r = await run([`${WORKFLOWS}/json/jsonValuesWorkflow.ts`, '--seed=20261123', '--runs=8', '--timeout=20000', `--report-dir=${OUT}-json`]);
    // Every finding of this workflow is a warning (the reference's JSON model only): exit 0, not 1.
    expect(r.code, r.out).toBe(0);
    const w = workflow(load(`${OUT}-json`), 'json/jsonValuesWorkflow.ts');
    const json = (line: number) => find(w, 'json-value', (f) => f.at?.line === line);
    expect(json(13).message).toContain('becomes an ISO 8601 string');
    expect(json(13).message).toContain('"2023-11-14T22:13:20.000Z"');
    expect(json(14).message).toContain('lands in the access token as null');
    expect(json(15).message).toContain('lands in the access token as {"tags":["a",null]}');
    expect(json(16).message).toContain('a Set (becomes {})');
    // How Kinde's runtime converts such values is undocumented: the reference's JSON model gives warnings only.
    for (const line of [20, 22]) {
      expect(json(line).level).toBe('warning');
      expect(json(line).message).toContain('nothing lands: setCustomClaim throws');
    }
    expect([20, 22]).toContain(find(w, 'throws').at?.line);
    expect(find(w, 'throws').level).toBe('warning');
  });

  it('token-size: past 4 KB (warning) and 8 KB (error), pointing at the biggest claim', () => {
    const w = workflow(results, 'size/largeTokenWorkflow.ts');
    expect(summary(w)).toEqual(['error token-size 21', 'warning token-size 18']);
    expect(w.largestTokens.id!.bytes).toBeGreaterThan(8192);
    expect(w.largestTokens.access!.bytes).toBeGreaterThan(4096);
    expect(w.largestTokens.access!.bytes).toBeLessThanOrEqual(8192);
  });

  it('not-async: a default export that returns no promise', () => {
    const w = workflow(results, 'async/syncDefaultWorkflow.ts');
    expect(summary(w)).toEqual(['error not-async 10']);
  });

  it('bindings the reference lacks are reported, never run as failures', () => {
    const w = workflow(results, 'unsupported/Workflow.ts');
    expect(find(w, 'binding-unsupported', (f) => f.message.startsWith('kinde.widget ')).at?.line).toBe(24);
    expect(w.findings.filter((f) => f.kind === 'binding-unsupported')).toHaveLength(1);
    expect(find(w, 'not-run', (f) => f.level === 'warning').message).toContain('no run could be judged');
    expect(find(w, 'not-run', (f) => f.level === 'info').message).toContain('Management API');
    expect(w.findings.filter((f) => f.level === 'error')).toEqual([]);
  });

  it('a file Kinde will not discover is reported at project level', () => {
    expect(results.project.map((f) => `${f.level} ${f.kind} ${f.at?.file}`)).toEqual([
      `warning not-discovered ${WORKFLOWS}/misnamed/tokenClaims.ts`,
    ]);
  });

  it('writes a self-contained HTML report and redacts the generated client secrets', () => {
    const html = readFileSync(join(OUT, 'check-workflow.html'), 'utf8');
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('orgRequiredWorkflow.ts');
    const x = workflow(results, 'throws/orgRequiredWorkflow.ts').counterexample!;
    expect(x.case.tenant.applications.every((a) => a.clientSecret === '[redacted]')).toBe(true);
  });

  it('--replay runs the recorded smallest requests again', async () => {
    const dir = `${OUT}-replay`;
    const r = await run([`--replay=${join(OUT, 'check-workflow.json')}`, `--report-dir=${dir}`]);
    expect(r.code).toBe(1);
    const replayed = load(dir);
    expect(replayed.replayOf).toBe(join(OUT, 'check-workflow.json'));
    const failing = results.workflows.filter((w) => w.counterexample).map((w) => w.file).sort();
    expect(replayed.workflows.map((w) => w.file).sort()).toEqual(failing);
    const again = workflow(replayed, 'throws/orgRequiredWorkflow.ts');
    expect(again.counterexample?.error.message).toBe('Error: this app needs an organization');
    expect(again.cases).toBe(3); // the sample request, the replayed one, and its re-run for the details
  });
});

describe('check-workflow exit codes', () => {
  afterEach(() => vi.restoreAllMocks());

  it('0 for a clean workflow file', async () => {
    const r = await run([`${WORKFLOWS}/clean/cleanWorkflow.ts`, ...COMMON, `--report-dir=${OUT}-clean`]);
    expect(r.code).toBe(0);
    expect(load(`${OUT}-clean`).summary).toMatchObject({ workflows: 1, error: 0, warning: 0 });
  });

  it.each([
    [[], 'give a workflow file or a kindeSrc folder'],
    [['no/such/place'], 'no such file or folder: no/such/place'],
    [['examples/org-api'], 'no workflows found in examples/org-api'],
    [[PROJECT, '--runs=zero'], '--runs must be an integer'],
    [[PROJECT, '--frobnicate'], 'unknown option --frobnicate'],
    [[PROJECT, '--replay=no/such.json'], '--replay: cannot read no/such.json'],
  ])('2 with a one-line message for %j', async (args, message) => {
    const r = await run(args as string[]);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.err).toContain(message);
    expect(r.out).toBe('');
  });
});

describe('check-workflow static scan', () => {
  it('counts code only: not comments, strings or declarations, but template substitutions and computed members', async () => {
    const dir = join('test-output', 'check-workflow-scan');
    mkdirSync(dir, { recursive: true });
    const file = join(process.cwd(), dir, 'scanWorkflow.ts');
    writeFileSync(
      file,
      [
        "import { getEnvironmentVariable as env } from '@kinde/infrastructure';",
        'declare const kinde: any;',
        '// kinde.fetch in a comment',
        "const s = 'kinde.secureFetch in a string';",
        'const t = `${kinde["idToken"] ? 1 : 0} and kinde.widget in text`;',
        'const re = /kinde.mfa/;',
        "kinde.accessToken.setCustomClaim('plan', env('PLAN').value);",
        'const p = new URLSearchParams();',
      ].join('\n'),
    );
    const scan = await scanSources(file, [file]);
    const used = scan.uses.map((u) => `${u.binding}@${u.at.line}`).sort();
    expect(used).toEqual(['kinde.accessToken@7', 'kinde.env@7', 'kinde.idToken@5', 'url@8']);
    expect(scan.claims.map((c) => `${c.binding}.${c.claim}@${c.at.line}`)).toEqual(['kinde.accessToken.plan@7']);
    // An aliased import is an import: nothing is reported unimported.
    expect(scan.unimported).toEqual([]);
  });

  it('a library helper called without its import is found statically (runs or not), at its line; imported, local or member calls are not', async () => {
    const dir = join('test-output', 'check-workflow-scan');
    mkdirSync(dir, { recursive: true });
    const file = join(process.cwd(), dir, 'unimportedWorkflow.ts');
    writeFileSync(
      file,
      [
        "import { secureFetch } from '@kinde/infrastructure';",
        'declare const api: any;',
        'function denyAccess(m: string) { return m; }',
        'export default async function Workflow() {',
        "  api.fetch('x'); denyAccess('no'); await secureFetch('u', {} as any);",
        "  const v = getEnvironmentVariable('KEY')?.value;",
        '  return v;',
        '}',
      ].join('\n'),
    );
    const scan = await scanSources(file, [file]);
    expect(scan.unimported.map((u) => `${u.name}@${u.at.line}:${u.at.column}`)).toEqual(['getEnvironmentVariable@6:13']);
  });
});
