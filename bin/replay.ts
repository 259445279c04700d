/**
 * `run --replay=results.json`: target, seed, runs and the failure's path taken
 * from a saved run — a file that may come from anywhere (a fork's CI artifact,
 * a colleague's upload), so it is foreign input:
 *
 * - it never chooses code: a target or verifier it records is taken only when
 *   it is a built-in name of the registries (reference, http, mutant:…,
 *   weak:…, the third-party adapters); a module path (`./x.mjs`, absolute,
 *   `file:`, `.ts`) must be given again on the command line (`--target=…`),
 *   else the replay stops with exit 2 naming it, before anything is imported;
 * - what it decides is printed first (one line saying the file is replayed,
 *   then every URL it records, before any request goes there);
 * - its text reaches the terminal only through reports/sanitize.ts.
 */
import { dirname, join } from 'node:path';
import { isModulePath } from '../targets/module-path.js';
import { isTargetName } from '../targets/registry.js';
import { isVerifierName } from '../adapters/verifiers/registry.js';
import type { RunResults } from '../reports/results.js';
import { loadResults } from '../reports/cli.js';
import { foreignLine } from '../reports/sanitize.js';
import { UsageError } from '../cli/args.js';

/** The options `--replay` fills in (those the user did not give). */
export interface ReplayValues {
  target?: string | undefined;
  verifier?: string | undefined;
  'target-url'?: string | undefined;
  'verifier-url'?: string | undefined;
  timeout?: string | undefined;
  'validate-protocol'?: boolean | undefined;
  seed?: string | undefined;
  runs?: string | undefined;
  only?: string | undefined;
  path?: string | undefined;
  'report-dir'?: string | undefined;
}

/** What `--replay` may print: the run's own stdout by default. */
export type Say = (line: string) => void;

/**
 * A name recorded in the file, accepted only when it names no code: a module
 * path must come from the command line, an unknown name is refused.
 */
function accept(kind: 'target' | 'verifier', name: string, file: string, where: string): string {
  const shown = foreignLine(name, 200);
  if (isModulePath(name)) {
    throw new UsageError(
      `${file} names the ${kind} module ${shown} (${where}): a results file never chooses code to run. ` +
        `If you trust that module, name it yourself: --replay=${file} --${kind}=${shown}`,
    );
  }
  const known = kind === 'target' ? isTargetName(name) : isVerifierName(name);
  if (!known) {
    throw new UsageError(`${file} names the ${kind} "${shown}" (${where}), which is not a built-in ${kind} ('targets' lists them); give --${kind}=… on the command line to replay it`);
  }
  return name;
}

/** Fills `values` from a saved run (only what the command line left open) and says what it took. */
export async function fromResults(values: ReplayValues, file: string, say: Say = (l) => console.log(l)): Promise<void> {
  let saved: RunResults;
  try {
    saved = await loadResults(file);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const failures = saved.requirements.filter((r) => r.failure);
  const wanted = values.only ?? (failures.length === 1 ? failures[0]!.id : undefined);
  if (wanted === undefined || wanted.includes(',')) {
    const ids = failures.slice(0, 50).map((r) => foreignLine(r.id, 80));
    throw new UsageError(`--replay needs one --only=ID; failures in ${file}: ${ids.join(', ') || 'none'}${failures.length > 50 ? ` … (${failures.length - 50} more)` : ''}`);
  }
  const failure = saved.requirements.find((r) => r.id === wanted)?.failure;
  if (!failure) throw new UsageError(`${file} has no failure recorded for ${foreignLine(wanted, 80)}`);
  const inv = saved.invocation;
  const taken: string[] = [];
  const urls: string[] = [];
  if (inv) {
    if (values.target === undefined) {
      values.target = accept('target', inv.target, file, 'invocation.target');
      taken.push(`target ${values.target}`);
    }
    if (inv.verifier !== undefined && values.verifier === undefined) {
      values.verifier = accept('verifier', inv.verifier, file, 'invocation.verifier');
      taken.push(`verifier ${values.verifier}`);
    }
    if (inv.targetUrl !== undefined && values['target-url'] === undefined && values.target === 'http') {
      values['target-url'] = inv.targetUrl;
      urls.push(`target URL ${foreignLine(inv.targetUrl, 500)}`);
    }
    if (inv.verifierUrl !== undefined && values['verifier-url'] === undefined && values.verifier === 'http-api') {
      values['verifier-url'] = inv.verifierUrl;
      urls.push(`verifier URL ${foreignLine(inv.verifierUrl, 500)}`);
    }
    if (inv.timeoutMs !== undefined) values.timeout ??= String(inv.timeoutMs);
    if (inv.validateProtocol) values['validate-protocol'] ??= true;
  } else {
    // Results written before the invocation was recorded: the target's name stood for both.
    const name = saved.target.name;
    if (name.startsWith('verifier:')) {
      if (values.verifier === undefined) {
        values.verifier = accept('verifier', name.slice('verifier:'.length), file, 'target.name');
        taken.push(`verifier ${values.verifier}`);
      }
    } else if (values.target === undefined) {
      values.target = accept('target', name, file, 'target.name');
      taken.push(`target ${values.target}`);
    }
  }
  values.seed = String(saved.seed);
  values.runs = String(saved.runs);
  values.only = wanted;
  if (failure.path) values.path = failure.path;
  values['report-dir'] ??= join(dirname(file), 'replay');
  taken.push(`seed ${saved.seed}`, `${saved.runs} runs`, ...(failure.path ? [failure.path.length <= 40 ? `path ${foreignLine(failure.path, 40)}` : `a path of ${failure.path.split(':').length} steps`] : []));
  say(`kinde-token-conformance: replaying ${foreignLine(wanted, 80)} from ${file}, a results file written elsewhere: it names no code (built-in targets only); taken from it: ${taken.join(', ')}`);
  for (const u of urls) say(`  ${u} (from ${file}: requests go there)`);
}
