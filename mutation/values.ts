/**
 * Generated edits of JSON values: near misses (a character inserted, deleted
 * or replaced at a position, a case change, whitespace, another valid-looking
 * ID; numbers moved by the generated offsets; an array element added, removed,
 * replaced or duplicated; an object key added, removed or renamed) and changes
 * of JSON type. Pure and deterministic: "random" choices derive from a seed
 * string, so the same input always yields the same near miss.
 */
import { createHash } from 'node:crypto';
import type { JsonObject, JsonValue } from '../adapters/types.js';

export type JsonKind = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';
export const JSON_KINDS: readonly JsonKind[] = ['string', 'number', 'boolean', 'null', 'array', 'object'];

export function kindOf(v: JsonValue): JsonKind {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v as 'string' | 'number' | 'boolean' | 'object';
}

/** An edit of one value; returns undefined when it does not apply (or would change nothing). */
export interface ValueEdit {
  id: string;
  kind: JsonKind;
  description: string;
  apply(value: JsonValue, seed: string): JsonValue | undefined;
}

/** Offsets the time and number edits use (seconds: a tick, a minute, an hour, a day). */
export const OFFSETS: readonly number[] = [1, 60, 3600, 86_400];

export function hashInt(seed: string, salt = ''): number {
  return createHash('sha256').update(`${salt}\u0000${seed}`).digest().readUInt32BE(0);
}

/** Another character of the same class (digit, lower, upper), or `_` for anything else. */
export function sibling(c: string, seed = ''): string {
  const shift = 1 + (hashInt(seed, c) % 5);
  if (/[0-9]/.test(c)) return String((Number(c) + shift) % 10);
  if (/[a-f]/.test(c)) return 'abcdef'[('abcdef'.indexOf(c) + shift) % 6]!;
  if (/[a-z]/.test(c)) return String.fromCharCode(97 + ((c.charCodeAt(0) - 97 + shift) % 26));
  if (/[A-Z]/.test(c)) return String.fromCharCode(65 + ((c.charCodeAt(0) - 65 + shift) % 26));
  return c === '_' ? '-' : '_';
}

type Position = 'start' | 'middle' | 'end';
const POSITIONS: readonly Position[] = ['start', 'middle', 'end'];

function index(s: string, p: Position, inserting: boolean): number {
  if (p === 'start') return 0;
  if (p === 'middle') return Math.floor(s.length / 2);
  return inserting ? s.length : s.length - 1;
}

/** The part of an identifier that identifies: after a `kp_`/`org_`-style prefix, the first host label of a URL, else the longest alphanumeric run. */
function idSpan(s: string): [number, number] | undefined {
  const url = /^(https?:\/\/)([^./:]+)/.exec(s);
  if (url) return [url[1]!.length, url[1]!.length + url[2]!.length];
  const prefix = /^([a-z]{1,4}_)(.+)$/.exec(s);
  if (prefix) return [prefix[1]!.length, s.length];
  let best: [number, number] | undefined;
  for (const m of s.matchAll(/[A-Za-z0-9]+/g)) {
    if (!best || m[0].length > best[1] - best[0]) best = [m.index, m.index + m[0].length];
  }
  return best;
}

/** A different value of the same shape: every alphanumeric character of the identifying part replaced by a seeded sibling. */
export function otherId(s: string, seed: string): string | undefined {
  const span = idSpan(s);
  if (!span) return undefined;
  const [a, b] = span;
  let out = '';
  for (let i = a; i < b; i++) out += sibling(s[i]!, `${seed}:${i}`);
  const result = s.slice(0, a) + out + s.slice(b);
  return result === s ? undefined : result;
}

const STRING_EDITS: ValueEdit[] = [
  ...POSITIONS.map<ValueEdit>((p) => ({
    id: `insert@${p}`,
    kind: 'string',
    description: `a character inserted at the ${p}`,
    apply: (v, seed) => {
      const s = v as string;
      if (s.length === 0) return 'x';
      const i = index(s, p, true);
      const near = s[Math.min(i, s.length - 1)]!;
      return s.slice(0, i) + sibling(near, seed) + s.slice(i);
    },
  })),
  ...POSITIONS.map<ValueEdit>((p) => ({
    id: `delete@${p}`,
    kind: 'string',
    description: `the character at the ${p} deleted`,
    apply: (v) => {
      const s = v as string;
      if (s.length === 0) return undefined;
      const i = index(s, p, false);
      return s.slice(0, i) + s.slice(i + 1);
    },
  })),
  ...POSITIONS.map<ValueEdit>((p) => ({
    id: `replace@${p}`,
    kind: 'string',
    description: `the character at the ${p} replaced by another of its class`,
    apply: (v, seed) => {
      const s = v as string;
      if (s.length === 0) return undefined;
      const i = index(s, p, false);
      return s.slice(0, i) + sibling(s[i]!, seed) + s.slice(i + 1);
    },
  })),
  { id: 'upper', kind: 'string', description: 'upper-cased', apply: (v) => changed(v as string, (v as string).toUpperCase()) },
  { id: 'lower', kind: 'string', description: 'lower-cased', apply: (v) => changed(v as string, (v as string).toLowerCase()) },
  { id: 'ws-leading', kind: 'string', description: 'a leading space', apply: (v) => ` ${v as string}` },
  { id: 'ws-trailing', kind: 'string', description: 'a trailing space', apply: (v) => `${v as string} ` },
  { id: 'other-id', kind: 'string', description: 'another valid-looking value of the same shape', apply: (v, seed) => otherId(v as string, seed) },
];

