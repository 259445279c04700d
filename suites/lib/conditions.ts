/**
 * Small reusable conditions (in the spirit of the OpenID conformance suite's
 * "conditions"): each judges one fact about one claim for one requirement.
 */
import { preview } from '../../adapters/bounds.js';
import type { JsonValue, TokenType } from '../../adapters/types.js';
import { jsonEqual, own } from './json.js';
import type { Decoded } from './tokens.js';
import type { Judge } from './violation.js';

/** Iterative and depth-bounded: safe on whatever the target sent. */
const show = (v: JsonValue | undefined): string => preview(v);

/** `claim` equals `expected` (JSON equality). */
export function claimEquals(judge: Judge, req: string, type: TokenType, t: Decoded, claim: string, expected: JsonValue | undefined): void {
  const actual = own(t.payload, claim);
  judge.check(
    expected === undefined ? actual === undefined : jsonEqual(actual, expected),
    req,
    actual === undefined ? 'ERR_CLAIM_MISSING' : expected === undefined ? 'ERR_CLAIM_UNEXPECTED' : 'ERR_CLAIM_MISMATCH',
    () => `${type} token "${claim}" is ${show(actual)}, expected ${show(expected)}`,
    { tokenType: type, claim, expected, actual, token: { header: t.header, payload: t.payload } },
  );
}

/** `claim` is an array of strings holding exactly `expected` in any order. */
export function claimSetEquals(judge: Judge, req: string, type: TokenType, t: Decoded, claim: string, expected: readonly string[]): void {
  const actual = own(t.payload, claim);
  const ok =
    Array.isArray(actual) &&
    actual.every((x) => typeof x === 'string') &&
    actual.length === new Set(actual).size &&
    new Set(actual).size === new Set(expected).size &&
    expected.every((x) => (actual as string[]).includes(x));
  judge.check(ok, req, actual === undefined ? 'ERR_CLAIM_MISSING' : 'ERR_CLAIM_MISMATCH', () => `${type} token "${claim}" is ${show(actual)}, expected exactly ${show([...expected])} (any order)`, {
    tokenType: type,
    claim,
    expected: [...expected],
    actual,
    token: { header: t.header, payload: t.payload },
  });
}

/** `exp - iat` equals `seconds`. */
export function lifetimeIs(judge: Judge, req: string, type: TokenType, t: Decoded, seconds: number): void {
  const exp = own(t.payload, 'exp');
  const iat = own(t.payload, 'iat');
  const life = typeof exp === 'number' && typeof iat === 'number' ? exp - iat : null;
  judge.check(life === seconds, req, 'ERR_CLAIM_MISMATCH', () => `${type} token lifetime exp − iat is ${life === null ? `not computable (exp ${show(exp)}, iat ${show(iat)})` : `${life} s`}, the application configures ${seconds} s`, {
    tokenType: type,
    claim: 'exp',
    expected: seconds,
    actual: life,
    token: { header: t.header, payload: t.payload },
  });
}

/**
 * `claim` (default `iat`) is a whole second between two readings of the
 * target's clock taken just before and just after the request that issued `t`.
 */
export function issuedBetween(judge: Judge, req: string, type: TokenType, t: Decoded, from: number, to: number, claim = 'iat'): void {
  const v = own(t.payload, claim);
  judge.check(Number.isInteger(v) && (v as number) >= from && (v as number) <= to, req, v === undefined ? 'ERR_CLAIM_MISSING' : 'ERR_CLAIM_MISMATCH', () => `${type} token "${claim}" is ${show(v)}; the target's clock read ${from} before and ${to} after issuing it`, {
    tokenType: type,
    claim,
    expected: from === to ? from : `${from}…${to}`,
    actual: v,
    token: { header: t.header, payload: t.payload },
  });
}

/** `exp` is later than `iat`, and a `nbf`, if present, is not later than `iat` (the token is valid when issued). */
export function validWhenIssued(judge: Judge, req: string, type: TokenType, t: Decoded): void {
  const iat = own(t.payload, 'iat');
  const exp = own(t.payload, 'exp');
  const nbf = own(t.payload, 'nbf');
  const token = { header: t.header, payload: t.payload };
  judge.check(typeof exp === 'number' && typeof iat === 'number' && exp > iat, req, 'ERR_CLAIM_INVALID', () => `${type} token exp ${show(exp)} is not later than iat ${show(iat)}`, { tokenType: type, claim: 'exp', actual: exp, token });
  judge.check(nbf === undefined || (typeof nbf === 'number' && typeof iat === 'number' && nbf <= iat), req, 'ERR_CLAIM_INVALID', () => `${type} token nbf ${show(nbf)} is later than iat ${show(iat)}: not valid when issued`, {
    tokenType: type,
    claim: 'nbf',
    expected: `≤ ${show(iat)}`,
    actual: nbf,
    token,
  });
}
