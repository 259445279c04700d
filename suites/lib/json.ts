/** JSON-aware helpers that treat `__proto__` & co. as ordinary own keys. */
import type { JsonValue } from '../../adapters/types.js';

export function hasOwn(o: unknown, k: string): boolean {
  return typeof o === 'object' && o !== null && Object.prototype.hasOwnProperty.call(o, k);
}

export function own(o: unknown, k: string): JsonValue | undefined {
  return hasOwn(o, k) ? (Object.getOwnPropertyDescriptor(o, k)!.value as JsonValue) : undefined;
}

/**
 * Structural equality of JSON values (object key order ignored, -0 equals 0).
 * Iterative: a hostile value nested 10,000 levels deep costs a loop, not the stack.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  const pending: Array<[unknown, unknown]> = [[a, b]];
  while (pending.length > 0) {
    const [x, y] = pending.pop()!;
    if (x === y) continue;
    if (typeof x !== typeof y || x === null || y === null || typeof x !== 'object') return false;
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    if (Array.isArray(x)) {
      const yy = y as unknown[];
      if (x.length !== yy.length) return false;
      for (let i = 0; i < x.length; i++) pending.push([x[i], yy[i]]);
      continue;
    }
    const kx = Object.keys(x as object);
    if (kx.length !== Object.keys(y as object).length) return false;
    for (const k of kx) {
      if (!hasOwn(y, k)) return false;
      pending.push([own(x, k), own(y, k)]);
    }
  }
  return true;
}

/** What a value becomes after JSON serialization (the wire form of a claim). */
export function roundTrip(v: unknown): JsonValue | undefined {
  const s = JSON.stringify(v);
  return s === undefined ? undefined : (JSON.parse(s) as JsonValue);
}
