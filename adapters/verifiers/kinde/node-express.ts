/**
 * `@kinde-oss/kinde-node-express`, its two ways of verifying a bearer token:
 *
 * - `kinde-node-express-jwtverify`: the `jwtVerify(issuer, { audience })`
 *   middleware (aws-jwt-verify's JwtRsaVerifier, JWKS at
 *   `<issuer>/.well-known/jwks.json`), created once per API as an app would.
 * - `kinde-node-express-protectroute`: the bearer path of `protectRoute`
 *   (after `setupKinde`), which hands the token to the @kinde/jwt-validator
 *   it bundles with `domain: issuerBaseUrl`.
 *
 * Both are given the Kinde domain (`kindeDomain`), never a loopback URL: the
 * suite answers the library's own URL derivation on loopback. Both read the
 * HTTP request (`req.headers.authorization`, protectRoute also
 * `req.header('Authorization')`), so each is mounted on a loopback route and
 * the suite's request is sent to it for real (`httpRequest: true`): several
 * Authorization lines and the scheme's letter case reach the middleware as
 * Node parses them.
 */
import type { Server } from 'node:http';
import { GrantType, jwtVerify, protectRoute, setupKinde } from '@kinde-oss/kinde-node-express';
import { AdapterError } from '../../types.js';
import type { Verdict, VerificationContext, VerifierAdapter, VerifierInfo } from '../../verifier-types.js';
import { closeServer, presentBearer } from '../http.js';
import { libraryVersion } from '../versions.js';
import { expressRequestOf, MIDDLEWARE_ROUTE_TIMEOUT_MS, quietly, runMiddleware, Serial, serveMiddleware, type Middleware } from './library.js';

const PKG = '@kinde-oss/kinde-node-express';

function domainOf(name: string, context: VerificationContext): string {
  if (!context.kindeDomain) throw new AdapterError('ERR_TARGET_PROTOCOL', `${name} needs the Kinde domain (context.kindeDomain): it derives the JWKS URL itself`);
  return context.kindeDomain;
}

export class KindeExpressJwtVerifyVerifier implements VerifierAdapter {
  readonly name = 'kinde-node-express-jwtverify';
  /** One middleware per issuer and audience, as an app creates it once; the route's path names which (/mw/<n>). */
  readonly #index = new Map<string, number>();
  readonly #middleware: Middleware[] = [];
  #server?: Server;
  #url?: string;

  async start(): Promise<VerifierInfo> {
    const { server, url } = await serveMiddleware((req) => {
      const mw = this.#middleware[Number(/^\/mw\/(\d+)/.exec(req.url ?? '')?.[1])];
      if (!mw) return Promise.resolve({ accepted: false, status: 404, reason: 'no such middleware' });
      return quietly(() => runMiddleware(mw, undefined, expressRequestOf(req)));
    });
    this.#server = server;
    this.#url = url;
    return {
      name: this.name,
      version: `${PKG} ${libraryVersion(PKG)} (jwtVerify)`,
      capabilities: { remoteJwks: true, orgEnforcement: false, audience: true, tokenType: false, httpRequest: true },
      // aws-jwt-verify refetches on an unknown kid, then waits 10 s (its penalty box) before the next fetch.
      jwksRefreshMs: 10_000,
      kindeDomain: true,
    };
  }

  async verify(token: string | undefined, context: VerificationContext): Promise<Verdict> {
    if (!this.#url) throw new AdapterError('ERR_TARGET_PROTOCOL', `${this.name}: start() was not called`);
    const issuer = domainOf(this.name, context);
    const key = `${issuer} ${context.audience}`;
    let n = this.#index.get(key);
    if (n === undefined) {
      n = this.#middleware.push(jwtVerify(issuer, { audience: context.audience }) as unknown as Middleware) - 1;
      this.#index.set(key, n);
    }
    return presentBearer(`${this.#url}/mw/${n}`, token, MIDDLEWARE_ROUTE_TIMEOUT_MS, context.request);
  }

  async stop(): Promise<void> {
    await closeServer(this.#server);
    this.#server = this.#url = undefined;
    this.#index.clear();
    this.#middleware.length = 0;
  }
}

/** A client secret in Kinde's format: setupKinde's TypeScript SDK refuses any other. The bearer path never uses it. */
const SETUP_SECRET = 'KtcProtectRouteSetupSecretNeverSentAnywhere0';

export class KindeExpressProtectRouteVerifier implements VerifierAdapter {
  readonly name = 'kinde-node-express-protectroute';
  /** setupKinde keeps one configuration per process: one verification at a time, reconfigured per domain. */
  readonly #serial = new Serial();
  #configured?: string;
  #server?: Server;
  #url?: string;

  async start(): Promise<VerifierInfo> {
    const { server, url } = await serveMiddleware((req) => quietly(() => runMiddleware(protectRoute as unknown as Middleware, undefined, expressRequestOf(req))));
    this.#server = server;
    this.#url = url;
    return {
      name: this.name,
      version: `${PKG} ${libraryVersion(PKG)} (protectRoute, bearer)`,
      // validateToken({ token, domain }) takes no audience and no type.
      capabilities: { remoteJwks: true, orgEnforcement: false, audience: false, tokenType: false, httpRequest: true },
      // A new remote key set per request (no cache across calls).
      jwksRefreshMs: 0,
      kindeDomain: true,
    };
  }

  #setup(domain: string): void {
    if (this.#configured === domain) return;
    const site = 'http://127.0.0.1:9';
    // A stand-in app: setupKinde only mounts its session middleware and auth router on it.
    const app = { use: () => app };
    setupKinde(
      {
        grantType: GrantType.AUTHORIZATION_CODE,
        issuerBaseUrl: domain,
        clientId: 'ktc-protect-route',
        secret: SETUP_SECRET,
        siteUrl: site,
        redirectUrl: `${site}/kinde_callback`,
        unAuthorisedUrl: `${site}/unauthorised`,
        postLogoutRedirectUrl: site,
      },
      app as never,
    );
    this.#configured = domain;
  }

  verify(token: string | undefined, context: VerificationContext): Promise<Verdict> {
    if (!this.#url) return Promise.reject(new AdapterError('ERR_TARGET_PROTOCOL', `${this.name}: start() was not called`));
    const domain = domainOf(this.name, context);
    const url = `${this.#url}/protected`;
    return this.#serial.run(async () => {
      await quietly(async () => this.#setup(domain));
      return presentBearer(url, token, MIDDLEWARE_ROUTE_TIMEOUT_MS, context.request);
    });
  }

  async stop(): Promise<void> {
    await closeServer(this.#server);
    this.#server = this.#url = undefined;
    this.#configured = undefined;
  }
}
