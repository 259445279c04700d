/**
 * HTTP plumbing shared by verifiers that sit behind a route: presenting a
 * bearer token with a timeout and reading the status as a verdict, and
 * binding in-process servers to loopback only.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AdapterError } from '../types.js';
import type { Verdict } from '../verifier-types.js';

export const DEFAULT_TIMEOUT_MS = 5_000;

/** `GET url` with `Authorization: Bearer <token>` (no header when token is undefined). 2xx = accepted. */
export async function presentBearer(url: string, token: string | undefined, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Verdict> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
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
