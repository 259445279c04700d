/**
 * `kinde-token-conformance check-workflow <file | kindeSrc folder>`: checks
 * Kinde workflow files before they are deployed. Exit 0 = no error-level
 * finding, 1 = at least one, 2 = usage (no such file, no workflows, bad flag).
 */
import { dirname, join, resolve } from 'node:path';
import { didYouMean, errorPrefix, intOption, parse as parseOptions, type OptionValues } from '../cli/args.js';
import { formatDuration, painter, plural, shownPath, useColor } from '../cli/term.js';
import { foreignLine } from '../reports/sanitize.js';
import { FORMATS, renderGithub, renderSarif, renderStylish, type Format } from './formats.js';
import { SUITE_VERSION as version } from '../schemas/version.js';
import { closeSandbox, MAX_TIMEOUT_MS, type WorkflowFixtures } from '../reference/workflows/index.js';
import { EXIT } from '../reports/results.js';
import { inferredFrom, RUNTIME } from './bindings.js';
import { INFRASTRUCTURE_VERSION } from './bundle.js';
import { checkWorkflowFile } from './check.js';
import { discover, UsageError } from './discover.js';
import { Harness } from './execute.js';
import { extendedBudget } from './explore.js';
import { loadFixtures } from './fixtures-input.js';
import { countLevels, type Finding } from './findings.js';
import { readResults, restoreSecrets, toJson, writeResults } from './output.js';
import type { CheckWorkflowResults, WorkflowReport } from './report.js';
import type { CheckCase } from './scenario.js';
import { notRun, renderSummary } from './terminal.js';

export const DEFAULT_CHECK_RUNS = 100;
export const DEFAULT_CHECK_TIMEOUT_MS = 1000;
export const DEFAULT_REPORT_DIR = join('kinde-conformance', 'check-workflow');

export const CHECK_WORKFLOW_USAGE = `Usage: kinde-token-conformance check-workflow <file | kindeSrc folder> [options]

Finds workflows in Kinde's layout (kindeSrc/environment/workflows/**/*Workflow.ts), bundles each as Kinde
does, checks its settings and bindings, and runs it through the reference issuer under generated sign-ins,
refreshes and client-credentials requests.

Options:
  --seed=N          fast-check seed (default: random, printed)
  --runs=N          generated requests per workflow (default ${DEFAULT_CHECK_RUNS})
  --timeout=MS      time budget of one workflow run (default ${DEFAULT_CHECK_TIMEOUT_MS}; Kinde documents none); a run
                    past it gets a second, longer one before it counts as a timeout
  --replay=FILE     run again the smallest failing requests recorded in a check-workflow.json (answered
                    from the fixtures file it records unless --fixtures is given; give --env again)
  --fixtures=FILE   what kinde.env and kinde.fetch / kinde.secureFetch answer: one JSON file
                    { "env": { KEY: value }, "fetch": [ { method, url, status, json | text, headers } ] };
                    url is a whole URL where * matches anything and {kindeDomain} is the event's Kinde
                    domain. A request no answer matches fails like a network error and is reported.
  --env-vars=FILE   KEY=VALUE lines added to the fixtures' env
  --env KEY=VALUE   one more environment variable (repeatable; wins over the files)
  --report-dir=DIR  where check-workflow.json and check-workflow.html go (default ${DEFAULT_REPORT_DIR})
  --format=F        what to print: text (default), json (the results file), stylish (ESLint's), github
                    (annotations), sarif (2.1.0); the report files are written either way
  --json            same as --format=json
  --max-warnings=N  exit 1 when there are more than N warnings (as ESLint's flag)
  -h, --help        this help

Exit codes: 0 no error-level finding (and no more warnings than --max-warnings), 1 otherwise, 2 usage error.
A workflow that no generated request reached (a non-token trigger, refused settings) is shown "not run".`;

