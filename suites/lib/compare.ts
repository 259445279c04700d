/**
 * Judging a token issued with workflows against the same request issued
 * without them (the baseline): prohibited claims stay as the issuer sets
 * them, each claim a workflow set lands with its JSON value, and nothing
 * else moves.
 */
import { preview } from '../../adapters/bounds.js';
import type { JsonObject, JsonValue, TokenType } from '../../adapters/types.js';
import { HOSTILE_CLAIM_NAMES } from '../../generators/claims.js';
import { prohibitedClaims } from '../../schemas/catalog.js';
import { hasOwn, jsonEqual, own } from './json.js';
import type { Decoded } from './tokens.js';
import type { Judge } from './violation.js';

/** Seconds two issuances of the same request may lie apart. */
export const TIME_TOLERANCE = 30;
const TIME_CLAIMS = new Set(['iat', 'exp', 'auth_time', 'nbf']);
/** Claims that are different on every issuance by design. */
const PER_ISSUANCE = new Set(['jti', 'sid']);
/** Derived from other tokens of the response; judged by their own requirements. */
const DERIVED = new Set(['at_hash']);
const HOSTILE = new Set(HOSTILE_CLAIM_NAMES);

/** The requirement whose statement a changed prohibited claim of this token type breaks, in whatever check it is seen. */
export const PROHIBITED_REQUIREMENT: Readonly<Record<TokenType, string>> = {
  access: 'WF-PROHIBITED-ACCESS',
  id: 'WF-PROHIBITED-ID',
  m2m: 'WF-PROHIBITED-M2M',
};

export interface BaselineRequirements {
  prohibited: string;
  custom: string;
  isolation: string;
}

/** Iterative and depth-bounded: safe on whatever the target sent. */
const show = (v: JsonValue | undefined): string => preview(v);

export function judgeAgainstBaseline(
  judge: Judge,
  type: TokenType,
  baseline: Decoded,
  actual: Decoded,
  /** Last value written per claim for this token (workflows that completed and were applied). */
  written: Map<string, JsonValue>,
  /** Claim names written for other tokens of the same issuance. */
  writtenElsewhere: ReadonlySet<string>,
  req: BaselineRequirements,
  /**
   * Other values a written claim may end with (several workflows of one
   * trigger wrote it, and their order is not defined); `written` holds one of them.
   */
  anyOf: ReadonlyMap<string, readonly JsonValue[]> = new Map(),
): void {
  const b = baseline.payload;
  const a = actual.payload;
  const token = { header: actual.header, payload: actual.payload };
  const prohibited = prohibitedClaims(type);
  const names = new Set<string>([...Object.keys(b), ...Object.keys(a), ...written.keys()]);
  for (const name of names) {
    if (DERIVED.has(name)) continue;
    const bv = own(b, name);
    const av = own(a, name);
    const details = { tokenType: type, claim: name, token };
    if (prohibited.has(name)) {
      judgeProhibited(judge, type, name, b, a, written, req.prohibited, { ...details, because: PROHIBITED_REQUIREMENT[type] });
      continue;
    }
    if (written.has(name)) {
      const want = written.get(name)!;
      const others = anyOf.get(name) ?? [];
      const ok = jsonEqual(av, want) || others.some((v) => jsonEqual(av, v)) || (HOSTILE.has(name) && (av === undefined || jsonEqual(av, bv)));
      const wanted = others.length > 1 ? `one of ${others.map(show).join(', ')} (workflows of one trigger run in no defined order)` : show(want);
      judge.check(ok, req.custom, 'ERR_CLAIM_MISMATCH', () => `${type} token claim "${name}" set by a workflow to ${wanted} is ${show(av)}`, {
        ...details,
        expected: want,
        actual: av,
      });
      continue;
    }
    // A time or per-issuance claim the issuer sets beyond the documented ones (auth_time in an access
    // token, RFC 9068 §2.2.1) moves between two issuances like the prohibited ones do.
    const moved = TIME_CLAIMS.has(name)
      ? typeof av === 'number' && typeof bv === 'number' && Math.abs(av - bv) <= TIME_TOLERANCE
      : PER_ISSUANCE.has(name) && hasOwn(a, name) === hasOwn(b, name);
    judge.check(
      moved || jsonEqual(av, bv),
      req.isolation,
      hasOwn(b, name) ? 'ERR_CLAIM_MISMATCH' : 'ERR_CLAIM_UNEXPECTED',
      () =>
        `${type} token claim "${name}" changed although no workflow aimed it at this token${writtenElsewhere.has(name) ? ' (a workflow set it on another token)' : ''}: without workflows ${show(bv)}, with workflows ${show(av)}`,
      { ...details, expected: bv, actual: av },
    );
  }
}

function judgeProhibited(
  judge: Judge,
  type: TokenType,
  name: string,
  b: JsonObject,
  a: JsonObject,
  written: Map<string, JsonValue>,
  requirement: string,
  details: { tokenType: TokenType; claim: string; token: { header: JsonObject; payload: JsonObject }; because: string },
): void {
  const bv = own(b, name);
  const av = own(a, name);
  const present = (x: JsonObject) => hasOwn(x, name);
  judge.check(present(a) === present(b), requirement, present(b) ? 'ERR_CLAIM_MISSING' : 'ERR_CLAIM_UNEXPECTED', () =>
    `prohibited ${type} token claim "${name}" is ${present(b) ? 'missing' : 'present'} with workflows (without: ${show(bv)}, with: ${show(av)})`,
    { ...details, expected: bv, actual: av },
  );
  if (!present(b)) return;
  if (PER_ISSUANCE.has(name)) {
    const w = written.get(name);
    judge.check(w === undefined || !jsonEqual(av, w), requirement, 'ERR_CLAIM_MISMATCH', `prohibited ${type} token claim "${name}" took the value a workflow set: ${show(av)}`, {
      ...details,
      actual: av,
    });
    return;
  }
  if (TIME_CLAIMS.has(name)) {
    const ok = typeof av === 'number' && typeof bv === 'number' && Math.abs(av - bv) <= TIME_TOLERANCE;
    judge.check(ok, requirement, 'ERR_CLAIM_MISMATCH', () => `prohibited ${type} token claim "${name}" is ${show(av)} with workflows, ${show(bv)} without`, {
      ...details,
      expected: bv,
      actual: av,
    });
    if (name === 'exp') {
      const life = (x: JsonObject) => (typeof own(x, 'exp') === 'number' && typeof own(x, 'iat') === 'number' ? (own(x, 'exp') as number) - (own(x, 'iat') as number) : null);
      judge.check(life(a) === life(b), requirement, 'ERR_CLAIM_MISMATCH', () => `${type} token lifetime (exp − iat) is ${life(a)} s with workflows, ${life(b)} s without`, {
        ...details,
        expected: life(b),
        actual: life(a),
      });
    }
    return;
  }
  judge.check(jsonEqual(av, bv), requirement, 'ERR_CLAIM_MISMATCH', () => `prohibited ${type} token claim "${name}" changed: without workflows ${show(bv)}, with workflows ${show(av)}`, {
    ...details,
    expected: bv,
    actual: av,
  });
}
