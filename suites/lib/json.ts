/** JSON-aware helpers that treat `__proto__` & co. as ordinary own keys. */
import type { JsonValue } from '../../adapters/types.js';

export function hasOwn(o: unknown, k: string): boolean {
  return typeof o === 'object' && o !== null && Object.prototype.hasOwnProperty.call(o, k);
}

export function own(o: unknown, k: string): JsonValue | undefined {
  return hasOwn(o, k) ? (Object.getOwnPropertyDescriptor(o, k)!.value as JsonValue) : undefined;
}

/** Structural equality of JSON values (object key order ignored, -0 equals 0). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => hasOwn(b, k) && jsonEqual(own(a, k), own(b, k)));
}

/** What a value becomes after JSON serialization (the wire form of a claim). */
export function roundTrip(v: unknown): JsonValue | undefined {
  const s = JSON.stringify(v);
  return s === undefined ? undefined : (JSON.parse(s) as JsonValue);
}
