/**
 * The reference issuer as an HTTP server speaking target protocol v1
 * (docs/target-protocol.md): standard OAuth/OIDC endpoints plus the
 * `/_conformance/v1` control surface. The suite's `http` adapter drives it, and
 * it doubles as a local Kinde-compatible token service for app tests.
 *
 * The root serves one environment; `POST /_conformance/v1/sessions` creates
 * more, each under `/sessions/<id>`, so parallel suite workers never share a
 * tenant. Bad requests get a 4xx `{error, error_description}`, never a crash.
 */
import { foreignBlock, foreignLine } from '../reports/sanitize.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { SUITE_VERSION as version } from '../schemas/version.js';
import type { DefectName } from './defects.js';
import { IssuerError } from './errors.js';
import type { ReferenceIssuer } from './issuer.js';
import { SERVER_LIMITS } from './limits.js';
import { installConnectionErrorBodies } from './server/connection.js';
import { CORS, Environment, type EnvironmentStats, type Implementation } from './server/environment.js';
import { HttpError, readBody, sendEmpty, sendError, sendJson } from './server/http-io.js';
import { SessionStore } from './server/sessions.js';

export { MAX_REQUEST_BYTES } from './server/http-io.js';

export interface ServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. Anything else exposes an unauthenticated token service: callers must warn. */
  host?: string;
  /** Seeded defects (a mutant server). */
  defects?: Iterable<DefectName>;
  refreshOverlapSeconds?: number;
  /** Provisioned into the root environment at start (sessions start empty). */
  tenant?: unknown;
  /** Concurrent sessions at most (default SERVER_LIMITS.maxSessions, 64). */
  maxSessions?: number;
  /** A session unused for this long is deleted (default SERVER_LIMITS.sessionIdleMs, 10 min). */
  sessionIdleMs?: number;
  /** How often idle sessions are looked for (default SERVER_LIMITS.sweepIntervalMs). */
  sweepIntervalMs?: number;
  /** The clock of session idleness, in ms (default Date.now; tests pass a controllable one). */
  now?: () => number;
  /** Time budget of each workflow run (default 1000 ms). */
  workflowTimeoutMs?: number;
  /** A request must be complete within this (default SERVER_LIMITS.requestTimeoutMs); else 408. */
  requestTimeoutMs?: number;
  /** Its headers within this (default SERVER_LIMITS.headersTimeoutMs); else 408. */
  headersTimeoutMs?: number;
  /** Where unexpected (5xx) errors are reported. Default: stderr. */
  log?: (line: string) => void;
}

export interface StartedServer {
  /** Base URL, e.g. `http://127.0.0.1:39123` (no trailing slash). */
  url: string;
  /** The issuer of the root environment. */
  issuer: ReferenceIssuer;
  /** What the server holds: sessions, and over all environments (root included) workflows, codes, refresh tokens. */
  stats(): ServerStats;
  /** Deletes the sessions idle for longer than `sessionIdleMs` now (it also happens every `sweepIntervalMs`). */
  sweepIdleSessions(): number;
  close(): Promise<void>;
}

export interface ServerStats extends EnvironmentStats {
  sessions: number;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  env: Environment;
  param: string;
  query: string;
}
type Handler = (ctx: Ctx) => void | Promise<void>;
interface Route {
  pattern: RegExp;
  methods: Partial<Record<Method, Handler>>;
  /** Browsers may call it cross-origin (discovery, JWKS, token, authorize). */
  cors?: boolean;
}

