/**
 * Token revocation over HTTP (RFC 7009; Kinde: `POST /oauth2/revoke`, form
 * body `token`, `client_id`, `client_secret`), shared by every out-of-process
 * adapter: where the endpoint is (discovery's `revocation_endpoint`, else
 * `/oauth2/revoke` under the environment's base), the form, and the answer as
 * a {@link RevokeResult}. A 200 is success whatever its body (RFC 7009 §2.2:
 * "The content of the response body is ignored by the client"); any other
 * status below 500 is a refusal the suite judges; 5xx means the target is broken.
 */
import { AdapterError, type RevokeRequest, type RevokeResult } from '../types.js';
import type { Answer } from './transport.js';

/** Discovery's revocation_endpoint when it is an http(s) URL, else `<base>/oauth2/revoke`. */
export function revocationEndpoint(discovery: unknown, base: string): string {
  const advertised = (discovery as { revocation_endpoint?: unknown } | null)?.revocation_endpoint;
  if (typeof advertised === 'string' && /^https?:\/\//.test(advertised)) return advertised;
  return `${base.replace(/\/+$/, '')}/oauth2/revoke`;
}

export function revokeForm(request: RevokeRequest): URLSearchParams {
  const form = new URLSearchParams({ token: request.token, client_id: request.clientId });
  if (request.clientSecret !== undefined) form.set('client_secret', request.clientSecret);
  if (request.tokenTypeHint !== undefined) form.set('token_type_hint', request.tokenTypeHint);
  return form;
}

const MAX_ERROR = 200;

export function revokeAnswer(a: Answer): RevokeResult {
  if (a.status === 200) return { ok: true, status: 200, headers: a.headers };
  if (a.status >= 500) throw new AdapterError('ERR_TARGET_PROTOCOL', `${a.what}: HTTP ${a.status} (target error)`);
  const body = jsonOrNull(a.text);
  const error = typeof body?.error === 'string' ? body.error.slice(0, MAX_ERROR) : `(HTTP ${a.status} without an OAuth error body)`;
  const description = typeof body?.error_description === 'string' ? body.error_description.slice(0, MAX_ERROR) : undefined;
  return { ok: false, status: a.status, error, ...(description !== undefined ? { errorDescription: description } : {}), headers: a.headers };
}

function jsonOrNull(text: string): { error?: unknown; error_description?: unknown } | null {
  try {
    return JSON.parse(text) as { error?: unknown; error_description?: unknown } | null;
  } catch {
    return null; // not JSON: the status alone is the answer
  }
}
