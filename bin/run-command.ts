/**
 * `run` and `test`: a conformance run against --target (or --verifier), with
 * every option validated before the first check, reports written, and the
 * exit code the README documents. `test` runs the self-tests first when the
 * package carries them (a clone); an installed package has none.
 */
import { dirname, join, relative, resolve } from 'node:path';
import { HttpAdapter } from '../adapters/http.js';
import { isModulePath, loadTarget, loadVerifier } from '../targets/load.js';
import { listTargets } from '../targets/registry.js';
import { AdapterError } from '../adapters/types.js';
import { listVerifiers } from '../adapters/verifiers/registry.js';
import { compareWithExpected, loadExpected } from '../reports/expected.js';
import { renderMarkdown, writeStepSummary } from '../reports/markdown.js';
import { EXIT, exitCodeFor, type RunResults } from '../reports/results.js';
import { loadResults } from '../reports/cli.js';
import { renderTerminalSummary } from '../reports/terminal.js';
import { lastLine } from '../reports/last-line.js';
import { DEFAULT_REPORT_DIR, ensureWritableDirectory, writeReports } from '../reports/write.js';
import { defaultConcurrency, runChecks, unreachable, type RunnerOptions } from '../runner/run.js';
import { planChecks } from '../runner/plan.js';
import { requirements } from '../schemas/catalog.js';
import { DEFAULT_RUNS, MAX_RUNS, type ConformanceOptions } from '../runner/options.js';
import { didYouMean, intOption, parse, UsageError, type OptionValues } from '../cli/args.js';
import { githubAnnotations, useColor } from './output.js';
import { runSelfTests, selfTestsAvailable } from './self-tests.js';

export const RUN_USAGE = `Usage: kinde-token-conformance run [options]      (test: the self-tests first, in a clone)

Runs the conformance suites against an issuer (--target) or a verifier (--verifier).

Options:
  --target=NAME|FILE  issuer to check: a name from 'targets' (default: reference), or a path
                      to a module exporting an Adapter (docs/writing-an-adapter.md)
  --verifier=NAME|FILE  check a token verifier instead (tokens come from --target)
  --target-url=URL    base URL of an out-of-process target (--target=http)
  --verifier-url=URL  base URL of the API under test (--verifier=http-api)
  --seed=N            fast-check seed, a 32-bit integer (default: random, printed)
  --runs=N            generated cases per check, 1 to ${MAX_RUNS} (default: ${DEFAULT_RUNS})
  --only=ID[,ID…]     only the checks of these requirement IDs
  --path=PATH         replay a recorded failure (with --seed and one --only)
  --replay=FILE       replay a failure from a saved results.json (one --only)
  --strict            warnings fail the run too
  --report-dir=DIR    where reports are written (default: ./${DEFAULT_REPORT_DIR})
  --shard=i/n         run slice i of n (merge with 'report --merge')
  --timeout=MS        per-call timeout for out-of-process targets and verifiers
  --validate-protocol validate every exchange with the target against schemas/protocol
  --concurrency=N     checks at once, each in a worker thread (default: cores, at most 4;
                      1 for targets without isolated sessions and for adapter modules)
  --keep-going        go on after the target fails (unreachable, timeout, protocol)
  --expected=FILE     known differences (requirement → verdict + why): exit 0 when the run
                      matches the file, 1 on a new failure or an expected failure that passes
  -h, --help          this help

Exit codes: 0 conforming, 1 a requirement FAILED or ERRORED (or a WARNING with --strict)
or a self-test failed, 2 usage or configuration error or nothing checked, 3 target or
verifier unreachable.`;

