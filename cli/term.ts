/**
 * Terminal conventions shared by every command: colour decided once
 * (--no-color, NO_COLOR, FORCE_COLOR, a TTY), counted nouns, percentages
 * rounded like vitest and Stryker, durations, paths as typed. A leaf: imports nothing of ours.
 */
import { isAbsolute, relative, resolve } from 'node:path';

/**
 * Colour on a TTY unless NO_COLOR; FORCE_COLOR (non-"0"/"false") forces it anywhere.
 * `--no-color` wins over both: bin/cli.ts turns it into NO_COLOR and drops FORCE_COLOR.
 */
export function useColor(stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}

/** `--no-color` anywhere before `--` applies to every line the process (and its workers) print. Returns argv without it. */
export function applyNoColorFlag(argv: string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const end = argv.indexOf('--');
  const head = end === -1 ? argv : argv.slice(0, end);
  if (!head.includes('--no-color')) return argv;
  env.NO_COLOR = '1';
  delete env.FORCE_COLOR;
  return [...head.filter((a) => a !== '--no-color'), ...(end === -1 ? [] : argv.slice(end))];
}

const CODES = { red: 31, green: 32, yellow: 33, magenta: 35, cyan: 36, gray: 90, bold: 1, dim: 2 } as const;
export type Style = keyof typeof CODES;

/** A painter: ANSI styles when `color`, the text unchanged otherwise. */
export function painter(color: boolean): (style: Style, text: string) => string {
  return (style, text) => (color ? `\x1b[${CODES[style]}m${text}\x1b[0m` : text);
}

/** `1 run`, `2 runs`; `plural(1, 'entry', 'entries')`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/**
 * A share in percent, rounded to one decimal like vitest and Stryker (2/3 → 66.7),
 * except that a share below 100 % never shows as 100 and one above 0 never as 0.
 */
export function roundPercent(part: number, whole: number): number {
  if (whole <= 0) return 0;
  const r = Math.round((1000 * part) / whole) / 10;
  if (r >= 100 && part < whole) return 99.9;
  if (r <= 0 && part > 0) return 0.1;
  return r;
}

/** `4.2 s`, `1 min 05 s`, `1 h 02 min`. */
export function formatDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.floor(s % 60)).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** A path as the user would type it from the current directory (relative when below it), for printed lines. */
export function shownPath(p: string, cwd = process.cwd()): string {
  const r = relative(cwd, resolve(cwd, p));
  return r === '' ? '.' : r.startsWith('..') || isAbsolute(r) ? resolve(cwd, p) : r;
}
