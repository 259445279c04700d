/**
 * The judge's bounds: how big and how deep a token or a target answer may be
 * before the suite stops reading it. One place, so that every decoder, walker
 * and report agrees, and a hostile target costs bounded time and memory:
 * beyond a bound the suite says which bound was crossed (a FAILED requirement
 * for tokens, a protocol error for other answers), never recurses into it.
 *
 * It sits beside the adapters' contract because both sides use it: the http
 * transport (answers), the suites (tokens) and the reports (what is kept per
 * failure).
 */
import type { JsonValue } from './types.js';

export const BOUNDS = Object.freeze({
  /**
   * Characters of one compact token. Node's HTTP server accepts 16 KiB of request
   * headers in all (`--max-http-header-size`), nginx and Apache 8 KiB per header
   * line: a longer bearer token cannot reach a default API at all.
   */
  tokenChars: 16 * 1024,
  /** Nesting of a decoded JOSE header, claims set or JSON answer (the deepest documented claim nests 3). */
  jsonDepth: 64,
  /** Top-level claims of one claims set (a documented token has about 25). */
  claims: 1000,
  /** Kept per failure in reports: characters of one string value. */
  reportStringChars: 2048,
  /** Kept per failure in reports: items of one array, members of one object. */
  reportItems: 200,
  /** Kept per failure in reports: nesting of one value. */
  reportDepth: 16,
  /** Kept per failure in reports: characters of a message. */
  reportMessageChars: 4096,
});

/** What {@link jsonShape} measured: nesting depth (a scalar is 0) and where it is deepest. */
export interface JsonShape {
  depth: number;
  /** JSON pointer of the first value found beyond `limit`, when one is. */
  tooDeepAt?: string;
}

/**
 * Depth of a parsed JSON value, iteratively (hostile input nests 10,000 levels
 * and more; a recursive walk overflows the stack). Stops at the first value
 * deeper than `limit`.
 */
export function jsonShape(value: unknown, limit: number = BOUNDS.jsonDepth): JsonShape {
  let depth = 0;
  const stack: Array<{ v: unknown; path: string; d: number }> = [{ v: value, path: '', d: 0 }];
  while (stack.length > 0) {
    const { v, path, d } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d >= limit) return { depth: d + 1, tooDeepAt: path || '/' };
    depth = Math.max(depth, d + 1);
    for (const [k, child] of Object.entries(v)) stack.push({ v: child, path: `${path}/${pointerEscape(k)}`, d: d + 1 });
  }
  return { depth };
}

function pointerEscape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** `n` with thousands separators, for messages about sizes. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** A string cut to `max` characters with a note saying how much was left out. */
export function truncateString(s: string, max: number = BOUNDS.reportStringChars): string {
  return s.length <= max ? s : `${s.slice(0, max)}… [truncated by the suite: ${count(s.length - max)} more characters]`;
}

/**
 * A copy of `value` fit for a report: strings, arrays, objects and nesting cut
 * to the report bounds, each cut marked with a note. Iterative, so any value
 * the suite holds can be copied; values within the bounds come back equal.
 */
export function boundForReport(value: JsonValue): JsonValue {
  const root: { v: JsonValue } = { v: null };
  const work: Array<{ src: JsonValue; put: (v: JsonValue) => void; d: number }> = [{ src: value, put: (v) => (root.v = v), d: 0 }];
  while (work.length > 0) {
    const { src, put, d } = work.pop()!;
    if (typeof src === 'string') put(truncateString(src));
    else if (typeof src !== 'object' || src === null) put(src);
    else if (d >= BOUNDS.reportDepth) put(`[truncated by the suite: nested deeper than ${BOUNDS.reportDepth} levels]`);
    else if (Array.isArray(src)) {
      const out: JsonValue[] = [];
      put(out);
      const kept = Math.min(src.length, BOUNDS.reportItems);
      for (let i = 0; i < kept; i++) work.push({ src: src[i] as JsonValue, put: (v) => (out[i] = v), d: d + 1 });
      if (src.length > kept) out[kept] = `[truncated by the suite: ${count(src.length - kept)} more items]`;
    } else {
      const out: Record<string, JsonValue> = {};
      put(out);
      const keys = Object.keys(src);
      const kept = keys.slice(0, BOUNDS.reportItems);
      // Own data properties in the source's order (`__proto__` stays an ordinary key); filled in later.
      const define = (k: string, v: JsonValue) => Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
      for (const k of kept) {
        define(k, null);
        work.push({ src: Object.getOwnPropertyDescriptor(src, k)!.value as JsonValue, put: (v) => define(k, v), d: d + 1 });
      }
      if (keys.length > kept.length) out['[truncated by the suite]'] = `${count(keys.length - kept.length)} more members`;
    }
  }
  return root.v;
}

/** A one-line JSON preview of `value` for messages, at most `max` characters; safe on any depth. */
export function preview(value: JsonValue | undefined, max = 200): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(boundForReport(value));
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
