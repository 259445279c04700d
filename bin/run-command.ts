/**
 * `run` and `test`: a conformance run against --target (or --verifier), with
 * every option validated before the first check, reports written, and the
 * exit code the README documents. `test` runs the self-tests first when the
 * package carries them (a clone); an installed package has none.
 */
import { join, resolve } from 'node:path';
import { HttpAdapter } from '../adapters/http.js';
import { isModulePath, loadTarget, loadVerifier } from '../targets/load.js';
import { listTargets } from '../targets/registry.js';
import { AdapterError } from '../adapters/types.js';
import { listVerifiers } from '../adapters/verifiers/registry.js';
import { compareWithExpected, loadExpected } from '../reports/expected.js';
import { renderMarkdown, writeStepSummary } from '../reports/markdown.js';
import { EXIT, exitCodeFor, type RunResults } from '../reports/results.js';
import { fromResults } from './replay.js';
import { renderTerminalSummary } from '../reports/terminal.js';
import { lastLine } from '../reports/last-line.js';
import { DEFAULT_REPORT_DIR, ensureWritableDirectory, writeReports } from '../reports/write.js';
import { defaultConcurrency, runChecks, unreachable, type RunnerOptions } from '../runner/run.js';
import { planChecks } from '../runner/plan.js';
import { DEFAULT_RUNS, MAX_RUNS, type ConformanceOptions } from '../runner/options.js';
import { didYouMean, errorPrefix, intOption, parse, UsageError } from '../cli/args.js';
import { githubAnnotations, useColor } from './output.js';
import { plural } from '../cli/term.js';
import { foreignLine } from '../reports/sanitize.js';
import { Progress } from './progress.js';
import { guardRun, prepareReportDir, recordRun, shown } from './run-dir.js';
import { runSelfTests, selfTestsAvailable } from './self-tests.js';

import { parseShard, RUN_OPTIONS, runUsage, selectedIds, type RunValues as Values } from './run-options.js';

export { RUN_USAGE } from './run-options.js';

function nonEmpty(name: string, v: string | undefined): string | undefined {
  if (v !== undefined && v.trim() === '') throw new UsageError(`--${name} must not be empty`);
  return v;
}

/**
 * A URL is read only by the target or verifier that speaks to it (http, http-api, or
 * a module of the user's, which is handed the options): given to any other, it was
 * silently ignored and the run checked something else than the user meant.
 */
function urlsNeedTheirTarget(target: string, verifier: string | undefined, targetUrl: string | undefined, verifierUrl: string | undefined): void {
  if (targetUrl !== undefined && target !== 'http' && !isModulePath(target)) {
    throw new UsageError(`--target-url is read only by --target=http (or an adapter module); --target is "${target}"`);
  }
  if (verifierUrl !== undefined && verifier !== 'http-api' && !(verifier !== undefined && isModulePath(verifier))) {
    throw new UsageError(`--verifier-url is read only by --verifier=http-api (or a verifier module); --verifier is ${verifier === undefined ? 'not given' : `"${verifier}"`}`);
  }
}

/** Creates the report directory and writes to it, so a bad --report-dir fails before the first check. */
async function ensureWritable(dir: string): Promise<void> {
  try {
    await ensureWritableDirectory(dir);
  } catch (e) {
    throw new UsageError(`--report-dir ${dir}: ${(e as Error).message}`);
  }
}

