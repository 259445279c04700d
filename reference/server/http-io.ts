/**
 * Request reading and response writing for the reference server. Every
 * malformed or oversized request ends in an {@link HttpError}, which the
 * server turns into a 4xx `{error, error_description}` JSON answer: a bad
 * request must never crash the process or produce a 5xx.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SERVER_LIMITS } from '../limits.js';

/** Default request body limit (1 MiB); workflow sources are capped at 256 KiB anyway. */
export const MAX_REQUEST_BYTES = SERVER_LIMITS.maxRequestBytes;
/** Bodies beyond this are not kept reading: 413 at once, and the connection is closed after the answer. */
const MAX_DRAIN_BYTES = SERVER_LIMITS.maxDrainBytes;

export class HttpError extends Error {
  readonly status: number;
  /** OAuth-style error code (`invalid_request`, `payload_too_large`, …). */
  readonly error: string;
  readonly headers: Record<string, string>;
  constructor(status: number, error: string, description: string, headers: Record<string, string> = {}) {
    super(description);
    this.name = 'HttpError';
    this.status = status;
    this.error = error;
    this.headers = headers;
  }
}

/**
 * Read the whole body up to `limit` bytes. A bigger body is drained (so the
 * client gets to read the 413 instead of a reset connection) unless it is
 * absurdly big: then the 413 goes out at once and the connection is closed
 * after it (`Connection: close`, see the server).
 */
export function readBody(req: IncomingMessage, limit = MAX_REQUEST_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooBig = (what: string) => new HttpError(413, 'payload_too_large', `request body ${what}exceeds the limit of ${limit} bytes`, { Connection: 'close' });
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > MAX_DRAIN_BYTES) {
      req.resume(); // discarded until the server closes the connection
      reject(tooBig(`of ${declared} bytes `));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_DRAIN_BYTES) {
        chunks.length = 0;
        reject(tooBig(''));
        return;
      }
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > limit) reject(tooBig(''));
      else resolve(Buffer.concat(chunks, size));
    });
    req.on('error', (e) => reject(new HttpError(400, 'invalid_request', `could not read the request body: ${e.message}`)));
    req.on('close', () => {
      if (!req.complete) reject(new HttpError(400, 'invalid_request', 'the request body was cut off'));
    });
  });
}

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** UTF-8 decode that refuses invalid byte sequences instead of inserting U+FFFD. */
function utf8(body: Buffer, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body);
  } catch {
    throw new HttpError(400, 'invalid_request', `${what} is not valid UTF-8`);
  }
}

/** A JSON request body (`application/json` or any `+json` type). */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = mediaType(req);
  if (type !== 'application/json' && !type.endsWith('+json')) {
    // Read (and so drain) the body first so the client gets the answer.
    await readBody(req);
    throw new HttpError(415, 'unsupported_media_type', `expected Content-Type application/json, got ${JSON.stringify(type || '(none)')}`);
  }
  const text = utf8(await readBody(req), 'request body');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, 'invalid_json', `request body is not valid JSON: ${(e as Error).message}`);
  }
}

/** Parsed form: every name with all its values, in order. */
export type FormFields = Map<string, string[]>;

/**
 * An `application/x-www-form-urlencoded` body, parsed strictly: a stray `%`
 * or a percent-encoding that is not UTF-8 is a 400, where URLSearchParams
 * would silently keep or replace it.
 */
export async function readForm(req: IncomingMessage): Promise<FormFields> {
  if (mediaType(req) !== 'application/x-www-form-urlencoded') {
    await readBody(req);
    throw new HttpError(
      400,
      'invalid_request',
      `the token endpoint takes Content-Type application/x-www-form-urlencoded, got ${JSON.stringify(mediaType(req) || '(none)')}`,
    );
  }
  return parseForm(utf8(await readBody(req), 'form body'));
}

export function parseForm(text: string): FormFields {
  const fields: FormFields = new Map();
  if (text === '') return fields;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    const name = decodeFormComponent(rawName);
    const value = decodeFormComponent(rawValue);
    const list = fields.get(name);
    if (list) list.push(value);
    else fields.set(name, [value]);
  }
  return fields;
}

function decodeFormComponent(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new HttpError(400, 'invalid_request', `malformed form encoding in ${JSON.stringify(s.slice(0, 60))}`);
  }
}

const SECURITY_HEADERS = {
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
  'X-Content-Type-Options': 'nosniff',
} as const;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status = 204, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers });
  res.end();
}

export function sendError(res: ServerResponse, e: HttpError): void {
  sendJson(res, e.status, { error: e.error, error_description: e.message }, e.headers);
}
