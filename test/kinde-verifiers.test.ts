/**
 * The built-in verifiers of Kinde's libraries: listed, loaded lazily, a
 * missing optional peer named with the command that installs it, and each
 * one accepting a valid token and refusing a tampered one through the
 * Kinde-domain hook (the full requirement runs are CI gates).
 */
import { generateKeyPair, exportJWK, SignJWT } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withKindeDomain } from '../adapters/kinde-domain.js';
import { createVerifier, listVerifiers } from '../adapters/verifiers/registry.js';
import { loadWith } from '../adapters/verifiers/kinde/library.js';

const NAMES = ['kinde-node-express-jwtverify', 'kinde-node-express-protectroute', 'kinde-node-auth-utils', 'kinde-auth-nextjs'];
const DOMAIN = 'https://ktcunit.kinde.com';
const AUDIENCE = 'ktc:unit-api';

let server: Server;
let base: string;
let valid: string;
beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  valid = await new SignJWT({ scp: [] }).setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'JWT' }).setIssuer(DOMAIN).setAudience(AUDIENCE).setSubject('kp_1').setIssuedAt().setExpirationTime('1h').sign(privateKey);
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("Kinde's libraries as built-in verifiers", () => {
  it('are listed', () => {
    const listed = listVerifiers().map((v) => v.name);
    for (const n of NAMES) expect(listed).toContain(n);
  });

  it('a missing optional peer is an error naming the package and the install command', async () => {
    const missing = Object.assign(new Error("Cannot find package '@kinde-oss/kinde-node-express' imported from x"), { code: 'ERR_MODULE_NOT_FOUND' });
    await expect(loadWith('@kinde-oss/kinde-node-express', 'kinde-node-express-jwtverify', () => Promise.reject(missing))).rejects.toThrow(
      /kinde-node-express-jwtverify verifier runs @kinde-oss\/kinde-node-express, an optional peer dependency that is not installed here.*npm install --save-dev @kinde-oss\/kinde-node-express@1\.6\.0/,
    );
    const other = new Error('boom');
    await expect(loadWith('@kinde-oss/kinde-node-express', 'x', () => Promise.reject(other))).rejects.toBe(other);
  });

  it.each(NAMES)('%s accepts a valid token from the Kinde domain and refuses a tampered one', async (name) => {
    const v = createVerifier(name);
    const info = await v.start();
    expect(info.kindeDomain).toBe(true);
    const ctx = { issuer: DOMAIN, audience: AUDIENCE, jwks: { keys: [] }, issuerBaseUrl: base, kindeDomain: DOMAIN };
    const [h, p, s] = valid.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: 'kp_2' })).toString('base64url')}.${s}`;
    try {
      await withKindeDomain(DOMAIN, base, async () => {
        expect(await v.verify(valid, ctx)).toMatchObject({ accepted: true });
        expect(await v.verify(tampered, ctx)).toMatchObject({ accepted: false });
      });
    } finally {
      await v.stop();
    }
  });
});

describe("kinde-node-express's middlewares get the suite's request for real (httpRequest)", () => {
  const ctxWith = (request: object) => ({ issuer: DOMAIN, audience: AUDIENCE, jwks: { keys: [] }, issuerBaseUrl: base, kindeDomain: DOMAIN, request });
  // jwtVerify takes authorization.split(' ')[1] whatever the scheme; protectRoute requires startsWith('Bearer ').
  it.each([
    ['kinde-node-express-jwtverify', true],
    ['kinde-node-express-protectroute', false],
  ])('%s: a lower-case scheme accepted = %s; of two Authorization lines Node keeps the first', async (name, lowerAccepted) => {
    const v = createVerifier(name);
    expect((await v.start()).capabilities.httpRequest).toBe(true);
    const [h, p, s] = valid.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: 'kp_2' })).toString('base64url')}.${s}`;
    try {
      await withKindeDomain(DOMAIN, base, async () => {
        expect(await v.verify(undefined, ctxWith({ authorization: [`bearer ${valid}`] }))).toMatchObject({ accepted: lowerAccepted });
        expect(await v.verify(undefined, ctxWith({ authorization: [`Bearer ${tampered}`, `Bearer ${valid}`] }))).toMatchObject({ accepted: false });
        expect(await v.verify(undefined, ctxWith({ authorization: [`Bearer ${valid}`, `Bearer ${tampered}`] }))).toMatchObject({ accepted: true });
        expect(await v.verify(valid, ctxWith({ query: { org_code: 'org_x' }, headers: { 'x-org-code': 'org_x' } }))).toMatchObject({ accepted: true });
      });
    } finally {
      await v.stop();
    }
  });
});
