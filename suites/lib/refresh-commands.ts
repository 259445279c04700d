/**
 * The model-based refresh commands: a sign-in, a refresh with a live or
 * rotated-out token, a clock advance. Each runs against model and target
 * and judges what the target answers against the requirement it belongs to.
 */
import type { RefreshRequest, SignInRequest, TokenResult } from '../../adapters/types.js';
import { redactRequest, refusalExcused, refused } from './flows.js';
import {
  accessRemaining,
  accessState,
  applyAdvance,
  applyRefreshAccepted,
  applyRefreshRefused,
  applySignIn,
  expectRefresh,
  liveTokens,
  overlapRemaining,
  refreshRemaining,
  revokedTokens,
  rotatedTokens,
  sessionOf,
  slackSeconds,
  type RefreshModel,
} from './refresh-model.js';
import { blame, issuedAccess, labelOfRaw, trace, traceOutcome, type Real, type RefreshCommand } from './refresh-real.js';
import { decodeToken, isDecoded } from './tokens.js';

/** What a sign-in asks for besides the scenario's own scopes. */
export type SignInVariant = 'offline' | 'none' | 'offline_access' | 'both';

const VARIANT_SCOPES: Record<SignInVariant, string[]> = {
  offline: ['offline'],
  none: [],
  offline_access: ['offline_access'],
  both: ['offline', 'offline_access'],
};

/** At most this many sign-ins per sequence: enough to interleave two sessions. */
const MAX_SESSIONS = 2;

export class SignInCommand implements RefreshCommand {
  constructor(readonly variant: SignInVariant) {}

  check(m: Readonly<RefreshModel>): boolean {
    return m.sessions.length < MAX_SESSIONS;
  }

  async run(m: RefreshModel, r: Real): Promise<void> {
    const { judge } = r;
    const scopes = [...r.request.scopes.filter((s) => s !== 'offline' && s !== 'offline_access'), ...VARIANT_SCOPES[this.variant]];
    const request: SignInRequest = { ...r.request, scopes };
    const offline = scopes.includes('offline');
    trace(r, this.toString());
    judge.trace.request = redactRequest(request);
    const result = await r.env.adapter.signIn(request);
    if (!result.ok) {
      if (refusalExcused(judge, request)) return;
      const req = this.variant === 'offline_access' ? 'RT-OFFLINE-ACCESS' : judge.focused('RT-OFFLINE-ONLY') ? 'RT-OFFLINE-ONLY' : blame(r);
      if (req) refused(judge, req, result, `sign-in (scope ${scopes.join(' ')})`);
      traceOutcome(r, 'refused');
      return;
    }
    const body = result.body;
    const rt = body.refresh_token;
    const gotRefresh = rt !== undefined;
    if (this.variant === 'offline_access') {
      judge.check(
        !gotRefresh,
        'RT-OFFLINE-ACCESS',
        'ERR_RESPONSE_INVALID',
        'a sign-in asking for offline_access (not offline) returned a refresh_token; Kinde ignores offline_access',
        { expected: '(absent)', actual: typeof rt === 'string' ? '[refresh token]' : (rt ?? null) },
      );
      judge.check(!('error' in body), 'RT-OFFLINE-ACCESS', 'ERR_RESPONSE_INVALID', 'a sign-in asking for offline_access carried an error', {
        actual: body.error ?? null,
      });
    }
    judge.check(
      gotRefresh === offline,
      'RT-OFFLINE-ONLY',
      'ERR_RESPONSE_INVALID',
      offline
        ? `a sign-in with scope offline returned no refresh_token (scope: ${scopes.join(' ')})`
        : `a sign-in without scope offline returned a refresh_token (scope: ${scopes.join(' ')})`,
      { expected: offline ? 'a refresh_token' : '(absent)', actual: gotRefresh ? 'a refresh_token' : '(absent)' },
    );
    const usable = typeof rt === 'string' && rt.length > 0;
    const { session, token } = applySignIn(m, offline, issuedAccess(body.access_token, r.app), usable);
    r.raw.set(session.access.label, body.access_token);
    if (token && usable) r.raw.set(token.label, rt);
    traceOutcome(r, [session.label, session.access.label, token?.label].filter(Boolean).join(' '));
  }

