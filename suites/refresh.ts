/**
 * Refresh tokens ("Refresh tokens" page, §3; "Behaviour on refresh" on the
 * access-token page, §6; default lifetimes, S1) as model-based sequences:
 * fast-check generates sign-ins, refreshes with the current or a rotated-out
 * token, and clock advances, run by `fc.asyncModelRun`; a model (lib/refresh-model.ts) says what each
 * answer must be, and every observation is judged against the requirement it
 * belongs to. A failure shrinks to the shortest command list that still
 * breaks it, which the report prints as `judge.trace.commands`.
 *
 * Raw refresh and access tokens stay in {@link Real}; the trace only ever
 * shows labels (`rt#2`, `at#1`) and client secrets are never in it.
 */
import fc from 'fast-check';
import type { Application, RefreshRequest, SignInRequest, TokenResult } from '../adapters/types.js';
import { userScenarioArb, type UserScenario } from '../generators/tenant.js';
import { defineCheck, type Check, type CheckEnv } from './lib/check.js';
import { provision, redactRequest, refused } from './lib/flows.js';
import {
  accessRemaining,
  accessState,
  applyAdvance,
  applyRefreshAccepted,
  applyRefreshRefused,
  applySignIn,
  expectRefresh,
  initialModel,
  liveTokens,
  overlapRemaining,
  refreshRemaining,
  rotatedTokens,
  sessionOf,
  slackSeconds,
  type IssuedAccess,
  type RefreshModel,
} from './lib/refresh-model.js';
import { decodeToken, isDecoded } from './lib/tokens.js';
import type { Judge } from './lib/violation.js';

/** The system under test as the commands see it. */
export interface Real {
  env: CheckEnv;
  judge: Judge;
  app: Application;
  request: SignInRequest;
  /** Label → raw token. Never traced. */
  raw: Map<string, string>;
  /** Requirements blamed (first one in focus) when a token the model calls valid is refused. */
  refusalBlame: readonly string[];
  /** Wall-clock start of the sequence (ms), for the drift allowance. */
  startedMs: number;
  /** Wall clock in ms; injectable for tests. */
  wallMs: () => number;
}

export type RefreshCommand = fc.AsyncCommand<RefreshModel, Real>;

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

function trace(r: Real, line: string): void {
  (r.judge.trace.commands ??= []).push(line);
}

/** Replace the last trace line with its outcome appended. */
function traceOutcome(r: Real, outcome: string): void {
  const lines = r.judge.trace.commands;
  if (lines && lines.length > 0) lines[lines.length - 1] = `${lines[lines.length - 1]} → ${outcome}`;
}

function labelOfRaw(r: Real, raw: string): string | undefined {
  for (const [label, value] of r.raw) if (value === raw) return label;
  return undefined;
}

/** `exp - iat` of the access token (falls back to the app's configured lifetime when it does not decode). */
function issuedAccess(raw: string, app: Application): IssuedAccess {
  const d = decodeToken(raw);
  if (!isDecoded(d)) return { lifetime: app.lifetimes.accessToken };
  const { exp, iat, jti } = d.payload;
  const out: IssuedAccess = {
    lifetime: typeof exp === 'number' && typeof iat === 'number' ? exp - iat : app.lifetimes.accessToken,
  };
  if (typeof jti === 'string') out.jti = jti;
  if (typeof iat === 'number') out.iat = iat;
  return out;
}

function blame(r: Real): string | undefined {
  return r.refusalBlame.find((id) => r.judge.focused(id));
}

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

/** Refresh with a live token (`live`) or with one that was rotated out (`rotated`). */
export class RefreshTokenCommand implements RefreshCommand {
  constructor(
    readonly which: 'live' | 'rotated',
    readonly pick: number,
  ) {}

  #candidates(m: Readonly<RefreshModel>) {
    return this.which === 'live' ? liveTokens(m) : rotatedTokens(m);
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

    trace(r, `${this.which === 'live' ? 'refresh' : 'refreshRotatedOut'}(${token.label})`);
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
        const req = blame(r);
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
    if (beforeState === 'unexpired') {
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
    return `${this.which === 'live' ? 'refresh' : 'refreshRotatedOut'}(#${this.pick})`;
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

// ---------------------------------------------------------------------------
// Command arbitraries
// ---------------------------------------------------------------------------

const variantArb = (variants: 'all' | 'offline'): fc.Arbitrary<SignInVariant> =>
  variants === 'offline'
    ? fc.constantFrom<SignInVariant>('offline', 'both')
    : fc.oneof(
        { weight: 3, arbitrary: fc.constant<SignInVariant>('offline') },
        { weight: 1, arbitrary: fc.constantFrom<SignInVariant>('none', 'offline_access', 'both') },
      );

const signInArb = (variants: 'all' | 'offline'): fc.Arbitrary<RefreshCommand> => variantArb(variants).map((v) => new SignInCommand(v));

const refreshArb = (which: 'live' | 'rotated'): fc.Arbitrary<RefreshCommand> => fc.nat(7).map((p) => new RefreshTokenCommand(which, p));

/** Near a boundary (±3 s, where the drift allowance decides) or clearly on one side of it. */
const deltaArb = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -7200, max: -4 }), fc.integer({ min: 4, max: 7200 }));

const FIXED_ADVANCES = [1, 60, 3_599, 3_601, 86_399, 86_401, 1_295_999, 1_296_001];

