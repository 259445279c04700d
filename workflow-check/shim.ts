/**
 * The instrumentation bundled into the checked copy of a workflow. It runs
 * INSIDE the reference sandbox, in front of the workflow: esbuild's `inject`
 * replaces every free `kinde` (in the workflow and in @kinde/infrastructure)
 * with a proxy that records which bindings are reached and every claim write
 * with its raw value, and a wrapper default export records throws with their
 * stack. Records leave the sandbox the only way anything does: as console
 * lines with a marker prefix, which the host strips from the user's output.
 * Positions are bundle-relative `line:column` pairs, calibrated by the
 * banner's own stack frame (whatever the sandbox wraps around the code).
 */
import type { JsonValue } from '../adapters/types.js';

export const RECORD_PREFIX = '\u0000ktc ';
/** Event key that switches the wrapper into "report the module's exports" mode. */
export const SETTINGS_MODE_KEY = '\u0000ktc';
/** The first line of the checked bundle: its frame tells the shim where the bundle starts. */
export const BANNER = 'var __ktc_base = new Error().stack;';

export const SHIM_MODULE = 'ktc:shim';
export const ENTRY_MODULE = 'ktc:entry';

/** Sandbox-side code (plain JavaScript; runs in the workflow's realm). */
export const SHIM_SOURCE = String.raw`
const G = globalThis;
const stringify = JSON.stringify;
const out = G.console && G.console.log;
const PREFIX = ${JSON.stringify(RECORD_PREFIX)};
const MAX_RECORDS = 400;
const LINE_CHARS = 3500;
try { Error.stackTraceLimit = 40; } catch {}
const clip = (s, n) => (typeof s === 'string' && s.length > n ? s.slice(0, n) + '…' : s);
const FRAME = /\(?([^()\s]+):(\d+):(\d+)\)?$/;
const base = (() => {
  const first = String(__ktc_base).split('\n').find((l) => FRAME.test(l.trim()));
  const m = first ? FRAME.exec(first.trim()) : null;
  return m ? { file: m[1], offset: Number(m[2]) - 1 } : { file: '', offset: 0 };
})();
const frames = (stack) => {
  const found = [];
  if (typeof stack !== 'string') return '';
  for (const line of stack.split('\n')) {
    const m = FRAME.exec(line.trim());
    if (m && m[1] === base.file) found.push(Number(m[2]) - base.offset + ':' + m[3]);
    if (found.length >= 16) break;
  }
  return found.join(',');
};
const where = () => frames(new Error().stack);
let buffer = [];
let size = 0;
let count = 0;
const flush = () => {
  if (buffer.length === 0 || typeof out !== 'function') return;
  const line = PREFIX + buffer.join('\n');
  buffer = [];
  size = 0;
  try { out(line); } catch {}
};
const emit = (record) => {
  if (count >= MAX_RECORDS) return;
  count++;
  let text;
  try { text = stringify(count === MAX_RECORDS ? { k: 'truncated' } : record); } catch { return; }
  if (text.length > LINE_CHARS) text = stringify({ k: 'truncated' });
  if (size + text.length > LINE_CHARS) flush();
  buffer.push(text);
  size += text.length + 1;
};
const describe = (e) => {
  try {
    if (e !== null && (typeof e === 'object' || typeof e === 'function') && typeof e.message === 'string') {
      return clip((typeof e.name === 'string' && e.name !== '' ? e.name + ': ' : '') + e.message, 500);
    }
    return clip(String(e), 500);
  } catch { return 'a value that cannot be described'; }
};

const inspect = (root) => {
  const issues = [];
  const ancestors = [];
  let nodes = 0;
  const note = (p, t) => { if (issues.length < 20) issues.push({ p: clip(p, 200), t }); };
  const walk = (v, p) => {
    if (++nodes > 5000) return;
    const t = typeof v;
    if (v === undefined) return note(p, 'undefined');
    if (t === 'function') return note(p, 'function');
    if (t === 'symbol') return note(p, 'symbol');
    if (t === 'bigint') return note(p, 'bigint');
    if (t === 'number') {
      if (Number.isNaN(v)) note(p, 'nan');
      else if (!Number.isFinite(v)) note(p, 'infinity');
      else if (Object.is(v, -0)) note(p, 'negative-zero');
      return;
    }
    if (v === null || t !== 'object') return;
    if (ancestors.includes(v)) return note(p, 'cycle');
    if (typeof v.toJSON === 'function') {
      return note(p, v instanceof Date ? (Number.isNaN(v.getTime()) ? 'invalid-date' : 'date') : 'toJSON');
    }
    const proto = Object.getPrototypeOf(v);
    if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) {
      note(p, v instanceof Map ? 'map' : v instanceof Set ? 'set' : v instanceof RegExp ? 'regexp' : v instanceof Error ? 'error' : 'instance');
    }
    ancestors.push(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length && nodes <= 5000; i++) {
        if (!(i in v)) note(p + '[' + i + ']', 'hole');
        else walk(v[i], p + '[' + i + ']');
      }
    } else {
      for (const k of Object.keys(v)) walk(v[k], p + (/^[A-Za-z_$][\w$]*$/.test(k) ? '.' + k : '[' + stringify(k) + ']'));
    }
    ancestors.pop();
  };
  try { walk(root, '$'); } catch (e) { note('$', 'uninspectable'); }
  return issues;
};

const seen = new Set();
const once = (key) => (seen.has(key) ? false : (seen.add(key), true));
const recordWrite = (binding, name, value, at) => {
  const issues = inspect(value);
  let lands;
  let error;
  let size = 0;
  try {
    const json = stringify(value);
    lands = json === undefined ? null : clip(json, 300);
    size = json === undefined ? 0 : json.length;
  } catch (e) { error = describe(e); }
  const n = clip(String(name), 200);
  if (!once('w' + binding + '\u0000' + n + '\u0000' + at + '\u0000' + issues.map((i) => i.t).join())) return;
  emit({ k: 'w', b: binding, n, i: issues, l: lands, e: error, z: size, at });
};

const wrappers = new Map();
const tokenBinding = (prop, real) => {
  const known = wrappers.get(prop);
  if (known && known.real === real) return known.obj;
  const obj = {};
  for (const key of Reflect.ownKeys(real)) {
    const v = real[key];
    obj[key] = typeof v === 'function' ? (...args) => Reflect.apply(v, real, args) : v;
  }
  const set = real.setCustomClaim;
  obj.setCustomClaim = (name, value) => {
    recordWrite(prop, name, value, where());
    return Reflect.apply(set, real, [name, value]);
  };
  Object.freeze(obj);
  wrappers.set(prop, { real, obj });
  return obj;
};
const TOKEN_PROPS = ['accessToken', 'idToken', 'm2mToken'];
let envWrapper;
const envBinding = (real) => {
  if (envWrapper && envWrapper.real === real) return envWrapper.obj;
  const get = real.get;
  const obj = Object.freeze({
    get(key) {
      const value = Reflect.apply(get, real, [key]);
      const n = clip(String(key), 200);
      const at = where();
      if (once('e' + n + '\u0000' + (value !== undefined) + '\u0000' + at)) emit({ k: 'e', n, ok: value !== undefined, at });
      return value;
    },
  });
  envWrapper = { real, obj };
  return obj;
};

export const kinde = new Proxy({}, {
  get(_target, prop) {
    const real = G.kinde;
    if (typeof prop !== 'string') return real ? real[prop] : undefined;
    const value = real ? real[prop] : undefined;
    const at = where();
    if (once('b' + prop + '\u0000' + at)) emit({ k: 'b', n: clip(prop, 100), ok: value !== undefined, at });
    if (value !== undefined && value !== null && TOKEN_PROPS.includes(prop) && typeof value.setCustomClaim === 'function') {
      return tokenBinding(prop, value);
    }
    if (prop === 'env' && value !== undefined && value !== null && typeof value.get === 'function') return envBinding(value);
    return value;
  },
  has(_target, prop) { const r = G.kinde; return !!r && prop in r; },
  ownKeys() { const r = G.kinde; return r ? Reflect.ownKeys(r) : []; },
  getOwnPropertyDescriptor(_target, prop) {
    const r = G.kinde;
    const d = r ? Reflect.getOwnPropertyDescriptor(r, prop) : undefined;
    return d ? { value: d.value, writable: false, enumerable: d.enumerable, configurable: true } : undefined;
  },
});

const recordThrow = (e) => {
  let stack;
  try { stack = e !== null && typeof e === 'object' ? e.stack : undefined; } catch {}
  emit({ k: 't', m: describe(e), at: frames(stack) });
  flush();
};

export function __ktcRun(mod, event) {
  if (event !== null && typeof event === 'object' && event[${JSON.stringify(SETTINGS_MODE_KEY)}] === 'settings') {
    let s = null;
    let e;
    try {
      const raw = mod.workflowSettings;
      s = raw === undefined ? null : stringify(raw === null ? null : raw);
      if (typeof s !== 'string') s = 'null';
    } catch (err) { e = describe(err); }
    let h = 'undefined';
    try { h = mod.default !== null && typeof mod.default === 'object' ? typeof mod.default.handle : 'undefined'; } catch {}
    emit({ k: 's', s: s === null ? null : clip(s, 3000), e, d: typeof mod.default, h, x: Object.keys(mod).slice(0, 20) });
    flush();
    return Promise.resolve();
  }
  // Kinde's open runtime calls the entry point by name when the default export is an object (gojaRuntime.go Execute; "handle").
  const exported = mod.default;
  const main = typeof exported === 'function' ? exported
    : exported !== null && typeof exported === 'object' && typeof exported.handle === 'function' ? (ev) => exported.handle(ev) : exported;
  if (typeof main !== 'function') {
    emit({ k: 'd', t: typeof main });
    flush();
    throw new TypeError('the module must export a default function (the workflow); its default export is ' + typeof main);
  }
  let ret;
  try { ret = main(event); } catch (e) { recordThrow(e); throw e; }
  let promise = false;
  try { promise = ret !== null && (typeof ret === 'object' || typeof ret === 'function') && typeof ret.then === 'function'; } catch {}
  emit({ k: 'r', p: promise });
  return Promise.resolve(ret).then(
    (v) => { emit({ k: 'x' }); flush(); return v; },
    (e) => { recordThrow(e); throw e; },
  );
}
`;

