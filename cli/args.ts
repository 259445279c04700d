/**
 * Command-line option handling shared by the commands: strict parsing with
 * node:util (no dependency, nothing to load at start-up), one-line usage
 * errors that name the option and what it accepts, and "did you mean"
 * suggestions for mistyped options, targets and requirement IDs.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** The program's name: the first word of every error line. */
export const PROGRAM = 'kinde-token-conformance';

/** The command a user types, printed in hints and replay lines: works in a clone and wherever the package is installed. */
export const COMMAND = `npx ${PROGRAM}`;

/** The one error prefix of every command: `kinde-token-conformance <command>: …`. */
export function errorPrefix(command?: string): string {
  return command ? `${PROGRAM} ${command}: ` : `${PROGRAM}: `;
}

/** A usage or configuration error: exit 2, one line naming what was wrong. */
export class UsageError extends Error {
  readonly code = 'ERR_USAGE';
  constructor(message: string, readonly usage?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Levenshtein distance, for suggestions. */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The closest known word, if it is close enough to be a typo. */
export function suggest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(word.toLowerCase(), k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

export function didYouMean(word: string, known: readonly string[]): string {
  const s = suggest(word, known);
  return s === undefined ? '' : ` (did you mean "${s}"?)`;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** The values `parse` returns for an options table: strings, booleans for boolean options. */
export type OptionValues<O extends Options> = { -readonly [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string };

/** Options every command takes: its own help, and no colour (bin/cli.ts also applies --no-color process-wide). */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  'no-color': { type: 'boolean' },
} as const satisfies Options;

/**
 * parseArgs for every command: `--opt=VALUE` and `--opt VALUE` alike, `-h`/`--help`
 * and `--no-color` everywhere, and its errors turned into one-line usage errors
 * that suggest the nearest option (the usage itself only on --help).
 */
export function parse(argv: string[], options: Options, usage: string, positionals = false): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const all = { ...COMMON_OPTIONS, ...options };
  try {
    return parseArgs({ args: argv, options: all, strict: true, allowPositionals: positionals }) as { values: Record<string, string | boolean | undefined>; positionals: string[] };
  } catch (e) {
    const msg = (e as Error).message;
    const m = /Unknown option '(--?[^']+)'/.exec(msg);
    if (m) {
      const flag = m[1]!.replace(/^-+/, '').split('=')[0]!;
      const hint = didYouMean(flag, Object.keys(all));
      throw new UsageError(`unknown option ${m[1]}${hint ? hint.replace(/"([^"]+)"/, '"--$1"') : ''}; see --help`, usage);
    }
    const a = /Option '(--[^ ']+)[^']*' argument missing/.exec(msg);
    if (a) throw new UsageError(`${a[1]} needs a value (${a[1]}=VALUE or ${a[1]} VALUE)`, usage);
    const p = /Unexpected argument '([^']+)'/.exec(msg);
    if (p) throw new UsageError(`unexpected argument "${p[1]}"${positionals ? '' : ' (this command takes no file or word, only options)'}; see --help`, usage);
    const b = /Option '(--[^ ']+)[^']*' does not take an argument/.exec(msg);
    if (b) throw new UsageError(`${b[1]} is a switch and takes no value; see --help`, usage);
    throw new UsageError(msg.split('\n')[0]!, usage);
  }
}

/** An integer option within [min, max], or undefined when absent. */
export function intOption(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(Number(v)) || Number(v) < min || Number(v) > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${v}"`);
  }
  return Number(v);
}

/** `--shard=i/n`: slice i of n (1 ≤ i ≤ n ≤ 1000) of a run's checks or a campaign's operators. */
export function parseShard(v: string | undefined): { index: number; count: number } | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(v);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2]) || Number(m[2]) > 1000) {
    throw new UsageError(`--shard must look like i/n with 1 ≤ i ≤ n ≤ 1000, got "${v}"`);
  }
  return { index: Number(m[1]), count: Number(m[2]) };
}