function changed<T extends JsonValue>(before: T, after: T): T | undefined {
  return before === after ? undefined : after;
}

const NUMBER_EDITS: ValueEdit[] = OFFSETS.flatMap((o) =>
  [o, -o].map<ValueEdit>((d) => ({
    id: d > 0 ? `+${d}` : `${d}`,
    kind: 'number',
    description: `moved by ${d > 0 ? '+' : ''}${d}`,
    apply: (v) => (v as number) + d,
  })),
);

const BOOLEAN_EDITS: ValueEdit[] = [{ id: 'negate', kind: 'boolean', description: 'negated', apply: (v) => !(v as boolean) }];

/** A near miss of one element (for array edits). */
function nearElement(e: JsonValue | undefined, seed: string): JsonValue {
  if (e === undefined) return `x${hashInt(seed) % 10_000}`;
  if (typeof e === 'string') return otherId(e, seed) ?? `${e}x`;
  if (typeof e === 'number') return e + 1;
  if (typeof e === 'boolean') return !e;
  if (e !== null && typeof e === 'object' && !Array.isArray(e)) {
    const copy = structuredClone(e);
    const k = Object.keys(copy).find((x) => typeof copy[x] === 'string');
    if (k !== undefined) copy[k] = nearElement(copy[k], seed);
    return copy;
  }
  return structuredClone(e);
}

const ARRAY_EDITS: ValueEdit[] = [
  { id: 'add', kind: 'array', description: 'one element added', apply: (v, seed) => [...(v as JsonValue[]), nearElement((v as JsonValue[]).at(-1), seed)] },
  { id: 'remove', kind: 'array', description: 'the last element removed', apply: (v) => ((v as JsonValue[]).length === 0 ? undefined : (v as JsonValue[]).slice(0, -1)) },
  {
    id: 'replace',
    kind: 'array',
    description: 'the first element replaced by a near miss',
    apply: (v, seed) => {
      const a = v as JsonValue[];
      return a.length === 0 ? undefined : [nearElement(a[0], seed), ...a.slice(1)];
    },
  },
  { id: 'duplicate', kind: 'array', description: 'the first element repeated', apply: (v) => ((v as JsonValue[]).length === 0 ? undefined : [...(v as JsonValue[]), structuredClone((v as JsonValue[])[0]!)]) },
];

/** Copy an object key by key (define, never assign: `__proto__` stays an own key). */
function objectWith(entries: Array<[string, JsonValue]>): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

const OBJECT_EDITS: ValueEdit[] = [
  {
    id: 'add-key',
    kind: 'object',
    description: 'a key added (a near miss of the first key, with its value)',
    apply: (v, seed) => {
      const entries = Object.entries(v as JsonObject);
      const first = entries[0];
      const key = first ? `${first[0]}${sibling(first[0].at(-1) ?? 'x', seed)}` : `x${hashInt(seed) % 10_000}`;
      return objectWith([...entries, [key, first ? structuredClone(first[1]) : {}]]);
    },
  },
  {
    id: 'remove-key',
    kind: 'object',
    description: 'the first key removed',
    apply: (v) => {
      const entries = Object.entries(v as JsonObject);
      return entries.length === 0 ? undefined : objectWith(entries.slice(1));
    },
  },
  {
    id: 'rename-key',
    kind: 'object',
    description: 'the first key renamed (its last character replaced)',
    apply: (v, seed) => {
      const entries = Object.entries(v as JsonObject);
      if (entries.length === 0) return undefined;
      const [k, val] = entries[0]!;
      const renamed = k.length === 0 ? 'x' : k.slice(0, -1) + sibling(k.at(-1)!, seed);
      return objectWith([[renamed, val], ...entries.slice(1)]);
    },
  },
];

/** The near-miss edits of a JSON kind. */
export function nearMisses(kind: JsonKind): readonly ValueEdit[] {
  switch (kind) {
    case 'string':
      return STRING_EDITS;
    case 'number':
      return NUMBER_EDITS;
    case 'boolean':
      return BOOLEAN_EDITS;
    case 'array':
      return ARRAY_EDITS;
    case 'object':
      return OBJECT_EDITS;
    default:
      return [];
  }
}

/** The value converted to another JSON kind in the most natural way (a number as its decimal string, a value wrapped in an array, …). */
export function convert(v: JsonValue, to: JsonKind): JsonValue | undefined {
  const from = kindOf(v);
  if (from === to) return undefined;
  switch (to) {
    case 'string':
      return from === 'array' ? (v as JsonValue[]).map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ') : from === 'object' ? JSON.stringify(v) : String(v);
    case 'number':
      if (from === 'string') return /^-?\d+(\.\d+)?$/.test(v as string) ? Number(v) : (v as string).length;
      if (from === 'array') return (v as JsonValue[]).length;
      if (from === 'object') return Object.keys(v as JsonObject).length;
      return from === 'boolean' ? Number(v) : 0;
    case 'boolean':
      return from === 'string' ? (v as string).length > 0 : from === 'number' ? v !== 0 : true;
    case 'null':
      return null;
    case 'array':
      return from === 'string' && (v as string).includes(' ') ? (v as string).split(' ') : [v];
    case 'object':
      return from === 'array' ? objectWith((v as JsonValue[]).map((x, i) => [String(i), x])) : { value: v };
  }
}
