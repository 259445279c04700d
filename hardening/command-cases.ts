/**
 * Hardening rows for the last two cases of issue 19, each a command of the
 * CLI in a scratch folder (the row type of hardening/file-cases.ts):
 *
 * - check-workflow reads only the project under review: a workflow importing a
 *   secret file outside the project (.txt, .json, extensionless, a symlink
 *   pointing out) gets a `build` finding naming the path, and the secret is in
 *   no output nor in check-workflow.json/html; kinde.json's `rootDir` outside
 *   the project, or a FIFO as the workflow file, is exit 2 (the FIFO within a
 *   short hard stop: a hang is a finding).
 * - An interrupted run leaves no stale report: a run of the reference sent
 *   SIGINT/SIGTERM after its first progress line exits 130/143 with one line,
 *   its directory marked INTERRUPTED with no results, the previous run's
 *   report untouched and still `latest`; `report` of that directory is exit 2
 *   naming the marker.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SECRET, type FileCase } from './file-cases.js';

const BIN = resolve(import.meta.dirname, '..', 'bin', 'kinde-token-conformance.mjs');

// ---------------------------------------------------------------- check-workflow

const workflow = (importLine: string) => `${importLine}
import { accessTokenCustomClaims } from "@kinde/infrastructure";
export const workflowSettings = { id: "leak", trigger: "user:tokens_generation", bindings: { "kinde.accessToken": {} } };
export default async function Workflow() { accessTokenCustomClaims<any>().leak = secret; }
`;

/** dir/outside/secret{.txt,.json,} (each holds SECRET) and dir/proj/kindeSrc/environment/workflows/leak/; returns that folder. */
function project(dir: string): string {
  mkdirSync(join(dir, 'outside'));
  writeFileSync(join(dir, 'outside', 'secret.txt'), SECRET);
  writeFileSync(join(dir, 'outside', 'secret.json'), JSON.stringify({ s: SECRET }));
  writeFileSync(join(dir, 'outside', 'secret'), `module.exports = "${SECRET}";`);
  const wf = join(dir, 'proj', 'kindeSrc', 'environment', 'workflows', 'leak');
  mkdirSync(wf, { recursive: true });
  writeFileSync(join(dir, 'proj', 'kinde.json'), JSON.stringify({ rootDir: 'kindeSrc' }));
  return wf;
}

/** Every file check-workflow wrote (check-workflow.json/html …), as one text. */
function written(out: string): string {
  if (!existsSync(out)) return '';
  return readdirSync(out)
    .filter((f) => statSync(join(out, f)).isFile())
    .map((f) => readFileSync(join(out, f), 'utf8'))
    .join('\n');
}

/** A workflow whose import (`line`, ABS = the scratch folder) resolves outside the project. */
function importCase(name: string, description: string, line: string, finding: RegExp, fast = false): FileCase {
  return {
    name,
    description,
    exit: 1,
    fast,
    limitMs: 300_000,
    prepare: (dir) => {
      const wf = project(dir);
      if (line.includes('./inside.txt')) symlinkSync(join(dir, 'outside', 'secret.txt'), join(wf, 'inside.txt'));
      writeFileSync(join(wf, 'leakWorkflow.ts'), workflow(line.replace('ABS', dir)));
      return { args: ['check-workflow', join(wf, 'leakWorkflow.ts'), '--seed=1', '--runs=2', `--report-dir=${join(dir, 'out')}`], cwd: join(dir, 'proj') };
    },
    check: (dir, output) => {
      const problems: string[] = [];
      if (!finding.test(output)) problems.push(`no build finding matching ${finding}`);
      if (written(join(dir, 'out')).includes(SECRET)) problems.push('the secret is in check-workflow.json/html');
      if (!existsSync(join(dir, 'out', 'check-workflow.json'))) problems.push('no check-workflow.json written');
      return problems;
    },
  };
}

const OUTSIDE = /build .*resolves outside the project root .*outside[/\\]secret/;

const CHECK_WORKFLOW_CASES: FileCase[] = [
  importCase('cw-import-txt', 'check-workflow of a workflow importing ../../../../../outside/secret.txt (outside the project)', 'import secret from "../../../../../outside/secret.txt";', OUTSIDE, true),
  importCase('cw-import-json', 'check-workflow of a workflow importing a JSON secret outside the project', 'import secret from "../../../../../outside/secret.json";', OUTSIDE),
  importCase('cw-import-bare', 'check-workflow of a workflow importing an extensionless file by absolute path, outside the project', 'import secret from "ABS/outside/secret";', OUTSIDE),
  importCase('cw-import-symlink', 'check-workflow of a workflow importing ./inside.txt, a symlink to a secret outside the project', 'import secret from "./inside.txt";', /lies outside the project root/),
  {
    name: 'cw-rootdir-outside',
    description: "check-workflow of a project whose kinde.json says rootDir \"../outside\"",
    exit: 2,
    limitMs: 120_000,
    prepare: (dir) => {
      project(dir);
      writeFileSync(join(dir, 'proj', 'kinde.json'), JSON.stringify({ rootDir: '../outside' }));
      return { args: ['check-workflow', join(dir, 'proj'), `--report-dir=${join(dir, 'out')}`], cwd: join(dir, 'proj') };
    },
    check: (_dir, output) => (/rootDir "\.\.\/outside" lies outside the project/.test(output) ? [] : ['rootDir outside not named']),
  },
  {
    name: 'cw-fifo-workflow',
    description: 'check-workflow of a FIFO as the workflow file (nobody writes to it: reading it would hang)',
    exit: 2,
    fast: true,
    // A refusal takes a CLI start; a hang ends here and fails the row.
    limitMs: 60_000,
    prepare: (dir) => {
      const wf = project(dir);
      execFileSync('mkfifo', [join(wf, 'pipeWorkflow.ts')]);
      return { args: ['check-workflow', join(wf, 'pipeWorkflow.ts'), `--report-dir=${join(dir, 'out')}`], cwd: join(dir, 'proj') };
    },
    check: (_dir, output) => (/not a regular file/.test(output) ? [] : ['FIFO not named as "not a regular file"']),
  },
];

