/**
 * Kinde-domain mapping for in-process verifiers. Kinde's libraries derive
 * the key set's URL from the environment's domain themselves
 * (`https://<subdomain>.kinde.com/.well-known/jwks.json`), so a verifier
 * that declares `kindeDomain: true` is handed `context.kindeDomain` and
 * passes it to its library unchanged; while the suite presents a token,
 * requests to that origin are answered by the suite's loopback issuer
 * (`context.issuerBaseUrl` + the same path).
 *
 * Two hooks, for the two ways those libraries fetch: the global `fetch`
 * (@kinde/jwt-validator, jose 6) and `https.request`/`https.get`
 * (aws-jwt-verify in kinde-node-express, axios in kinde-node-auth-utils).
 * Only mapped origins are rewritten; everything else goes out untouched.
 * A mapping lives for one `withKindeDomain` call; calls for the same
 * domain wait for each other, so two lanes never see each other's keys.
 */
import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';

/** host → the domain's path (no trailing slash, '' for a bare origin) and the loopback base answering under it. */
const routes = new Map<string, { prefix: string; base: string }>();
const locks = new Map<string, Promise<void>>();
let installed = false;

/**
 * The domain a Kinde library is configured with for tokens of `issuer`: the issuer itself
 * (`https://<sub>.kinde.com`, or a custom domain, with a path if it has one), or undefined
 * when it is not an https URL.
 */
export function kindeDomainOf(issuer: string): string | undefined {
  try {
    const u = new URL(issuer);
    return u.protocol === 'https:' && u.search === '' && u.hash === '' ? `${u.origin}${u.pathname.replace(/\/+$/, '')}` : undefined;
  } catch {
    return undefined;
  }
}

/** The loopback URL a mapped https URL is answered at, or undefined. */
export function rewriteKindeUrl(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const route = u.protocol === 'https:' ? routes.get(u.host.toLowerCase()) : undefined;
  if (!route || !(u.pathname === route.prefix || u.pathname.startsWith(`${route.prefix}/`))) return undefined;
  return `${route.base}${u.pathname.slice(route.prefix.length)}${u.search}`;
}

/** Run `fn` with `domain` (an https origin) answered by `baseUrl` (http://127.0.0.1:…[/prefix]). */
export async function withKindeDomain<T>(domain: string, baseUrl: string, fn: () => Promise<T>): Promise<T> {
  const url = new URL(domain);
  const host = url.host.toLowerCase();
  const prefix = url.pathname.replace(/\/+$/, '');
  install();
  const previous = locks.get(host) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  const chained = previous.then(() => mine);
  locks.set(host, chained);
  await previous;
  routes.set(host, { prefix, base: baseUrl.replace(/\/+$/, '') });
  try {
    return await fn();
  } finally {
    routes.delete(host);
    release();
    if (locks.get(host) === chained) locks.delete(host);
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  const realFetch = globalThis.fetch;
  globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const target = rewriteKindeUrl(url);
    if (target === undefined) return realFetch(input, init);
    return input instanceof Request ? realFetch(new Request(target, input), init) : realFetch(target, init);
  }) as typeof fetch;
  const realRequest = https.request;
  const realGet = https.get;
  https.request = ((...args: unknown[]) => loopbackRequest(args) ?? (realRequest as (...a: unknown[]) => http.ClientRequest)(...args)) as typeof https.request;
  https.get = ((...args: unknown[]) => {
    const req = loopbackRequest(args);
    if (!req) return (realGet as (...a: unknown[]) => http.ClientRequest)(...args);
    req.end();
    return req;
  }) as typeof https.get;
  // Named ESM imports of node:https (`import { request } from 'https'`, as bundles do) see the hook too.
  syncBuiltinESMExports();
}

type Options = http.RequestOptions & { href?: string };

/** An http.request to loopback for a mapped https request, or undefined to let it through. */
function loopbackRequest(args: unknown[]): http.ClientRequest | undefined {
  let url: string | undefined;
  let options: Options = {};
  let callback: ((res: http.IncomingMessage) => void) | undefined;
  for (const a of args) {
    if (typeof a === 'string' || a instanceof URL) url = String(a);
    else if (typeof a === 'function') callback = a as typeof callback;
    else if (a !== null && typeof a === 'object') options = a as Options;
  }
  if (url === undefined) {
    const host = options.hostname ?? options.host;
    if (typeof host !== 'string') return undefined;
    // axios (follow-redirects) passes `port: null` for the default port.
    const port = options.port !== undefined && options.port !== null && options.port !== '' && Number(options.port) !== 443 ? `:${options.port}` : '';
    url = `https://${host}${port}${options.path ?? '/'}`;
  }
  const target = rewriteKindeUrl(url);
  if (target === undefined) return undefined;
  const { agent: _agent, protocol: _protocol, host: _host, hostname: _hostname, port: _port, path: _path, href: _href, ...rest } = options;
  void [_agent, _protocol, _host, _hostname, _port, _path, _href];
  const headers = { ...(rest.headers as Record<string, string> | undefined) };
  for (const k of Object.keys(headers)) if (k.toLowerCase() === 'host') delete headers[k];
  return http.request(target, { ...rest, headers }, callback);
}
