// @ts-nocheck — plain JavaScript on purpose: loaded natively by the sandbox process.
/**
 * Host side of the sandbox's non-token bindings: the callbacks behind
 * `kinde.fetch` / `kinde.secureFetch` (answered from the run's fixtures, every
 * request recorded) and behind `URL` (the host's WHATWG parser). Primitives in,
 * primitives out, never a throw: the sandbox must never hold a host object.
 */

/** `*` in a pattern matches any run of characters (also `/`, `?`, `&`); everything else matches itself. */
export function globMatch(pattern, text) {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === text;
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const found = text.indexOf(parts[i], at);
    if (found === -1 || found + parts[i].length > end) return false;
    at = found + parts[i].length;
  }
  return true;
}

/**
 * `fixturesJson`: `[{ m, u, b, s, h, t, j }]` (method or '*', URL pattern with
 * the Kinde domain filled in, binding or '', status, headers, text, JSON text or null).
 * `requests` lists every request of the run: `{ binding, method, url, fixture }`
 * (`fixture`: the index of the answer in the user's list, -1 = none matched).
 */
export function createFetchHost(fixturesJson, limits, isClosed) {
  const fixtures = typeof fixturesJson === 'string' && fixturesJson !== '' ? JSON.parse(fixturesJson) : [];
  const requests = [];
  const hostFetch = (binding, method, url) => {
    try {
      if (isClosed() || typeof binding !== 'string' || typeof method !== 'string' || typeof url !== 'string') return '';
      if (requests.length >= limits.maxFetches) return 'limit';
      const index = fixtures.findIndex(
        (f) => (f.m === '*' || f.m === method) && (f.b === '' || f.b === binding) && globMatch(f.u, url),
      );
      requests.push({ binding, method, url, fixture: index === -1 ? -1 : fixtures[index].i });
      if (index === -1) return '';
      const f = fixtures[index];
      return JSON.stringify({ s: f.s, h: f.h, t: f.t, j: f.j });
    } catch {
      return '';
    }
  };
  return { hostFetch, requests };
}

const URL_PARTS = ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'hash'];

/** The parts of `new URL(input, base)` as JSON text, or '' when it is not a URL. */
export function hostUrl(input, base) {
  try {
    if (typeof input !== 'string' || (base !== undefined && typeof base !== 'string')) return '';
    const u = base === undefined ? new URL(input) : new URL(input, base);
    const parts = {};
    for (const k of URL_PARTS) parts[k] = u[k];
    return JSON.stringify(parts);
  } catch {
    return '';
  }
}