const OPTIONS = {
  target: { type: 'string' },
  seed: { type: 'string' },
  runs: { type: 'string' },
  only: { type: 'string' },
  path: { type: 'string' },
  strict: { type: 'boolean' },
  'report-dir': { type: 'string' },
  shard: { type: 'string' },
  'target-url': { type: 'string' },
  timeout: { type: 'string' },
  'validate-protocol': { type: 'boolean' },
  verifier: { type: 'string' },
  'verifier-url': { type: 'string' },
  replay: { type: 'string' },
  concurrency: { type: 'string' },
  'keep-going': { type: 'boolean' },
  expected: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = OptionValues<typeof OPTIONS>;

function parseShard(v: string | undefined): { index: number; count: number } | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(v);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2]) || Number(m[2]) > 1000) {
    throw new UsageError(`--shard must look like i/n with 1 ≤ i ≤ n ≤ 1000, got "${v}"`);
  }
  return { index: Number(m[1]), count: Number(m[2]) };
}

function nonEmpty(name: string, v: string | undefined): string | undefined {
  if (v !== undefined && v.trim() === '') throw new UsageError(`--${name} must not be empty`);
  return v;
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
    throw new UsageError(`unknown target "${target}"${didYouMean(target, listTargets().map((t) => t.name))}; a name from 'targets' or a path to an adapter module:\n${e.message.split('\n').slice(1).join('\n')}`);
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
    throw new UsageError(`unknown verifier "${values.verifier}"${didYouMean(values.verifier, listVerifiers().map((t) => t.name))}; a name from 'targets' or a path to a verifier module:\n${e.message.split('\n').slice(1).join('\n')}`);
  }
}