const ENV_ROUTES: Route[] = [
  { pattern: /^\/\.well-known\/openid-configuration$/, methods: { GET: ({ env, res }) => env.discovery(res) }, cors: true },
  { pattern: /^\/\.well-known\/jwks$/, methods: { GET: ({ env, res }) => env.jwks(res) }, cors: true },
  { pattern: /^\/\.well-known\/jwks\.json$/, methods: { GET: ({ env, res }) => env.jwks(res, '/.well-known/jwks.json') }, cors: true },
  { pattern: /^\/oauth2\/token$/, methods: { POST: ({ env, req, res }) => env.token(req, res) }, cors: true },
  { pattern: /^\/oauth2\/auth$/, methods: { GET: ({ env, query, res }) => env.authorize(query, res) }, cors: true },
  { pattern: /^\/oauth2\/v2\/user_profile$/, methods: { GET: ({ env, req, res }) => env.account.userProfile(req, res) }, cors: true },
  { pattern: /^\/logout$/, methods: { GET: ({ env, query, res }) => env.account.logout(query, res) } },
  { pattern: /^\/oauth2\/revoke$/, methods: { POST: ({ env, req, res }) => env.account.revoke(req, res) }, cors: true },
  { pattern: /^\/oauth2\/introspect$/, methods: { POST: ({ env, req, res }) => env.account.introspect(req, res) } },
  { pattern: /^\/_conformance\/v1\/handshake$/, methods: { GET: ({ env, res }) => env.handshake(res) } },
  { pattern: /^\/_conformance\/v1\/tenant$/, methods: { PUT: ({ env, req, res }) => env.putTenant(req, res) } },
  { pattern: /^\/_conformance\/v1\/workflows$/, methods: { POST: ({ env, req, res }) => env.postWorkflow(req, res) } },
  { pattern: /^\/_conformance\/v1\/workflows\/([^/]+)$/, methods: { DELETE: ({ env, param, res }) => env.deleteWorkflow(param, res) } },
  { pattern: /^\/_conformance\/v1\/sign-in$/, methods: { POST: ({ env, req, res }) => env.signIn(req, res) } },
  { pattern: /^\/_conformance\/v1\/clock\/advance$/, methods: { POST: ({ env, req, res }) => env.advanceClock(req, res) } },
  { pattern: /^\/_conformance\/v1\/keys\/rotate$/, methods: { POST: ({ env, req, res }) => env.rotateKeys(req, res) } },
];

