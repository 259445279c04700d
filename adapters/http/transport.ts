/**
 * One HTTP exchange with a target, bounded in time and size. Whatever goes
 * wrong below HTTP (refused connection, reset, timeout, oversized or
 * unparseable body) becomes an {@link AdapterError} naming the endpoint, so
 * the check runner can stop the check at once with a useful reason.
 */
import { AdapterError, type ResponseHeaders } from '../types.js';
import { headersOf } from './surface.js';

export interface TransportOptions {
  timeoutMs: number;
  maxResponseBytes: number;
}

export interface Answer {
  status: number;
  contentType: string;
  /** Raw body text (UTF-8). */
  text: string;
  /** `what` of the request, for messages: `POST http://…/oauth2/token`. */
  what: string;
  /** Response headers, lower-case names. */
  headers: ResponseHeaders;
}

export interface Outgoing {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  json?: unknown;
  form?: URLSearchParams;
  /**
   * Sending it twice does no harm. Default: GET, PUT and DELETE. Such a request
   * is retried once when a kept-alive connection turns out to be closed.
   */
  repeatable?: boolean;
}

/** A reused keep-alive socket the server had just closed: the request most likely never arrived. */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/** Codes of undici / node errors that mean "nobody answered in time". */
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

export async function exchange(out: Outgoing, options: TransportOptions): Promise<Answer> {
  const repeatable = out.repeatable ?? out.method !== 'POST';
  try {
    return await once(out, options);
  } catch (e) {
    const code = (e as AdapterError).cause as { cause?: { code?: string }; code?: string } | undefined;
    const stale = STALE_SOCKET_CODES.has(code?.cause?.code ?? code?.code ?? '');
    if (!repeatable || !stale) throw e;
    return once(out, options);
  }
}

async function once(out: Outgoing, options: TransportOptions): Promise<Answer> {
  const what = `${out.method} ${out.url}`;
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: string | undefined;
  if (out.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(out.json);
  } else if (out.form !== undefined) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = out.form.toString();
  }
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const res = await fetch(out.url, { method: out.method, headers, body, signal, redirect: 'manual' });
    const text = await readLimited(res, options.maxResponseBytes, what);
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, what, headers: headersOf(res.headers) };
  } catch (e) {
    throw classify(e, what, options.timeoutMs);
  }
}

async function readLimited(res: Response, limit: number, what: string): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await res.body?.cancel().catch(() => {});
    throw new AdapterError('ERR_TARGET_PROTOCOL', `${what}: response body of ${declared} bytes exceeds the limit of ${limit} bytes`);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new AdapterError('ERR_TARGET_PROTOCOL', `${what}: response body exceeds the limit of ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function classify(e: unknown, what: string, timeoutMs: number): AdapterError {
  if (e instanceof AdapterError) return e;
  const err = e as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string } };
  const code = err?.cause?.code ?? err?.code;
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError' || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return new AdapterError('ERR_TARGET_TIMEOUT', `${what}: no complete answer within ${timeoutMs} ms`, { cause: e });
  }
  const detail = code ?? err?.cause?.message ?? err?.message ?? String(e);
  return new AdapterError('ERR_TARGET_UNREACHABLE', `${what}: cannot reach the target (${detail})`, { cause: e });
}

/** The media type without parameters, lower-cased. */
export function mediaType(answer: Answer): string {
  return mediaTypeOf(answer.contentType);
}

/** The media type of a Content-Type value (absent: ''), without parameters, lower-cased. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Parse a JSON body or throw ERR_TARGET_PROTOCOL quoting the start of what came instead. */
export function parseJson(answer: Answer): unknown {
  try {
    return JSON.parse(answer.text);
  } catch {
    const snippet = answer.text.slice(0, 120).replace(/\s+/g, ' ');
    throw new AdapterError(
      'ERR_TARGET_PROTOCOL',
      `${answer.what}: HTTP ${answer.status} answer is not JSON (Content-Type ${JSON.stringify(answer.contentType || '(none)')}): ${JSON.stringify(snippet)}`,
    );
  }
}
