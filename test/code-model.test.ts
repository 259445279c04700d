/**
 * The authorization-code model (suites/lib/code-model.ts): each way of
 * presenting a binding wrong is really wrong (and only in that binding), and
 * the generated runs reach every kind of attempt in every run and every way
 * of getting a binding wrong over the default runs, at any seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUNS } from '../runner/options.js';
import { checks } from '../suites/code-exchange.js';
import { challengeOf, exchangeFor, REQ, RIGHT, type Attempt, type RedirectWay, type VerifierWay } from '../suites/lib/code-model.js';

const own = { clientId: 'app_own', clientSecret: 'secret-own', kind: 'backend' as const };
const other = { clientId: 'app_other', clientSecret: 'secret-other', kind: 'backend' as const };
const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const bound = { code: 'c0de', verifier, redirectUri: 'http://127.0.0.1/kinde-token-conformance/callback' };

const VERIFIER_WAYS: VerifierWay[] = ['other', 'near', 'challenge', 'missing'];
const REDIRECT_WAYS: RedirectWay[] = ['other-host', 'trailing-slash', 'query', 'path-case', 'missing'];

describe('code model: presentations', () => {
  it('the right presentation gets nothing wrong and sends every binding', () => {
    const { request, wrong } = exchangeFor(RIGHT, bound, own, other);
    expect(wrong).toEqual([]);
    expect(request).toEqual({ clientId: 'app_own', clientSecret: 'secret-own', code: 'c0de', codeVerifier: verifier, redirectUri: bound.redirectUri });
  });

  it('every wrong verifier differs from the right one (the challenge itself among them) and breaks PKCE only', () => {
    for (const way of VERIFIER_WAYS) {
      const { request, wrong, missingOnly } = exchangeFor({ ...RIGHT, verifier: way }, bound, own, other);
      expect(wrong, way).toEqual([REQ.pkce]);
      expect(request.codeVerifier, way).not.toBe(verifier);
      if (request.codeVerifier !== undefined) expect(request.codeVerifier, way).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
      expect(missingOnly, way).toBe(way === 'missing');
    }
    expect(exchangeFor({ ...RIGHT, verifier: 'challenge' }, bound, own, other).request.codeVerifier).toBe(challengeOf(verifier));
  });

  it('every wrong redirect_uri differs from the bound one and breaks the redirect binding only', () => {
    const seen = new Set<string | undefined>();
    for (const way of REDIRECT_WAYS) {
      const { request, wrong } = exchangeFor({ ...RIGHT, redirect: way }, bound, own, other);
      expect(wrong, way).toEqual([REQ.redirect]);
      expect(request.redirectUri, way).not.toBe(bound.redirectUri);
      seen.add(request.redirectUri);
    }
    expect(seen.size).toBe(REDIRECT_WAYS.length);
  });

  it('another client presents the code with its own credentials and breaks the client binding only', () => {
    const { request, wrong } = exchangeFor({ ...RIGHT, client: 'other' }, bound, own, other);
    expect(wrong).toEqual([REQ.client]);
    expect(request).toMatchObject({ clientId: 'app_other', clientSecret: 'secret-other' });
  });
});

describe('code model: reach at any seed', () => {
  const check = checks.find((c) => c.requirements.includes(REQ.pkce))!;
  const runs = Math.max(1, Math.round(DEFAULT_RUNS * (check.runsFactor ?? 1)));
  const kind = (a: Attempt) => (a.client === 'other' ? 'client' : a.verifier !== 'right' ? 'verifier' : a.redirect !== 'right' ? 'redirect' : 'right');

  for (const seed of [1, 2, 3, 42, 1234]) {
    it(`seed ${seed}: every run replays a code and gets each binding wrong; the default runs reach every way`, () => {
      const inputs = fc.sample(check.arbitrary({} as never), { numRuns: runs, seed }) as Array<{ codes: Attempt[][] }>;
      const verifierWays = new Set<string>();
      const redirectWays = new Set<string>();
      for (const input of inputs) {
        const firsts = new Set(input.codes.map((c) => kind(c[0]!)));
        expect([...firsts]).toEqual(expect.arrayContaining(['right', 'verifier', 'redirect', 'client']));
        expect(input.codes.some((c) => c.length > 1 && kind(c[0]!) === 'right' && kind(c[1]!) === 'right'), 'a right exchange then its replay').toBe(true);
        for (const a of input.codes.flat()) {
          verifierWays.add(a.verifier);
          redirectWays.add(a.redirect);
        }
      }
      expect([...verifierWays].sort()).toEqual(['right', ...VERIFIER_WAYS].sort());
      expect([...redirectWays].sort()).toEqual(['right', ...REDIRECT_WAYS].sort());
    });
  }
});
