/**
 * Token revocation (suites/revocation.ts): the model's transitions, the HTTP
 * answer as a result, and the check against correct implementations that
 * differ from the reference (RFC 7009 §2.1 lets a server revoke related
 * tokens) as well as against a defect. The seeded defects of the reference
 * are in the kill matrix (test/full/mutants-*.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { RefreshRequest, RevokeRequest, RevokeResult, SignInRequest, TokenResult } from '../adapters/types.js';
import { revocationEndpoint, revokeAnswer, revokeForm } from '../adapters/http/revoke.js';
import { ReferenceAdapter } from '../reference/adapter.js';
import type { Verdict } from '../reports/results.js';
import { severityFor } from '../runner/execute.js';
import { DEFAULT_RUNS } from '../runner/options.js';
import { runCheck } from '../runner/run-check.js';
import { applyRefreshAccepted, applySignIn, expectRefresh, initialModel, liveTokens, type RefreshModel } from '../suites/lib/refresh-model.js';
import { applyAccessRevoked, applyRefreshRevoked } from '../suites/lib/revoke-model.js';
import { checks } from '../suites/revocation.js';
import fc from 'fast-check';
import type { CheckEnv } from '../suites/lib/check.js';
import { AdvanceClockCommand, RefreshTokenCommand, SignInCommand } from '../suites/lib/refresh-commands.js';
import { applyAdvance, applyRefreshRefused, revokedTokens, rotatedTokens } from '../suites/lib/refresh-model.js';
import type { RefreshCommand } from '../suites/lib/refresh-real.js';
import { applyContested } from '../suites/lib/revoke-model.js';
import { RevokeCommand } from '../suites/lib/revoke-commands.js';

const LIFETIMES = { accessToken: 86_400, idToken: 3_600, refreshToken: 1_296_000 };

describe('revocation model', () => {
  it('a revoked refresh token must be refused; its session access token and siblings are no longer judged', () => {
    const m = initialModel(LIFETIMES, 0, true);
    const { token } = applySignIn(m, true, { lifetime: 86_400 }, true);
    expect(expectRefresh(m, token!, 1).outcome).toBe('accept');
    applyRefreshRevoked(m, token!, 1);
    expect(expectRefresh(m, token!, 1)).toMatchObject({ outcome: 'refuse', requirement: 'REVOKE-REFRESH-REFUSED' });
    expect(liveTokens(m)).not.toContain(token);
    expect(m.sessions[0]!.access.mayBeRevoked).toBe(true);
  });

  it('revoking a rotated-out token (already invalid, no overlap) does not make it a revocation failure', () => {
    const m = initialModel(LIFETIMES, 0, true);
    const { token } = applySignIn(m, true, { lifetime: 86_400 }, true);
    applyRefreshAccepted(m, token!, 'new', null);
    applyRefreshRevoked(m, token!, 1);
    expect(expectRefresh(m, token!, 1)).toMatchObject({ outcome: 'refuse', requirement: 'RT-OLD-REFUSED' });
  });

  it('revoking the access token marks it revoked and leaves the refresh with its token to either answer (RFC 7009 MAY)', () => {
    const m = initialModel(LIFETIMES, 0, true);
    const { session, token } = applySignIn(m, true, { lifetime: 86_400 }, true);
    applyAccessRevoked(m, session);
    expect(session.access.revoked).toBe(true);
    expect(expectRefresh(m, token!, 1).outcome).toBe('either');
  });
});

describe('revocation over HTTP: endpoint, form and answer', () => {
  const answer = (status: number, text = '', contentType = '') => ({ status, text, contentType, what: 'POST http://t/oauth2/revoke', headers: {} });
  it('uses discovery revocation_endpoint when it is an http(s) URL, else /oauth2/revoke under the base', () => {
    expect(revocationEndpoint({ revocation_endpoint: 'http://x/r' }, 'http://b/s/1/')).toBe('http://x/r');
    expect(revocationEndpoint({ revocation_endpoint: 'javascript:alert(1)' }, 'http://b/s/1/')).toBe('http://b/s/1/oauth2/revoke');
    expect(revocationEndpoint({}, 'http://b')).toBe('http://b/oauth2/revoke');
  });
  it('sends token, client_id, client_secret and the hint only when given', () => {
    expect(revokeForm({ token: 't', clientId: 'c' }).toString()).toBe('token=t&client_id=c');
    expect(revokeForm({ token: 't', clientId: 'c', clientSecret: 's', tokenTypeHint: 'refresh_token' }).toString()).toBe('token=t&client_id=c&client_secret=s&token_type_hint=refresh_token');
  });
  it('200 is success whatever the body; 4xx is a refusal with or without an OAuth body; 5xx is a broken target', () => {
    expect(revokeAnswer(answer(200)).ok).toBe(true);
    expect(revokeAnswer(answer(200, '{}', 'application/json')).ok).toBe(true);
    expect(revokeAnswer(answer(400, '{"error":"invalid_request"}'))).toMatchObject({ ok: false, status: 400, error: 'invalid_request' });
    expect(revokeAnswer(answer(401, '<html>'))).toMatchObject({ ok: false, status: 401 });
    expect(revokeAnswer(answer(204))).toMatchObject({ ok: false, status: 204 });
    expect(() => revokeAnswer(answer(503))).toThrow(/503/);
  });
});

/** Remembers which access token each refresh token came with (and back), to revoke related tokens as RFC 7009 §2.1 allows. */
class Related extends ReferenceAdapter {
  readonly accessOf = new Map<string, string>();
  readonly refreshOf = new Map<string, string>();
  #note(r: TokenResult): TokenResult {
    if (r.ok && r.body.refresh_token) {
      this.accessOf.set(r.body.refresh_token, r.body.access_token);
      this.refreshOf.set(r.body.access_token, r.body.refresh_token);
    }
    return r;
  }
  override async signIn(request: SignInRequest): Promise<TokenResult> {
    return this.#note(await super.signIn(request));
  }
  override async refresh(request: RefreshRequest): Promise<TokenResult> {
    return this.#note(await super.refresh(request));
  }
}

