/**
 * Answers Node's HTTP server would otherwise give without the protocol's
 * error body (docs/target-protocol.md §2: every 4xx and 5xx carries
 * `{"error", "error_description"}`): unparseable requests, oversized headers,
 * timeouts, unmet `Expect` headers and `CONNECT`, which Node answers with a
 * bare status line or by closing the socket.
 *
 * A client reading the CONNECT answer must read it as RFC 9110 §9.3.6 says (a
 * non-2xx answer is an ordinary response with a body). Node's HTTP client does
 * not: it treats every answer to CONNECT as a tunnel, hands over `res` without
 * a body and leaves the body in the `connect` event's `head` and socket — that
 * is where a fuzzer must read it (test/connect-answer.test.ts).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { HttpError, sendError } from './http-io.js';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  431: 'Request Header Fields Too Large',
};

/** The HTTP error for a parser or socket error code of Node's server. */
export function clientErrorFor(code: string | undefined, message: string): HttpError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new HttpError(431, 'request_header_fields_too_large', 'the request line and headers exceed the server limit (16 KiB)');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return new HttpError(408, 'request_timeout', 'the request was not complete in time (see docs/target-protocol.md §8.1)');
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new HttpError(413, 'payload_too_large', 'chunk extensions exceed the server limit');
    default:
      return new HttpError(400, 'invalid_request', `malformed HTTP request: ${code ?? message}`);
  }
}

/** Writes a complete JSON error answer on a raw socket, then closes it. */
export function answerOnSocket(socket: Duplex, e: HttpError): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ error: e.error, error_description: e.message });
  socket.end(
    `HTTP/1.1 ${e.status} ${REASONS[e.status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
  );
}

export function installConnectionErrorBodies(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => answerOnSocket(socket, clientErrorFor(err.code, err.message)));
  server.on('connect', (_req: IncomingMessage, socket: Duplex) =>
    answerOnSocket(socket, new HttpError(405, 'method_not_allowed', 'CONNECT is not supported')),
  );
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    sendError(res, new HttpError(417, 'expectation_failed', `unsupported Expect: ${JSON.stringify(String(req.headers.expect).slice(0, 100))}; only 100-continue is`, { Connection: 'close' }));
  });
}
