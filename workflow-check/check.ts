/**
 * Checks one workflow file: bundle it as Kinde does, scan it, read and check
 * its settings, run it on a sample request (the token preview and console
 * output), then under generated requests, and turn all of it into findings.
 */
import { basename, relative } from 'node:path';
import type { JsonObject, TokenType } from '../adapters/types.js';
import type { WorkflowFixtures } from '../reference/workflows/index.js';
import { bindingFindings, unimportedFindings } from './binding-findings.js';
import { asyncFindings, claimFindings, firstLine, jsonFindings, notRunFindings, sizeFindings, type AnalyzeInput } from './analyze.js';
import { DOCS, documentedBy, inferredFrom, isTokenTrigger, QUOTES, RUNTIME } from './bindings.js';
import { bundleForCheck, bundleLikeKinde } from './bundle.js';
import { isWorkflowFileName } from './discover.js';
import { envFindings, envLine, fetchFindings, fixtureLine } from './fetch-findings.js';
import { classifyMissing } from './needs-fixtures.js';
import { DeployError, type Harness } from './execute.js';
import { explore, extendedBudget, runCase, type CaseResult, type RunContext } from './explore.js';
import { Findings, type Finding, type SourcePosition } from './findings.js';
import { Observations } from './observations.js';
import type { Counterexample, Preview, WorkflowReport } from './report.js';
import { CheckedWorkflow } from './sandbox.js';
import { describeCase, sampleCase, type CheckCase } from './scenario.js';
import { checkSettings } from './settings-check.js';
import { attachSources } from './frames.js';
import { hintFor } from './hints.js';
import { scanSources, type Position } from './static.js';

export interface CheckOptions {
  harness: Harness;
  /** The project root: imports resolving outside it are refused, never read. */
  root?: string;
  seed: number;
  runs: number;
  timeoutMs: number;
  shrinkBudgetMs?: number;
  /** What kinde.env and kinde.fetch answer (--fixtures, --env-vars, --env). */
  fixtures?: WorkflowFixtures;
  /** Replay: run exactly this recorded case instead of generating. */
  replayCase?: CheckCase;
  /** Replay: a recorded fast-check path (with the same seed). */
  path?: string;
}

const MAX_BUILD_MESSAGES = 10;

function display(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel === '' || rel.startsWith('..') ? abs : rel;
}

function splitConsole(logs: readonly string[]): { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  for (const line of logs) (/^(warn|error): /.test(line) ? err : out).push(line);
  return { out, err };
}

function preview(c: CheckCase, r: CaseResult): Preview {
  const p: Preview = { request: describeCase(c), steps: [] };
  const event = r.observed.steps[0]?.event;
  if (event) p.event = event;
  if (r.failed) p.failed = `${r.failed.code}: ${r.failed.message}`;
  else if (r.inconclusive) p.failed = `not judged: it needs ${r.inconclusive}`;
  for (const o of r.outcome ?? []) {
    if (!o.ok) p.steps.push({ origin: o.origin, refused: { status: o.status, error: o.error, description: o.description } });
    else {
      const tokens: NonNullable<Preview['steps'][number]['tokens']> = {};
      for (const [type, t] of Object.entries(o.tokens) as [TokenType, { bytes: number; payload: JsonObject }][]) {
        tokens[type] = { bytes: t.bytes, payload: t.payload };
      }
      p.steps.push({ origin: o.origin, tokens });
    }
  }
  return p;
}