/** Revoking a refresh token also revokes the access token issued with it (RFC 7009 §2.1 SHOULD). */
class AlsoRevokesAccess extends Related {
  override async revoke(request: RevokeRequest): Promise<RevokeResult> {
    const r = await super.revoke(request);
    const at = this.accessOf.get(request.token);
    if (r.ok && at !== undefined) await super.revoke({ ...request, token: at });
    return r;
  }
}

/** Revoking an access token also revokes the refresh token issued with it (RFC 7009 §2.1 MAY). */
class AlsoRevokesRefresh extends Related {
  override async revoke(request: RevokeRequest): Promise<RevokeResult> {
    const r = await super.revoke(request);
    const rt = this.refreshOf.get(request.token);
    if (r.ok && rt !== undefined) await super.revoke({ ...request, token: rt });
    return r;
  }
}

/** A defect outside the seeded set: revoking the access token is answered 200 and ignored. */
class IgnoresAccessRevocation extends Related {
  override async revoke(request: RevokeRequest): Promise<RevokeResult> {
    if (this.refreshOf.has(request.token)) return { ok: true, status: 200 };
    return super.revoke(request);
  }
}

async function verdicts(adapter: ReferenceAdapter): Promise<Record<string, Verdict>> {
  const info = await adapter.start();
  const r = await runCheck(checks[0]!, { adapter, info }, { seed: 7, runs: DEFAULT_RUNS, severity: (id) => severityFor(info, id) });
  return Object.fromEntries(Object.entries(r.outcomes).map(([id, o]) => [id, o.verdict]));
}

const ALL_PASSED = {
  'REVOKE-REFRESH-REFUSED': 'PASSED',
  'REVOKE-ACCESS-NEW-ON-REFRESH': 'PASSED',
  'REVOKE-INVALID-TOKEN-200': 'PASSED',
  'REVOKE-CLIENT-BOUND': 'PASSED',
};

