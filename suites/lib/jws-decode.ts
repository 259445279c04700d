/**
 * Strict, bounded decoding of a compact JWS (RFC 7515 §7.1): three base64url
 * segments, a header and a claims set that are UTF-8 JSON objects, within
 * the judge's bounds (adapters/bounds.ts). Whatever is wrong is named with
 * the requirement it breaks (TOKEN-WELL-FORMED, TOKEN-BOUNDED), so every
 * check reports the same reason for the same token and nothing downstream
 * walks a value deeper or bigger than the bounds.
 *
 * Duplicate member names do not stop decoding: like every JSON.parse-based
 * library (jose included), the suite reads the lexically last one (the
 * reading RFC 7519 §4 allows parsers), and TOKEN-CLAIM-NAMES-UNIQUE judges
 * them.
 */
import { BOUNDS, count, jsonShape } from '../../adapters/bounds.js';
import type { JsonObject } from '../../adapters/types.js';

export type DecodeRequirement = 'TOKEN-WELL-FORMED' | 'TOKEN-BOUNDED';

export interface Decoded {
  raw: string;
  header: JsonObject;
  payload: JsonObject;
  /** Member names that repeat within one JSON object, e.g. `payload /sub (2×)`. Empty for a well-formed token. */
  duplicates: string[];
}

export interface DecodeError {
  error: string;
  /** The requirement an undecodable token breaks. */
  requirement: DecodeRequirement;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decode without verifying; returns an explanation instead of throwing. */
export function decodeJws(raw: unknown): Decoded | DecodeError {
  const malformed = (error: string): DecodeError => ({ error, requirement: 'TOKEN-WELL-FORMED' });
  if (typeof raw !== 'string' || raw.length === 0) return malformed(`token is ${raw === undefined ? 'absent' : 'not a non-empty string'}`);
  if (raw.length > BOUNDS.tokenChars) {
    return { error: `token is ${count(raw.length)} characters long, over the bound of ${count(BOUNDS.tokenChars)} (the suite does not decode it)`, requirement: 'TOKEN-BOUNDED' };
  }
  const segments = raw.split('.');
  if (segments.length !== 3) return malformed(`a JWS compact token has 3 segments (RFC 7515 §7.1), this one has ${segments.length}`);
  const parts: Array<{ name: 'header' | 'payload'; value: JsonObject; text: string }> = [];
  for (const [i, name] of (['header', 'payload'] as const).entries()) {
    const seg = segments[i]!;
    const bad = segmentProblem(seg);
    if (bad) return malformed(`the ${name} segment is not base64url (RFC 7515 §2: no padding, no "+" or "/"): ${bad}`);
    let text: string;
    try {
      text = utf8.decode(Buffer.from(seg, 'base64url'));
    } catch {
      return malformed(`the ${name} is not valid UTF-8 (RFC 7515 §7.2, RFC 8725 §3.7)`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return malformed(`the ${name} is not JSON (${(e as Error).message.slice(0, 120)})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return malformed(`the ${name} is ${Array.isArray(value) ? 'a JSON array' : `JSON ${value === null ? 'null' : typeof value}`}, not an object (RFC 7519 §7.2)`);
    }
    const shape = jsonShape(value);
    if (shape.tooDeepAt !== undefined) {
      return { error: `the ${name} nests deeper than ${BOUNDS.jsonDepth} levels (at ${shape.tooDeepAt.slice(0, 200)})`, requirement: 'TOKEN-BOUNDED' };
    }
    parts.push({ name, value: value as JsonObject, text });
  }
  const claims = Object.keys(parts[1]!.value).length;
  if (claims > BOUNDS.claims) return { error: `the payload has ${count(claims)} claims, over the bound of ${count(BOUNDS.claims)}`, requirement: 'TOKEN-BOUNDED' };
  const segment2 = segments[2]!;
  const badSig = segmentProblem(segment2);
  if (badSig) return malformed(`the signature segment is not base64url (RFC 7515 §2): ${badSig}`);
  return {
    raw,
    header: parts[0]!.value,
    payload: parts[1]!.value,
    duplicates: parts.flatMap((p) => duplicateMembers(p.text).map((d) => `${p.name} ${d}`)),
  };
}

function segmentProblem(seg: string): string | undefined {
  if (!BASE64URL.test(seg)) {
    const at = seg.search(/[^A-Za-z0-9_-]/);
    return `${JSON.stringify(seg[at])} at offset ${at}`;
  }
  if (seg.length % 4 === 1) return `${seg.length} characters cannot be base64url (length ≡ 1 mod 4)`;
  // RFC 7515 §2 / RFC 4648 §3.5: the unused bits of the last character are zero, so every value has one encoding.
  if (Buffer.from(seg, 'base64url').toString('base64url') !== seg) return `not canonical base64url (the last character ${JSON.stringify(seg.at(-1))} carries bits beyond the data)`;
  return undefined;
}

/**
 * Member names that repeat within one object of valid JSON `text`, as
 * `<JSON pointer of the member> (n×)`. A single iterative scan (no recursion):
 * JSON.parse has already accepted the text and the depth is bounded.
 */
export function duplicateMembers(text: string): string[] {
  interface Frame {
    object: boolean;
    seen: Map<string, number>;
    path: string;
    expectKey: boolean;
    key: string;
    index: number;
  }
  const stack: Frame[] = [];
  const found = new Map<string, number>();
  const here = (f: Frame | undefined) => (f === undefined ? '' : `${f.path}/${f.object ? f.key.replace(/~/g, '~0').replace(/\//g, '~1') : f.index}`);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top?.object && top.expectKey) {
        top.key = JSON.parse(text.slice(i, j + 1)) as string;
        top.expectKey = false;
        const n = (top.seen.get(top.key) ?? 0) + 1;
        top.seen.set(top.key, n);
        if (n > 1) found.set(here(top), n);
      }
      i = j;
    } else if (c === '{' || c === '[') {
      const parent = stack[stack.length - 1];
      stack.push({ object: c === '{', seen: new Map(), path: here(parent), expectKey: c === '{', key: '', index: 0 });
    } else if (c === '}' || c === ']') stack.pop();
    else if (c === ',') {
      const top = stack[stack.length - 1]!;
      if (top.object) top.expectKey = true;
      else top.index += 1;
    }
  }
  return [...found].map(([path, n]) => `${path || '/'} (${n}×)`);
}
