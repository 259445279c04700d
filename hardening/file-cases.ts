/**
 * Hardening rows for foreign input that is not a target's answer: results
 * files from elsewhere (`run --replay`, `report`) and an adapter module whose
 * text is an injection attempt. Each row runs one command of the CLI in a
 * scratch folder and must give its exit code with nothing unsafe in the whole
 * output: no marker (a module the file named never ran), no secret (the files
 * carry one, redaction must blank it), no `::` line but the tool's own
 * annotations, no raw control or bidi character, no stack, no internal error.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseResults, manyRequirements, writeDeep, writeNearBound } from './hostile-results.js';
import { RESULTS_BOUNDS } from '../reports/results-bounds.js';
import { OWN_RUN_COMMAND_LINE } from '../reports/sanitize.js';
import type { RunResults } from '../reports/results.js';
import type { SignalWhen } from './measure.js';

export interface FileCase {
  name: string;
  description: string;
  exit: 0 | 1 | 2 | 3 | 130 | 143;
  fast?: boolean;
  /** Writes the case's files into `dir`; returns the CLI arguments (after `bin/cli.ts`) and the folder to run in. */
  prepare(dir: string): { args: string[]; cwd: string; env?: NodeJS.ProcessEnv };
  /** Sent to the command once its output shows `after` (a run stopped midway). */
  signal?: SignalWhen;
  /** A second command, in the same folder, after the first: `exit` is its exit code, the first must give `firstExit`. */
  then?: { firstExit: number; args(dir: string): string[] };
  /** The case's own checks (files it left, lines it printed), beside fileCaseProblems. */
  check?(dir: string, output: string): string[];
  /** Hard stop for this row's command(s), ms: a hang is a finding, not a stuck harness. */
  limitMs?: number;
}

/** Carried by every results file here (a client secret and a message quoting it): redaction must blank it everywhere. */
export const SECRET = 'hardening-secret-8f3a2c91';
const MARKER = 'MARKER-module-ran';

function withSecret(r: RunResults): RunResults {
  const failing = r.requirements.find((x) => x.failure?.counterexample)!;
  failing.failure!.counterexample!.tenant = { applications: [{ clientId: 'robot', clientSecret: SECRET }] };
  failing.failure!.message = `client ${SECRET} was refused`;
  return r;
}

/** A marker module beside a results file that names it (as `shape` says). */
function replayOf(dir: string, shape: (r: RunResults, module: string) => void): string[] {
  writeFileSync(join(dir, 'evil.mjs'), `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(join(dir, MARKER))}, 'ran');\nexport default {};\n`);
  const r = withSecret(baseResults());
  r.requirements.find((x) => x.id === 'AT-AUD-REQUESTED')!.id = 'TOKEN-JTI-UNIQUE';
  shape(r, join(dir, 'evil.mjs'));
  writeFileSync(join(dir, 'results.json'), JSON.stringify(r));
  return ['run', '--replay=results.json', '--only=TOKEN-JTI-UNIQUE'];
}

function reportOf(dir: string, file: string): { args: string[]; cwd: string } {
  return { args: ['report', file, `--out=${join(dir, 'out')}`], cwd: dir };
}

export const FILE_CASES: FileCase[] = [
  {
    name: 'replay-module-target',
    description: 'run --replay of a results file naming ./evil.mjs as its target (a fork\'s artifact)',
    exit: 2,
    fast: true,
    prepare: (dir) => ({ args: replayOf(dir, (r) => (r.invocation = { target: './evil.mjs' })), cwd: dir }),
  },
  {
    name: 'replay-module-verifier',
    description: 'run --replay of a results file naming a file: URL module as its verifier',
    exit: 2,
    prepare: (dir) => ({ args: replayOf(dir, (r, m) => (r.invocation = { target: 'reference', verifier: `file://${m}` })), cwd: dir }),
  },
  {
    name: 'replay-module-legacy',
    description: 'run --replay of an older results file (no invocation) whose target.name is an absolute module path',
    exit: 2,
    prepare: (dir) => ({ args: replayOf(dir, (r, m) => (r.target.name = m)), cwd: dir }),
  },
  {
    name: 'inject-adapter',
    description: 'an adapter module whose name and errors carry ::error/::add-mask::, ESC[2J, a window title, a bidi override (GitHub Actions on)',
    exit: 1,
    fast: true,
    prepare: (dir) => ({
      args: ['run', `--target=${join(import.meta.dirname, 'injecting-adapter.ts')}`, '--runs=2', '--keep-going', '--only=M2M-GTY,RT-ROTATE,TOKEN-ISS', `--report-dir=${join(dir, 'out')}`, '--seed=1'],
      cwd: dir,
      env: { GITHUB_ACTIONS: 'true' },
    }),
  },
  {
    name: 'results-deep',
    description: 'report of a results file nested 100,000 levels deep',
    exit: 2,
    fast: true,
    prepare: (dir) => reportOf(dir, writeDeep(dir)),
  },
  {
    name: 'results-near-bound',
    description: `report of a results file just under the read bound (${RESULTS_BOUNDS.bytes / 1024 / 1024} MiB), every string within its bound`,
    exit: 1,
    prepare: (dir) => reportOf(dir, writeNearBound(dir, RESULTS_BOUNDS.bytes - 1024)),
  },
  {
    name: 'results-many',
    description: 'report of a results file of 5,000 requirements',
    exit: 1,
    prepare: (dir) => {
      const file = join(dir, 'many.json');
      writeFileSync(file, JSON.stringify(withSecret(manyRequirements(5_000))));
      return reportOf(dir, file);
    },
  },
];

/** The tool's own annotations (bin/output.ts). */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** What the row's whole output and folder must not show (stack and internal errors are checked by run.ts). */
export function fileCaseProblems(dir: string, output: string): string[] {
  const problems: string[] = [];
  if (existsSync(join(dir, MARKER))) problems.push('a module named by the file ran');
  if (output.includes(SECRET)) problems.push('a secret reached the output');
  const lines = output.split('\n');
  const commands = lines.filter((l) => l.trimStart().startsWith('::') && !OWN_RUN_COMMAND_LINE.test(l));
  if (commands.length > 0) problems.push(`${commands.length} foreign workflow command line(s): ${commands[0]!.slice(0, 60)}`);
  if (lines.some((l) => RAW_CONTROL.test(l))) problems.push('a raw control or bidi character in the output');
  return problems;
}