describe('revocation sequences against correct variations and a defect', () => {
  it('the reference passes', async () => {
    expect(await verdicts(new ReferenceAdapter())).toEqual(ALL_PASSED);
  });
  it('the reference with a 30 s refresh-token overlap window passes (the window covers rotation, not revocation)', async () => {
    expect(await verdicts(new ReferenceAdapter('reference', { refreshOverlapSeconds: 30 }))).toEqual(ALL_PASSED);
  });
  it('an issuer that also revokes the access token with its refresh token passes', async () => {
    expect(await verdicts(new AlsoRevokesAccess())).toEqual(ALL_PASSED);
  });
  it('an issuer that also revokes the refresh token with its access token passes', async () => {
    expect(await verdicts(new AlsoRevokesRefresh())).toEqual(ALL_PASSED);
  });
  it('an issuer that ignores access-token revocation fails REVOKE-ACCESS-NEW-ON-REFRESH only', async () => {
    expect(await verdicts(new IgnoresAccessRevocation())).toEqual({ ...ALL_PASSED, 'REVOKE-ACCESS-NEW-ON-REFRESH': 'FAILED' });
  });
});

/**
 * Every command kind is reached in every run at any seed (issue 18): walk each generated sequence through the
 * model from the offline sign-in it starts with, answering as the reference would, and collect the kinds whose
 * preconditions held where they stood.
 */
function reached(commands: Iterable<RefreshCommand>): Set<string> {
  const m: RefreshModel = initialModel(LIFETIMES, 0, true);
  applySignIn(m, true, { lifetime: 86_400 }, true);
  const kinds = new Set<string>();
  for (const c of commands) {
    if (!c.check(m)) continue;
    if (c instanceof RevokeCommand) {
      kinds.add(c.kind);
      const tokens = c.target === 'rotated' ? rotatedTokens(m) : c.by === 'owner' ? [...liveTokens(m), ...revokedTokens(m)] : liveTokens(m);
      const token = c.target === 'refresh' || c.target === 'rotated' ? tokens[c.pick % tokens.length] : undefined;
      if (c.by !== 'owner') applyContested(token!);
      else if (c.target === 'access') applyAccessRevoked(m, m.sessions[c.pick % m.sessions.length]!);
      else if (token) applyRefreshRevoked(m, token, 1);
    } else if (c instanceof RefreshTokenCommand) {
      kinds.add(`refresh:${c.which}`);
      const tokens = c.which === 'live' ? liveTokens(m) : c.which === 'rotated' ? rotatedTokens(m) : revokedTokens(m);
      const token = tokens[c.pick % tokens.length]!;
      if (expectRefresh(m, token, 1).outcome === 'refuse') applyRefreshRefused(m, token);
      else applyRefreshAccepted(m, token, 'new', { lifetime: 86_400 });
    } else if (c instanceof SignInCommand) {
      kinds.add('sign-in');
      applySignIn(m, true, { lifetime: 86_400 }, true);
    } else if (c instanceof AdvanceClockCommand) {
      kinds.add('advance-clock');
      applyAdvance(m, c.seconds(m));
    }
  }
  return kinds;
}

describe('revocation sequences reach every command kind at any seed', () => {
  const KINDS = ['revoke:refresh:other', 'revoke:refresh:wrong-secret', 'revoke:access:owner', 'revoke:refresh:owner', 'revoke:unknown:owner', 'revoke:rotated:owner', 'refresh:live', 'refresh:revoked', 'advance-clock'];
  for (const clock of [true, false]) {
    it(`with${clock ? '' : 'out'} a clock`, () => {
      const env = { info: { name: 't', version: '0', capabilities: { clock }, refreshOverlapSeconds: 0 } } as unknown as CheckEnv;
      for (const seed of [1, 2, 3, 42]) {
        for (const input of fc.sample(checks[0]!.arbitrary(env) as fc.Arbitrary<{ commands: RefreshCommand[] }>, { numRuns: DEFAULT_RUNS, seed })) {
          const got = reached(input.commands);
          for (const k of KINDS.filter((k) => clock || k !== 'advance-clock')) expect(got, `seed ${seed}: ${k}`).toContain(k);
        }
      }
    });
  }
  it('the walk can fail: without the owner revoking a refresh token, no refresh with a revoked one can run', () => {
    const env = { info: { name: 't', version: '0', capabilities: { clock: false }, refreshOverlapSeconds: 0 } } as unknown as CheckEnv;
    const input = fc.sample(checks[0]!.arbitrary(env) as fc.Arbitrary<{ commands: RefreshCommand[] }>, { numRuns: 1, seed: 1 })[0]!;
    const without = input.commands.filter((c) => !(c instanceof RevokeCommand && c.kind === 'revoke:refresh:owner'));
    expect(reached(without)).not.toContain('refresh:revoked');
  });
});
