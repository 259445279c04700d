/**
 * A hostile target: a proxy on 127.0.0.1 in front of the reference `serve`
 * (target protocol v1, sessions included) that misbehaves in one way chosen by
 * a {@link Behaviour}: hang, trickle, oversized or garbage bodies, 5xx,
 * redirects, dying mid-run, or rewritten answers (protocol version, types,
 * hostile tokens, a huge JWKS). Everything else is forwarded faithfully, so
 * each case is wrong in exactly one way.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** The protocol route of a request, with the `/sessions/<id>` prefix taken off. */
export type Route = 'handshake' | 'session' | 'discovery' | 'jwks' | 'token' | 'control' | 'other';

export interface Request {
  method: string;
  route: Route;
  /** How many requests the proxy has seen, this one included. */
  count: number;
}

/** What the proxy does instead of forwarding. */
export type Reply =
  | { kind: 'hang' }
  | { kind: 'status'; status: number; body: string; headers?: Record<string, string> }
  | { kind: 'stream'; status: number; chunks: () => AsyncIterable<string | Uint8Array>; contentType: string }
  | { kind: 'die' };

export interface Behaviour {
  /** Answer without forwarding (or return undefined to forward). */
  intercept?(req: Request): Reply | undefined;
  /** Rewrite the JSON answer of a forwarded request (the parsed body; return it changed or a new one). */
  rewrite?(req: Request, body: unknown): unknown | Promise<unknown>;
  /** Send a forwarded answer slowly: bytes per tick and the tick in ms. */
  trickle?(req: Request): { bytes: number; everyMs: number } | undefined;
}

export function routeOf(path: string): Route {
  const p = path.replace(/^\/sessions\/[^/]+/, '');
  if (p === '/_conformance/v1/handshake') return 'handshake';
  if (p === '/_conformance/v1/sessions' || p.startsWith('/_conformance/v1/sessions/')) return 'session';
  if (p === '/.well-known/openid-configuration') return 'discovery';
  if (p === '/.well-known/jwks' || p === '/.well-known/jwks.json') return 'jwks';
  if (p === '/oauth2/token') return 'token';
  if (p.startsWith('/_conformance/v1/')) return 'control';
  return 'other';
}

const MAX_REQUEST_BYTES = 2 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_REQUEST_BYTES) throw new Error('request body too large');
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

export interface StartedProxy {
  url: string;
  close(): Promise<void>;
}

/** Start the proxy for `upstream` (a base URL without trailing slash) on 127.0.0.1. */
export async function startProxy(upstream: string, behaviour: Behaviour): Promise<StartedProxy> {
  let base = '';
  let count = 0;
  const sockets = new Set<Socket>();
  const swap = (text: string) => text.split(upstream).join(base);
  // A rewrite that returns the same object again (a memoized hostile answer: 10,000 keys) is serialized once:
  // the hostile target must stay quick on a loaded machine, or its slowness, not the answer, decides the row.
  const serialized = new WeakMap<object, string>();
  const serialize = (v: unknown): string => {
    if (typeof v !== 'object' || v === null) return JSON.stringify(v);
    let s = serialized.get(v);
    if (s === undefined) serialized.set(v, (s = JSON.stringify(v)));
    return s;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0]!;
    const r: Request = { method: req.method ?? 'GET', route: routeOf(path), count: ++count };
    const reply = behaviour.intercept?.(r);
    if (reply) return answer(reply, res);
    const body = await readBody(req);
    const headers: Record<string, string> = {};
    for (const h of ['content-type', 'authorization', 'accept']) if (typeof req.headers[h] === 'string') headers[h] = req.headers[h];
    const up = await fetch(`${upstream}${req.url ?? '/'}`, {
      method: r.method,
      headers,
      ...(body.length > 0 ? { body: swap(body.toString('utf8')) } : {}),
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
    let text = swap(await up.text());
    const type = up.headers.get('content-type') ?? '';
    if (behaviour.rewrite && type.includes('json') && text.length > 0) {
      const rewritten = await behaviour.rewrite(r, JSON.parse(text));
      text = serialize(rewritten);
    }
    // The cache headers pass through as the target sent them: RESP-NO-STORE judges them.
    const out: Record<string, string> = { 'content-type': type || 'application/json', 'cache-control': up.headers.get('cache-control') ?? 'no-store' };
    const pragma = up.headers.get('pragma');
    if (pragma !== null) out['pragma'] = pragma;
    const location = up.headers.get('location');
    if (location) out['location'] = swap(location);
    const slow = behaviour.trickle?.(r);
    if (!slow) {
      res.writeHead(up.status, { ...out, 'content-length': String(Buffer.byteLength(text)) }).end(text);
      return;
    }
    res.writeHead(up.status, out);
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length && !res.destroyed; i += slow.bytes) {
      res.write(bytes.subarray(i, i + slow.bytes));
      await new Promise((resolve) => setTimeout(resolve, slow.everyMs));
    }
    res.end();
  };

  const answer = async (reply: Reply, res: ServerResponse): Promise<void> => {
    switch (reply.kind) {
      case 'hang':
        return; // the socket stays open until the client gives up or the proxy closes
      case 'die':
        process.exit(0);
      case 'status':
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(reply.body);
        return;
      case 'stream':
        res.writeHead(reply.status, { 'content-type': reply.contentType });
        for await (const c of reply.chunks()) {
          if (res.destroyed) return;
          if (!res.write(c)) await new Promise((resolve) => res.once('drain', resolve));
        }
        res.end();
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'proxy_error', error_description: (e as Error).message }));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
