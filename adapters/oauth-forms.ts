/**
 * The form bodies of `POST /oauth2/token` for each grant, as every
 * out-of-process adapter sends them (RFC 6749 + PKCE; several `audience`
 * fields for several APIs, as Kinde accepts).
 */
import type { Application, ClientCredentialsRequest, RefreshRequest } from './types.js';

/** Authorization code exchange. Frontend apps are public clients (PKCE only); others authenticate. */
export function codeExchangeForm(
  code: string,
  clientId: string,
  app: Pick<Application, 'kind' | 'clientSecret'> | undefined,
  pkce: { redirectUri: string; verifier: string },
): URLSearchParams {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    client_id: clientId,
    redirect_uri: pkce.redirectUri,
    code_verifier: pkce.verifier,
  });
  if (app && app.kind !== 'frontend') form.set('client_secret', app.clientSecret);
  return form;
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
