/**
 * CONNECT is refused with 405 and the protocol's error body. Node's HTTP
 * client reads *any* answer to CONNECT as a tunnel (its `connect` event, body
 * left on the socket, `res` empty), so a fuzzer reading `res` saw "405 with an
 * empty body": the body is there, in the `head` bytes and the socket after
 * them. Read the way Node's client delivers it, the answer is complete.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type StartedServer } from '../reference/server.js';

let server: StartedServer;
beforeAll(async () => {
  server = await startServer({ port: 0 });
});
afterAll(async () => server.close());

describe('CONNECT through Node\'s HTTP client', () => {
  it('gets 405 and the JSON error body in the tunnel bytes (never an empty answer)', async () => {
    const url = new URL(server.url);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: url.port, method: 'CONNECT', path: '127.0.0.1:80' });
      req.on('connect', (res, socket, head) => {
        let body = head.toString('utf8');
        socket.on('data', (d: Buffer) => (body += d.toString('utf8')));
        socket.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        socket.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(405);
    expect(JSON.parse(answer.body)).toEqual({ error: 'method_not_allowed', error_description: 'CONNECT is not supported' });
  });
});
