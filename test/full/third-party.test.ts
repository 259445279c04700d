/**
 * The third-party targets start, take a generated tenant, issue tokens that
 * verify against their own JWKS, and stop without leaving a listening socket;
 * a port that is taken or a call before start() is a clear AdapterError.
 */
import { createServer, type Server } from 'node:net';
import fc from 'fast-check';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { OAuth2MockServerAdapter } from '../../adapters/third-party/oauth2-mock-server.js';
import { OidcProviderAdapter } from '../../adapters/third-party/oidc-provider.js';
import { createAdapter, listTargets } from '../../targets/registry.js';
import { AdapterError, issuerOf, type Adapter, type Jwks } from '../../adapters/types.js';
import { m2mScenarioArb, userScenarioArb, type M2mScenario, type UserScenario } from '../../generators/tenant.js';

const small = { maxUsers: 2, maxOrganizations: 2, maxExtraApplications: 1 };
const [user] = fc.sample(userScenarioArb(small), { numRuns: 1, seed: 42 }) as [UserScenario];
const [m2m] = fc.sample(m2mScenarioArb(small), { numRuns: 1, seed: 42 }) as [M2mScenario];

const targets: Array<[string, (o?: { port?: number }) => Adapter]> = [
  ['oidc-provider', (o) => new OidcProviderAdapter(o)],
  ['oauth2-mock-server', (o) => new OAuth2MockServerAdapter(o)],
];

function listeningSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
}

async function verify(token: string, jwks: Jwks, issuer: string) {
  const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks as never), { algorithms: ['RS256'], issuer });
  return { payload, protectedHeader };
}

const blockers: Server[] = [];
afterAll(async () => {
  await Promise.all(blockers.map((b) => new Promise((r) => b.close(r))));
});

/** A port on 127.0.0.1 that is already taken. */
async function takenPort(): Promise<number> {
  const s = createServer();
  blockers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const a = s.address();
  if (a === null || typeof a === 'string') throw new Error('no port');
  return a.port;
}

describe.each(targets)('%s target', (name, make) => {
  it('is registered', () => {
    expect(listTargets().map((t) => t.name)).toContain(name);
    expect(createAdapter(name).name).toBe(name);
  });

  it('issues user and M2M tokens that verify against its JWKS, then stops cleanly', async () => {
    await expect.poll(listeningSockets, { timeout: 2_000 }).toBe(blockers.filter((b) => b.listening).length);
    const before = listeningSockets();
    const adapter = make();
    const info = await adapter.start();
    expect(info.name).toBe(name);
    expect(info.capabilities.workflows).toBe(false);
    expect(listeningSockets()).toBe(before + 1);
    try {
      await adapter.provision(user.tenant);
      const signIn = await adapter.signIn({ ...user.request, scopes: [...new Set([...user.request.scopes, 'openid', 'email'])] });
      if (!signIn.ok) throw new Error(`sign-in refused: ${signIn.error} ${signIn.errorDescription ?? ''}`);
      const jwks = await adapter.jwks();
      expect(jwks.keys.length).toBeGreaterThan(0);
      expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
      const access = await verify(signIn.body.access_token, jwks, issuerOf(user.tenant));
      expect(access.protectedHeader.alg).toBe('RS256');
      expect(access.payload.sub).toBe(user.request.userId);
      expect(access.payload.azp).toBe(user.request.clientId);
      expect(signIn.body.id_token).toBeTypeOf('string');
      const id = await verify(signIn.body.id_token!, jwks, issuerOf(user.tenant));
      expect(id.payload.sub).toBe(user.request.userId);

      await adapter.provision(m2m.tenant);
      const cc = await adapter.clientCredentials({ ...m2m.request, audience: m2m.request.audience.slice(0, 1) });
      if (!cc.ok) throw new Error(`client credentials refused: ${cc.error} ${cc.errorDescription ?? ''}`);
      const token = await verify(cc.body.access_token, await adapter.jwks(), issuerOf(m2m.tenant));
      expect(token.payload.azp).toBe(m2m.request.clientId);
      expect(token.payload.aud).toEqual(m2m.request.audience.slice(0, 1));

      const wrong = await adapter.clientCredentials({ ...m2m.request, clientSecret: `${m2m.request.clientSecret}x` });
      expect(wrong.ok).toBe(false);
    } finally {
      await adapter.stop();
    }
    // The listening socket is released just after close() resolves.
    await expect.poll(listeningSockets, { timeout: 2_000 }).toBe(before);
    await expect(adapter.jwks()).rejects.toMatchObject({ name: 'AdapterError', code: 'ERR_TARGET_PROTOCOL' });
  });

  it('refuses a sign-in for a user the tenant does not have', async () => {
    const adapter = make();
    await adapter.start();
    try {
      await adapter.provision(user.tenant);
      const r = await adapter.signIn({ ...user.request, userId: 'kp_nobody' });
      expect(r).toMatchObject({ ok: false, error: 'access_denied' });
    } finally {
      await adapter.stop();
    }
  });

  it('fails with a clear AdapterError when its port is taken or it was not started', async () => {
    const port = await takenPort();
    const adapter = make({ port });
    const err = await adapter.start().then(
      () => null,
      (e: unknown) => e,
    );
    await adapter.stop();
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ code: 'ERR_TARGET_UNREACHABLE' });
    expect((err as Error).message).toContain(`127.0.0.1:${port}`);
    await expect(make().signIn(user.request)).rejects.toMatchObject({ code: 'ERR_TARGET_PROTOCOL' });
  });
});
