/**
 * `kinde-token-conformance power report --merge <mutation-results.json…> [--report-dir=DIR]`:
 * the shards of one campaign (`power --shard=i/n`) merged into the results
 * and report one job would have written, with the same exit code.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse, UsageError, type OptionValues } from '../cli/args.js';
import { InputFileError, readInputFile } from '../reports/read-input.js';
import { DEFAULT_REPORT_DIR, ensureWritableDirectory } from '../reports/write.js';
import { foreignLine } from '../reports/sanitize.js';
import { renderMutationHtml } from './html.js';
import { checkCampaignResults, mergeCampaignResults, PowerMergeError } from './merge.js';
import { renderSummary, type CampaignResults } from './report.js';

export const POWER_REPORT_USAGE = `Usage: kinde-token-conformance power report --merge <mutation-results.json…> [options]

Merges the shards of one campaign (power --shard=i/n) into the results one job
would have written: mutation-results.json and mutation-report.html.

Options:
  --merge              merge the given files (every shard of one campaign)
  --report-dir=DIR     where the merged reports go (default ./kinde-conformance)
  -h, --help           this help

Exit codes: 0 every survivor explained, 1 an unexplained survivor or a failed control, 2 usage or input error.`;

const OPTIONS = {
  merge: { type: 'boolean' },
  'report-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A results file the suite wrote is far smaller (one record per mutant). */
const MAX_RESULTS_BYTES = 64 * 1024 * 1024;

export async function writeCampaignReports(dir: string, results: CampaignResults): Promise<void> {
  await writeFile(join(dir, 'mutation-results.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(join(dir, 'mutation-report.html'), renderMutationHtml(results));
}

/** Returns the exit code; usage and input errors are printed here (exit 2). */
export async function powerReportCommand(argv: string[]): Promise<number> {
  try {
    const { values, positionals } = parse(argv, OPTIONS, POWER_REPORT_USAGE, true) as { values: OptionValues<typeof OPTIONS>; positionals: string[] };
    if (values.help) {
      console.log(POWER_REPORT_USAGE);
      return 0;
    }
    if (positionals.length === 0) throw new UsageError('name the mutation-results.json files of the shards to merge');
    if (!values.merge && positionals.length > 1) throw new UsageError('several files are shards: add --merge');
    const shards = positionals.map((file) => {
      let value: unknown;
      try {
        value = JSON.parse(readInputFile(file, MAX_RESULTS_BYTES));
      } catch (e) {
        if (e instanceof InputFileError) throw e;
        throw new PowerMergeError(`${file}: not JSON (${(e as Error).message})`);
      }
      return { file, results: checkCampaignResults(file, value) };
    });
    const merged = mergeCampaignResults(shards);
    const dir = resolve(values['report-dir'] ?? DEFAULT_REPORT_DIR);
    try {
      await ensureWritableDirectory(dir);
    } catch (e) {
      throw new PowerMergeError(`--report-dir ${dir}: ${(e as Error).message}`);
    }
    await writeCampaignReports(dir, merged);
    console.log(`${renderSummary(merged)}\n\nMerged ${shards.length} file${shards.length > 1 ? 's' : ''}: ${join(dir, 'mutation-report.html')}\n         ${join(dir, 'mutation-results.json')}`);
    return !merged.control.passed || merged.unexplained.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`kinde-token-conformance power report: ${e.message}\n\n${POWER_REPORT_USAGE}`);
      return 2;
    }
    if (e instanceof PowerMergeError || e instanceof InputFileError) {
      console.error(`kinde-token-conformance power report: ${foreignLine((e as Error).message)}`);
      return 2;
    }
    throw e;
  }
}
