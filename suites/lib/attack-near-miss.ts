/**
 * Near misses of a value a verifier must compare exactly (iss, aud, org_code,
 * kid, alg): generated edits of the expected string, as plain data so that
 * fast-check shrinks a caught defect to the smallest edit (one character at
 * position 0, …). Defective comparisons built independently of the suite
 * (prefix, substring, case-insensitive, trimming, normalizing, URL-parsing)
 * each accept some of these; an exact comparison accepts none.
 *
 * The edit does not know the expected value (that comes from the generated
 * environment at run time): positions are taken modulo its length, and an edit
 * that cannot change it (a case flip on a string without letters) yields
 * undefined, so no run is judged on the expected value itself.
 */
import fc from 'fast-check';

export type Edit =
  | { op: 'insert'; at: number; char: string }
  | { op: 'delete'; at: number }
  | { op: 'replace'; at: number; char: string }
  | { op: 'case'; at: number }
  | { op: 'case-all'; upper: boolean }
  | { op: 'whitespace'; where: 'leading' | 'trailing' | 'both'; ws: string }
  /** A value contained in the expected one: its first or last `keep` characters (keep < length). */
  | { op: 'truncate'; from: 'start' | 'end'; keep: number }
  /** A value that contains the expected one. */
  | { op: 'extend'; where: 'prefix' | 'suffix'; text: string }
  | { op: 'confusable'; at: number; form: 'lookalike' | 'fullwidth' };

/** URL-shaped edits for `iss`, on top of the string edits. */
export type UrlEdit =
  | { op: 'url'; variant: 'trailing-slash' | 'http' | 'scheme-case' | 'host-case' | 'default-port' | 'trailing-dot' | 'userinfo' | 'path' | 'subdomain' | 'host-suffix' | 'query' | 'fragment' | 'double-slash' | 'encoded' }
  | Edit;

/** Characters that independently built comparisons tend to ignore or fold. */
const SPECIAL = [' ', '\t', '\n', '\u0000', '\u200b', '\u00a0', '.', '/', ':', '-', '_', '%', '*', '\\', 'é', 'A', 'a', '0', 'Z'];
const WHITESPACE = [' ', '\t', '\n', '\r\n', '\u00a0', '\u200b'];
/**
 * Look-alikes (Cyrillic/Greek letters, O for 0, l for 1) survive Unicode normalization; the
 * `fullwidth` form (U+FF01…) folds back to ASCII under NFKC, so a comparison that normalizes
 * before comparing accepts it.
 */
const CONFUSABLES: Record<string, string> = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', x: 'х', i: 'і', k: 'κ', s: 'ѕ', '0': 'O', '1': 'l' };

const charArb = fc.oneof(fc.constantFrom(...SPECIAL), fc.string({ minLength: 1, maxLength: 1 }));

export const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(64), char: charArb }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(64) }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(64), char: charArb }),
  fc.record({ op: fc.constant('case' as const), at: fc.nat(64) }),
  fc.record({ op: fc.constant('case-all' as const), upper: fc.boolean() }),
  fc.record({ op: fc.constant('whitespace' as const), where: fc.constantFrom('leading' as const, 'trailing' as const, 'both' as const), ws: fc.constantFrom(...WHITESPACE) }),
  fc.record({ op: fc.constant('truncate' as const), from: fc.constantFrom('start' as const, 'end' as const), keep: fc.nat(64) }),
  fc.record({
    op: fc.constant('extend' as const),
    where: fc.constantFrom('prefix' as const, 'suffix' as const),
    text: fc.oneof(fc.constantFrom('x', '0', '_', '-evil', '.attacker.test', ' ', '/', 'evil-'), fc.string({ minLength: 1, maxLength: 6 })),
  }),
  fc.record({ op: fc.constant('confusable' as const), at: fc.nat(64), form: fc.constantFrom('lookalike' as const, 'fullwidth' as const) }),
);

/**
 * One edit of every kind (both ends for the end-sensitive ones), with generated positions,
 * characters and texts: every run of a near-miss check tries each class of defective
 * comparison, instead of one class picked at random (a prefix check is caught only by a
 * few kinds of edit, a normalizing one by others).
 */
export const editBatteryArb: fc.Arbitrary<Edit[]> = fc
  .record({
    at: fc.nat(64),
    char: charArb,
    replaceChar: charArb,
    ws: fc.constantFrom(...WHITESPACE),
    keep: fc.nat(64),
    text: fc.oneof(fc.constantFrom('x', '0', '_', '-evil', '.attacker.test', '/'), fc.string({ minLength: 1, maxLength: 6 })),
  })
  .map(({ at, char, replaceChar, ws, keep, text }): Edit[] => [
    { op: 'insert', at, char },
    { op: 'delete', at },
    { op: 'replace', at, char: replaceChar },
    { op: 'case', at },
    { op: 'case-all', upper: true },
    { op: 'case-all', upper: false },
    { op: 'whitespace', where: 'leading', ws },
    { op: 'whitespace', where: 'trailing', ws },
    { op: 'truncate', from: 'start', keep },
    { op: 'truncate', from: 'end', keep },
    { op: 'extend', where: 'prefix', text },
    { op: 'extend', where: 'suffix', text },
    { op: 'confusable', at, form: 'lookalike' },
    { op: 'confusable', at, form: 'fullwidth' },
  ]);

const URL_VARIANTS = ['trailing-slash', 'http', 'scheme-case', 'host-case', 'default-port', 'trailing-dot', 'userinfo', 'path', 'subdomain', 'host-suffix', 'query', 'fragment', 'double-slash', 'encoded'] as const;

export const urlEditArb: fc.Arbitrary<UrlEdit> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ op: fc.constant('url' as const), variant: fc.constantFrom(...URL_VARIANTS) }) },
  { weight: 1, arbitrary: editArb },
);