/** The entry of the checked bundle: the workflow's exports, with the default export wrapped. */
export function entrySource(workflowPath: string): string {
  return [
    `import * as user from ${JSON.stringify(workflowPath)};`,
    `import { __ktcRun } from ${JSON.stringify(SHIM_MODULE)};`,
    'export const workflowSettings = user.workflowSettings;',
    'export default function checkedWorkflow(event) { return __ktcRun(user, event); }',
  ].join('\n');
}

// ---------------------------------------------------------------------------
// Host side: reading the records back
// ---------------------------------------------------------------------------

export interface ValueIssue {
  /** JSON-path-like location inside the value: `$`, `$.a[0]`. */
  p: string;
  t: string;
}

export type ShimRecord =
  | { k: 'b'; n: string; ok: boolean; at: string }
  /** kinde.env.get(n): ok = a value was there. */
  | { k: 'e'; n: string; ok: boolean; at: string }
  | { k: 'w'; b: string; n: string; i: ValueIssue[]; l: string | null | undefined; e?: string; z: number; at: string }
  | { k: 't'; m: string; at: string }
  | { k: 'r'; p: boolean }
  | { k: 'x' }
  | { k: 'd'; t: string }
  /** Settings mode: settings JSON, typeof default, typeof default.handle (object form), export names. */
  | { k: 's'; s: string | null; e?: string; d: string; h?: string; x: string[] }
  | { k: 'truncated' };

