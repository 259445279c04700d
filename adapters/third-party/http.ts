/**
 * fetch with a deadline and a tiny cookie jar, enough to walk an
 * authorization endpoint's redirects the way a browser would. Network
 * failures become AdapterErrors naming the target and the URL.
 */
import { AdapterError, type HttpGetAnswer, type ResponseHeaders, type RevokeRequest, type RevokeResult } from '../types.js';
import { revokeAnswer, revokeForm } from '../http/revoke.js';
import { headersOf, resolveSurface, surfaceAnswer } from '../http/surface.js';

/** Surface bodies beyond this are cut (loopback libraries; a bound all the same). */
const MAX_SURFACE_BYTES = 2 * 1024 * 1024;

export const DEFAULT_TIMEOUT_MS = 5_000;

export class CookieJar {
  readonly #cookies = new Map<string, string>();

  /** Remember `Set-Cookie` values (paths and expiry are ignored: one short-lived browser). */
  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';', 1)[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export async function send(target: string, url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    if (err.name === 'TimeoutError') throw new AdapterError('ERR_TARGET_TIMEOUT', `${target}: ${url} did not answer within ${timeoutMs} ms`, { cause: e });
    throw new AdapterError('ERR_TARGET_UNREACHABLE', `${target}: ${url} is unreachable (${err.cause?.code ?? err.message})`, { cause: e });
  }
}

/** Read a JSON body or fail with a protocol error that quotes the start of what came back. */
export async function json(target: string, url: string, res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new AdapterError('ERR_TARGET_PROTOCOL', `${target}: ${url} answered HTTP ${res.status} without a JSON object: ${text.slice(0, 200)}`);
}

/** A token endpoint answer as a TokenResult: 200 + access_token, or an OAuth error body. */
export function tokenResult(target: string, status: number, body: Record<string, unknown>, headers?: Headers) {
  const shown = headers === undefined ? {} : { headers: headersOf(headers) as ResponseHeaders };
  if (status === 200) {
    if (typeof body.access_token !== 'string') throw new AdapterError('ERR_TARGET_PROTOCOL', `${target}: token response without access_token`);
    return { ok: true as const, status, body: body as never, ...shown };
  }
  return {
    ok: false as const,
    status,
    ...shown,
    error: typeof body.error === 'string' ? body.error : 'server_error',
    ...(typeof body.error_description === 'string' ? { errorDescription: body.error_description } : {}),
  };
}

export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const { randomBytes, createHash } = await import('node:crypto');
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Adapter.httpGet for a library served on loopback at `base` (capability httpSurface). */
export async function getSurface(target: string, ref: string, base: string, issuer: string, timeoutMs: number): Promise<HttpGetAnswer | null> {
  const url = resolveSurface(ref, base, issuer);
  if (url === null) return null;
  const res = await send(target, url, {}, timeoutMs);
  const text = (await res.text()).slice(0, MAX_SURFACE_BYTES);
  return surfaceAnswer(url, res.status, headersOf(res.headers), text);
}

/** POST a revocation (RFC 7009) to `url` and read the answer as the http adapter does (adapters/http/revoke.ts). */
export async function revokeAt(target: string, url: string, request: RevokeRequest, timeoutMs: number): Promise<RevokeResult> {
  const res = await send(target, url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: revokeForm(request) }, timeoutMs);
  const text = (await res.text()).slice(0, 64 * 1024);
  return revokeAnswer({ status: res.status, contentType: res.headers.get('content-type') ?? '', text, what: `${target}: POST ${url}`, headers: headersOf(res.headers) });
}
