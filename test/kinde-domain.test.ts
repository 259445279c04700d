/**
 * The Kinde-domain hook: while a verification runs, https://<sub>.kinde.com
 * (with the issuer's path, if any) is answered by the loopback base URL for
 * every way Kinde's libraries fetch (global fetch, https.request with a URL
 * or with options as axios sends them, https.get); other URLs go out
 * untouched, and nothing is routed outside the call.
 */
import { createServer, type Server } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kindeDomainOf, rewriteKindeUrl, withKindeDomain } from '../adapters/kinde-domain.js';

let server: Server;
let base: string;
const seen: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/e/7`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function viaHttps(arg: string | https.RequestOptions, get = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const cb = (res: import('node:http').IncomingMessage) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve(body));
    };
    const req = get ? https.get(arg as string, cb) : https.request(arg as https.RequestOptions, cb);
    req.on('error', reject);
    if (!get) req.end();
  });
}

describe('Kinde domain on loopback', () => {
  it('derives the domain from the issuer (path kept, trailing slash dropped, https only)', () => {
    expect(kindeDomainOf('https://acme.kinde.com')).toBe('https://acme.kinde.com');
    expect(kindeDomainOf('https://auth.example.com/v1/')).toBe('https://auth.example.com/v1');
    expect(kindeDomainOf('http://acme.kinde.com')).toBeUndefined();
    expect(kindeDomainOf('not a url')).toBeUndefined();
  });

  it('answers fetch, https.request (URL and axios-style options) and https.get during the call only', async () => {
    await withKindeDomain('https://acme.kinde.com', base, async () => {
      expect(await (await fetch('https://acme.kinde.com/.well-known/jwks.json')).json()).toEqual({ path: '/e/7/.well-known/jwks.json' });
      expect(JSON.parse(await viaHttps({ protocol: 'https:', hostname: 'acme.kinde.com', port: null as never, path: '/.well-known/jwks.json?x=1', method: 'GET' }))).toEqual({ path: '/e/7/.well-known/jwks.json?x=1' });
      expect(JSON.parse(await viaHttps('https://ACME.kinde.com/.well-known/openid-configuration', true))).toEqual({ path: '/e/7/.well-known/openid-configuration' });
      expect(rewriteKindeUrl('https://other.kinde.com/.well-known/jwks.json')).toBeUndefined();
    });
    expect(rewriteKindeUrl('https://acme.kinde.com/.well-known/jwks.json')).toBeUndefined();
  });

  it('a domain with a path answers only under it; two calls for one domain never overlap', async () => {
    const order: string[] = [];
    await Promise.all([
      withKindeDomain('https://auth.example.com/v1', base, async () => {
        expect(rewriteKindeUrl('https://auth.example.com/v1/.well-known/jwks.json')).toBe(`${base}/.well-known/jwks.json`);
        expect(rewriteKindeUrl('https://auth.example.com/v2/.well-known/jwks.json')).toBeUndefined();
        order.push('a-start');
        await new Promise((r) => setTimeout(r, 50));
        order.push('a-end');
      }),
      withKindeDomain('https://auth.example.com/v1', `${base}x`, async () => {
        order.push('b-start');
        expect(rewriteKindeUrl('https://auth.example.com/v1/k')).toBe(`${base}x/k`);
        order.push('b-end');
      }),
    ]);
    expect(order).toEqual(['a-start', 'a-end', 'b-start', 'b-end']);
  });
});