export interface SplitLogs {
  records: ShimRecord[];
  /** The workflow's own console lines (`level: text`). */
  logs: string[];
  /** Records were lost (the sandbox's log budget or the shim's own cap). */
  truncated: boolean;
}

const LOG_MARKER = `: ${RECORD_PREFIX}`;

export function splitLogs(lines: readonly string[]): SplitLogs {
  const records: ShimRecord[] = [];
  const logs: string[] = [];
  let truncated = false;
  for (const line of lines) {
    const at = line.indexOf(LOG_MARKER);
    if (at === -1 || at > 8) {
      if (line === 'warn: [further log output dropped]') truncated = true;
      logs.push(line);
      continue;
    }
    for (const text of line.slice(at + LOG_MARKER.length).split('\n')) {
      try {
        const r = JSON.parse(text) as ShimRecord & Record<string, JsonValue>;
        if (r.k === 'truncated') truncated = true;
        else records.push(r);
      } catch {
        truncated = true; // clipped by the sandbox's line limit
      }
    }
  }
  return { records, logs, truncated };
}

/** `"12:5,40:3"` → `[[12, 5], [40, 3]]` */
export function parseFrames(at: string | undefined): Array<[number, number]> {
  if (!at) return [];
  return at.split(',').flatMap((f) => {
    const [l, c] = f.split(':').map(Number);
    return Number.isFinite(l) && Number.isFinite(c) ? [[l!, c!] as [number, number]] : [];
  });
}
