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
 * suite answers the library's own URL derivation on loopback.
 */
import { GrantType, jwtVerify, protectRoute, setupKinde } from '@kinde-oss/kinde-node-express';
import { AdapterError } from '../../types.js';
import type { Verdict, VerificationContext, VerifierAdapter, VerifierInfo } from '../../verifier-types.js';
import { libraryVersion } from '../versions.js';
import { quietly, runMiddleware, Serial, type Middleware } from './library.js';

const PKG = '@kinde-oss/kinde-node-express';

function domainOf(name: string, context: VerificationContext): string {
  if (!context.kindeDomain) throw new AdapterError('ERR_TARGET_PROTOCOL', `${name} needs the Kinde domain (context.kindeDomain): it derives the JWKS URL itself`);
  return context.kindeDomain;
}

export class KindeExpressJwtVerifyVerifier implements VerifierAdapter {
  readonly name = 'kinde-node-express-jwtverify';
  readonly #middleware = new Map<string, Middleware>();

  async start(): Promise<VerifierInfo> {
    return {
      name: this.name,
      version: `${PKG} ${libraryVersion(PKG)} (jwtVerify)`,
      capabilities: { remoteJwks: true, orgEnforcement: false, audience: true, tokenType: false, httpRequest: false },
      // aws-jwt-verify refetches on an unknown kid, then waits 10 s (its penalty box) before the next fetch.
      jwksRefreshMs: 10_000,
      kindeDomain: true,
    };
  }

  async verify(token: string | undefined, context: VerificationContext): Promise<Verdict> {
    const issuer = domainOf(this.name, context);
    const key = `${issuer} ${context.audience}`;
    let mw = this.#middleware.get(key);
    if (!mw) {
      mw = jwtVerify(issuer, { audience: context.audience }) as unknown as Middleware;
      this.#middleware.set(key, mw);
    }
    return quietly(() => runMiddleware(mw, token === undefined ? undefined : `Bearer ${token}`));
  }

  async stop(): Promise<void> {
    this.#middleware.clear();
  }
}

/** A client secret in Kinde's format: setupKinde's TypeScript SDK refuses any other. The bearer path never uses it. */
const SETUP_SECRET = 'KtcProtectRouteSetupSecretNeverSentAnywhere0';

export class KindeExpressProtectRouteVerifier implements VerifierAdapter {
  readonly name = 'kinde-node-express-protectroute';
  /** setupKinde keeps one configuration per process: one verification at a time, reconfigured per domain. */
  readonly #serial = new Serial();
  #configured?: string;

  async start(): Promise<VerifierInfo> {
    return {
      name: this.name,
      version: `${PKG} ${libraryVersion(PKG)} (protectRoute, bearer)`,
      // validateToken({ token, domain }) takes no audience and no type.
      capabilities: { remoteJwks: true, orgEnforcement: false, audience: false, tokenType: false, httpRequest: false },
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
    const domain = domainOf(this.name, context);
    return this.#serial.run(() =>
      quietly(async () => {
        this.#setup(domain);
        return runMiddleware(protectRoute as unknown as Middleware, token === undefined ? undefined : `Bearer ${token}`);
      }),
    );
  }

  async stop(): Promise<void> {
    this.#configured = undefined;
  }
}
