/**
 * The command-line entry of kinde-token-conformance.
 *
 *   test     self-tests + conformance run against a target (default: reference)
 *   run      conformance run only
 *   report   render saved results.json files again (merge shards, compare runs)
 *   targets  list the known targets
 *
 * vitest rejects flags it does not know (`--target`), so this launcher parses
 * them and hands them to the test workers through `provide`.
 */
import { parseArgs } from 'node:util';
import { dirname, join, resolve } from 'node:path';
import { listTargets, createAdapter } from '../adapters/registry.js';
import { createVerifier, listVerifiers } from '../adapters/verifiers/registry.js';
import { AdapterError } from '../adapters/types.js';
import { loadResults, reportCommand } from '../reports/cli.js';
import { EXIT, exitCodeFor, type RunResults } from '../reports/results.js';
import { renderTerminalSummary } from '../reports/terminal.js';
import { writeReports } from '../reports/write.js';
import { writeStepSummary, renderMarkdown } from '../reports/markdown.js';
import { requirements } from '../schemas/catalog.js';
import { DEFAULT_RUNS, type ConformanceOptions } from '../suites/lib/options.js';
import { HttpAdapter } from '../adapters/http.js';
import { serveCommand } from '../reference/serve-cli.js';
import { ALL_CHECKS, VERIFIER_CHECKS } from '../suites/index.js';
import { ConformanceReporter } from './conformance-reporter.js';

const USAGE = `Usage: kinde-token-conformance <command> [options]

Commands:
  test      self-tests, then the conformance suites against --target (npm test)
  run       only the conformance suites against --target (npm run conformance)
  report    render saved results again: report <results.json…> [--out DIR] [--merge] [--compare base.json]
  targets   list known targets
  serve     the reference issuer over HTTP (target protocol v1) on 127.0.0.1:
            serve [--port N] [--host H] [--tenant file.json] [--mutant DEFECT] [--refresh-overlap S]

Options (test, run):
  --target=NAME       target to check (default: reference; see 'targets')
  --seed=N            fast-check seed (default: random, printed)
  --runs=N            generated cases per check (default: ${DEFAULT_RUNS})
  --only=ID[,ID…]     only the checks of these requirement IDs
  --path=PATH         replay a recorded failure (with --seed and one --only)
  --replay=FILE       replay a failure from a saved results.json (target, seed, runs, path; one --only)
  --strict            warnings fail the run too
  --report-dir=DIR    where reports are written (default: reports/out)
  --shard=i/n         run slice i of n (merge with 'report --merge')
  --target-url=URL    base URL of an out-of-process target (--target=http)
  --timeout=MS        per-call timeout for out-of-process targets and verifiers
  --validate-protocol validate every exchange with the target against schemas/protocol
  --verifier=NAME     check a token verifier instead of an issuer (tokens come from --target)
  --verifier-url=URL  base URL of the API under test (--verifier=http-api)
  -h, --help          this help

Exit codes: 0 conforming, 1 a requirement FAILED (or a WARNING with --strict)
or a self-test failed, 2 usage or configuration error, 3 target unreachable.`;

class UsageError extends Error {
  constructor(message: string, readonly showUsage = true) {
    super(message);
  }
}

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${v}"`);
  return Number(v);
}

function parseShard(v: string | undefined): { index: number; count: number } | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(v);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new UsageError(`--shard must look like i/n with 1 ≤ i ≤ n, got "${v}"`);
  return { index: Number(m[1]), count: Number(m[2]) };
}

