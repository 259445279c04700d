/**
 * Foreign text — anything a target, a verifier, a results file or a workflow
 * under review chose — made safe for a terminal, a CI log and Markdown:
 *
 * - control characters (C0 but tab, DEL, C1, hence ESC and CSI) and the
 *   Unicode bidi overrides, embeddings, isolates and marks are shown escaped
 *   (`\x1b`, `\u202e`): nothing foreign moves the cursor, retitles a window,
 *   clears a screen or reorders what a reviewer reads;
 * - a foreign newline never starts an output line: {@link foreignLine} shows it
 *   as `\n`, {@link foreignBlock} prefixes every line with the caller's gutter;
 * - no output line carrying foreign text begins with `::` (after white space,
 *   which GitHub's runner trims): that would be a workflow command
 *   (`::add-mask::`, `::stop-commands::`, `::error`) the tool never chose;
 * - every line is length-bounded, saying how much was left out.
 *
 * The one place for this: terminal, annotation and Markdown renderers call it
 * on every string they did not write themselves.
 */

/** Longest foreign text one output line carries before it is cut. */
export const FOREIGN_LINE_MAX = 2_000;

// C0 except \t and \n, DEL, C1; bidi: ALM, LRM/RLM, LRE/RLE/PDF/LRO/RLO, LRI/RLI/FSI/PDI; line/paragraph separators.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (code === 0x0d) return '\\r';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Control and bidi characters shown escaped; newlines and tabs kept. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/** True when the text holds a character {@link escapeControls} would escape. */
export function hasUnsafeCharacters(text: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(text);
  UNSAFE.lastIndex = 0;
  return found;
}

function bound(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** A line that would be read as a GitHub workflow command is made inert (`: :` is shown, nothing is run). */
export function inertCommand(line: string): string {
  return line.replace(/^(\s*):(?=:)/, '$1: ');
}

/** Foreign text on one output line: controls escaped, newlines shown as `\n`, bounded, never a workflow command. */
export function foreignLine(text: unknown, max = FOREIGN_LINE_MAX): string {
  const s = typeof text === 'string' ? text : String(text);
  return inertCommand(bound(escapeControls(s).replace(/\n/g, '\\n').replace(/\t/g, ' '), max));
}

/**
 * Foreign multi-line text: every line escaped, bounded, prefixed with `gutter`
 * (so none starts at column 0 unless the caller asks) and never a workflow
 * command; at most `maxLines` lines, then a count of what was left out.
 */
export function foreignBlock(text: unknown, gutter = '  ', maxLines = 200, max = FOREIGN_LINE_MAX): string {
  const s = typeof text === 'string' ? text : String(text);
  const lines = escapeControls(s).split('\n');
  const shown = lines.slice(0, maxLines).map((l) => inertCommand(gutter + bound(l.replace(/\t/g, ' '), max)));
  if (lines.length > maxLines) shown.push(`${gutter}… (${lines.length - maxLines} more lines)`);
  return shown.join('\n');
}

/** Workflow-command escaping (actions/toolkit `escapeData`), after controls are escaped. */
export function escapeCommandData(s: string): string {
  return escapeControls(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Workflow-command property escaping (actions/toolkit `escapeProperty`). */
export function escapeCommandProperty(s: string): string {
  return escapeCommandData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const STACK_FRAME = /^\s+at \S.*(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/;

/**
 * Foreign text without the frames of a stack trace (an adapter's error carries
 * one): they belong in results.json, not in a summary or a CI annotation.
 * Says how many lines were left out.
 */
export function withoutStack(text: string): string {
  const lines = text.split('\n');
  const kept = lines.filter((l) => !STACK_FRAME.test(l));
  return kept.length < lines.length ? `${kept.join('\n')}\n(${lines.length - kept.length} stack lines: see results.json)` : text;
}

/**
 * The workflow-command lines the run command itself prints (GITHUB_ACTIONS=true): one annotation per
 * failing requirement (bin/output.ts) and the fold around the progress lines (bin/progress.ts). Tests and
 * the hardening harness accept these and no other `::` line.
 */
export const OWN_RUN_COMMAND_LINE = /^::(?:(?:error|warning) title=[A-Z0-9-]+ (?:FAILED|ERRORED|WARNING)::|group::kinde-token-conformance: \d+ checks?$|endgroup::$)/;
