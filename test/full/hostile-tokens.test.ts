/**
 * The judge survives any token. Hostile tokens (10,000 levels deep, 10,000
 * claims, 1 MB, not a JWT, 2 or 4 segments, bad base64url, bad UTF-8,
 * duplicate claim names) are FAILED verdicts of the requirement they break,
 * with a message naming the bound, never an internal error; every other
 * requirement that cannot be judged on such a token fails "because of" it.
 * The walkers themselves (comparison, report copies) are iterative, so a
 * value past the decoder's bounds cannot overflow the stack either.
 */
import { describe, expect, it } from 'vitest';
import { BOUNDS, boundForReport, jsonShape } from '../../adapters/bounds.js';
import { ReferenceAdapter } from '../../reference/adapter.js';
import type { JsonObject, JsonValue } from '../../adapters/types.js';
import { HOSTILE_TOKENS, Resigner, type HostileTokenName } from '../../hardening/hostile-tokens.js';
import { RewritingAdapter } from '../../hardening/rewriting-adapter.js';
import { requirementById } from '../../schemas/catalog.js';
import { ALL_CHECKS } from '../../suites/index.js';
import { judgeAgainstBaseline } from '../../suites/lib/compare.js';
import { jsonEqual } from '../../suites/lib/json.js';
import { runCheck } from '../../runner/run-check.js';
import { decodeToken, isDecoded, type Decoded } from '../../suites/lib/tokens.js';
import { Judge, Violation } from '../../suites/lib/violation.js';

const CLAIMS: JsonObject = {
  aud: ['myapp:api'],
  azp: 'c0ffee',
  exp: 2_000_000_000,
  iat: 1_999_996_400,
  iss: 'https://tenant.kinde.com',
  jti: 'f5c5e2a0-7a43-4bd9-9b7c-0d2c5e7b6b1e',
  sub: 'kp_0123456789abcdef0123456789abcdef',
  scp: ['openid'],
};
const b64 = (s: string) => Buffer.from(s).toString('base64url');
const signed = (payload: JsonObject) => `${b64('{"alg":"RS256","typ":"JWT"}')}.${b64(JSON.stringify(payload))}.c2ln`;

/** Text of a JSON array nested `n` levels deep, parsed (JSON.parse is iterative; JSON.stringify is not). */
const deepValue = (n: number): JsonValue => JSON.parse(`${'['.repeat(n)}1${']'.repeat(n)}`) as JsonValue;

describe('decodeToken: strict and bounded, naming the requirement broken', () => {
  const kinds = Object.entries(HOSTILE_TOKENS) as Array<[HostileTokenName, (typeof HOSTILE_TOKENS)[HostileTokenName]]>;
  for (const [name, kind] of kinds.filter(([, k]) => k.fails !== 'TOKEN-CLAIM-NAMES-UNIQUE')) {
    it(`${name} (${kind.description}): ${kind.fails}`, async () => {
      const raw = await (await Resigner.create()).rewrite(signed(CLAIMS), name);
      const d = decodeToken(raw);
      expect(isDecoded(d)).toBe(false);
      if (isDecoded(d)) return;
      expect(d.requirement).toBe(kind.fails);
      expect(d.error).toMatch(kind.says);
      expect(d.error.length).toBeLessThan(400);
    });
  }

  it('a well-formed token decodes, with no duplicates (control)', () => {
    const d = decodeToken(signed(CLAIMS));
    expect(isDecoded(d) && d.payload).toEqual(CLAIMS);
    expect(isDecoded(d) && d.duplicates).toEqual([]);
  });

  it('{"sub":"a","sub":"b"}: the suite reads the last one (as JSON.parse and jose do) and records the duplicate', () => {
    const raw = `${b64('{"alg":"RS256"}')}.${b64('{"sub":"a","sub":"b","o":{"k":1,"k":2},"l":[{"x":0},{"x":1,"x":2}]}')}.c2ln`;
    const d = decodeToken(raw);
    expect(isDecoded(d)).toBe(true);
    if (!isDecoded(d)) return;
    expect(d.payload['sub']).toBe('b');
    expect(d.duplicates).toEqual(['payload /sub (2×)', 'payload /o/k (2×)', 'payload /l/1/x (2×)']);
  });

  it('duplicates in the header and escaped names are found too; equal names written differently count as one', () => {
    const raw = `${b64('{"alg":"RS256","alg":"none"}')}.${b64('{"a\\/b":1,"a/b":2,"\\u0073ub":"x","sub":"y"}')}.c2ln`;
    const d = decodeToken(raw) as Decoded;
    expect(d.header['alg']).toBe('none');
    expect(d.duplicates).toEqual(['header /alg (2×)', 'payload /a~1b (2×)', 'payload /sub (2×)']);
  });

  it('rejects standard base64 padding, a payload that is an array, and a non-string', () => {
    const padded = `${b64('{"alg":"RS256"}')}.${Buffer.from('{"sub":"abc"}').toString('base64')}.c2ln`;
    expect(padded).toContain('=');
    expect(decodeToken(padded)).toMatchObject({ requirement: 'TOKEN-WELL-FORMED', error: expect.stringMatching(/payload segment is not base64url.*"="/) });
    expect(decodeToken(`${b64('{"alg":"RS256"}')}.${b64('[1]')}.c2ln`)).toMatchObject({ error: expect.stringMatching(/payload is a JSON array, not an object/) });
    expect(decodeToken(42)).toMatchObject({ requirement: 'TOKEN-WELL-FORMED' });
  });
});