const advanceArb = (overlap: number): fc.Arbitrary<RefreshCommand> =>
  fc
    .oneof(
      fc.tuple(fc.constant('access' as const), deltaArb),
      fc.tuple(fc.constant('refresh' as const), deltaArb),
      fc.tuple(fc.constant('fixed' as const), fc.oneof(fc.constantFrom(...FIXED_ADVANCES), fc.integer({ min: 1, max: 7200 }))),
      ...(overlap > 0 ? [fc.tuple(fc.constant('overlap' as const), fc.integer({ min: -3, max: 3 }))] : []),
    )
    .map(([to, delta]) => new AdvanceClockCommand(to, delta));

// ---------------------------------------------------------------------------
// Running a sequence
// ---------------------------------------------------------------------------

export interface SequenceInput {
  scenario: UserScenario;
  /** Every sequence starts with this sign-in, so no run is spent on commands that cannot apply. */
  first: SignInVariant;
  commands: Iterable<RefreshCommand>;
}

export interface SequenceOptions {
  refusalBlame: readonly string[];
  /** Wall clock in ms (tests inject a frozen one). */
  wallMs?: () => number;
}

/** Provision the scenario's tenant, then run the commands against model and target. */
export async function runSequence(input: SequenceInput, judge: Judge, env: CheckEnv, options: SequenceOptions): Promise<RefreshModel> {
  const wallMs = options.wallMs ?? (() => performance.now());
  let model: RefreshModel | undefined;
  await fc.asyncModelRun(async () => {
    await provision(env, judge, input.scenario.tenant);
    judge.trace.commands = [];
    model = initialModel(input.scenario.application.lifetimes, env.info.refreshOverlapSeconds ?? 0, env.info.capabilities.clock);
    const real: Real = {
      env,
      judge,
      app: input.scenario.application,
      request: input.scenario.request,
      raw: new Map(),
      refusalBlame: options.refusalBlame,
      startedMs: wallMs(),
      wallMs,
    };
    await new SignInCommand(input.first).run(model, real);
    return { model, real };
  }, input.commands);
  return model!;
}

interface SequenceCheck {
  name: string;
  requirements: string[];
  clock: boolean;
  signIns: 'all' | 'offline';
  rotatedOut: boolean;
  maxCommands: number;
  runsFactor: number;
  refusalBlame: string[];
}

function sequenceCheck(spec: SequenceCheck): Check<SequenceInput> {
  return defineCheck({
    name: spec.name,
    requirements: spec.requirements,
    needs: spec.clock ? ['userTokens', 'refresh', 'clock'] : ['userTokens', 'refresh'],
    runsFactor: spec.runsFactor,
    ...(spec.rotatedOut && !spec.clock
      ? {
          notApplicable: (env: CheckEnv) =>
            (env.info.refreshOverlapSeconds ?? 0) > 0
              ? `the target declares a ${env.info.refreshOverlapSeconds} s overlap window; only the clock check can judge it`
              : undefined,
        }
      : {}),
    arbitrary: (env) => {
      const overlap = env.info.refreshOverlapSeconds ?? 0;
      const cmds: fc.Arbitrary<RefreshCommand>[] = [signInArb(spec.signIns), refreshArb('live'), refreshArb('live')];
      if (spec.rotatedOut) cmds.push(refreshArb('rotated'), refreshArb('rotated'));
      if (spec.clock) cmds.push(advanceArb(overlap), advanceArb(overlap));
      // fc.array, not fc.commands: fc.commands shrinks by which commands last ran, which a
      // `--path` replay (no predicate runs while walking the path) cannot know, so its paths
      // fail with "Unable to replay". Array shrinking drops the skipped commands just as well.
      return fc.record({
        scenario: fc.noShrink(userScenarioArb({ maxUsers: 1, maxOrganizations: 1, maxExtraApplications: 0 })),
        first: variantArb(spec.signIns),
        commands: fc.array(fc.oneof(...cmds), { maxLength: spec.maxCommands }),
      });
    },
    predicate: async (input, judge, env) => {
      await runSequence(input, judge, env, { refusalBlame: spec.refusalBlame });
    },
  });
}

export const checks: Check<any>[] = [
  sequenceCheck({
    name: 'refresh sequences: refresh tokens only for offline, always rotated, access token reused while unexpired',
    requirements: ['RT-OFFLINE-ONLY', 'RT-OFFLINE-ACCESS', 'RT-ROTATE', 'RT-ACCESS-UNCHANGED'],
    clock: false,
    signIns: 'all',
    rotatedOut: false,
    maxCommands: 6,
    runsFactor: 1,
    refusalBlame: ['RT-ROTATE'],
  }),
  sequenceCheck({
    // Only decides anything when the target declares no overlap window; with one, the clock check below does.
    name: 'refresh sequences: a rotated-out refresh token is refused at once (no overlap window)',
    requirements: ['RT-OLD-REFUSED'],
    clock: false,
    signIns: 'offline',
    rotatedOut: true,
    maxCommands: 6,
    runsFactor: 1,
    refusalBlame: [],
  }),
  sequenceCheck({
    name: 'refresh sequences over time: new access token after expiry, refresh-token lifetime',
    requirements: ['RT-ROTATE', 'RT-ACCESS-UNCHANGED', 'RT-ACCESS-NEW-AFTER-EXPIRY', 'RT-LIFETIME'],
    clock: true,
    signIns: 'offline',
    rotatedOut: false,
    maxCommands: 8,
    runsFactor: 1,
    refusalBlame: ['RT-LIFETIME', 'RT-ROTATE'],
  }),
  sequenceCheck({
    name: 'refresh sequences over time: a rotated-out refresh token is refused after the overlap window',
    requirements: ['RT-OLD-REFUSED'],
    clock: true,
    signIns: 'offline',
    rotatedOut: true,
    maxCommands: 8,
    runsFactor: 1,
    refusalBlame: [],
  }),
];