  toString(): string {
    return `signIn(${this.variant})`;
  }
}

const VERB = { live: 'refresh', rotated: 'refreshRotatedOut', revoked: 'refreshRevoked' } as const;

/** Refresh with a live token (`live`), one that was rotated out (`rotated`) or one its client revoked (`revoked`). */
export class RefreshTokenCommand implements RefreshCommand {
  constructor(
    readonly which: 'live' | 'rotated' | 'revoked',
    readonly pick: number,
  ) {}

  #candidates(m: Readonly<RefreshModel>) {
    return this.which === 'live' ? liveTokens(m) : this.which === 'rotated' ? rotatedTokens(m) : revokedTokens(m);
  }

  check(m: Readonly<RefreshModel>): boolean {
    return this.#candidates(m).length > 0;
  }

  async run(m: RefreshModel, r: Real): Promise<void> {
    const { judge } = r;
    const candidates = this.#candidates(m);
    const token = candidates[this.pick % candidates.length]!;
    const presented = r.raw.get(token.label)!;
    const session = sessionOf(m, token);
    const before = session.access;

    trace(r, `${VERB[this.which]}(${token.label})`);
    const request: RefreshRequest = { clientId: r.app.clientId, refreshToken: presented };
    if (r.app.kind !== 'frontend') request.clientSecret = r.app.clientSecret;
    judge.trace.request = { grantType: 'refresh_token', clientId: request.clientId, refreshToken: token.label, ...(request.clientSecret !== undefined ? { clientSecret: '[redacted]' } : {}) };
    const result: TokenResult = await r.env.adapter.refresh(request);
    // Measured after the answer: the target's clock reading lies somewhere before this.
    const slack = slackSeconds(r.wallMs() - r.startedMs);
    const expectation = expectRefresh(m, token, slack);
    const beforeState = accessState(m, before, slack);

    if (!result.ok) {
      if (expectation.outcome === 'accept') {
        // A token another client tried to revoke (no revocation of its own since) must still be good.
        const contested = token.contested === true && (m.revokedSessions?.size ?? 0) === 0 && judge.focused('REVOKE-CLIENT-BOUND');
        const req = contested ? 'REVOKE-CLIENT-BOUND' : blame(r);
        if (req) refused(judge, req, result, `refresh (${expectation.why})`);
      }
      applyRefreshRefused(m, token);
      traceOutcome(r, 'refused');
      return;
    }
    if (expectation.outcome === 'refuse') {
      judge.check(false, expectation.requirement, 'ERR_REQUEST_ACCEPTED', `the target accepted a refresh it must refuse: ${expectation.why}`);
    }

    // RT-ROTATE: a new refresh token, different from the one presented.
    const next = result.body.refresh_token;
    judge.check(typeof next === 'string' && next.length > 0, 'RT-ROTATE', 'ERR_RESPONSE_INVALID', `refresh with ${token.label} returned no refresh_token`, {
      expected: 'a new refresh_token',
      actual: '(absent)',
    });
    judge.check(next !== presented, 'RT-ROTATE', 'ERR_RESPONSE_INVALID', `refresh with ${token.label} returned the same refresh token: it was not rotated`, {
      expected: `a refresh token other than ${token.label}`,
      actual: token.label,
    });

    // Behaviour on refresh: the same access token while it is unexpired, a new one after it expired.
    const access = result.body.access_token;
    const same = access === r.raw.get(before.label);
    const after = same ? undefined : issuedAccess(access, r.app);
    const age = m.now - before.issuedAt;
    if (before.revoked) {
      judge.check(!same, 'REVOKE-ACCESS-NEW-ON-REFRESH', 'ERR_RESPONSE_INVALID', `refresh after ${before.label} was revoked returned the revoked access token again`, {
        tokenType: 'access',
        expected: 'a new access token',
        actual: { jti: before.jti ?? null, iat: before.iat ?? null },
      });
    }
    if (beforeState === 'unexpired' && !before.revoked && !before.mayBeRevoked) {
      judge.check(
        same,
        'RT-ACCESS-UNCHANGED',
        'ERR_RESPONSE_INVALID',
        `refresh while ${before.label} is unexpired (${age} s of its ${before.lifetime} s) returned a different access token`,
        { tokenType: 'access', expected: { jti: before.jti ?? null, iat: before.iat ?? null }, actual: { jti: after?.jti ?? null, iat: after?.iat ?? null } },
      );
    } else if (beforeState === 'expired') {
      const why = `refresh after ${before.label} expired (${age} s since issue, lifetime ${before.lifetime} s)`;
      judge.check(!same, 'RT-ACCESS-NEW-AFTER-EXPIRY', 'ERR_RESPONSE_INVALID', `${why} returned the expired access token again`, {
        tokenType: 'access',
        claim: 'jti',
        expected: 'a new access token',
        actual: before.jti ?? null,
      });
      if (after) {
        const d = decodeToken(access);
        judge.check(isDecoded(d), 'RT-ACCESS-NEW-AFTER-EXPIRY', 'ERR_TOKEN_MALFORMED', () => `${why} returned an access token that does not decode: ${isDecoded(d) ? '' : d.error}`, {
          tokenType: 'access', ...(isDecoded(d) ? {} : { because: d.requirement }) });
        judge.check(after.jti === undefined || after.jti !== before.jti, 'RT-ACCESS-NEW-AFTER-EXPIRY', 'ERR_CLAIM_MISMATCH', `${why} returned an access token with the old jti`, {
          tokenType: 'access',
          claim: 'jti',
          expected: `not ${before.jti}`,
          actual: after.jti ?? null,
        });
        judge.check(
          after.iat !== undefined && before.iat !== undefined && after.iat > before.iat,
          'RT-ACCESS-NEW-AFTER-EXPIRY',
          'ERR_CLAIM_MISMATCH',
          `${why} returned an access token whose iat is not later than the expired one's`,
          { tokenType: 'access', claim: 'iat', expected: `> ${before.iat ?? '(absent)'}`, actual: after.iat ?? null },
        );
      }
    }

    const known = typeof next === 'string' && next.length > 0 ? (labelOfRaw(r, next) ?? 'new') : null;
    const applied = applyRefreshAccepted(m, token, known, after ?? null);
    if (applied.token && known === 'new') r.raw.set(applied.token.label, next as string);
    if (after) r.raw.set(applied.access.label, access);
    traceOutcome(r, `${applied.token?.label ?? 'no refresh_token'} ${same ? `${before.label} (same)` : applied.access.label}`);
  }

  toString(): string {
    return `${VERB[this.which]}(#${this.pick})`;
  }
}

