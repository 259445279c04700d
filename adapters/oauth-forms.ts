/**
 * The form bodies of `POST /oauth2/token` for each grant, as every
 * out-of-process adapter sends them (RFC 6749 + PKCE; several `audience`
 * fields for several APIs, as Kinde accepts).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Adapter, ClientCredentialsRequest, CodeExchangeRequest, RefreshRequest, SignInRequest, Tenant, TokenResult } from './types.js';

/** Where a completed sign-in "returns to" when the caller names no redirect URI; bound to the code like a browser flow would. */
export const DEFAULT_REDIRECT_URI = 'http://127.0.0.1/kinde-token-conformance/callback';

/** Authorization code exchange with exactly the fields of `request` (frontend apps are public clients: no secret). */
export function codeExchangeForm(request: CodeExchangeRequest): URLSearchParams {
  const form = new URLSearchParams({ grant_type: 'authorization_code', code: request.code, client_id: request.clientId });
  if (request.redirectUri !== undefined) form.set('redirect_uri', request.redirectUri);
  if (request.codeVerifier !== undefined) form.set('code_verifier', request.codeVerifier);
  if (request.clientSecret !== undefined) form.set('client_secret', request.clientSecret);
  return form;
}

/**
 * A completed sign-in as a browser flow does it: a code bound to a fresh PKCE
 * verifier and `redirectUri`, exchanged at once by the application (with its
 * secret unless it is a frontend app, a public client).
 */
export async function signInThroughCode(
  adapter: Required<Pick<Adapter, 'authorize' | 'exchangeCode'>>,
  request: SignInRequest,
  tenant: Pick<Tenant, 'applications'> | undefined,
  redirectUri: string,
): Promise<TokenResult> {
  const verifier = randomBytes(32).toString('base64url');
  const a = await adapter.authorize({ ...request, redirectUri, codeChallenge: createHash('sha256').update(verifier).digest('base64url') });
  if (!a.ok) return a;
  const app = tenant?.applications.find((x) => x.clientId === request.clientId);
  const exchange: CodeExchangeRequest = { clientId: request.clientId, code: a.code, redirectUri: a.redirectUri, codeVerifier: verifier };
  if (app && app.kind !== 'frontend') exchange.clientSecret = app.clientSecret;
  return adapter.exchangeCode(exchange);
}

export function refreshForm(request: RefreshRequest): URLSearchParams {
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: request.refreshToken, client_id: request.clientId });
  if (request.clientSecret !== undefined) form.set('client_secret', request.clientSecret);
  return form;
}

export function clientCredentialsForm(request: ClientCredentialsRequest): URLSearchParams {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: request.clientId, client_secret: request.clientSecret });
  for (const aud of request.audience) form.append('audience', aud);
  if (request.scopes && request.scopes.length > 0) form.set('scope', request.scopes.join(' '));
  if (request.orgCode !== undefined) form.set('org_code', request.orgCode);
  return form;
}