export async function checkWorkflowFile(file: string, options: CheckOptions): Promise<WorkflowReport> {
  const started = performance.now();
  const findings = new Findings();
  const report: WorkflowReport = { file: display(file), bindings: [], cases: 0, runs: 0, findings: [], largestTokens: {}, console: { out: [], err: [] }, durationMs: 0 };
  const finish = (): WorkflowReport => {
    report.findings = attachSources(findings.list(), report.bundle?.files ?? [file]);
    report.durationMs = Math.round(performance.now() - started);
    return report;
  };
  const pos = (p: Position | undefined): SourcePosition | undefined => (p ? { file: display(p.file), line: p.line, column: p.column } : undefined);
  const add = (f: Finding) => findings.add(f);

  if (!isWorkflowFileName(basename(file))) {
    add({
      kind: 'not-discovered',
      level: 'warning',
      message: `Kinde discovers only files whose name ends with Workflow.ts or Workflow.js; "${basename(file)}" would not be deployed`,
      basis: inferredFrom(RUNTIME.discovery, 'strings.HasSuffix(strings.ToLower(file), "workflow.ts") || … "workflow.js"'),
    });
  }

  const kinde = await bundleLikeKinde(file, options.root);
  if (!kinde.ok) {
    for (const e of kinde.errors.slice(0, MAX_BUILD_MESSAGES)) {
      add({
        kind: 'build',
        level: 'error',
        message: `does not build: ${e.text}`,
        ...(e.file && e.line ? { at: { file: display(e.file), line: e.line, ...(e.column ? { column: e.column } : {}) } } : {}),
        basis: { level: 'inferred', source: RUNTIME.bundler },
      });
    }
    return finish();
  }
  report.bundle = { bytes: kinde.value.bytes, files: kinde.value.files.map(display) };
  for (const w of kinde.warnings.slice(0, MAX_BUILD_MESSAGES)) {
    add({ kind: 'build', level: 'warning', message: w.text, ...(w.file && w.line ? { at: { file: display(w.file), line: w.line } } : {}) });
  }
  const own = new Set(kinde.value.files);
  const scan = await scanSources(file, kinde.value.files);

  const check = await bundleForCheck(file, options.root);
  if (!check.ok) {
    add({ kind: 'internal', level: 'error', message: `check-workflow could not build its checked copy: ${check.errors.map((e) => e.text).join('; ')}` });
    return finish();
  }
  const checked = new CheckedWorkflow(check.value.code, check.value.map);
  const locate = (at: string | undefined): SourcePosition | undefined => {
    const p = checked.locate(at, (s) => own.has(s));
    return p ? { file: display(p.source), line: p.line, column: p.column } : undefined;
  };

  const exported = await checked.exports(extendedBudget(options.timeoutMs));
  if (!exported.record) {
    const why = exported.run.result.ok ? 'it reported nothing' : exported.run.result.error.message;
    add({ kind: 'throws', level: 'error', message: `the module fails while it is loaded (before the workflow runs): ${why}` });
    return finish();
  }
  const settingsResult = checkSettings(exported.record, scan.settings, pos);
  settingsResult.findings.forEach(add);
  const settings = settingsResult.settings;
  if (!settings || settingsResult.findings.some((f) => f.level === 'error')) {
    // Still every static problem of the file (bindings, claims): one settings error must not hide the rest.
    const loose = settings ?? settingsResult.loose;
    if (loose) [...bindingFindings({ settings: loose, scan, pos, locate }), ...claimFindings({ settings: loose, scan, pos, locate })].forEach(add);
    unimportedFindings({ scan, pos }).forEach(add);
    return finish();
  }
  Object.assign(report, { id: settings.id, trigger: settings.trigger, failurePolicy: settings.failurePolicy, bindings: [...settings.bindings] });
  if (settings.name !== undefined) report.name = settings.name;
  if (settingsResult.defaultPolicy) report.failurePolicyDefault = true;

  const analysis: AnalyzeInput = { settings, scan, pos, locate };
  if (!isTokenTrigger(settings.trigger)) {
    add({
      kind: 'not-run',
      level: 'info',
      message: `trigger ${settings.trigger} is not a token trigger: check-workflow runs user:tokens_generation and m2m:token_generation workflows; only the static checks ran`,
      basis: inferredFrom(RUNTIME.reference),
    });
    [...bindingFindings(analysis), ...claimFindings(analysis), ...unimportedFindings(analysis)].forEach(add);
    return finish();
  }

  const ctx: RunContext = {
    harness: options.harness,
    checked,
    settings,
    trigger: settings.trigger,
    timeoutMs: options.timeoutMs,
    ...(options.fixtures ? { fixtures: options.fixtures } : {}),
  };
  try {
    // The sample request: the token preview and the console output.
    // Every run counts: the sample's, the generated ones, and the counterexample's re-run.
    const obs = new Observations();
    const sample = sampleCase(settings.trigger);
    const sampleRun = await runCase(ctx, sample, obs);
    report.preview = preview(sample, sampleRun);
    report.console = splitConsole(sampleRun.runs.flatMap((r) => r.logs));

    const result = options.replayCase
      ? await replay(ctx, options.replayCase, obs)
      : await explore(
          ctx,
          {
            seed: options.seed,
            runs: options.runs,
            ...(options.path ? { path: options.path } : {}),
            ...(options.shrinkBudgetMs !== undefined ? { shrinkBudgetMs: options.shrinkBudgetMs } : {}),
          },
          obs,
        );
    if (result.aborted) throw result.aborted;
    for (const [type, t] of Object.entries(obs.largest) as [TokenType, NonNullable<(typeof obs.largest)[TokenType]>][]) {
      report.largestTokens[type] = { bytes: t.bytes, request: describeCase(t.case), ...(t.baseline !== undefined ? { withoutWorkflow: t.baseline } : {}) };
    }
    let needsFixtures = false;
    if (result.failure) {
      const cx = await counterexample(ctx, result.failure, options.seed, locate, obs);
      if (cx.finding) add(cx.finding);
      needsFixtures = cx.finding?.kind === 'needs-fixtures';
      if (cx.counterexample) report.counterexample = cx.counterexample;
    }
    report.cases = obs.cases;
    report.runs = obs.runs;
    const full: AnalyzeInput = { ...analysis, obs };
    [
      ...bindingFindings(full),
      ...claimFindings(full),
      ...jsonFindings(full),
      ...sizeFindings(obs, describeCase, locate),
      ...asyncFindings(full),
      ...notRunFindings(obs, options.timeoutMs),
      ...fetchFindings(obs, options.fixtures),
      ...(needsFixtures ? [] : envFindings(obs, locate)),
      ...unimportedFindings(analysis, findings.list().filter((f) => f.kind === 'throws').map((f) => f.message)),
    ].forEach(add);
    if (obs.requests.size > 0) report.requests = [...obs.requests.values()];
  } catch (e) {
    if (e instanceof DeployError) {
      add({ kind: 'build', level: 'error', message: `the reference refuses to deploy it: ${e.message}` });
    } else {
      add({ kind: 'internal', level: 'error', message: `check-workflow could not finish this workflow: ${(e as Error)?.message ?? String(e)}` });
    }
  }
  return finish();
}