/** `--replay=results.json`: target, seed, runs and the failure's path from a saved run. */
async function fromResults(values: Values, file: string): Promise<void> {
  let saved: RunResults;
  try {
    saved = await loadResults(file);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const failures = saved.requirements.filter((r) => r.failure);
  const wanted = values.only ?? (failures.length === 1 ? failures[0]!.id : undefined);
  if (wanted === undefined || wanted.includes(',')) {
    throw new UsageError(`--replay needs one --only=ID; failures in ${file}: ${failures.map((r) => r.id).join(', ') || 'none'}`);
  }
  const failure = saved.requirements.find((r) => r.id === wanted)?.failure;
  if (!failure) throw new UsageError(`${file} has no failure recorded for ${wanted}`);
  const inv = saved.invocation;
  if (inv) {
    values.target ??= inv.target;
    if (inv.targetUrl !== undefined) values['target-url'] ??= inv.targetUrl;
    if (inv.verifier !== undefined) values.verifier ??= inv.verifier;
    if (inv.verifierUrl !== undefined) values['verifier-url'] ??= inv.verifierUrl;
    if (inv.timeoutMs !== undefined) values.timeout ??= String(inv.timeoutMs);
    if (inv.validateProtocol) values['validate-protocol'] ??= true;
  } else {
    // Results written before the invocation was recorded.
    const name = saved.target.name;
    if (name.startsWith('verifier:')) values.verifier ??= name.slice('verifier:'.length);
    else values.target ??= name;
  }
  values.seed = String(saved.seed);
  values.runs = String(saved.runs);
  values.only = wanted;
  if (failure.path) values.path = failure.path;
  values['report-dir'] ??= join(dirname(file), 'replay');
}

export async function conformanceCommand(mode: 'test' | 'run', argv: string[]): Promise<number> {
  const { values } = parse(argv, OPTIONS, RUN_USAGE) as { values: Values };
  if (values.help) {
    console.log(RUN_USAGE);
    return EXIT.OK;
  }
  if (values.replay !== undefined) await fromResults(values, values.replay);
  for (const k of ['target', 'verifier', 'target-url', 'verifier-url', 'report-dir', 'path'] as const) nonEmpty(k, values[k]);
  const target = values.target ?? 'reference';
  const timeoutMs = intOption('timeout', values.timeout, 1, 600_000);
  const seed = intOption('seed', values.seed, -(2 ** 31), 2 ** 31 - 1);
  const runs = intOption('runs', values.runs, 1, MAX_RUNS);
  const concurrency = intOption('concurrency', values.concurrency, 1, 16);
  if (values.only !== undefined && values.only.split(',').every((s) => s.trim() === '')) {
    throw new UsageError('--only needs at least one requirement ID (e.g. --only=TOKEN-ISS,ACCESS-AUD)');
  }
  const only = values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : [];
  const known = requirements.map((r) => r.id);
  const unknown = only.filter((id) => !known.includes(id));
  if (unknown.length > 0) throw new UsageError(`unknown requirement ID(s): ${unknown.map((id) => `${id}${didYouMean(id, known)}`).join(', ')}`);
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
  const reportDirArg = values['report-dir'] ?? DEFAULT_REPORT_DIR;
  const reportDir = resolve(reportDirArg);
  const shardDir = shard ? resolve(reportDir, `shard-${shard.index}-of-${shard.count}`) : reportDir;
  await ensureWritable(shardDir);

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
    ...(shard ? { shard } : { resultsFile: join(relative(process.cwd(), reportDir) || '.', 'results.json') }),
    ...(values['keep-going'] ? { keepGoing: true } : {}),
  };
  const planned = planChecks(options).length;
  if (planned === 0) {
    console.error(`kinde-token-conformance: no conformance check selected${shard ? ` (shard ${shard.index}/${shard.count} of ${planChecks({ ...options, shard: undefined }).length} checks is empty)` : ''}: nothing would be checked`);
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
  console.log(`kinde-token-conformance: ${label}, seed ${options.seed}, ${options.runs} runs per check, ${planned} checks${options.concurrency > 1 ? ` on ${options.concurrency} workers` : ''}`);
  const outcome = await runChecks(options, {
    onCheckDone(meta, done, total) {
      const verdicts = Object.entries(meta.outcomes).map(([id, o]) => `${id} ${o.verdict}`).join(', ');
      process.stdout.write(`  [${done}/${total} checks · ${meta.target.name}] ${verdicts} (${(meta.durationMs / 1000).toFixed(1)} s)\n`);
    },
  });
  const results = outcome.results!;
  results.invocation = invocationOf(options, values);
  const paths = await writeReports(results, shardDir);
  console.log(`\n${renderTerminalSummary(results, { color: useColor(process.stdout) })}`);
  console.log(`\nReports: ${paths.html}\n         ${paths.json}\n         ${paths.junit}\n         ${paths.markdown}\n         ${paths.badge}`);
  if (process.env.GITHUB_STEP_SUMMARY) await writeStepSummary(renderMarkdown(results));
  if (process.env.GITHUB_ACTIONS === 'true') for (const line of githubAnnotations(results)) console.log(line);

  let code = exitCodeFor(results);
  if (outcome.targetFailure) {
    console.error(`kinde-token-conformance: ${outcome.targetFailure.reason.split('\n')[0]}${options.keepGoing ? '' : ' — the remaining checks were not attempted (--keep-going runs them anyway)'}`);
  }
  if (unreachable(outcome)) code = EXIT.UNREACHABLE;
  else if (results.summary.total > 0 && results.summary.NOT_APPLICABLE === results.summary.total) {
    console.error(`kinde-token-conformance: every selected requirement is not applicable to ${label}: nothing was checked (its declared capabilities: ${Object.entries(results.target.capabilities).filter(([, v]) => v).map(([k]) => k).join(', ') || 'none'})`);
    code = EXIT.USAGE;
  }
  let expectedFailures: number | undefined;
  if (values.expected !== undefined && code !== EXIT.UNREACHABLE && code !== EXIT.USAGE) {
    const cmp = compareWithExpected(results, values.expected);
    for (const x of cmp.unexpectedFailures) console.error(`  ✗ not expected: ${x}`);
    for (const x of cmp.fixedExpectedFailures) console.error(`  ✓ expected to fail, no longer does (update ${values.expected}): ${x}`);
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
    console.error(`kinde-token-conformance: ${(e as Error).message}`);
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
