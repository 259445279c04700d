/**
 * check-workflow's fixtures: what the workflows' kinde.env and kinde.fetch /
 * kinde.secureFetch answer, from the files and flags the user passes (never
 * the process environment):
 *
 * - `--fixtures=FILE`: one JSON file `{ "env": {…}, "fetch": [ … ] }`
 *   (schemas/workflow-fixtures.schema.json);
 * - `--env-vars=FILE`: `KEY=VALUE` lines (`#` comments, blank lines, optional
 *   `export `, values optionally in matching quotes), added to the env. Not
 *   `--env-file`: Node 20 itself reads every `--env-file` argument, even one
 *   after the script, before our code runs (`--env-file=/dev/zero` hung);
 * - `--env KEY=VALUE` (repeatable): added last, so it wins.
 */
import { FIXTURE_LIMITS } from '../reference/limits.js';
import { readInputFile } from '../reports/read-input.js';
import { parseWorkflowFixtures, parseWorkflowFixturesJson, type WorkflowFixtures } from '../reference/workflows/index.js';
import { UsageError } from './discover.js';

export interface FixtureFlags {
  fixtures?: string;
  envFile?: string;
  env?: readonly string[];
}

function readBounded(flag: string, file: string): string {
  try {
    return readInputFile(file, FIXTURE_LIMITS.maxBytes);
  } catch (e) {
    throw new UsageError(`--${flag}: ${(e as Error).message}`);
  }
}

const PAIR = /^([^=\s]+)=(.*)$/s;

function unquote(v: string): string {
  const t = v.trim();
  return t.length >= 2 && (t[0] === '"' || t[0] === "'") && t.at(-1) === t[0] ? t.slice(1, -1) : t;
}

/** `KEY=VALUE` lines; errors name the file and line. */
export function parseEnvFile(text: string, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = PAIR.exec(line.replace(/^export\s+/, ''));
    if (!m) throw new UsageError(`--env-vars: ${file}:${i + 1} is not KEY=VALUE`);
    out[m[1]!] = unquote(m[2]!);
  }
  return out;
}

/** The fixtures the flags describe; undefined when none was given. Bad input: a UsageError naming the flag and field. */
export function loadFixtures(flags: FixtureFlags): WorkflowFixtures | undefined {
  if (flags.fixtures === undefined && flags.envFile === undefined && (flags.env ?? []).length === 0) return undefined;
  try {
    const base = flags.fixtures === undefined ? { env: {}, fetch: [] } : parseWorkflowFixturesJson(readBounded('fixtures', flags.fixtures), flags.fixtures);
    const env: Record<string, string | { value: string; isSecret: boolean }> = { ...base.env };
    if (flags.envFile !== undefined) Object.assign(env, parseEnvFile(readBounded('env-vars', flags.envFile), flags.envFile));
    for (const pair of flags.env ?? []) {
      const m = PAIR.exec(pair);
      if (!m) throw new UsageError(`--env must be KEY=VALUE, got "${pair.slice(0, 100)}"`);
      env[m[1]!] = m[2]!;
    }
    // Validated once more as a whole: names, sizes and counts of the merged env.
    return parseWorkflowFixtures({ env, fetch: base.fetch }, 'fixtures');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError((e as Error).message);
  }
}
