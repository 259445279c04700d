/**
 * The command-line entry of kinde-token-conformance.
 *
 *   run             conformance run against --target or --verifier
 *   test            the self-tests (in a clone), then the same run
 *   report          render saved results.json files again (merge shards, compare runs)
 *   targets         list the known targets and verifiers
 *   serve           the reference issuer over HTTP (target protocol v1)
 *   list            the requirements a run with the same options would check
 *
 * Options are parsed and validated here, before anything starts; the run
 * itself is the runner's (runner/), not a test framework's.
 */
import { SUITE_VERSION } from '../schemas/version.js';
import { didYouMean, errorPrefix, parse, UsageError } from '../cli/args.js';
import { applyNoColorFlag } from '../cli/term.js';
import { foreignBlock } from '../reports/sanitize.js';

const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;

// Each command's modules load only when it runs: --version and --help stay instant.
const COMMANDS: Record<string, { summary: string; run: (argv: string[]) => Promise<number> }> = {
  run: { summary: 'the conformance suites against --target (or --verifier)', run: async (a) => (await import('./run-command.js')).conformanceCommand('run', a) },
  test: { summary: 'the self-tests (in a clone of the repository), then the conformance suites', run: async (a) => (await import('./run-command.js')).conformanceCommand('test', a) },
  list: { summary: 'the requirement IDs, areas and titles a run with these options would check (--json)', run: async (a) => (await import('./list-command.js')).listCommand(a) },
  report: { summary: 'render saved results again: report [results.json…] [--out=DIR] [--merge] [--compare[=base.json]]', run: async (a) => (await import('../reports/cli.js')).reportCommand(a) },
  targets: { summary: 'list known targets and verifiers', run: targetsCommand },
  serve: { summary: 'the reference issuer over HTTP on 127.0.0.1 (target protocol v1)', run: async (a) => (await import('../reference/serve-cli.js')).serveCommand(a) },
  power: {
    summary: 'a mutation campaign: generated defects around --target, killed by which requirement, or survived',
    run: async (a) => (await import('../mutation/cli.js')).powerCommand(a),
  },
  'check-workflow': {
    summary: 'check Workflow.ts files before deploying them: check-workflow <file | kindeSrc folder>',
    run: async (a) => (await import('../workflow-check/cli.js')).checkWorkflowCommand(a),
  },
};

const USAGE = `Usage: kinde-token-conformance <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(Math.max(...Object.keys(COMMANDS).map((k) => k.length)) + 2)}${c.summary}`)
  .join('\n')}

'kinde-token-conformance <command> --help' tells more. -V, --version prints the version.
Every option is written --name=VALUE or --name VALUE; --no-color (or NO_COLOR) turns colour off,
FORCE_COLOR=1 turns it on in logs.

Exit codes: 0 conforming, 1 a requirement FAILED or ERRORED (or a WARNING with --strict)
or a self-test failed, 2 usage or configuration error or nothing checked, 3 target or
verifier unreachable.`;

async function targetsCommand(argv: string[]): Promise<number> {
  const usage = 'Usage: kinde-token-conformance targets\n\nLists the targets (--target) and verifiers (--verifier) this version knows.';
  const { values } = parse(argv, {}, usage);
  if (values.help) {
    console.log(usage);
    return EXIT.OK;
  }
  const { listTargets } = await import('../targets/registry.js');
  const { listVerifiers } = await import('../adapters/verifiers/registry.js');
  for (const t of listTargets()) console.log(`${t.name.padEnd(44)} ${t.description}`);
  console.log('\nVerifiers (--verifier):');
  for (const v of listVerifiers()) console.log(`${v.name.padEnd(44)} ${v.description}`);
  console.log('\nOr a path to a module of your own: --target=./my-adapter.js, --verifier=./my-verifier.js (docs/writing-an-adapter.md).');
  return EXIT.OK;
}

export function registerCommand(name: string, summary: string, run: (argv: string[]) => Promise<number>): void {
  COMMANDS[name] = { summary, run };
}

export async function main(args: string[]): Promise<number> {
  const argv = applyNoColorFlag(args);
  const [command, ...rest] = argv;
  const known = command !== undefined && Object.hasOwn(COMMANDS, command) ? command : undefined;
  try {
    if (command === '--version' || command === '-V' || command === '-v' || command === 'version') {
      console.log(SUITE_VERSION);
      return EXIT.OK;
    }
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      console.log(USAGE);
      return command === undefined ? EXIT.USAGE : EXIT.OK;
    }
    const cmd = COMMANDS[command];
    if (!cmd) throw new UsageError(`unknown command "${command}"${didYouMean(command, Object.keys(COMMANDS))}; commands: ${Object.keys(COMMANDS).join(', ')}`);
    return await cmd.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      // Usage errors may quote foreign text (a module's error, a results file): no control, no workflow command.
      console.error(foreignBlock(`${errorPrefix(known)}${e.message}`, '', 500));
      return EXIT.USAGE;
    }
    console.error(`${errorPrefix(known)}internal error: ${(e as Error).stack ?? e}`);
    return EXIT.FAILED;
  }
}

const code = await main(process.argv.slice(2));
process.exit(code);