const OPTIONS = {
  seed: { type: 'string' },
  runs: { type: 'string' },
  timeout: { type: 'string' },
  replay: { type: 'string' },
  fixtures: { type: 'string' },
  'env-vars': { type: 'string' },
  env: { type: 'string', multiple: true },
  'report-dir': { type: 'string' },
  json: { type: 'boolean' },
  format: { type: 'string' },
  'max-warnings': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface Parsed {
  input: string;
  seed: number;
  runs: number;
  timeoutMs: number;
  reportDir: string;
  format: Format;
  maxWarnings?: number;
  replayOf?: string;
  replays?: Map<string, { case: CheckCase; path?: string }>;
  fixtures?: WorkflowFixtures;
  fixturesFile?: string;
}

async function parse(argv: string[]): Promise<Parsed | 'help'> {
  const parsed = parseOptions(argv, OPTIONS, CHECK_WORKFLOW_USAGE, true);
  const values = parsed.values as Omit<OptionValues<typeof OPTIONS>, 'env'> & { env?: string[] };
  const { positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length > 1) throw new UsageError(`one file or folder at a time, got ${positionals.length}: ${positionals.join(' ')}`);
  const saved = values.replay !== undefined ? await readResults(values.replay) : undefined;
  // A replay is answered from the same fixtures file unless another is given (--env values are not recorded).
  const fixturesFile = values.fixtures ?? (typeof saved?.fixtures === 'string' ? saved.fixtures : undefined);
  const fixtures = loadFixtures({
    ...(fixturesFile !== undefined ? { fixtures: fixturesFile } : {}),
    ...(values['env-vars'] !== undefined ? { envFile: values['env-vars'] } : {}),
    ...(values.env !== undefined ? { env: values.env } : {}),
  });
  const out: Partial<Parsed> = {
    ...(fixtures ? { fixtures } : {}),
    ...(fixturesFile !== undefined ? { fixturesFile } : {}),
    format: formatOption(values.format, values.json === true),
  };
  const maxWarnings = intOption('max-warnings', values['max-warnings'], 0, Number.MAX_SAFE_INTEGER);
  if (maxWarnings !== undefined) out.maxWarnings = maxWarnings;
  const timeoutMs = intOption('timeout', values.timeout, 1, MAX_TIMEOUT_MS);
  if (values.replay !== undefined && saved !== undefined) {
    out.replayOf = values.replay;
    out.input = positionals[0] ?? saved.input;
    out.seed = saved.seed;
    out.runs = saved.runs;
    out.timeoutMs = timeoutMs ?? saved.timeoutMs;
    out.replays = new Map();
    for (const w of saved.workflows) {
      if (w.counterexample) {
        out.replays.set(resolve(w.file), { case: restoreSecrets(w.counterexample.case), ...(w.counterexample.path ? { path: w.counterexample.path } : {}) });
      }
    }
    if (out.replays.size === 0) throw new UsageError(`--replay: ${values.replay} records no failing request to replay`);
    out.reportDir = values['report-dir'] ?? join(dirname(values.replay), 'replay');
  } else {
    if (positionals[0] === undefined) throw new UsageError('give a workflow file or a kindeSrc folder to check');
    out.input = positionals[0];
    out.timeoutMs = timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
    out.seed = intOption('seed', values.seed, -(2 ** 31), 2 ** 31 - 1) ?? (Date.now() ^ (process.pid << 8)) & 0x7fffffff;
    out.runs = intOption('runs', values.runs, 1, 100_000) ?? DEFAULT_CHECK_RUNS;
    out.reportDir = values['report-dir'] ?? DEFAULT_REPORT_DIR;
  }
  return out as Parsed;
}

function formatOption(value: string | undefined, json: boolean): Format {
  if (value === undefined) return json ? 'json' : 'text';
  if (!(FORMATS as readonly string[]).includes(value)) {
    throw new UsageError(`--format: "${value}" is not one of ${FORMATS.join(', ')}${didYouMean(value, FORMATS)}`);
  }
  if (json && value !== 'json') throw new UsageError(`--json and --format=${value} contradict each other`);
  return value as Format;
}

function projectFindings(ignored: readonly string[]): Finding[] {
  return ignored.map((file) => ({
    kind: 'not-discovered' as const,
    level: 'warning' as const,
    message: 'mentions workflowSettings, but Kinde discovers only files whose name ends with Workflow.ts or Workflow.js: it will not be deployed',
    at: { file: file.startsWith(process.cwd()) ? file.slice(process.cwd().length + 1) : file, line: 1 },
    basis: inferredFrom(RUNTIME.discovery, 'strings.HasSuffix(strings.ToLower(file), "workflow.ts") || … "workflow.js"'),
  }));
}

/** Runs check-workflow; returns the exit code. Never throws for bad input (exit 2 with a one-line message). */
export async function checkWorkflowCommand(argv: string[]): Promise<number> {
  let args: Parsed | 'help';
  let found: ReturnType<typeof discover>;
  try {
    args = await parse(argv);
    if (args === 'help') {
      console.log(CHECK_WORKFLOW_USAGE);
      return EXIT.OK;
    }
    found = discover(args.input);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${errorPrefix('check-workflow')}${e.message}${/see --help$/.test(e.message) ? '' : ' (see --help)'}`);
      return EXIT.USAGE;
    }
    throw e;
  }
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const workflows = args.replays ? found.workflows.filter((f) => args.replays!.has(f)) : found.workflows;
  const color = useColor(process.stdout);
  const paint = painter(color);
  const github = process.env.GITHUB_ACTIONS === 'true' && args.format === 'text';
  if (args.format === 'text') {
    console.log(
      `kinde-token-conformance check-workflow: ${plural(workflows.length, 'workflow')} in ${foreignLine(args.input)}, ` +
        (args.replayOf ? `replaying ${foreignLine(args.replayOf)}` : `seed ${args.seed}, ${plural(args.runs, 'run')} each`),
    );
    if (github) console.log('::group::check-workflow: one line per workflow');
  }
  // The issuer's budget is the extended one: it decides what lands, the direct runs decide what times out.
  const harness = await Harness.create(extendedBudget(args.timeoutMs));
  const reports: WorkflowReport[] = [];
  try {
    for (const file of workflows) {
      const replay = args.replays?.get(file);
      const t0 = performance.now();
      const report = await checkWorkflowFile(file, {
          harness,
          root: found.root,
          seed: args.seed,
          runs: args.runs,
          timeoutMs: args.timeoutMs,
          ...(args.fixtures ? { fixtures: args.fixtures } : {}),
          ...(replay ? { replayCase: replay.case } : {}),
        });
      reports.push(report);
      // Progress: one line per workflow as it is done (a project of many workflows takes minutes).
      if (args.format === 'text') {
        const c = countLevels(report.findings);
        const mark = notRun(report) ? paint('gray', '–') : c.error > 0 ? paint('red', '✗') : c.warning > 0 ? paint('yellow', '!') : paint('green', '✓');
        const elapsed = performance.now() - started;
        const left = reports.length < workflows.length ? ` · ~${formatDuration((elapsed / reports.length) * (workflows.length - reports.length))} left` : '';
        console.log(
          `  ${paint('gray', `[${reports.length}/${workflows.length} · ${formatDuration(elapsed)}${left}]`)} ${mark} ${foreignLine(report.file, 300)} ` +
            paint('dim', `— ${plural(c.error, 'error')}, ${plural(c.warning, 'warning')} · ${formatDuration(performance.now() - t0)}`),
        );
      }
    }
    if (github) console.log('::endgroup::');
  } finally {
    await closeSandbox();
  }
  const project = projectFindings(found.ignored);
  const all = [...project, ...reports.flatMap((r) => r.findings)];
  const counts = countLevels(all);
  const results: CheckWorkflowResults = {
    tool: 'kinde-token-conformance check-workflow',
    version,
    infrastructure: INFRASTRUCTURE_VERSION,
    input: args.input,
    seed: args.seed,
    runs: args.runs,
    timeoutMs: args.timeoutMs,
    ...(args.fixturesFile !== undefined ? { fixtures: args.fixturesFile } : {}),
    ...(args.replayOf ? { replayOf: args.replayOf } : {}),
    startedAt,
    durationMs: Math.round(performance.now() - started),
    summary: { workflows: reports.length, ...counts },
    project,
    workflows: reports,
  };
  const paths = await writeResults(results, resolve(args.reportDir));
  if (args.format === 'json') console.log(toJson(results));
  else if (args.format === 'stylish') console.log(renderStylish(results));
  else if (args.format === 'github') console.log(renderGithub(results));
  else if (args.format === 'sarif') console.log(renderSarif(results));
  else {
    console.log(`\n${renderSummary(results, { color })}`);
    console.log(`\nReports: ${shownPath(paths.html)}\n         ${shownPath(paths.json)}`);
    const failing = reports.find((r) => r.counterexample);
    if (failing && !args.replayOf) console.log(`Replay the smallest failing requests: npx kinde-token-conformance check-workflow --replay=${shownPath(paths.json)}`);
  }
  const tooManyWarnings = args.maxWarnings !== undefined && counts.warning > args.maxWarnings;
  if (tooManyWarnings && args.format === 'text') console.log(`check-workflow: ${counts.warning} warnings, more than --max-warnings=${args.maxWarnings}`);
  return counts.error > 0 || tooManyWarnings ? EXIT.FAILED : EXIT.OK;
}
