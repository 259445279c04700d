/**
 * The model behind the refresh-token sequences: which refresh tokens are live,
 * which were rotated out and when, the current access token of each sign-in,
 * and a clock. Pure data and pure transitions, so the expectations can be
 * unit-tested on hand-written sequences without a target.
 *
 * Time is kept in "model seconds": the sum of every clock advance since the
 * sequence started. The target's clock also runs with the wall clock, so a
 * real interval between two events is the model interval plus at most
 * `slack` seconds (see {@link slackSeconds}). An expectation is only "accept"
 * or "refuse" when it holds for every interval in that band; otherwise it is
 * "either" and nothing is judged.
 */
import type { Lifetimes } from '../../adapters/types.js';

/** A refresh token the target handed out. The raw value lives outside the model (never traced). */
export interface RefreshRecord {
  /** `rt#1`, `rt#2`, … in order of issue. */
  label: string;
  /** The sign-in (session) this token continues. */
  session: number;
  /** Model time of the request that returned it. */
  issuedAt: number;
  /** Model time of the first successful refresh that presented it. */
  rotatedAt?: number;
  /** The target refused it once; it is not offered again. */
  dead: boolean;
  /** Revoked by its own client (200) while it was still good: every later refresh with it must be refused (suites/lib/revoke-model.ts). */
  revoked?: boolean;
  /** A revocation of a related token may have revoked it too (RFC 7009 §2.1 MAY/SHOULD): refresh is not judged. */
  mayBeRevoked?: boolean;
  /** Another client (or a wrong secret) tried to revoke it: a refusal the model calls wrong is REVOKE-CLIENT-BOUND's. */
  contested?: boolean;
}

/** The access token a session currently holds. */
export interface AccessRecord {
  /** `at#1`, … */
  label: string;
  /** Model time of the request that returned it. */
  issuedAt: number;
  /** `exp - iat` of the token itself (seconds it is valid for). */
  lifetime: number;
  jti?: string;
  iat?: number;
  /** Revoked by its client (200): a refresh must not return it again (REVOKE-ACCESS-NEW-ON-REFRESH). */
  revoked?: boolean;
  /** Its refresh token was revoked, which SHOULD revoke it too (RFC 7009 §2.1): whether a refresh returns it is not judged. */
  mayBeRevoked?: boolean;
}

export interface SessionRecord {
  /** `s#1`, … */
  label: string;
  /** Whether the sign-in asked for `offline`. */
  offline: boolean;
  access: AccessRecord;
}

export interface RefreshModel {
  /** Model seconds since the sequence started. */
  now: number;
  /** Declared overlap window (seconds a rotated-out token may still be accepted). */
  overlap: number;
  /** The application's configured lifetimes. */
  lifetimes: Lifetimes;
  /** Whether clock commands may run (capability `clock`). */
  clock: boolean;
  sessions: SessionRecord[];
  tokens: RefreshRecord[];
  counters: { rt: number; at: number };
  /** Sessions in which the client revoked a token (RFC 7009 lets a server revoke related tokens and the grant). */
  revokedSessions?: Set<number>;
}

export type Expectation =
  | { outcome: 'accept'; why: string }
  | { outcome: 'refuse'; requirement: string; why: string }
  | { outcome: 'either'; why: string };

export type AccessState = 'unexpired' | 'expired' | 'unknown';

export function initialModel(lifetimes: Lifetimes, overlap: number, clock: boolean): RefreshModel {
  return { now: 0, overlap, lifetimes, clock, sessions: [], tokens: [], counters: { rt: 0, at: 0 } };
}

/**
 * Upper bound on how far the target's clock may have drifted past model time
 * since the sequence started: whole seconds elapsed plus one for the flooring
 * of both ends to whole seconds.
 */
export function slackSeconds(elapsedMs: number): number {
  return Math.ceil(Math.max(0, elapsedMs) / 1000) + 1;
}

/** Live tokens: never rotated out, never refused, never revoked. Refresh commands pick among these. */
export function liveTokens(m: Readonly<RefreshModel>): RefreshRecord[] {
  return m.tokens.filter((t) => t.rotatedAt === undefined && !t.dead && t.revoked !== true);
}

/** Tokens revoked by their client that the target has not refused yet. */
export function revokedTokens(m: Readonly<RefreshModel>): RefreshRecord[] {
  return m.tokens.filter((t) => t.revoked === true && !t.dead);
}

/** Rotated-out tokens the target has not refused yet. */
export function rotatedTokens(m: Readonly<RefreshModel>): RefreshRecord[] {
  return m.tokens.filter((t) => t.rotatedAt !== undefined && !t.dead);
}

export function sessionOf(m: Readonly<RefreshModel>, token: RefreshRecord): SessionRecord {
  const s = m.sessions[token.session];
  if (!s) throw new Error(`model: ${token.label} names unknown session ${token.session}`);
  return s;
}

/** Is the access token unexpired / expired for every clock reading within `slack`? */
export function accessState(m: Readonly<RefreshModel>, a: AccessRecord, slack: number): AccessState {
  const age = m.now - a.issuedAt;
  // Valid while age < lifetime (exp is exclusive: "not expired" means now < exp).
  if (age + slack < a.lifetime) return 'unexpired';
  if (age >= a.lifetime) return 'expired';
  return 'unknown';
}