// ---------------------------------------------------------------- interrupted runs

const HISTORY = 'kinde-conformance';
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const runsIn = (dir: string) => readdirSync(join(dir, HISTORY)).filter((n) => n !== 'latest').sort();

/** A first, finished run in `dir` (its results' hash kept beside it), then the long run to interrupt. */
function interruptedRun(dir: string): { args: string[]; cwd: string } {
  const first = spawnSync(process.execPath, [BIN, 'run', '--only=TOKEN-ISS', '--runs=2', '--seed=1'], { cwd: dir, timeout: 180_000, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (first.status !== 0) throw new Error(`the first (finished) run exited ${first.status ?? first.signal}`);
  const [id] = runsIn(dir);
  writeFileSync(join(dir, 'first.json'), JSON.stringify({ id, results: sha(join(dir, HISTORY, id!, 'results.json')), html: sha(join(dir, HISTORY, id!, 'report.html')) }));
  // Far more runs than the wait for one progress line needs: it is still running when the signal comes.
  return { args: ['run', '--runs=100', '--seed=2', '--concurrency=1'], cwd: dir };
}

function interruptedProblems(dir: string, output: string, signal: string): string[] {
  const problems: string[] = [];
  const first = JSON.parse(readFileSync(join(dir, 'first.json'), 'utf8')) as { id: string; results: string; html: string };
  const firstDir = join(dir, HISTORY, first.id);
  if (sha(join(firstDir, 'results.json')) !== first.results || sha(join(firstDir, 'report.html')) !== first.html) problems.push("the previous run's report changed");
  const latest = join(dir, HISTORY, 'latest');
  // `latest` is a symlink to the run, or a copy of it where links are refused.
  const isLink = existsSync(latest) && lstatSync(latest).isSymbolicLink();
  if (!existsSync(join(latest, 'results.json')) || sha(join(latest, 'results.json')) !== first.results || (isLink && realpathSync(latest) !== realpathSync(firstDir))) {
    problems.push('latest does not point to the previous (finished) run');
  }
  const second = runsIn(dir).find((n) => n !== first.id);
  if (!second) problems.push('no directory for the interrupted run');
  else {
    const d = join(dir, HISTORY, second);
    if (!existsSync(join(d, 'INTERRUPTED'))) problems.push(`${second} not marked INTERRUPTED`);
    if (existsSync(join(d, 'RUNNING'))) problems.push(`${second} still marked RUNNING`);
    if (existsSync(join(d, 'results.json'))) problems.push(`${second} holds a results.json`);
  }
  const lines = output.split('\n').filter((l) => /interrupted \(SIG/.test(l));
  if (lines.length !== 1) problems.push(`${lines.length} interruption lines, expected 1`);
  else if (!lines[0]!.includes(`interrupted (${signal})`) || !lines[0]!.includes('no report was written')) problems.push(`interruption line: ${lines[0]!.slice(0, 100)}`);
  return problems;
}

/** The first progress line of a run (bin/progress.ts): `[ 1/N · …`. */
const FIRST_PROGRESS = /\[\s*1\/\d+ ·/;

const INTERRUPT_CASES: FileCase[] = [
  {
    name: 'interrupt-sigint',
    description: 'a run of the reference (--runs=100, all requirements) sent SIGINT after its first progress line, a finished run beside it',
    exit: 130,
    fast: true,
    limitMs: 300_000,
    signal: { send: 'SIGINT', after: FIRST_PROGRESS },
    prepare: interruptedRun,
    check: (dir, output) => interruptedProblems(dir, output, 'SIGINT'),
  },
  {
    name: 'interrupt-sigterm',
    description: 'the same run sent SIGTERM (what a CI timeout sends)',
    exit: 143,
    limitMs: 300_000,
    signal: { send: 'SIGTERM', after: FIRST_PROGRESS },
    prepare: interruptedRun,
    check: (dir, output) => interruptedProblems(dir, output, 'SIGTERM'),
  },
  {
    name: 'interrupt-report',
    description: 'report of the run directory a SIGINT left INTERRUPTED',
    exit: 2,
    limitMs: 300_000,
    signal: { send: 'SIGINT', after: FIRST_PROGRESS },
    prepare: interruptedRun,
    then: {
      firstExit: 130,
      args: (dir) => {
        const first = (JSON.parse(readFileSync(join(dir, 'first.json'), 'utf8')) as { id: string }).id;
        const second = runsIn(dir).find((n) => n !== first) ?? 'missing';
        return ['report', join(HISTORY, second, 'results.json')];
      },
    },
    check: (_dir, output) => (/is marked INTERRUPTED.*that run wrote no report/.test(output) ? [] : ['report did not name the INTERRUPTED marker']),
  },
];

export const COMMAND_CASES: FileCase[] = [...CHECK_WORKFLOW_CASES, ...INTERRUPT_CASES];
