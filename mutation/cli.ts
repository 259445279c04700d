/**
 * `kinde-token-conformance power`: a mutation campaign against a target.
 *
 *   power --target=<name> [--target-url=URL] [--operators=<ids or globs>] [--runs=N] [--seed=N]
 *         [--sample=N] [--shard=i/n] [--concurrency=N] [--escalate-runs=N] [--report-dir=DIR] [--live] [--list]
 *   power report --merge <shard-*\/mutation-results.json…> [--report-dir=DIR]
 *
 * Exit codes: 0 every survivor is explained by the ledger, 1 an unexplained
 * survivor or a failed control, 2 usage error, 3 target unreachable.
 */
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { HttpAdapter } from '../adapters/http.js';
import { createAdapter, type TargetOptions } from '../targets/registry.js';
import { AdapterError } from '../adapters/types.js';
import { errorPrefix, intOption, parse, parseShard, UsageError, type OptionValues } from '../cli/args.js';
import { MAX_RUNS } from '../runner/options.js';
import { DEFAULT_REPORT_DIR, ensureWritableDirectory } from '../reports/write.js';
import { foreignLine } from '../reports/sanitize.js';
import { runCampaign } from './campaign.js';
import { loadLedger } from './ledger.js';
import { shardOperators } from './merge.js';
import { allOperators, OperatorSelectionError, sampleOperators, selectOperators } from './operators.js';
import { buildResults, renderSummary } from './report.js';
import { plural, shownPath } from '../cli/term.js';
import { powerReportCommand, writeCampaignReports } from './report-cli.js';

export const POWER_EXIT = { OK: 0, FAILED: 1, USAGE: 2, UNREACHABLE: 3 } as const;
export const DEFAULT_POWER_RUNS = 10;

export const POWER_USAGE = `Usage: kinde-token-conformance power --target=NAME [options]
       kinde-token-conformance power report --merge <shard-*/mutation-results.json…> [--report-dir=DIR]

Wraps the target in generated defects (mutants) and runs the issuer checks
against each; a mutant no requirement catches is a survivor. Survivors the
docs allow are listed in mutation/equivalent.json; any other one fails.

Options:
  --target=NAME        target to wrap (default: reference; see 'targets')
  --target-url=URL     base URL of an out-of-process target (--target=http)
  --timeout=MS         per-call timeout for out-of-process targets
  --operators=LIST     operator ids or globs, comma separated (e.g. 'access.*:drop,refresh:*')
  --sample=N           run a seeded sample of N of the selected operators, spread over families
  --shard=i/n          run slice i of n of the selected operators (one CI job each); the reports go to
                       DIR/shard-i-of-n/; merge them with 'power report --merge'
  --runs=N             generated cases per check (default ${DEFAULT_POWER_RUNS})
  --escalate-runs=N    runs for an unexplained survivor's second chance (default 5 × runs, 0 = none)
  --seed=N             fast-check seed, also picks the sample (default: random, printed)
  --concurrency=N      mutants run at once (default 2; 1 for an http target without sessions)
  --workers=N          threads judging mutants (default: one per core, at most 8; 0 = this thread only)
  --live               judge every mutant against a live target (default: operators that only transform
                       answers are judged over the exchanges recorded during the control)
  --report-dir=DIR     where mutation-results.json and mutation-report.html go (default ./kinde-conformance)
  --list               list the selected operators and exit
  -h, --help           this help`;

export async function powerCommand(argv: string[]): Promise<number> {
  if (argv[0] === 'report') return powerReportCommand(argv.slice(1));
  try {
    return await power(argv);
  } catch (e) {
    if (e instanceof UsageError || e instanceof OperatorSelectionError || (e as { code?: string }).code === 'ERR_UNKNOWN_TARGET') {
      console.error(`${errorPrefix('power')}${(e as Error).message}`);
      return POWER_EXIT.USAGE;
    }
    if (e instanceof AdapterError && (e.code === 'ERR_TARGET_UNREACHABLE' || e.code === 'ERR_TARGET_TIMEOUT')) {
      console.error(`${errorPrefix('power')}${e.message}`);
      return POWER_EXIT.UNREACHABLE;
    }
    throw e;
  }
}

