/**
 * Driving a target through the documented flows and decoding what it returns,
 * with refusals and malformed tokens turned into violations of the
 * requirement being judged.
 */
import type {
  Application,
  ClientCredentialsRequest,
  RefreshRequest,
  JsonValue,
  SignInRequest,
  Tenant,
  TokenResult,
  WorkflowFixtureSet,
} from '../../adapters/types.js';
import type { CheckEnv } from './check.js';
import { decodeToken, isDecoded, type Decoded, type DecodeError } from './tokens.js';
import type { Judge } from './violation.js';

/** A copy of the tenant fit for a report: client secrets are not evidence. */
export function redactTenant(t: Tenant): JsonValue {
  const copy = structuredClone(t) as Tenant;
  for (const a of copy.applications) a.clientSecret = '[redacted]';
  return copy as unknown as JsonValue;
}

export function redactRequest<T extends object>(r: T): JsonValue {
  const copy = structuredClone(r) as Record<string, unknown>;
  if ('clientSecret' in copy) copy.clientSecret = '[redacted]';
  if ('refreshToken' in copy) copy.refreshToken = '[redacted]';
  return copy as JsonValue;
}

export async function provision(env: CheckEnv, judge: Judge, tenant: Tenant): Promise<void> {
  judge.trace.tenant = redactTenant(tenant);
  await env.adapter.provision(tenant);
}

/** Deploy `sources` in order; with `fixtures`, every one is answered from them (kinde.env, kinde.fetch). */
export async function deployWorkflows(env: CheckEnv, judge: Judge, sources: string[], fixtures?: WorkflowFixtureSet): Promise<void> {
  judge.trace.workflows = [...sources];
  for (const s of sources) await (fixtures === undefined ? env.adapter.deployWorkflow(s) : env.adapter.deployWorkflow(s, fixtures));
}

export interface UserTokens {
  result: Extract<TokenResult, { ok: true }>;
  access: Decoded;
  id?: Decoded;
}

/**
 * Sign in and decode. A refusal or an undecodable token is a violation of
 * `requirements` (the first of them in focus); returns null when none of them
 * is in focus, since nothing can be judged then.
 */
export async function signInExpectingTokens(
  env: CheckEnv,
  judge: Judge,
  request: SignInRequest,
  requirements: string[],
): Promise<UserTokens | null> {
  judge.trace.request = redactRequest(request);
  const result = await env.adapter.signIn(request);
  if (!result.ok && refusalExcused(judge, request)) return null;
  return tokensOf(judge, result, requirements, 'sign-in');
}

/**
 * Whether a refused sign-in asked for something the docs do not promise to grant, so that its refusal is no
 * evidence against the requirement being judged (the run is left unjudged, and the trace says why). Today one
 * case: no `openid` scope. Kinde lists openid as the scope that "requests an ID token", but OIDC Core §3.1.2.1
 * leaves the behaviour of a request without it unspecified, and a correct OpenID provider may refuse it
 * (oidc-provider answers access_denied): blaming that on, say, ACCESS-FLAGS was a false red.
 */
export function refusalExcused(judge: Judge, request: Pick<SignInRequest, 'scopes'>): boolean {
  if (request.scopes.includes('openid')) return false;
  (judge.trace.commands ??= []).push('sign-in without openid refused: not judged (OIDC Core §3.1.2.1 leaves such a request unspecified)');
  return true;
}

export async function clientCredentialsExpectingToken(
  env: CheckEnv,
  judge: Judge,
  request: ClientCredentialsRequest,
  requirements: string[],
): Promise<{ result: Extract<TokenResult, { ok: true }>; token: Decoded } | null> {
  judge.trace.request = redactRequest(request);
  const result = await env.adapter.clientCredentials(request);
  const req = requirements.find((r) => judge.focused(r));
  if (!result.ok) {
    if (req) refused(judge, req, result, 'client credentials');
    return null;
  }
  const token = decodeToken(result.body.access_token);
  if (!isDecoded(token)) {
    undecodable(judge, requirements, token, 'M2M access_token', 'm2m');
    return null;
  }
  judge.trace.token = { header: token.header, payload: token.payload };
  return { result, token };
}