/** Validates the target and verifier names up front (creating, not starting, them). */
async function validateNames(values: Values): Promise<void> {
  const target = values.target ?? 'reference';
  try {
    const adapter = await loadTarget(target, { ...(values['target-url'] !== undefined ? { targetUrl: values['target-url'] } : {}) });
    await adapter.stop?.().catch(() => {});
  } catch (e) {
    if (!(e instanceof AdapterError)) throw e;
    if (!e.message.startsWith('unknown target')) throw new UsageError(e.message);
    throw new UsageError(`unknown target "${target}"${didYouMean(target, listTargets().map((t) => t.name))}; a name 'kinde-token-conformance targets' lists, or a path to an adapter module`);
  }
  if (values.verifier === undefined) return;
  if (values.verifier === 'http-api' && values['verifier-url'] === undefined) {
    throw new UsageError('--verifier=http-api needs --verifier-url=<base URL of the API under test> (GET /orgs/:org_code/users)');
  }
  try {
    await loadVerifier(values.verifier, { ...(values['verifier-url'] !== undefined ? { verifierUrl: values['verifier-url'] } : {}) });
  } catch (e) {
    if (!(e instanceof AdapterError)) throw e;
    if (!e.message.startsWith('unknown verifier')) throw new UsageError(e.message);
    throw new UsageError(`unknown verifier "${values.verifier}"${didYouMean(values.verifier, listVerifiers().map((t) => t.name))}; a name 'kinde-token-conformance targets' lists, or a path to a verifier module`);
  }
}