async function replay(ctx: RunContext, c: CheckCase, observations: Observations): Promise<Awaited<ReturnType<typeof explore>>> {
  const r = await runCase(ctx, c, observations);
  return { numRuns: 1, observations, ...(r.failed ? { failure: { case: c, numShrinks: 0 } } : {}) };
}

/** Runs the shrunk case once more for its details, then through the issuer for what the failurePolicy does. */
async function counterexample(
  ctx: RunContext,
  failure: NonNullable<Awaited<ReturnType<typeof explore>>['failure']>,
  seed: number,
  locate: (at: string | undefined) => SourcePosition | undefined,
  obs: Observations,
): Promise<{ finding?: Finding; counterexample?: Counterexample }> {
  const again = await runCase(ctx, failure.case, obs, false);
  if (!again.failed) {
    return {
      finding: {
        kind: 'throws',
        level: 'warning',
        message: `the workflow failed once for ${describeCase(failure.case)} but not when run again (it is not deterministic)`,
      },
    };
  }
  const f = again.failed;
  const outcomes = await ctx.harness.issue(failure.case, ctx.checked.source, ctx.fixtures);
  const refused = outcomes.find((o) => !o.ok);
  const effect = refused && !refused.ok
    ? `failurePolicy ${ctx.settings.failurePolicy}: the ${refused.origin === 'client_credentials' ? 'token request' : refused.origin === 'refresh_token_request' ? 'refresh' : 'sign-in'} is refused (${refused.status} ${refused.error})`
    : `failurePolicy ${ctx.settings.failurePolicy}: tokens are issued without any claim from this workflow`;
  const thrown = f.run.records.find((r) => r.k === 't');
  const timeout = f.code === 'ERR_WORKFLOW_TIMEOUT' || f.code === 'ERR_WORKFLOW_UNSETTLED';
  const what =
    f.code === 'ERR_WORKFLOW_UNSETTLED'
      ? 'its promise never settles (Kinde\'s runtime waits until its maximum execution duration)'
      : f.code === 'ERR_WORKFLOW_TIMEOUT'
        ? `it did not finish within ${ctx.timeoutMs} ms, nor within ${extendedBudget(ctx.timeoutMs)} ms when run again`
        : firstLine(f.message);
  const at = locate(thrown && thrown.k === 't' ? thrown.at : undefined);
  const request = describeCase(failure.case);
  const verdict = timeout ? undefined : await classifyMissing(ctx, failure.case, f);
  if (verdict?.kind === 'needs') {
    // The run failed after reading what no fixture supplied, and supplying placeholders changed that: a missing fixture.
    const add = [
      ...(verdict.env.length > 0 ? [envLine(verdict.env)] : []),
      ...verdict.requests.slice(0, 3).map((q) => `"fetch": [${fixtureLine(q.method, q.url)}]`),
    ];
    const after = verdict.after;
    const afterAt = after ? locate(after.run.records.find((r) => r.k === 't')?.at as string | undefined) : undefined;
    const needs: Finding = {
      kind: 'needs-fixtures',
      level: 'warning',
      message:
        `needs fixtures: ${f.step.origin} for ${request} failed (${what}) after ` +
        [
          ...(verdict.env.length > 0 ? [`reading kinde.env ${verdict.env.map((k) => JSON.stringify(k)).join(', ')} with no value`] : []),
          ...(verdict.requests.length > 0 ? [`a request no fixture answers (${verdict.requests.slice(0, 3).map((q) => `${q.method} ${q.url}`).join(', ')})`] : []),
        ].join(' and ') +
        `; supply ${add.join(' and ')} and run again: until then this is not judged a code error` +
        (after
          ? ` (with placeholder values it then fails: ${firstLine(after.message)}${afterAt ? ` at ${afterAt.file}:${afterAt.line}` : ''}, which real answers may or may not avoid)`
          : ' (with placeholder values it succeeds)'),
      ...(at ? { at } : {}),
      basis: inferredFrom(`${RUNTIME.reference}: kinde.env and kinde.fetch answer only from --env / --fixtures`),
      detail: { origin: f.step.origin, code: f.code, request, env: verdict.env, requests: verdict.requests.map((q) => `${q.method} ${q.url}`), ...(after ? { withPlaceholders: firstLine(after.message) } : {}) },
    };
    return { finding: needs, counterexample: { case: failure.case, request, origin: f.step.origin, event: f.step.event, error: { code: f.code, message: f.message }, effect, seed, shrinks: failure.numShrinks, ...(failure.path ? { path: failure.path } : {}) } };
  }
  const hint = timeout ? undefined : hintFor(f.message);
  const serialization = /serialize a BigInt|circular structure to JSON/.test(f.message);
  const finding: Finding = {
    ...(hint ? { hint } : {}),
    kind: timeout ? 'timeout' : 'throws',
    // Our own budget, and our JSON serialization of claim values, are the reference's model, not Kinde's: at most warnings.
    level: f.code === 'ERR_WORKFLOW_TIMEOUT' || serialization ? 'warning' : 'error',
    message: `${timeout ? 'does not finish' : 'throws'} on ${f.step.origin} for ${request}: ${what}. ${effect}`,
    ...(at ? { at } : {}),
    basis: f.code === 'ERR_WORKFLOW_TIMEOUT' || serialization
      ? inferredFrom(`${RUNTIME.reference}: ${serialization ? 'claim values serialized with JSON.stringify' : 'the --timeout budget'}`)
      : f.code === 'ERR_WORKFLOW_UNSETTLED'
        ? inferredFrom(RUNTIME.execute, 'waits while promise.State() is pending, until maxExecutionTimeout')
        : documentedBy(DOCS.settings, QUOTES.failurePolicy),
    detail: { origin: f.step.origin, code: f.code, effect, request },
  };
  const counter: Counterexample = {
    case: failure.case,
    request,
    origin: f.step.origin,
    event: f.step.event,
    error: { code: f.code, message: f.message },
    effect,
    seed,
    shrinks: failure.numShrinks,
    ...(failure.path ? { path: failure.path } : {}),
  };
  return { finding, counterexample: counter };
}
