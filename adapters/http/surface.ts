/**
 * What HTTP targets share to show their HTTP surface (capability
 * `httpSurface`): response headers in one shape, and where an issuer surface
 * reference may be fetched. The suite stays on the target: a URL on the
 * provisioned issuer's origin (`https://<subdomain>.kinde.com`) is read at the
 * target, which stands in for that domain; any other origin is never fetched.
 */
import type { HttpGetAnswer, JsonValue, ResponseHeaders } from '../types.js';

/** At most this many header fields are kept (a hostile target cannot grow a report). */
const MAX_HEADERS = 64;

/** Lower-case names; repeated fields joined with ", " (fetch's Headers already does that). */
export function headersOf(h: Headers): ResponseHeaders {
  const out: ResponseHeaders = {};
  let n = 0;
  for (const [name, value] of h) {
    if (n++ >= MAX_HEADERS) break;
    out[name.toLowerCase()] = value.slice(0, 1024);
  }
  return out;
}

/**
 * The URL to GET for `ref` (a path from `base`, or an absolute URL), or null
 * when it lies outside the target: neither under `base`'s origin nor on the
 * issuer's origin.
 */
export function resolveSurface(ref: string, base: string, issuer: string | undefined): string | null {
  if (ref.startsWith('/')) return `${base.replace(/\/+$/, '')}${ref}`;
  let url: URL;
  try {
    url = new URL(ref);
  } catch {
    return null;
  }
  if (url.origin === new URL(base).origin) return url.toString();
  if (issuer !== undefined && url.origin === new URL(issuer).origin) return `${base.replace(/\/+$/, '')}${url.pathname}${url.search}`;
  return null;
}

/** An answer with its body parsed as JSON when it is JSON. */
export function surfaceAnswer(url: string, status: number, headers: ResponseHeaders, text: string): HttpGetAnswer {
  let json: JsonValue | undefined;
  try {
    json = JSON.parse(text) as JsonValue;
  } catch {
    json = undefined;
  }
  return json === undefined ? { url, status, headers } : { url, status, headers, json };
}