async function conformance(mode: 'test' | 'run', argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
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
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return EXIT.OK;
  }
  if (values.replay !== undefined) await fromResults(values as Record<string, string | boolean | undefined>, values.replay);
  const target = values.target ?? 'reference';
  const timeoutMs = int('timeout', values.timeout, 1);
  const targetOptions = {
    ...(values['target-url'] !== undefined ? { targetUrl: values['target-url'] } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(values['validate-protocol'] ? { validateProtocol: true } : {}),
  };
  let fileParallelism = true;
  try {
    const adapter = createAdapter(target, targetOptions);
    if (adapter instanceof HttpAdapter) {
      // Fail in milliseconds on a dead or wrong-version target, and learn whether
      // parallel workers can have isolated sessions on it.
      try {
        fileParallelism = (await adapter.probe()).sessions;
      } catch (e) {
        const code = (e as { code?: string }).code;
        console.error(`kinde-token-conformance: ${(e as Error).message}`);
        return code === 'ERR_TARGET_UNREACHABLE' || code === 'ERR_TARGET_TIMEOUT' ? EXIT.UNREACHABLE : EXIT.USAGE;
      }
    }
    if (values.verifier !== undefined) {
      createVerifier(values.verifier, {
        ...(values['verifier-url'] !== undefined ? { verifierUrl: values['verifier-url'] } : {}),
      });
    }
  } catch (e) {
    if (e instanceof AdapterError) throw new UsageError(e.message, false);
    throw e;
  }
  const only = values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : [];
  const known = new Set(requirements.map((r) => r.id));
  const unknown = only.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new UsageError(`unknown requirement ID(s): ${unknown.join(', ')}`);
  if (values.path !== undefined && (only.length !== 1 || values.seed === undefined)) {
    throw new UsageError('--path replays one failure: give it with --seed and exactly one --only requirement');
  }
  const options: ConformanceOptions = {
    target,
    seed: int('seed', values.seed, -(2 ** 31)) ?? (Date.now() ^ (process.pid << 8)) & 0x7fffffff,
    runs: int('runs', values.runs, 1) ?? DEFAULT_RUNS,
    strict: values.strict ?? false,
    only,
    ...(values.path !== undefined ? { path: values.path } : {}),
    ...targetOptions,
    ...(values.verifier !== undefined ? { verifier: values.verifier } : {}),
    ...(values['verifier-url'] !== undefined ? { verifierUrl: values['verifier-url'] } : {}),
  };
  const shard = parseShard(values.shard);
  const reportDir = resolve(values['report-dir'] ?? 'reports/out');
  if (!shard) options.resultsFile = join(values['report-dir'] ?? 'reports/out', 'results.json');
  // Self-tests run only in `test` mode without an explicit target.
  const withSelfTests = mode === 'test' && values.target === undefined && values.verifier === undefined && only.length === 0;
  if (values.verifier !== undefined) process.env.KTC_SUITE = 'verifier';

  console.log(`kinde-token-conformance: ${values.verifier !== undefined ? `verifier ${values.verifier} (tokens from ${target})` : `target ${target}`}, seed ${options.seed}, ${options.runs} runs per check${withSelfTests ? ', with self-tests' : ''}`);
  const pool = values.verifier !== undefined ? VERIFIER_CHECKS : ALL_CHECKS;
  const selectedChecks = pool.filter((c) => only.length === 0 || c.requirements.some((r) => only.includes(r))).length;
  const reporter = new ConformanceReporter(options, shard, selectedChecks);
  const { startVitest } = await import('vitest/node');
  const filters = withSelfTests ? [] : ['suites/'];
  const vitest = await startVitest('test', filters, {
    run: true,
    watch: false,
    provide: { conformance: options },
    fileParallelism,
    reporters: ['default', reporter],
    ...(shard ? { shard: `${shard.index}/${shard.count}` } : {}),
    ...(only.length > 0 ? { testNamePattern: `\\[[^\\]]*\\b(${only.join('|')})\\b` } : {}),
  });
  await vitest.close();

  let code: number = reporter.counts.failed > 0 ? EXIT.FAILED : EXIT.OK;
  const results = reporter.results;
  if (results) {
    const shardDir = shard ? resolve(reportDir, `shard-${shard.index}-of-${shard.count}`) : reportDir;
    const paths = await writeReports(results, shardDir);
    console.log(`\n${renderTerminalSummary(results, { color: process.stdout.isTTY === true && !process.env.NO_COLOR })}`);
    console.log(`\nReports: ${paths.html}\n         ${paths.json}\n         ${paths.junit}\n         ${paths.markdown}\n         ${paths.badge}`);
    if (process.env.GITHUB_STEP_SUMMARY) await writeStepSummary(renderMarkdown(results));
    const unreachable = results.requirements.length > 0 && results.requirements.every((r) => r.verdict === 'ERRORED' && /could not be started|ERR_TARGET_UNREACHABLE|ERR_TARGET_TIMEOUT/.test(r.reason ?? ''));
    code = unreachable ? EXIT.UNREACHABLE : Math.max(code, exitCodeFor(results));
  } else if (mode === 'run' || values.target !== undefined || values.verifier !== undefined) {
    console.error('no conformance test ran (check --only / --shard)');
    code = EXIT.USAGE;
  }
  const { passed, failed, skipped } = reporter.counts;
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return code;
}

/**
 * `--replay=results.json`: take target, seed, runs and the failure's path from a
 * saved run, so a long fast-check path need not be pasted. Needs one --only
 * unless the saved run has exactly one failure.
 */
async function fromResults(values: Record<string, string | boolean | undefined>, file: string): Promise<void> {
  let saved: RunResults;
  try {
    saved = await loadResults(file);
  } catch (e) {
    throw new UsageError((e as Error).message, false);
  }
  const failures = saved.requirements.filter((r) => r.failure);
  const wanted = typeof values.only === 'string' ? values.only : failures.length === 1 ? failures[0]!.id : undefined;
  if (wanted === undefined || wanted.includes(',')) {
    throw new UsageError(`--replay needs one --only=ID; failures in ${file}: ${failures.map((r) => r.id).join(', ') || 'none'}`, false);
  }
  const failure = saved.requirements.find((r) => r.id === wanted)?.failure;
  if (!failure) throw new UsageError(`${file} has no failure recorded for ${wanted}`, false);
  const name = saved.target.name;
  if (name.startsWith('verifier:')) values.verifier ??= name.slice('verifier:'.length);
  else values.target ??= name;
  values.seed = String(saved.seed);
  values.runs = String(saved.runs);
  values.only = wanted;
  if (failure.path) values.path = failure.path;
  // Never overwrite the run being replayed.
  values['report-dir'] ??= join(dirname(file), 'replay');
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'test':
      case 'run':
        return await conformance(command, rest);
      case 'report':
        return await reportCommand(rest);
      case 'serve':
        return await serveCommand(rest);
      case 'targets':
        for (const t of listTargets()) console.log(`${t.name.padEnd(44)} ${t.description}`);
        console.log('\nVerifiers (--verifier):');
        for (const v of listVerifiers()) console.log(`${v.name.padEnd(44)} ${v.description}`);
        return EXIT.OK;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        console.log(USAGE);
        return command === undefined ? EXIT.USAGE : EXIT.OK;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      const usage = e instanceof UsageError && !e.showUsage ? '' : `\n\n${USAGE}`;
      console.error(`kinde-token-conformance: ${(e as Error).message}${usage}`);
      return EXIT.USAGE;
    }
    throw e;
  }
}

const code = await main(process.argv.slice(2));
process.exit(code);