/**
 * What presenting `token` must yield now. A rotated-out token must be refused
 * once the overlap window has passed (with no window, at once: "immediately
 * invalid"); any token once its lifetime has passed since it was issued.
 */
export function expectRefresh(m: Readonly<RefreshModel>, token: RefreshRecord, slack: number): Expectation {
  const lifetime = m.lifetimes.refreshToken;
  const age = m.now - token.issuedAt;
  if (token.revoked) return { outcome: 'refuse', requirement: 'REVOKE-REFRESH-REFUSED', why: `${token.label} was revoked by its client (answer 200)` };
  if (token.rotatedAt !== undefined) {
    const since = m.now - token.rotatedAt;
    if (m.overlap === 0 || since > m.overlap) {
      return {
        outcome: 'refuse',
        requirement: 'RT-OLD-REFUSED',
        why: `${token.label} was rotated out ${since} s ago; the declared overlap window is ${m.overlap} s`,
      };
    }
  }
  if (age >= lifetime) {
    return {
      outcome: 'refuse',
      requirement: 'RT-LIFETIME',
      why: `${token.label} was issued ${age} s ago; the application's refresh-token lifetime is ${lifetime} s`,
    };
  }
  if (token.rotatedAt !== undefined) return { outcome: 'either', why: `${token.label} is within the overlap window` };
  if (token.mayBeRevoked) return { outcome: 'either', why: `a related token of ${token.label} was revoked (RFC 7009 §2.1 lets the server revoke it too)` };
  if (age + slack < lifetime) return { outcome: 'accept', why: `${token.label} is live and ${age} s old (lifetime ${lifetime} s)` };
  return { outcome: 'either', why: `${token.label} is at the edge of its lifetime` };
}

function nextLabel(m: RefreshModel, kind: 'rt' | 'at'): string {
  m.counters[kind] += 1;
  return `${kind}#${m.counters[kind]}`;
}

export interface IssuedAccess {
  lifetime: number;
  jti?: string;
  iat?: number;
}

/** A sign-in succeeded. Returns the new session and its refresh token, if one came back. */
export function applySignIn(
  m: RefreshModel,
  offline: boolean,
  access: IssuedAccess,
  gotRefresh: boolean,
): { session: SessionRecord; token?: RefreshRecord } {
  const session: SessionRecord = {
    label: `s#${m.sessions.length + 1}`,
    offline,
    access: { label: nextLabel(m, 'at'), issuedAt: m.now, ...access },
  };
  m.sessions.push(session);
  if (!gotRefresh) return { session };
  const token: RefreshRecord = { label: nextLabel(m, 'rt'), session: m.sessions.length - 1, issuedAt: m.now, dead: false };
  m.tokens.push(token);
  return { session, token };
}

/**
 * A refresh presenting `presented` succeeded. `newToken` is the label of an
 * already known token when the target handed one back (not rotated), `'new'`
 * for a fresh one, `null` when none came back. `access` is null when the
 * target returned the session's current access token unchanged.
 */
export function applyRefreshAccepted(
  m: RefreshModel,
  presented: RefreshRecord,
  newToken: 'new' | string | null,
  access: IssuedAccess | null,
): { token?: RefreshRecord; access: AccessRecord } {
  const session = sessionOf(m, presented);
  if (access) session.access = { label: nextLabel(m, 'at'), issuedAt: m.now, ...access };
  let token: RefreshRecord | undefined;
  if (newToken === 'new') {
    token = { label: nextLabel(m, 'rt'), session: presented.session, issuedAt: m.now, dead: false };
    m.tokens.push(token);
  } else if (newToken !== null) {
    token = m.tokens.find((t) => t.label === newToken);
  }
  // Handing the same token back is no rotation: it stays live.
  if (newToken !== presented.label) presented.rotatedAt ??= m.now;
  return { token, access: session.access };
}

/** The target refused `token`; it is not offered again. */
export function applyRefreshRefused(m: RefreshModel, token: RefreshRecord): void {
  token.dead = true;
}

export function applyAdvance(m: RefreshModel, seconds: number): void {
  m.now += seconds;
}

/** Seconds until the newest session's access token expires (negative once past). */
export function accessRemaining(m: Readonly<RefreshModel>): number | undefined {
  const s = m.sessions.at(-1);
  return s === undefined ? undefined : s.access.issuedAt + s.access.lifetime - m.now;
}

/** Seconds until the oldest live refresh token reaches its lifetime. */
export function refreshRemaining(m: Readonly<RefreshModel>): number | undefined {
  const t = liveTokens(m)[0];
  return t === undefined ? undefined : t.issuedAt + m.lifetimes.refreshToken - m.now;
}

/** Seconds until the overlap window of the most recently rotated-out token closes. */
export function overlapRemaining(m: Readonly<RefreshModel>): number | undefined {
  const rotated = rotatedTokens(m);
  let latest: number | undefined;
  for (const t of rotated) if (latest === undefined || t.rotatedAt! > latest) latest = t.rotatedAt!;
  return latest === undefined ? undefined : latest + m.overlap - m.now;
}