describe('walkers are iterative: values past every bound cost a loop, not the stack', () => {
  it('jsonEqual compares values nested 100,000 levels deep', () => {
    expect(jsonEqual(deepValue(100_000), deepValue(100_000))).toBe(true);
    expect(jsonEqual(deepValue(100_000), deepValue(99_999))).toBe(false);
  });

  it('jsonShape stops at the bound and names where', () => {
    expect(jsonShape(deepValue(100_000))).toEqual({ depth: BOUNDS.jsonDepth + 1, tooDeepAt: `/${Array(BOUNDS.jsonDepth).fill(0).join('/')}` });
    expect(jsonShape(CLAIMS).depth).toBe(2);
  });

  it('judging a 10,000-deep claim against the baseline is a violation with a message, not a RangeError', () => {
    const baseline: Decoded = { raw: '', header: {}, payload: { ...CLAIMS, deep: deepValue(10_000) }, duplicates: [] };
    const actual: Decoded = { raw: '', header: {}, payload: { ...CLAIMS, deep: deepValue(9_999) }, duplicates: [] };
    const judge = new Judge(new Set(['WF-CUSTOM-ISOLATION']));
    const req = { prohibited: 'WF-PROHIBITED-ACCESS', custom: 'WF-CUSTOM-ACCESS', isolation: 'WF-CUSTOM-ISOLATION' };
    let thrown: unknown;
    try {
      judgeAgainstBaseline(judge, 'access', baseline, actual, new Map(), new Set(), req);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Violation);
    expect((thrown as Violation).message).toMatch(/claim "deep" changed/);
  });

  it('counterexamples keep bounded copies, marked as cut: a 10,000-deep value, a 1 MB string, 10,000 items', () => {
    const huge = 'x'.repeat(1024 * 1024);
    const v = new Violation('ERR_CLAIM_MISMATCH', 'ACCESS-SCP', huge, { expected: deepValue(10_000), actual: Array.from({ length: 10_000 }, (_, i) => i) }, { token: { header: {}, payload: { blob: huge } } });
    const c = v.toCounterexample();
    const text = JSON.stringify(c);
    expect(text.length).toBeLessThan(20_000);
    expect(c.message).toMatch(/truncated by the suite: [\d,]+ more characters/);
    expect(JSON.stringify(c.expected)).toMatch(/nested deeper than 16 levels/);
    expect((c.actual as JsonValue[]).at(-1)).toBe('[truncated by the suite: 9,800 more items]');
    expect(c.token!.payload['blob']).toMatch(/^x{2048}… \[truncated by the suite: 1,046,528 more characters\]$/);
  });

  it('a value within the report bounds is copied unchanged, __proto__ and key order included', () => {
    const v = JSON.parse('{"b":1,"__proto__":{"x":[1,2,{"y":null}]},"a":"s"}') as JsonValue;
    const copy = boundForReport(v);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(v));
    expect(Object.keys(copy as object)).toEqual(['b', '__proto__', 'a']);
  });
});

const SIGNATURE = ALL_CHECKS.find((c) => c.name === 'every token is RS256-signed by a key of the JWKS')!;
const ACCESS = ALL_CHECKS.find((c) => c.name === 'access token claims follow the sign-in')!;

async function judged(kind: HostileTokenName) {
  const adapter = new RewritingAdapter(new ReferenceAdapter(), kind);
  const env = { adapter, info: await adapter.start() };
  const options = { seed: 7, runs: 3, severity: (id: string) => requirementById(id).severity };
  const outcomes = { ...(await runCheck(SIGNATURE, env, options)).outcomes, ...(await runCheck(ACCESS, env, options)).outcomes };
  await adapter.stop();
  return outcomes;
}

describe('hostile tokens through real checks: FAILED with the bound named, the rest "because of" it, nothing ERRORED', () => {
  for (const name of Object.keys(HOSTILE_TOKENS) as HostileTokenName[]) {
    const kind = HOSTILE_TOKENS[name];
    it(`${name}: ${kind.fails} FAILED`, async () => {
      const outcomes = await judged(name);
      const verdicts = Object.fromEntries(Object.entries(outcomes).map(([id, o]) => [id, o.verdict]));
      expect(Object.values(verdicts), JSON.stringify(outcomes).slice(0, 2000)).not.toContain('ERRORED');
      const own = outcomes[kind.fails]!;
      expect(own.verdict).toBe('FAILED');
      expect(own.failure?.message).toMatch(kind.says);
      expect(own.failure?.message).not.toMatch(/RangeError|stack/);
      expect(JSON.stringify(own.failure).length).toBeLessThan(64 * 1024);
      const others = Object.entries(outcomes).filter(([id]) => id !== kind.fails);
      if (kind.fails === 'TOKEN-CLAIM-NAMES-UNIQUE') {
        // The suite reads the last sub, the real one: nothing else is wrong with the token.
        for (const [id, o] of others) expect(o.verdict, id).toBe('PASSED');
      } else {
        for (const [id, o] of others) {
          expect(o.verdict, id).toBe('FAILED');
          expect(o.failure?.counterexample.because, id).toBe(kind.fails);
        }
      }
    });
  }
});