export function tokensOf(judge: Judge, result: TokenResult, requirements: string[], what: string): UserTokens | null {
  const req = requirements.find((r) => judge.focused(r));
  if (!result.ok) {
    if (req) refused(judge, req, result, what);
    return null;
  }
  const access = decodeToken(result.body.access_token);
  if (!isDecoded(access)) {
    undecodable(judge, requirements, access, 'access_token', 'access');
    return null;
  }
  judge.trace.token = { header: access.header, payload: access.payload };
  const out: UserTokens = { result, access };
  if (result.body.id_token !== undefined) {
    const id = decodeToken(result.body.id_token);
    if (!isDecoded(id)) {
      undecodable(judge, requirements, id, 'id_token', 'id');
      return null;
    }
    out.id = id;
  }
  return out;
}

/**
 * A token that does not decode breaks TOKEN-WELL-FORMED or TOKEN-BOUNDED. When
 * the check decides that requirement, it is the one violated; otherwise the
 * check's own requirement cannot be judged on this token and fails because of it.
 */
function undecodable(judge: Judge, requirements: string[], d: DecodeError, what: string, tokenType: 'access' | 'id' | 'm2m'): void {
  const req = judge.focused(d.requirement) ? d.requirement : requirements.find((r) => judge.focused(r));
  if (req) judge.check(false, req, 'ERR_TOKEN_MALFORMED', `${what}: ${d.error} (${d.requirement})`, { tokenType, because: d.requirement });
}

export function refused(judge: Judge, requirement: string, result: Extract<TokenResult, { ok: false }>, what: string): void {
  judge.check(
    false,
    requirement,
    'ERR_REQUEST_REFUSED',
    `the target refused a valid ${what} request: HTTP ${result.status} ${result.error}${result.errorDescription ? ` (${result.errorDescription})` : ''}`,
  );
}

/**
 * One refresh_token grant with the refresh token a sign-in returned (none
 * came back, or the target cannot refresh: null). Tokens a refresh issues
 * must meet every requirement a sign-in's tokens meet.
 */
export async function refreshOnce(env: CheckEnv, judge: Judge, app: Application, first: UserTokens, requirements: string[]): Promise<UserTokens | null> {
  const rt = first.result.body.refresh_token;
  if (typeof rt !== 'string' || rt.length === 0 || !env.info.capabilities.refresh) return null;
  const request: RefreshRequest = { clientId: app.clientId, refreshToken: rt };
  if (app.kind !== 'frontend') request.clientSecret = app.clientSecret;
  judge.trace.request = redactRequest(request);
  const result = await env.adapter.refresh(request);
  if (!result.ok && (await expiredByNow(env, first, app))) return null;
  return tokensOf(judge, result, requirements, 'refresh');
}

/**
 * Whether the sign-in's refresh token has expired on the target's own clock, read after the refusal:
 * the clock only moves forward, so a reading still before the expiry proves the token was valid when the
 * target refused it (a refusal to blame); a reading at or past it leaves the refusal unjudged. Generated
 * refresh lifetimes may exceed the access token's by one second, which a slow machine spends between the
 * clock move past the access token's lifetime and the refresh. Without a clock nothing is excused.
 */
async function expiredByNow(env: CheckEnv, first: UserTokens, app: Application): Promise<boolean> {
  const iat = first.access.payload.iat;
  if (!env.info.capabilities.clock || !env.adapter.clockNow || typeof iat !== 'number') return false;
  return (await env.adapter.clockNow()) >= iat + app.lifetimes.refreshToken;
}

/**
 * A refresh that mints a new access token: with capability `clock`, the
 * target's clock first moves past the sign-in access token's lifetime (until
 * then a refresh returns the existing token, RT-ACCESS-UNCHANGED), so that the
 * claims of refresh-minted access tokens are judged like a sign-in's. Without
 * a clock, a plain refresh (its access token may be the old one).
 */
export async function refreshAfterExpiry(env: CheckEnv, judge: Judge, app: Application, first: UserTokens, requirements: string[]): Promise<UserTokens | null> {
  const rt = first.result.body.refresh_token;
  if (typeof rt !== 'string' || rt.length === 0 || !env.info.capabilities.refresh) return null;
  if (env.info.capabilities.clock && env.adapter.advanceClock) {
    // The refresh token outlives the access token (configure-tokens page), so it is still valid then.
    await env.adapter.advanceClock(app.lifetimes.accessToken);
    (judge.trace.commands ??= []).push(`advanceClock(${app.lifetimes.accessToken}) past the access token's lifetime`);
  }
  return refreshOnce(env, judge, app, first, requirements);
}