/**
 * Move the target's clock. `to` picks a boundary the model knows (the newest
 * access token's expiry, the oldest live refresh token's lifetime, the end of
 * the latest overlap window) and `delta` lands just before, on, or after it;
 * `fixed` moves by an absolute amount.
 */
export class AdvanceClockCommand implements RefreshCommand {
  constructor(
    readonly to: 'access' | 'refresh' | 'overlap' | 'fixed',
    readonly delta: number,
  ) {}

  seconds(m: Readonly<RefreshModel>): number {
    const base =
      this.to === 'access' ? accessRemaining(m) : this.to === 'refresh' ? refreshRemaining(m) : this.to === 'overlap' ? overlapRemaining(m) : 0;
    return base === undefined ? 0 : Math.max(0, base + this.delta);
  }

  check(m: Readonly<RefreshModel>): boolean {
    return m.clock && this.seconds(m) > 0;
  }

  async run(m: RefreshModel, r: Real): Promise<void> {
    const seconds = this.seconds(m);
    trace(r, `advanceClock(${seconds})`);
    await r.env.adapter.advanceClock!(seconds);
    applyAdvance(m, seconds);
  }

  toString(): string {
    return this.to === 'fixed' ? `advanceClock(${this.delta})` : `advanceClock(${this.to}${this.delta >= 0 ? '+' : ''}${this.delta})`;
  }
}