/** The string battery plus every URL-shaped edit. */
export const urlEditBatteryArb: fc.Arbitrary<UrlEdit[]> = editBatteryArb.map((edits): UrlEdit[] => [...URL_VARIANTS.map((variant) => ({ op: 'url' as const, variant })), ...edits]);

/** Index of the first cased letter at or after `at` (cyclically), or -1. */
function letterAt(s: string, at: number): number {
  for (let i = 0; i < s.length; i++) {
    const j = (at + i) % s.length;
    const ch = s[j]!;
    if (ch.toUpperCase() !== ch.toLowerCase()) return j;
  }
  return -1;
}

function confusableAt(s: string, at: number): number {
  for (let i = 0; i < s.length; i++) {
    const j = (at + i) % s.length;
    if (CONFUSABLES[s[j]!.toLowerCase()] !== undefined) return j;
  }
  return -1;
}

function editString(s: string, e: Edit): string | undefined {
  const n = s.length;
  switch (e.op) {
    case 'insert': {
      const at = e.at % (n + 1);
      return s.slice(0, at) + e.char + s.slice(at);
    }
    case 'delete': {
      if (n < 2) return undefined;
      const at = e.at % n;
      return s.slice(0, at) + s.slice(at + 1);
    }
    case 'replace': {
      if (n === 0) return undefined;
      const at = e.at % n;
      return s.slice(0, at) + e.char + s.slice(at + 1);
    }
    case 'case': {
      const at = letterAt(s, n === 0 ? 0 : e.at % n);
      if (at < 0) return undefined;
      const ch = s[at]!;
      return s.slice(0, at) + (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase()) + s.slice(at + 1);
    }
    case 'case-all':
      return e.upper ? s.toUpperCase() : s.toLowerCase();
    case 'whitespace':
      return e.where === 'leading' ? e.ws + s : e.where === 'trailing' ? s + e.ws : e.ws + s + e.ws;
    case 'truncate': {
      if (n < 2) return undefined;
      const keep = 1 + (e.keep % (n - 1));
      return e.from === 'start' ? s.slice(0, keep) : s.slice(n - keep);
    }
    case 'extend':
      return e.where === 'prefix' ? e.text + s : s + e.text;
    case 'confusable': {
      if (e.form === 'fullwidth') {
        // U+FF01..U+FF5E mirror ASCII 0x21..0x7E; NFKC folds them back.
        if (n === 0) return undefined;
        const at = e.at % n;
        const code = s.charCodeAt(at);
        return code < 0x21 || code > 0x7e ? undefined : s.slice(0, at) + String.fromCharCode(code + 0xfee0) + s.slice(at + 1);
      }
      const at = confusableAt(s, n === 0 ? 0 : e.at % n);
      if (at < 0) return undefined;
      return s.slice(0, at) + CONFUSABLES[s[at]!.toLowerCase()]! + s.slice(at + 1);
    }
  }
}

function editUrl(s: string, variant: Extract<UrlEdit, { op: 'url' }>['variant']): string | undefined {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return undefined;
  }
  const scheme = u.protocol; // "https:"
  const rest = s.slice(scheme.length + 2); // after "https://"
  const host = u.host;
  const tail = s.slice(scheme.length + 2 + host.length);
  switch (variant) {
    case 'trailing-slash':
      return `${s}/`;
    case 'http':
      return scheme === 'http:' ? `https://${rest}` : `http://${rest}`;
    case 'scheme-case':
      return `${scheme.slice(0, -1).toUpperCase()}://${rest}`;
    case 'host-case':
      return host.toUpperCase() === host ? undefined : `${scheme}//${host.toUpperCase()}${tail}`;
    case 'default-port':
      return u.port ? undefined : `${scheme}//${host}:${scheme === 'http:' ? 80 : 443}${tail}`;
    case 'trailing-dot':
      return u.port ? undefined : `${scheme}//${host}.${tail}`;
    case 'userinfo':
      return `${scheme}//attacker@${rest}`;
    case 'path':
      return `${s.replace(/\/$/, '')}/evil`;
    case 'subdomain':
      return `${scheme}//evil.${rest}`;
    case 'host-suffix':
      return `${scheme}//${host}.attacker.test${tail}`;
    case 'query':
      return `${s}?x=1`;
    case 'fragment':
      return `${s}#x`;
    case 'double-slash':
      return `${s}//`;
    case 'encoded':
      return `${scheme}//${host.replace(/\./, '%2E')}${tail}`;
  }
}

/** The near miss `edit` makes of `expected`, or undefined when it cannot change it. */
export function applyEdit(expected: string, edit: UrlEdit): string | undefined {
  const out = edit.op === 'url' ? editUrl(expected, edit.variant) : editString(expected, edit);
  return out === undefined || out === expected ? undefined : out;
}

/** A readable label for reports: `insert "." at 3`. */
export function describeEdit(edit: UrlEdit): string {
  switch (edit.op) {
    case 'url':
      return `URL ${edit.variant}`;
    case 'insert':
    case 'replace':
      return `${edit.op} ${JSON.stringify(edit.char)} at ${edit.at}`;
    case 'delete':
    case 'case':
      return `${edit.op} at ${edit.at}`;
    case 'confusable':
      return `${edit.form} look-alike at ${edit.at}`;
    case 'case-all':
      return edit.upper ? 'upper case' : 'lower case';
    case 'whitespace':
      return `${edit.where} ${JSON.stringify(edit.ws)}`;
    case 'truncate':
      return `contained in the expected value (its ${edit.from === 'start' ? 'start' : 'end'})`;
    case 'extend':
      return `${edit.where} ${JSON.stringify(edit.text)}`;
  }
}