const SESSION_PREFIX = /^\/sessions\/([A-Za-z0-9_-]{1,64})(\/.*)$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export async function startServer(options: ServerOptions = {}): Promise<StartedServer> {
  const host = options.host ?? '127.0.0.1';
  const defects = new Set(options.defects ?? []);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = options.now ?? Date.now;
  const implementation: Implementation = {
    name: defects.size > 0 ? `kinde-token-conformance reference (mutant: ${[...defects].join(', ')})` : 'kinde-token-conformance reference',
    version,
    homepage: 'https://github.com/kinde-token-conformance/kinde-token-conformance',
  };
  const issuerOptions = {
    defects,
    ...(options.refreshOverlapSeconds !== undefined ? { refreshOverlapSeconds: options.refreshOverlapSeconds } : {}),
    ...(options.workflowTimeoutMs !== undefined ? { workflowTimeoutMs: options.workflowTimeoutMs } : {}),
  };
  const sessions = new SessionStore({
    maxSessions: options.maxSessions ?? SERVER_LIMITS.maxSessions,
    idleMs: options.sessionIdleMs ?? SERVER_LIMITS.sessionIdleMs,
    sweepIntervalMs: options.sweepIntervalMs ?? SERVER_LIMITS.sweepIntervalMs,
    now,
  });
  // The root environment learns its URL once the port is known.
  let base = '';
  let root: Environment | undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Absolute-form targets (RFC 9112 3.2.2) are answered like their path.
    const rawUrl = (req.url ?? '/').replace(/^https?:\/\/[^/?#]*/i, '') || '/';
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const query = q < 0 ? '' : rawUrl.slice(q + 1);
    const method = (req.method === 'HEAD' ? 'GET' : req.method ?? 'GET') as Method | 'OPTIONS';

    // DNS rebinding guard: a loopback server answers only to loopback host names.
    if (isLoopback(host)) {
      const hostHeader = (req.headers.host ?? '').replace(/:\d+$/, '');
      if (!isLoopback(hostHeader)) throw new HttpError(421, 'misdirected_request', `this server only answers to loopback host names, not ${JSON.stringify(hostHeader)}`);
    }

    let env = root!;
    let rest = path;
    const scoped = SESSION_PREFIX.exec(path);
    if (scoped) {
      const found = sessions.get(scoped[1]!);
      if (!found) throw new HttpError(404, 'unknown_session', `no session ${JSON.stringify(scoped[1])} (expired or deleted)`);
      env = found;
      rest = scoped[2]!;
    } else if (path === '/_conformance/v1/sessions') {
      if (method !== 'POST') throw methodNotAllowed(['POST']);
      await readBody(req);
      const { id, env: session } = await sessions.create((id) => Environment.create(`${base}/sessions/${id}`, implementation, true, issuerOptions));
      sendJson(res, 201, { id, baseUrl: session.baseUrl });
      return;
    } else if (path.startsWith('/_conformance/v1/sessions/')) {
      const id = path.slice('/_conformance/v1/sessions/'.length);
      if (method !== 'DELETE') throw methodNotAllowed(['DELETE']);
      if (!sessions.delete(id)) throw new HttpError(404, 'unknown_session', `no session ${JSON.stringify(id)}`);
      sendEmpty(res, 204);
      return;
    } else if (path === '/') {
      if (method !== 'GET') throw methodNotAllowed(['GET']);
      sendJson(res, 200, {
        name: implementation.name,
        version,
        protocol: 1,
        discovery: `${base}/.well-known/openid-configuration`,
        jwks: `${base}/.well-known/jwks`,
        handshake: `${base}/_conformance/v1/handshake`,
        docs: 'docs/target-protocol.md',
      });
      return;
    }
    for (const route of ENV_ROUTES) {
      const m = route.pattern.exec(rest);
      if (!m) continue;
      if (method === 'OPTIONS' && route.cors) {
        sendEmpty(res, 204, {
          ...CORS,
          'Access-Control-Allow-Methods': Object.keys(route.methods).join(', '),
          'Access-Control-Allow-Headers': 'Authorization, Content-Type',
          'Access-Control-Max-Age': '600',
        });
        return;
      }
      const handler = method === 'OPTIONS' ? undefined : route.methods[method];
      if (!handler) throw methodNotAllowed(Object.keys(route.methods));
      let param = '';
      if (m[1] !== undefined) {
        try {
          param = decodeURIComponent(m[1]);
        } catch {
          throw new HttpError(400, 'invalid_request', 'malformed percent-encoding in the path');
        }
      }
      await handler({ req, res, env, param, query });
      return;
    }
    throw new HttpError(404, 'not_found', `no endpoint ${JSON.stringify(path.slice(0, 200))}; see ${base}/ for the entry points`);
  };

  const requestTimeout = options.requestTimeoutMs ?? SERVER_LIMITS.requestTimeoutMs;
  const headersTimeout = Math.min(options.headersTimeoutMs ?? SERVER_LIMITS.headersTimeoutMs, requestTimeout);
  // Node looks for timed-out requests at this interval (its default, 30 s, would double a short timeout).
  const connectionsCheckingInterval = Math.max(100, Math.min(30_000, Math.floor(headersTimeout / 4)));
  const server: Server = createServer({ connectionsCheckingInterval }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      const err = toHttpError(e);
      if (err.status >= 500) log(foreignBlock(`kinde-token-conformance serve: ${foreignLine(req.method ?? '', 20)} ${foreignLine(req.url ?? '', 500)}: ${(e as Error)?.stack ?? String(e)}`, '', 60));
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err.headers['Connection'] === 'close') {
        // The client may still be sending: give it a moment to read the answer, then cut.
        res.on('finish', () => setTimeout(() => req.socket.destroy(), 1_000).unref());
      }
      sendError(res, err);
    });
  });
  // Unparseable HTTP, timeouts, Expect and CONNECT still get a JSON answer.
  installConnectionErrorBodies(server);
  server.requestTimeout = requestTimeout;
  server.headersTimeout = headersTimeout;
  server.keepAliveTimeout = SERVER_LIMITS.keepAliveTimeoutMs;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  base = `http://${isIP(address.address) === 6 ? `[${address.address}]` : address.address}:${address.port}`;
  try {
    root = await Environment.create(base, implementation, true, issuerOptions);
    if (options.tenant !== undefined) root.provision(options.tenant);
  } catch (e) {
    server.close();
    sessions.close();
    throw e;
  }
  const issuer = root.issuer;
  let closing: Promise<void> | undefined;
  return {
    url: base,
    issuer,
    stats() {
      const total: ServerStats = { sessions: sessions.size, ...root!.stats() };
      for (const env of sessions.values()) {
        const s = env.stats();
        for (const k of Object.keys(s) as (keyof EnvironmentStats)[]) total[k] += s[k];
      }
      return total;
    },
    sweepIdleSessions: () => sessions.sweep(),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        sessions.close();
      });
      return closing;
    },
  };
}

function methodNotAllowed(allowed: string[]): HttpError {
  const list = allowed.includes('GET') ? [...allowed, 'HEAD'] : allowed;
  return new HttpError(405, 'method_not_allowed', `allowed: ${list.join(', ')}`, { Allow: list.join(', ') });
}

function toHttpError(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  if (e instanceof IssuerError) return new HttpError(e.status, e.code, e.message);
  if (e instanceof RangeError) return new HttpError(400, 'invalid_request', e.message);
  return new HttpError(500, 'server_error', `internal error: ${(e as Error)?.message ?? String(e)}`);
}
