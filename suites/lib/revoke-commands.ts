/**
 * The revocation command of the model-based revocation sequences
 * (suites/revocation.ts): revoke a live or revoked refresh token, the current
 * access token of a session, a rotated-out refresh token or a token the target
 * never issued, by the token's own client (with every kind of
 * `token_type_hint`) or by another client / with a wrong secret. Raw tokens
 * stay in {@link Real}; the trace shows labels only.
 */
import { randomBytes } from 'node:crypto';
import type { Application, RevokeRequest, RevokeResult } from '../../adapters/types.js';
import { liveTokens, revokedTokens, rotatedTokens, slackSeconds, type RefreshModel, type RefreshRecord, type SessionRecord } from './refresh-model.js';
import { trace, traceOutcome, type Real, type RefreshCommand } from './refresh-real.js';
import { applyAccessRevoked, applyContested, applyRefreshRevoked, applyRevokeUnknown, type RevokeTarget } from './revoke-model.js';

/** `token_type_hint`: none, the right type, the other type, or a value RFC 7009 §2.1 says is ignored. */
export type HintVariant = 'none' | 'right' | 'wrong' | 'invalid';
/** Who asks: the token's client, another client of the environment, or the token's confidential client with a wrong secret. */
export type Asker = 'owner' | 'other' | 'wrong-secret';

const OTHER_TYPE = { access_token: 'refresh_token', refresh_token: 'access_token' } as const;

function hintFor(variant: HintVariant, type: 'access_token' | 'refresh_token'): string | undefined {
  return variant === 'none' ? undefined : variant === 'right' ? type : variant === 'wrong' ? OTHER_TYPE[type] : 'not_a_token_type';
}

/** Client credentials as the docs send them: client_id, and client_secret for confidential clients. */
function credentials(app: Application, secret?: string): Pick<RevokeRequest, 'clientId' | 'clientSecret'> {
  return app.kind === 'frontend' ? { clientId: app.clientId } : { clientId: app.clientId, clientSecret: secret ?? app.clientSecret };
}

export class RevokeCommand implements RefreshCommand {
  constructor(
    readonly target: RevokeTarget,
    readonly hint: HintVariant,
    readonly by: Asker,
    readonly pick: number,
  ) {}

  /** Refresh tokens this command may revoke now. */
  #tokens(m: Readonly<RefreshModel>): RefreshRecord[] {
    if (this.target === 'rotated') return rotatedTokens(m);
    if (this.target !== 'refresh') return [];
    return this.by === 'owner' ? [...liveTokens(m), ...revokedTokens(m)] : liveTokens(m);
  }

  /** The command kind, for the coverage self-test: `revoke:<target>:<asker>`. */
  get kind(): string {
    return `revoke:${this.target}:${this.by}`;
  }

  check(m: Readonly<RefreshModel>): boolean {
    if (this.by !== 'owner' && this.target !== 'refresh') return false;
    if (this.target === 'unknown') return true;
    if (this.target === 'access') return m.sessions.length > 0;
    return this.#tokens(m).length > 0;
  }

  #asker(r: Real): Pick<RevokeRequest, 'clientId' | 'clientSecret'> {
    if (this.by === 'wrong-secret' && r.app.kind !== 'frontend') return credentials(r.app, `${r.app.clientSecret}x`);
    if (this.by === 'owner') return credentials(r.app);
    const others = (r.tenant?.applications ?? []).filter((a) => a.clientId !== r.app.clientId);
    const other = others[this.pick % Math.max(1, others.length)];
    return other ? credentials(other) : { clientId: `${r.app.clientId}-other` };
  }

  async run(m: RefreshModel, r: Real): Promise<void> {
    const { judge } = r;
    const tokens = this.#tokens(m);
    const token = tokens.length > 0 ? tokens[this.pick % tokens.length] : undefined;
    const session: SessionRecord | undefined = this.target === 'access' ? m.sessions[this.pick % m.sessions.length] : undefined;
    const label = token?.label ?? session?.access.label ?? 'unknown';
    const raw = this.target === 'unknown' ? randomBytes(32).toString('base64url') : r.raw.get(label)!;
    const type = this.target === 'access' ? 'access_token' : 'refresh_token';
    const hint = hintFor(this.hint, type);
    const request: RevokeRequest = { token: raw, ...this.#asker(r), ...(hint !== undefined ? { tokenTypeHint: hint } : {}) };
    trace(r, `${this.toString()} → ${label}`);
    judge.trace.request = { revoke: label, clientId: request.clientId, ...(hint !== undefined ? { tokenTypeHint: hint } : {}), ...(request.clientSecret !== undefined ? { clientSecret: '[redacted]' } : {}) };
    const result: RevokeResult = await r.env.adapter.revoke!(request);
    traceOutcome(r, result.ok ? '200' : `HTTP ${result.status} ${result.error}`);
    const slack = slackSeconds(r.wallMs() - r.startedMs);

    if (this.by !== 'owner') {
      // Effect judged later (REVOKE-CLIENT-BOUND): the token must still refresh. The status is not judged.
      if (token) applyContested(token);
      return;
    }
    // RFC 7009 §2.2.1 lets a server without access-token revocation answer unsupported_token_type; Kinde documents
    // revoking the access token ("You revoke your existing access token"), so that answer fails the documented requirement.
    const unsupportedAccess = !result.ok && this.target === 'access' && result.error === 'unsupported_token_type';
    judge.check(!unsupportedAccess, 'REVOKE-ACCESS-NEW-ON-REFRESH', 'ERR_REQUEST_REFUSED', `revoking ${label} (the current access token) by its own client was answered HTTP ${result.status} unsupported_token_type: the target cannot revoke access tokens, which the docs say Kinde does`, {
      tokenType: 'access',
      expected: 200,
      actual: result.status,
    });
    judge.check(
      result.ok || unsupportedAccess,
      'REVOKE-INVALID-TOKEN-200',
      'ERR_REQUEST_REFUSED',
      () =>
        `revoking ${label} (${this.target === 'unknown' ? 'a token the target never issued' : `${this.target} token${token?.revoked ? ', already revoked' : ''}`}) by its own client` +
        `${hint !== undefined ? ` with token_type_hint=${hint}` : ''} was answered HTTP ${result.status}${result.ok ? '' : ` ${result.error}`}, not 200`,
      { expected: 200, actual: result.status },
    );
    if (!result.ok) {
      applyRevokeUnknown(m, token, session);
      return;
    }
    if (token) applyRefreshRevoked(m, token, slack);
    else if (session) applyAccessRevoked(m, session);
  }

  toString(): string {
    const who = this.by === 'owner' ? '' : `, by ${this.by}`;
    return `revoke(${this.target}#${this.pick}${this.hint === 'none' ? '' : `, hint ${this.hint}`}${who})`;
  }
}