export async function conformanceCommand(mode: 'test' | 'run', argv: string[]): Promise<number> {
  const { values } = parse(argv, RUN_OPTIONS, runUsage(mode)) as { values: Values };
  if (values.help) {
    console.log(runUsage(mode));
    return EXIT.OK;
  }
  if (values.list) return (await import('./list-command.js')).printList(values);
  if (values.replay !== undefined) await fromResults(values, values.replay);
  for (const k of ['target', 'verifier', 'target-url', 'verifier-url', 'report-dir', 'path'] as const) nonEmpty(k, values[k]);
  const target = values.target ?? 'reference';
  urlsNeedTheirTarget(target, values.verifier, values['target-url'], values['verifier-url']);
  const timeoutMs = intOption('timeout', values.timeout, 1, 600_000);
  const seed = intOption('seed', values.seed, -(2 ** 31), 2 ** 31 - 1);
  const runs = intOption('runs', values.runs, 1, MAX_RUNS);
  const concurrency = intOption('concurrency', values.concurrency, 1, 16);
  const only = selectedIds(values.only);
  if (values.path !== undefined) {
    if (!/^\d+(:\d+)*$/.test(values.path)) throw new UsageError(`--path must be a fast-check path like 3:0:1 (digits and colons), got "${values.path}"`);
    if (only.length !== 1 || seed === undefined) throw new UsageError('--path replays one failure: give it with --seed and exactly one --only requirement');
  }
  const shard = parseShard(values.shard);
  if (values.expected !== undefined) {
    try {
      loadExpected(values.expected);
    } catch (e) {
      throw new UsageError(`--expected: ${(e as Error).message}`);
    }
  }
  await validateNames(values);
  // The directory is proved writable now; a run's own directory is made just before the first check.
  await ensureWritable(resolve(values['report-dir'] ?? DEFAULT_REPORT_DIR));

  const options: RunnerOptions = {
    target: isModulePath(target) ? resolve(target) : target,
    seed: seed ?? (Date.now() ^ (process.pid << 8)) & 0x7fffffff,
    // `npm test` in a clone (self-tests, then a conformance run against the reference) keeps its run short;
    // the full default is `npm run conformance` / `run`.
    runs: runs ?? (withSelfTests(mode, values, only, shard) && selfTestsAvailable() ? SELF_TEST_RUNS : DEFAULT_RUNS),
    strict: values.strict ?? false,
    only,
    ...(values.path !== undefined ? { path: values.path } : {}),
    ...(values['target-url'] !== undefined ? { targetUrl: values['target-url'] } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(values['validate-protocol'] ? { validateProtocol: true } : {}),
    ...(values.verifier !== undefined ? { verifier: isModulePath(values.verifier) ? resolve(values.verifier) : values.verifier } : {}),
    ...(values['verifier-url'] !== undefined ? { verifierUrl: values['verifier-url'] } : {}),
    ...(shard ? { shard } : {}),
    ...(values['keep-going'] ? { keepGoing: true } : {}),
  };
  const planned = planChecks(options).length;
  if (planned === 0) {
    console.error(`${errorPrefix(mode)}no conformance check selected${shard ? ` (shard ${shard.index}/${shard.count} of ${plural(planChecks({ ...options, shard: undefined }).length, 'check')} is empty)` : ''}: nothing would be checked`);
    return EXIT.USAGE;
  }
  options.concurrency = concurrency ?? (await defaultConcurrencyFor(options));
  if (options.concurrency === -1) {
    console.log(`\n${lastLine({ exitCode: EXIT.UNREACHABLE, why: `${options.verifier !== undefined ? 'the verifier' : 'the target'} could not be reached`, durationMs: performance.now() })}`);
    return EXIT.UNREACHABLE;
  }

  let selfTests: { passed: number; failed: number; skipped: number } | undefined;
  if (withSelfTests(mode, values, only, shard)) {
    if (selfTestsAvailable()) selfTests = await runSelfTests();
    else console.log('kinde-token-conformance: the self-tests are not shipped with the package; running the conformance suites only');
  }

  const label = options.verifier !== undefined ? `verifier ${values.verifier} (tokens from ${target})` : `target ${target}`;
  const out = await prepareReportDir(values['report-dir'], shard, mode);
  if (!shard) options.resultsFile = join(shown(out.dir), 'results.json');
  const color = useColor(process.stdout);
  const progress = new Progress({ color, github: process.env.GITHUB_ACTIONS === 'true' });
  const header = `${foreignLine(label)}, seed ${options.seed}, ${plural(options.runs, 'run')} per check, ${plural(planned, 'check')}${options.concurrency > 1 ? ` on ${options.concurrency} workers` : ''}`;
  console.log(`kinde-token-conformance: ${header}`);
  const guard = guardRun(out, header, mode, () => progress.partial());
  progress.begin(`kinde-token-conformance: ${plural(planned, 'check')}`);
  const outcome = await runChecks(options, { onCheckDone: (meta, done, total) => progress.checkDone(meta, done, total) });
  progress.end();
  const results = outcome.results!;
  results.invocation = invocationOf(options, values);
  const paths = await writeReports(results, out.dir);
  guard.finished();
  const history = recordRun(out, only.length > 0 || shard !== undefined);
  console.log(`\n${renderTerminalSummary(results, { color })}`);
  console.log(`\nReports: ${shown(paths.html)}\n         ${shown(paths.json)}\n         ${shown(paths.junit)}\n         ${shown(paths.markdown)}\n         ${shown(paths.badge)}`);
  for (const line of history) console.log(line);
  if (process.env.GITHUB_STEP_SUMMARY) await writeStepSummary(renderMarkdown(results));
  if (process.env.GITHUB_ACTIONS === 'true') for (const line of githubAnnotations(results)) console.log(line);

  let code = exitCodeFor(results);
  if (outcome.targetFailure) {
    console.error(`${errorPrefix(mode)}${foreignLine(outcome.targetFailure.reason.split('\n')[0])}${options.keepGoing ? '' : ' — the remaining checks were not attempted (--keep-going runs them anyway)'}`);
  }
  if (unreachable(outcome)) code = EXIT.UNREACHABLE;
  else if (results.summary.total > 0 && results.summary.NOT_APPLICABLE === results.summary.total) {
    console.error(`${errorPrefix(mode)}every selected requirement is not applicable to ${label}: nothing was checked (its declared capabilities: ${Object.entries(results.target.capabilities).filter(([, v]) => v).map(([k]) => k).join(', ') || 'none'})`);
    code = EXIT.USAGE;
  }
  let expectedFailures: number | undefined;
  if (values.expected !== undefined && code !== EXIT.UNREACHABLE && code !== EXIT.USAGE) {
    const cmp = compareWithExpected(results, values.expected);
    for (const x of cmp.unexpectedFailures) console.error(`  ✗ not expected: ${foreignLine(x, 500)}`);
    for (const x of cmp.fixedExpectedFailures) console.error(`  ✓ expected to fail, no longer does (update ${values.expected}): ${foreignLine(x, 500)}`);
    console.log(cmp.ok ? `matches ${values.expected}` : `does not match ${values.expected}`);
    code = cmp.ok ? EXIT.OK : EXIT.FAILED;
    const s = results.summary;
    expectedFailures = Math.max(0, s.FAILED + s.ERRORED + (results.strict ? s.WARNING : 0) - cmp.unexpectedFailures.length);
  }
  if (selfTests && selfTests.failed > 0) code = Math.max(code, EXIT.FAILED);
  const why = code === EXIT.UNREACHABLE ? `${label} could not be reached` : code === EXIT.USAGE ? 'nothing was checked' : undefined;
  // The line CI greps; it counts requirements (and self-tests), like the summary above, and agrees with the exit code.
  console.log(`\n${lastLine({ results, exitCode: code, ...(selfTests ? { selfTests } : {}), ...(expectedFailures !== undefined ? { expectedFailures } : {}), ...(why ? { why } : {}), durationMs: performance.now() })}`);
  return code;
}

/** Runs per check of the conformance run `npm test` makes after the self-tests (a clone, no --runs). */
export const SELF_TEST_RUNS = 20;

/** `test` without a target, verifier, --only or --shard: the self-tests first (when the package carries them). */
function withSelfTests(mode: 'test' | 'run', values: Values, only: string[], shard: unknown): boolean {
  return mode === 'test' && values.target === undefined && values.verifier === undefined && only.length === 0 && !shard;
}

function invocationOf(options: ConformanceOptions, values: Values): NonNullable<RunResults['invocation']> {
  return {
    target: values.target ?? 'reference',
    ...(options.targetUrl !== undefined ? { targetUrl: options.targetUrl } : {}),
    ...(values.verifier !== undefined ? { verifier: values.verifier } : {}),
    ...(options.verifierUrl !== undefined ? { verifierUrl: options.verifierUrl } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.validateProtocol ? { validateProtocol: true } : {}),
  };
}

/**
 * Workers for a run: an http target is probed first (it fails in milliseconds
 * when dead or of the wrong version, and says whether it isolates sessions);
 * adapter modules of the user's and a live tenant get one at a time.
 * Returns -1 when the target is unreachable (already reported). The API
 * under test of the http-api verifier is probed the same way: unreachable, it
 * is one line and exit 3, not every check ERRORED.
 */
async function defaultConcurrencyFor(options: RunnerOptions): Promise<number> {
  if (options.verifier === 'http-api' && !(await verifierAnswers(options))) return -1;
  if (isModulePath(options.target) || options.target === 'kinde' || (options.verifier !== undefined && isModulePath(options.verifier))) return 1;
  if (options.target !== 'http') return defaultConcurrency();
  const adapter = await loadTarget('http', {
    ...(options.targetUrl !== undefined ? { targetUrl: options.targetUrl } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  try {
    return (await (adapter as HttpAdapter).probe()).sessions ? defaultConcurrency() : 1;
  } catch (e) {
    const code = (e as { code?: string }).code;
    console.error(`${errorPrefix('run')}${foreignLine((e as Error).message)}`);
    if (code === 'ERR_TARGET_UNREACHABLE' || code === 'ERR_TARGET_TIMEOUT') return -1;
    throw new UsageError((e as Error).message);
  }
}

/** Starts (and stops) the http-api verifier once: false when its API could not be reached (reported). */
async function verifierAnswers(options: RunnerOptions): Promise<boolean> {
  const verifier = await loadVerifier('http-api', {
    ...(options.verifierUrl !== undefined ? { verifierUrl: options.verifierUrl } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  try {
    await verifier.start();
    return true;
  } catch (e) {
    const code = (e as { code?: string }).code;
    console.error(`kinde-token-conformance: ${(e as Error).message}`);
    if (code === 'ERR_VERIFIER_UNREACHABLE' || code === 'ERR_TARGET_UNREACHABLE' || code === 'ERR_TARGET_TIMEOUT') return false;
    throw new UsageError((e as Error).message);
  } finally {
    await verifier.stop().catch(() => {});
  }
}
