/**
 * HTTP plumbing shared by verifiers that sit behind a route: presenting a
 * bearer token with a timeout and reading the status as a verdict, and
 * binding in-process servers to loopback only.
 */
import { createServer, request as httpRequest, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AdapterError } from '../types.js';
import type { RequestShape, Verdict } from '../verifier-types.js';

export const DEFAULT_TIMEOUT_MS = 5_000;

/** The route URL with the request's query parameters appended. */
export function withQuery(url: string, query: RequestShape['query']): string {
  if (!query || Object.keys(query).length === 0) return url;
  const u = new URL(url);
  for (const [k, v] of Object.entries(query)) u.searchParams.append(k, v);
  return u.href;
}

/**
 * Several Authorization lines: fetch would fold them into one "a, b" value, so they go
 * out through node:http, which writes one header line per array entry.
 */
function getWithHeaderLines(url: string, headers: Record<string, string | string[]>, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'GET', headers, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (body.length < 4_096) body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { name: 'TimeoutError' })));
    req.on('error', reject);
    req.end();
  });
}

/**
 * `GET url` with `Authorization: Bearer <token>` (no header when token is undefined), or the
 * request the suite shaped (`request`: Authorization lines as sent, query, other headers). 2xx = accepted.
 */
export async function presentBearer(url: string, token: string | undefined, timeoutMs = DEFAULT_TIMEOUT_MS, request: RequestShape = {}): Promise<Verdict> {
  url = withQuery(url, request.query);
  const headers: Record<string, string> = { ...(request.headers ?? {}) };
  const lines = request.authorization ?? (token !== undefined ? [`Bearer ${token}`] : []);
  if (lines.length === 1) headers.authorization = lines[0]!;
  let res: { status: number; text(): Promise<string> };
  try {
    if (lines.length > 1) {
      const r = await getWithHeaderLines(url, { ...headers, authorization: lines }, timeoutMs);
      res = { status: r.status, text: async () => r.body };
    } else {
      res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    }
  } catch (e) {
    const name = (e as Error)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new AdapterError('ERR_TARGET_TIMEOUT', `GET ${url} did not answer within ${timeoutMs} ms`, { cause: e });
    }
    // A server may reset the connection on a huge header instead of answering 431: that is a refusal.
    const code = (e as { cause?: { code?: string } }).cause?.code;
    if (token !== undefined && token.length > 16_000 && (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET')) {
      return { accepted: false, reason: `connection closed on a ${token.length}-byte token (${code})` };
    }
    throw new AdapterError('ERR_TARGET_UNREACHABLE', `GET ${url} failed: ${(e as Error).message}`, { cause: e });
  }
  const body = (await res.text().catch(() => '')).slice(0, 200);
  if (res.status >= 200 && res.status < 300) return { accepted: true, status: res.status };
  return { accepted: false, status: res.status, reason: body };
}

/** Start `listener` on 127.0.0.1 (never a public interface); port 0 picks a free one. */
export async function listenLoopback(listener: RequestListener, port = 0): Promise<{ server: Server; url: string }> {
  const server = createServer(listener);
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  server.unref();
  const { port: bound } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${bound}` };
}

export async function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** `/orgs/:org_code/users` → `/orgs/org_123/users` (URL-encoded). */
export function routeFor(template: string, orgCode: string | undefined): string {
  return template.replace(':org_code', encodeURIComponent(orgCode ?? ''));
}