const OPTIONS = {
  target: { type: 'string' },
  'target-url': { type: 'string' },
  timeout: { type: 'string' },
  operators: { type: 'string' },
  sample: { type: 'string' },
  shard: { type: 'string' },
  runs: { type: 'string' },
  'escalate-runs': { type: 'string' },
  seed: { type: 'string' },
  concurrency: { type: 'string' },
  workers: { type: 'string' },
  'report-dir': { type: 'string' },
  list: { type: 'boolean' },
  live: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function power(argv: string[]): Promise<number> {
  const { values } = parse(argv, OPTIONS, POWER_USAGE) as { values: OptionValues<typeof OPTIONS> };
  if (values.help) {
    console.log(POWER_USAGE);
    return POWER_EXIT.OK;
  }
  const target = values.target ?? 'reference';
  // Silently ignored before: the campaign ran against another target than the one at the URL.
  if (values['target-url'] !== undefined && target !== 'http') throw new UsageError(`--target-url is read only by --target=http; --target is "${target}"`);
  const seed = intOption('seed', values.seed, -(2 ** 31), 2 ** 31 - 1) ?? (Date.now() ^ (process.pid << 8)) & 0x7fffffff;
  const runs = intOption('runs', values.runs, 1, MAX_RUNS) ?? DEFAULT_POWER_RUNS;
  const escalateRuns = intOption('escalate-runs', values['escalate-runs'], 0, MAX_RUNS) ?? runs * 5;
  const sample = intOption('sample', values.sample, 1, MAX_RUNS);
  const timeoutMs = intOption('timeout', values.timeout, 1, 600_000);
  const targetOptions: TargetOptions = {
    ...(values['target-url'] !== undefined ? { targetUrl: values['target-url'] } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
  const generated = allOperators();
  const selected = selectOperators(values.operators, generated);
  const chosen = sample === undefined ? selected : sampleOperators(selected, sample, seed);
  const shard = parseShard(values.shard);
  const operators = shardOperators(chosen, shard);
  if (values.list) {
    for (const op of operators) console.log(`${op.id.padEnd(52)} ${op.description}`);
    console.log(`\n${operators.length} of ${generated.length} operators${shard ? ` (shard ${shard.index}/${shard.count} of ${chosen.length})` : ''}`);
    return POWER_EXIT.OK;
  }
  const ledger = loadLedger();
  // A campaign takes minutes: a report directory that cannot be written fails now, not after it.
  const base = resolve(values['report-dir'] ?? DEFAULT_REPORT_DIR);
  const dir = shard ? join(base, `shard-${shard.index}-of-${shard.count}`) : base;
  try {
    await ensureWritableDirectory(dir);
  } catch (e) {
    console.error(`${errorPrefix('power')}--report-dir ${dir}: ${(e as Error).message}`);
    return POWER_EXIT.USAGE;
  }
  // Unknown target names and a missing --target-url fail here, before any work.
  const probe = createAdapter(target, targetOptions);
  let concurrency = intOption('concurrency', values.concurrency, 1, 16) ?? 2;
  let sessionless = false;
  if (probe instanceof HttpAdapter) {
    sessionless = !(await probe.probe()).sessions;
    if (sessionless) concurrency = 1;
  }
  // A target without sessions takes one mutant at a time: no threads then either.
  const workerOption = intOption('workers', values.workers, 0, 64);
  const workers = sessionless ? 0 : (workerOption ?? (concurrency === 1 ? 0 : Math.min(8, availableParallelism())));

  console.log(`kinde-token-conformance power: target ${target}, ${operators.length} of ${plural(generated.length, 'operator')}${shard ? ` (shard ${shard.index}/${shard.count})` : ''}, seed ${seed}, ${plural(runs, 'run')} per check, concurrency ${concurrency}${workers > 0 ? `, ${plural(workers, 'worker thread')}` : ''}${values.live ? ', live' : ''}`);
  const startedAt = new Date();
  const outcome = await runCampaign({
    createTarget: () => createAdapter(target, targetOptions),
    operators,
    ledger,
    seed,
    runs,
    escalateRuns,
    concurrency,
    recorded: !values.live,
    ...(workers > 0 ? { workers: { count: workers, target, targetOptions } } : {}),
    onResult: (r, done, total) => {
      const by = r.detection ? ` by ${r.detection.requirement ?? r.detection.check} (${r.detection.verdict})` : '';
      console.log(`[${String(done).padStart(String(total).length)}/${total}] ${r.status.padEnd(11)} ${r.id}${by}${r.escalated ? ' after escalation' : ''}`);
    },
  });
  const results = buildResults(outcome, {
    target,
    seed,
    runs,
    escalateRuns,
    selection: {
      ...(values.operators !== undefined ? { operators: values.operators } : {}),
      ...(sample !== undefined ? { sample } : {}),
      selected: chosen.length,
      generated: generated.length,
      ...(shard ? { shard } : {}),
    },
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
  });
  await writeCampaignReports(dir, results);
  if (!outcome.control.passed) {
    console.error('\nThe control failed: the target (or the wrapped identity) does not pass the issuer checks, so mutants would prove nothing:');
    for (const f of outcome.control.failures) console.error(`  ${f.where}: ${f.requirement ?? f.check} ${f.verdict}: ${foreignLine(f.message, 300)}`);
    console.error(`\nReports: ${shownPath(join(dir, 'mutation-report.html'))}`);
    return POWER_EXIT.FAILED;
  }
  console.log(`\n${renderSummary(results)}\n\nReports: ${shownPath(join(dir, 'mutation-report.html'))}\n         ${shownPath(join(dir, 'mutation-results.json'))}`);
  return results.unexplained.length > 0 ? POWER_EXIT.FAILED : POWER_EXIT.OK;
}
