/**
 * The options of run, test and list: one table, one help text per command,
 * and the parsing of --only and --shard that all three share.
 */
import { didYouMean, UsageError, type OptionValues } from '../cli/args.js';
import { DEFAULT_REPORT_DIR } from '../reports/write.js';
import { DEFAULT_RUNS, MAX_RUNS } from '../runner/options.js';
import { requirements } from '../schemas/catalog.js';

/** run's and test's help, each naming its own command. */
export function runUsage(mode: 'run' | 'test'): string {
  return `Usage: kinde-token-conformance ${mode} [options]

${mode === 'test' ? 'Runs the self-tests (in a clone of the repository), then the conformance suites against an\nissuer (--target) or a verifier (--verifier); run does the same without the self-tests.' : 'Runs the conformance suites against an issuer (--target) or a verifier (--verifier).'}
Options are written --name=VALUE or --name VALUE.

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
  --report-dir=DIR    write the reports exactly there (CI: DIR/results.json, DIR/report.html)
                      (default: a new ./${DEFAULT_REPORT_DIR}/<run-id>/ per run, ./${DEFAULT_REPORT_DIR}/latest
                      pointing at the newest; earlier runs are kept)
  --shard=i/n         run slice i of n (merge with 'report --merge')
  --timeout=MS        per-call timeout for out-of-process targets and verifiers
  --validate-protocol validate every exchange with the target against schemas/protocol
  --concurrency=N     checks at once, each in a worker thread (default: cores, at most 4;
                      1 for targets without isolated sessions and for adapter modules)
  --keep-going        go on after the target fails (unreachable, timeout, protocol)
  --expected=FILE     known differences (requirement → verdict + why): exit 0 when the run
                      matches the file, 1 on a new failure or an expected failure that passes
  --list              print the requirements these options select and exit (also: list)
  --json              with --list: JSON instead of text
  --no-color          no colour (also NO_COLOR; FORCE_COLOR=1 forces it)
  -h, --help          this help

Exit codes: 0 conforming, 1 a requirement FAILED or ERRORED (or a WARNING with --strict)
or a self-test failed, 2 usage or configuration error or nothing checked, 3 target or
verifier unreachable.`;
}

export const RUN_USAGE = runUsage('run');

export const RUN_OPTIONS = {
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
  list: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type RunValues = OptionValues<typeof RUN_OPTIONS>;

export { parseShard } from '../cli/args.js';


/** `--only=A,B` → the IDs, every one known to the catalog (else a usage error with a suggestion). */
export function selectedIds(v: string | undefined): string[] {
  if (v !== undefined && v.split(',').every((s) => s.trim() === '')) {
    throw new UsageError('--only needs at least one requirement ID (e.g. --only=TOKEN-ISS,ACCESS-AUD)');
  }
  const only = v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
  const known = requirements.map((r) => r.id);
  const unknown = only.filter((id) => !known.includes(id));
  if (unknown.length > 0) throw new UsageError(`unknown requirement ID(s): ${unknown.map((id) => `${id}${didYouMean(id, known)}`).join(', ')}; 'kinde-token-conformance list' prints them`);
  return only;
}
