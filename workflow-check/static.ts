/**
 * Static scan of a workflow's own files (not the library): which bindings
 * the code uses, claims written with literal names, and where the parts of
 * `workflowSettings` are. Each file is first turned into plain JavaScript by
 * esbuild (types and `declare` statements gone), scanned with the lexer, and
 * positions are mapped back to the original lines through esbuild's map.
 */
import { readFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import * as esbuild from 'esbuild';
import type { TokenBinding } from '../reference/workflows/index.js';
import { CLAIM_PROXIES, HELPER_BINDINGS, isTokenBinding, NATIVE_GLOBALS } from './bindings.js';
import { lex, lineColumn, type Lexed } from './lexer.js';
import { PositionMap } from './sourcemap.js';

export interface Position {
  /** Absolute path. */
  file: string;
  line: number;
  column: number;
}

export interface StaticUse {
  binding: string;
  /** What the code wrote: `kinde.env`, `getEnvironmentVariable()`, `URLSearchParams`, … */
  via: string;
  at: Position;
  /** Used only on some paths of a library helper. */
  maybe?: boolean;
}

export interface StaticClaim {
  binding: TokenBinding;
  claim: string;
  at: Position;
}

export interface SettingsLocations {
  settings?: Position;
  /** `export default …` */
  defaultExport?: Position;
  keys: Record<string, Position>;
  /** Keys of `bindings` as written. */
  bindings: Record<string, Position>;
}

export interface StaticScan {
  uses: StaticUse[];
  /** Library helpers called as free functions without being imported or declared (`fetch(…)` with no import). */
  unimported: { name: string; at: Position }[];
  claims: StaticClaim[];
  /** Found in the entry file only. */
  settings: SettingsLocations;
}

const LOADERS: Record<string, esbuild.Loader> = { '.ts': 'ts', '.tsx': 'tsx', '.js': 'js', '.jsx': 'jsx', '.mjs': 'js', '.cjs': 'js' };
const INFRA = '@kinde/infrastructure';
const IDENT = '[A-Za-z_$][\\w$]*';
const ASSIGN = '\\s*(?:\\*\\*|<<|>>>?|\\?\\?|\\|\\||&&|[-+*/%&|^])?=(?![=>])';

interface FileScan {
  file: string;
  lexed: Lexed;
  at: (offset: number) => Position;
}

async function prepare(file: string): Promise<FileScan> {
  const source = await readFile(file, 'utf8');
  const result = await esbuild.transform(source, {
    loader: LOADERS[extname(file).toLowerCase()] ?? 'ts',
    format: 'esm',
    target: 'esnext',
    sourcemap: 'external',
    sourcefile: file,
    legalComments: 'none',
    tsconfigRaw: {},
    logLevel: 'silent',
  });
  const map = new PositionMap(result.map, dirname(file));
  const code = result.code;
  return {
    file,
    lexed: lex(code),
    at: (offset) => {
      const { line, column } = lineColumn(code, offset);
      const o = map.original(line, column);
      return o ? { file, line: o.line, column: o.column } : { file, line, column };
    },
  };
}

/** Word at `offset` is not a property (`a.kinde`) or a declaration's name. */
function freeIdentifier(code: string, offset: number): boolean {
  let k = offset - 1;
  while (k >= 0 && /\s/.test(code[k]!)) k--;
  return code[k] !== '.' && !(code[k] === '?' && code[k + 1] === '.');
}

function declaresLocally(code: string, name: string): boolean {
  return new RegExp(`\\b(?:const|let|var|function|class)\\s+${name}\\b|[{,]\\s*${name}\\s*[,}]\\s*=`).test(code);
}

function stringAt(lexed: Lexed, offset: number): string | undefined {
  return lexed.strings.find((s) => s.start === offset)?.value;
}

/** Local names bound to the library's exports: `{ local → export }` and namespace names. */
function libraryImports(f: FileScan): { named: Map<string, string>; namespaces: string[] } {
  const named = new Map<string, string>();
  const namespaces: string[] = [];
  const { code } = f.lexed;
  for (const s of f.lexed.strings) {
    if (s.value !== INFRA && !s.value.startsWith(`${INFRA}/`)) continue;
    const before = code.slice(Math.max(0, s.start - 2000), s.start);
    const esm = /import\s*([^;]*?)\s*from\s*$/.exec(before);
    const cjs = /(?:const|let|var)\s+([^=;]+?)\s*=\s*require\s*\(\s*$/.exec(before);
    const clause = esm?.[1] ?? cjs?.[1];
    if (!clause) continue;
    const ns = /\*\s*as\s+([\w$]+)/.exec(clause) ?? (cjs && /^([\w$]+)$/.exec(clause.trim()));
    if (ns) namespaces.push(ns[1]!);
    const braces = /\{([^}]*)\}/.exec(clause);
    for (const part of braces?.[1]?.split(',') ?? []) {
      const m = new RegExp(`^\\s*(${IDENT})(?:\\s*(?:as|:)\\s*(${IDENT}))?\\s*$`).exec(part);
      if (m) named.set(m[2] ?? m[1]!, m[1]!);
    }
  }
  return { named, namespaces };
}

function scanFile(f: FileScan, uses: StaticUse[], claims: StaticClaim[], unimported: StaticScan['unimported']): void {
  const { code } = f.lexed;
  const add = (binding: string, via: string, offset: number, maybe = false) =>
    uses.push({ binding, via, at: f.at(offset), ...(maybe ? { maybe } : {}) });

  // Low-level API: kinde.<name>, kinde["<name>"], kinde.<token>.setCustomClaim("<claim>", …)
  if (!declaresLocally(code, 'kinde')) {
    for (const m of code.matchAll(new RegExp(`\\bkinde\\s*(?:\\??\\.\\s*(${IDENT})|(?:\\?\\.)?\\[\\s*)`, 'g'))) {
      if (!freeIdentifier(code, m.index)) continue;
      const member = memberName(f.lexed, m);
      if (!member) continue;
      const binding = `kinde.${member.name}`;
      add(binding, binding, m.index);
      const call = /^\s*\.\s*setCustomClaim\s*\(\s*/.exec(code.slice(member.after));
      const claim = call ? stringAt(f.lexed, member.after + call[0].length) : undefined;
      if (claim !== undefined && isTokenBinding(binding)) claims.push({ binding, claim, at: f.at(m.index) });
    }
  }

  // Library helpers: their calls, and writes through the claim proxies they return.
  const { named, namespaces } = libraryImports(f);
  const helperCalls: { local: string; helper: string; pattern: string }[] = [];
  for (const [local, helper] of named) helperCalls.push({ local, helper, pattern: `\\b${local.replace(/\$/g, '\\$')}\\s*\\(` });
  for (const ns of namespaces) {
    for (const helper of Object.keys(HELPER_BINDINGS)) helperCalls.push({ local: `${ns}.${helper}`, helper, pattern: `\\b${ns}\\s*\\.\\s*${helper}\\s*\\(` });
  }
  // Helpers called but never imported: Kinde's runtime has no such globals.
  for (const helper of Object.keys(HELPER_BINDINGS)) {
    if (named.has(helper) || declaresLocally(code, helper) || new RegExp(`\\b(?:const|let|var)\\s*\\{[^}]*\\b${helper}\\b[^}]*\\}\\s*=`).test(code)) continue;
    const m = [...code.matchAll(new RegExp(`\\b${helper}\\s*\\(`, 'g'))].find((x) => freeIdentifier(code, x.index) && !/\bfunction\s*$/.test(code.slice(Math.max(0, x.index - 20), x.index)));
    if (m) unimported.push({ name: helper, at: f.at(m.index) });
  }
  for (const { local, helper, pattern } of helperCalls) {
    const spec = HELPER_BINDINGS[helper];
    if (!spec) continue;
    for (const m of code.matchAll(new RegExp(pattern, 'g'))) {
      if (!local.includes('.') && !freeIdentifier(code, m.index)) continue;
      for (const b of spec.needs) add(b, `${helper}()`, m.index);
      for (const b of spec.maybe ?? []) add(b, `${helper}()`, m.index, true);
      const proxyBinding = CLAIM_PROXIES[helper];
      if (proxyBinding) proxyWrites(f, m.index, proxyBinding, claims);
    }
  }

  // Native bindings: URLSearchParams / URL, console, util.
  for (const [global, binding] of Object.entries(NATIVE_GLOBALS)) {
    if (declaresLocally(code, global) || named.has(global)) continue;
    const re = global === 'URL' ? /\bURL\b(?=\s*[.(])|\bnew\s+URL\b/g : new RegExp(`\\b${global}\\b${global === 'URLSearchParams' ? '' : '(?=\\s*\\.)'}`, 'g');
    for (const m of code.matchAll(re)) {
      const offset = m[0].startsWith('new') ? m.index + m[0].length - global.length : m.index;
      if (freeIdentifier(code, offset)) add(binding, global, offset);
    }
  }
}

/** `const x = accessTokenCustomClaims(); x.name = …` / `x["name"] = …` */
function proxyWrites(f: FileScan, callOffset: number, binding: TokenBinding, claims: StaticClaim[]): void {
  const { code } = f.lexed;
  const decl = new RegExp(`(?:const|let|var)\\s+(${IDENT})\\s*=\\s*(?:await\\s+)?$`).exec(code.slice(Math.max(0, callOffset - 200), callOffset));
  if (!decl) return;
  const v = decl[1]!.replace(/\$/g, '\\$');
  const re = new RegExp(`\\b${v}\\s*(?:\\.\\s*(${IDENT})|\\[\\s*)`, 'g');
  re.lastIndex = callOffset;
  for (const m of code.matchAll(re)) {
    if (!freeIdentifier(code, m.index)) continue;
    const member = memberName(f.lexed, m);
    if (member && new RegExp(`^${ASSIGN}`).test(code.slice(member.after))) {
      claims.push({ binding, claim: member.name, at: f.at(m.index) });
    }
  }
}

/** The member a `x.name` / `x["name"]` match names, and the offset after it. */
function memberName(lexed: Lexed, m: RegExpMatchArray): { name: string; after: number } | undefined {
  const end = m.index! + m[0].length;
  if (m[1] !== undefined) return { name: m[1], after: end };
  const s = lexed.strings.find((x) => x.start === end);
  const close = s ? /^\s*\]/.exec(lexed.code.slice(s.end)) : null;
  return s && close ? { name: s.value, after: s.end + close[0].length } : undefined;
}

/** Where the default export is declared (esbuild prints `export { Workflow as default }` at the end). */
function defaultExportOffset(code: string): number | undefined {
  const direct = /\bexport\s+default\b/.exec(code);
  if (direct) return direct.index;
  const named = new RegExp(`\\b(${IDENT})\\s+as\\s+default\\b`).exec(code);
  if (!named) return undefined;
  const name = named[1]!.replace(/\$/g, '\\$');
  const decl = new RegExp(`\\b(?:async\\s+)?function\\s*\\*?\\s*${name}\\b|\\b(?:const|let|var|class)\\s+${name}\\b`).exec(code);
  return decl?.index ?? named.index;
}

/** Positions of `workflowSettings` and of its keys, in the entry file. */
function settingsLocations(f: FileScan): SettingsLocations {
  const out: SettingsLocations = { keys: {}, bindings: {} };
  const { code } = f.lexed;
  const decl = /\bworkflowSettings\s*=\s*\{/.exec(code);
  const def = defaultExportOffset(code);
  if (def !== undefined) out.defaultExport = f.at(def);
  if (!decl) {
    const any = /\bworkflowSettings\b/.exec(code);
    if (any) out.settings = f.at(any.index);
    return out;
  }
  out.settings = f.at(decl.index);
  const open = decl.index + decl[0].length - 1;
  const keysAtDepth = (start: number): { key: string; offset: number; value: number }[] => {
    const found: { key: string; offset: number; value: number }[] = [];
    let depth = 0;
    for (let k = start; k < code.length; k++) {
      const c = code[k];
      if (c === '{' || c === '[' || c === '(') depth++;
      else if (c === '}' || c === ']' || c === ')') {
        depth--;
        if (depth === 0) break;
      } else if (depth === 1) {
        const s = f.lexed.strings.find((x) => x.start === k);
        const ident = /^[A-Za-z_$][\w$]*/.exec(code.slice(k));
        const prev = code.slice(0, k).replace(/\s+$/, '').slice(-1);
        if ((prev === '{' || prev === ',') && (s || ident)) {
          const end = s ? s.end : k + ident![0].length;
          const colon = /^\s*:/.exec(code.slice(end));
          if (colon) found.push({ key: s ? s.value : ident![0], offset: k, value: end + colon[0].length });
          k = end - 1;
        }
      }
    }
    return found;
  };
  for (const { key, offset, value } of keysAtDepth(open)) {
    out.keys[key] = f.at(offset);
    const brace = /^\s*\{/.exec(code.slice(value));
    if (!brace) continue;
    const inner = keysAtDepth(value + brace[0].length - 1);
    if (key === 'bindings') for (const b of inner) out.bindings[b.key] = f.at(b.offset);
    if (key === 'failurePolicy') for (const b of inner) out.keys[`failurePolicy.${b.key}`] = f.at(b.offset);
  }
  return out;
}

/** Scans the workflow's own files; `entry` is the workflow file (settings live there). */
export async function scanSources(entry: string, files: readonly string[]): Promise<StaticScan> {
  const uses: StaticUse[] = [];
  const claims: StaticClaim[] = [];
  const unimported: StaticScan['unimported'] = [];
  let settings: SettingsLocations = { keys: {}, bindings: {} };
  for (const file of files) {
    let f: FileScan;
    try {
      f = await prepare(file);
    } catch {
      continue; // the bundle already reported why it does not build
    }
    scanFile(f, uses, claims, unimported);
    if (file === entry) settings = settingsLocations(f);
  }
  return { uses, unimported, claims, settings };
}
