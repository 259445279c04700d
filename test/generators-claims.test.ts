// The claim value and claim name arbitraries.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TOKEN_TYPES } from '../adapters/types.js';
import type { JsonValue, TokenType } from '../adapters/types.js';
import {
  claimNameCategory,
  customClaimNameArb,
  DOCUMENTED_CLAIMS,
  jsonClaimValueArb,
  jsonRoundTrip,
  PROHIBITED_CLAIMS,
} from '../generators/claims.js';
import type { ClaimNameCategory } from '../generators/claims.js';
import { SEED, sameJson, isJson, depth, walk } from './lib/generators-helpers.js';

// ---------------------------------------------------------------------------
// claims
// ---------------------------------------------------------------------------

describe('jsonClaimValueArb', () => {
  it('produces JSON values that survive a JSON round trip', () => {
    fc.assert(
      fc.property(jsonClaimValueArb(), (v) => {
        expect(isJson(v)).toBe(true);
        expect(sameJson(jsonRoundTrip(v), v)).toBe(true);
        expect(sameJson(JSON.parse(JSON.stringify(v)), v)).toBe(true);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('hits the hostile corners', () => {
    const values = fc.sample(jsonClaimValueArb(), { seed: SEED, numRuns: 1_000 });
    const nodes = values.flatMap((v) => [...walk(v)]);
    const strings = nodes.filter((n): n is string => typeof n === 'string');
    expect(nodes.some((n) => Object.is(n, -0))).toBe(true);
    expect(nodes.some((n) => n === Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(nodes.some((n) => typeof n === 'object' && n !== null && !Array.isArray(n) && Object.hasOwn(n, '__proto__'))).toBe(true);
    expect(strings.some((s) => s.includes('\u0000'))).toBe(true);
    expect(strings.some((s) => /[\u{10000}-\u{10FFFF}]/u.test(s))).toBe(true);
    expect(strings.some((s) => /\p{M}/u.test(s))).toBe(true);
    expect(strings.some((s) => s.length > 1024)).toBe(true);
    expect(values.some((v) => depth(v) >= 3)).toBe(true);
    expect(values.every((v) => depth(v) <= 4)).toBe(true);
    expect(strings.every((s) => s.length <= 4096)).toBe(true);
  });

  it('jsonRoundTrip normalises -0 and keeps __proto__ as an own key', () => {
    expect(Object.is(jsonRoundTrip(-0), 0)).toBe(true);
    const v = jsonRoundTrip(JSON.parse('{"__proto__":{"polluted":true}}') as JsonValue) as Record<string, unknown>;
    expect(Object.hasOwn(v, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('customClaimNameArb', () => {
  it.each(TOKEN_TYPES)('hits every category for %s tokens within 200 samples', (type) => {
    const counts: Record<ClaimNameCategory, number> = { custom: 0, documented: 0, prohibited: 0, hostile: 0 };
    for (const name of fc.sample(customClaimNameArb(type), { seed: SEED, numRuns: 200 })) counts[claimNameCategory(type, name)]++;
    for (const c of Object.keys(counts) as ClaimNameCategory[]) expect(counts[c], c).toBeGreaterThanOrEqual(5);
  });

  it('categorises per token type', () => {
    const cases: [TokenType, string, ClaimNameCategory][] = [
      ['access', 'scp', 'prohibited'],
      ['id', 'scp', 'custom'],
      ['m2m', 'gty', 'prohibited'],
      ['access', 'gty', 'custom'],
      ['id', 'updated_at', 'prohibited'],
      ['access', 'updated_at', 'custom'],
      ['id', 'name', 'documented'],
      ['access', 'permissions', 'documented'],
      ['m2m', 'permissions', 'custom'],
      ['access', 'sub', 'prohibited'],
      ['access', '__proto__', 'hostile'],
      ['id', 'companyName', 'custom'],
    ];
    for (const [type, name, category] of cases) expect(claimNameCategory(type, name), `${type} ${name}`).toBe(category);
    for (const type of TOKEN_TYPES) for (const n of DOCUMENTED_CLAIMS[type]) expect(PROHIBITED_CLAIMS[type]).not.toContain(n);
  });
});
