/**
 * What a token revocation (RFC 7009) does to the refresh model
 * (refresh-model.ts): pure transitions, unit-testable without a target.
 *
 * - A refresh token its client revokes while still good is `revoked`: every
 *   later refresh with it must be refused (§2.1 "cannot be used again"). Its
 *   session's access token SHOULD be revoked too (§2.1): `mayBeRevoked`, so
 *   whether a refresh returns it is not judged.
 * - An access token its client revokes is `revoked`: a refresh that succeeds
 *   must return another one (about-access-tokens). The server MAY revoke the
 *   session's refresh token as well (§2.1): `mayBeRevoked`, not judged.
 * - Another client's attempt (or a wrong secret) changes nothing: the token is
 *   `contested`, and a refusal the model calls wrong is REVOKE-CLIENT-BOUND's.
 */
import { expectRefresh, type RefreshModel, type RefreshRecord, type SessionRecord } from './refresh-model.js';

export type RevokeTarget = 'refresh' | 'access' | 'rotated' | 'unknown';

/** The owner's revocation of `token` was answered 200. */
export function applyRefreshRevoked(m: RefreshModel, token: RefreshRecord, slack: number): void {
  // Revoking a token that is already certainly invalid (rotated out, expired) changes nothing the model judges.
  if (expectRefresh(m, token, slack).outcome !== 'refuse') token.revoked = true;
  const session = m.sessions[token.session];
  if (session) session.access.mayBeRevoked = true;
  for (const t of m.tokens) if (t.session === token.session && t !== token) t.mayBeRevoked = true;
  (m.revokedSessions ??= new Set()).add(token.session);
}

/** The owner's revocation of the session's current access token was answered 200. */
export function applyAccessRevoked(m: RefreshModel, session: SessionRecord): void {
  session.access.revoked = true;
  const index = m.sessions.indexOf(session);
  for (const t of m.tokens) if (t.session === index) t.mayBeRevoked = true;
  (m.revokedSessions ??= new Set()).add(index);
}

/** The owner's revocation was refused: what happened to the token is unknown, nothing more is judged on it. */
export function applyRevokeUnknown(m: RefreshModel, token: RefreshRecord | undefined, session: SessionRecord | undefined): void {
  if (token) token.mayBeRevoked = true;
  if (session) session.access.mayBeRevoked = true;
}

/** Another client, or the owner with a wrong secret, tried to revoke `token`. */
export function applyContested(token: RefreshRecord): void {
  token.contested = true;
}
