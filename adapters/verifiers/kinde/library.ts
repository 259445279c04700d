/**
 * What the built-in verifiers of Kinde's own libraries share: a library that
 * is an optional peer dependency (a missing one is a clear error naming the
 * package to install), running an Express-style middleware without a server,
 * one verification at a time where the library keeps its configuration in
 * module state, and silencing the libraries' console logging of every
 * refused token (expected by the thousand during attacks), and serving an
 * Express-style middleware on a loopback route so that the request the suite
 * shapes (several Authorization lines, the scheme's case, query and headers)
 * reaches it as Node parses it.
 */
import type { IncomingMessage, Server } from 'node:http';
import { AdapterError } from '../../types.js';
import type { Verdict } from '../../verifier-types.js';
import { listenLoopback } from '../http.js';

/** The optional peer dependencies, with the version the expected results were recorded with. */
export const KINDE_LIBRARIES = {
  '@kinde-oss/kinde-node-express': '1.6.0',
  '@kinde-oss/kinde-node-auth-utils': '0.0.7',
  '@kinde-oss/kinde-auth-nextjs': '2.13.1',
} as const;
export type KindeLibrary = keyof typeof KINDE_LIBRARIES;

export function missingLibrary(pkg: KindeLibrary, verifier: string, cause?: unknown): AdapterError {
  return new AdapterError(
    'ERR_VERIFIER_CONFIG',
    `the ${verifier} verifier runs ${pkg}, an optional peer dependency that is not installed here. Install it next to kinde-token-conformance: npm install --save-dev ${pkg}@${KINDE_LIBRARIES[pkg]}`,
    { cause },
  );
}

/** Load a verifier module that imports `pkg`; its absence becomes {@link missingLibrary}. */
export async function loadWith<T>(pkg: KindeLibrary, verifier: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    const code = (e as { code?: string }).code;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String((e as Error).message).includes(pkg)) throw missingLibrary(pkg, verifier, e);
    throw e;
  }
}

let muted = 0;
const saved = { log: console.log, error: console.error, warn: console.warn };

/** Run `fn` with console.log/error/warn silenced (nested and concurrent calls restore once, at the end). */
export async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  if (muted++ === 0) console.log = console.error = console.warn = () => {};
  try {
    return await fn();
  } finally {
    if (--muted === 0) Object.assign(console, saved);
  }
}

/** One call at a time: for libraries configured through module-level state. */
export class Serial {
  #tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(fn, fn);
    this.#tail = next.catch(() => undefined);
    return next;
  }
}

export type Middleware = (req: unknown, res: unknown, next: (err?: unknown) => void) => unknown;

const MIDDLEWARE_TIMEOUT_MS = 15_000;

/**
 * Present `authorization` to an Express middleware as a request would: `next()` is
 * acceptance; `sendStatus`, `status().send/json` and `redirect` are refusals.
 */
export function runMiddleware(mw: Middleware, authorization: string | undefined, extra: Record<string, unknown> = {}): Promise<Verdict> {
  return new Promise<Verdict>((resolve, reject) => {
    const timer = setTimeout(() => reject(new AdapterError('ERR_TARGET_TIMEOUT', `the middleware neither called next() nor answered within ${MIDDLEWARE_TIMEOUT_MS} ms`)), MIDDLEWARE_TIMEOUT_MS);
    const done = (v: Verdict) => {
      clearTimeout(timer);
      resolve(v);
    };
    const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
    const session = new Map<string, unknown>();
    const req = {
      headers,
      query: {},
      header: (name: string) => headers[name.toLowerCase()],
      get: (name: string) => headers[name.toLowerCase()],
      setSessionItem: async (k: string, v: unknown) => void session.set(k, v),
      getSessionItem: async (k: string) => session.get(k) ?? null,
      removeSessionItem: async (k: string) => void session.delete(k),
      destroySession: async () => session.clear(),
      ...extra,
    };
    let status = 200;
    const res = {
      sendStatus: (s: number) => done({ accepted: false, status: s }),
      status(s: number) {
        status = s;
        return res;
      },
      send: (body?: unknown) => done(status < 300 ? { accepted: true, status } : { accepted: false, status, reason: String(body ?? '').slice(0, 200) }),
      json: (body?: unknown) => done(status < 300 ? { accepted: true, status } : { accepted: false, status, reason: JSON.stringify(body ?? null).slice(0, 200) }),
      redirect: (url: unknown) => done({ accepted: false, status: 302, reason: `redirected to ${String(url).slice(0, 120)}` }),
    };
    try {
      const r = mw(req, res, (err?: unknown) => done(err ? { accepted: false, status: 500, reason: `next(${String(err).slice(0, 120)})` } : { accepted: true, status: 200 }));
      if (r instanceof Promise) r.catch((e: unknown) => done({ accepted: false, status: 500, reason: `threw: ${(e as Error)?.message ?? String(e)}`.slice(0, 200) }));
    } catch (e) {
      done({ accepted: false, status: 500, reason: `threw: ${(e as Error)?.message ?? String(e)}`.slice(0, 200) });
    }
  });
}

/** What an Express middleware reads of a real request (Node's parsed headers: a duplicate Authorization is dropped by Node). */
export function expressRequestOf(req: IncomingMessage): Record<string, unknown> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const header = (name: string) => req.headers[name.toLowerCase()];
  return { headers: req.headers, query: Object.fromEntries(url.searchParams), path: url.pathname, url: req.url, method: req.method, header, get: header };
}

/** Longer than the middleware's own bound, so that a middleware timeout is an error (a reset connection), never a refusal. */
export const MIDDLEWARE_ROUTE_TIMEOUT_MS = MIDDLEWARE_TIMEOUT_MS + 5_000;

/**
 * A loopback route answering with `handle`'s verdict: 200 for acceptance, the refusal's status (401 when it
 * has none below 400: a redirect is a refusal and must not be followed) with its reason as the body. A handler
 * that fails resets the connection: the suite then reports an error, not a verdict.
 */
export async function serveMiddleware(handle: (req: IncomingMessage) => Promise<Verdict>): Promise<{ server: Server; url: string }> {
  return listenLoopback((req, res) => {
    handle(req).then(
      (v) => {
        const status = v.accepted ? 200 : v.status !== undefined && v.status >= 400 && v.status < 600 ? v.status : 401;
        res.writeHead(status, { 'content-type': 'text/plain' }).end(v.accepted ? 'ok' : (v.reason ?? `refused (${v.status ?? 'no status'})`));
      },
      () => res.destroy(),
    );
  });
}
