/**
 * `@kinde-oss/kinde-auth-nextjs`: what `getKindeServerSession().getAccessToken()`
 * decides about the token in the session. That decision is the package's own
 * `validateToken` (dist/src/utils/jwt/validation.es.js): @kinde/jwt-validator's
 * `validateToken({ token, domain: KINDE_ISSUER_URL })`, then `iss === KINDE_ISSUER_URL`;
 * then `redirectOnExpiredToken`, whose `redirect()` (thrown, caught) makes
 * getAccessToken answer null when the package's own `isTokenExpired` says so.
 * The rest of getAccessToken is cookie plumbing through `next/headers`, so
 * the module is loaded from the installed package by path and Next.js is
 * not needed (npm would install next, react and react-dom with it as peers;
 * the package is run here without them).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AdapterError } from '../../types.js';
import type { Verdict, VerificationContext, VerifierAdapter, VerifierInfo } from '../../verifier-types.js';
import { libraryVersion } from '../versions.js';
import { missingLibrary, quietly, Serial } from './library.js';

const PKG = '@kinde-oss/kinde-auth-nextjs';

interface Loaded {
  config: { issuerURL?: string; isDebugMode?: boolean };
  validateToken(args: { token: string }): Promise<boolean>;
  isTokenExpired(token: string): boolean;
}

/** The installed package's root: resolved (never imported) through its entry point, from here or NODE_PATH. */
function packageRoot(verifier: string): string {
  try {
    // dist/index.cjs.js → the package root.
    return dirname(dirname(createRequire(import.meta.url).resolve(PKG)));
  } catch (e) {
    throw missingLibrary(PKG, verifier, e);
  }
}

async function load(verifier: string): Promise<Loaded> {
  const root = packageRoot(verifier);
  const file = (rel: string) => pathToFileURL(join(root, rel)).href;
  try {
    const { config } = (await import(file('dist/src/config/index.es.js'))) as Pick<Loaded, 'config'>;
    const { validateToken, isTokenExpired } = (await import(file('dist/src/utils/jwt/validation.es.js'))) as Pick<Loaded, 'validateToken' | 'isTokenExpired'>;
    return { config, validateToken, isTokenExpired };
  } catch (e) {
    throw new AdapterError('ERR_VERIFIER_CONFIG', `${verifier}: ${PKG} at ${root} has no dist/src/utils/jwt/validation.es.js (a layout other than 2.13's?): ${(e as Error).message}`, { cause: e });
  }
}

export class KindeNextjsVerifier implements VerifierAdapter {
  readonly name = 'kinde-auth-nextjs';
  #lib?: Loaded;
  /** The issuer URL is module state (KINDE_ISSUER_URL): one verification at a time. */
  readonly #serial = new Serial();

  async start(): Promise<VerifierInfo> {
    this.#lib = await load(this.name);
    return {
      name: this.name,
      version: `${PKG} ${libraryVersion(PKG)} (getAccessToken's validateToken)`,
      capabilities: { remoteJwks: true, orgEnforcement: false, audience: false, tokenType: false, httpRequest: false },
      jwksRefreshMs: 0,
      kindeDomain: true,
    };
  }

  verify(token: string | undefined, context: VerificationContext): Promise<Verdict> {
    const lib = this.#lib;
    if (!lib) throw new AdapterError('ERR_TARGET_PROTOCOL', `${this.name}: start() was not called`);
    if (!context.kindeDomain) throw new AdapterError('ERR_TARGET_PROTOCOL', `${this.name} needs the Kinde domain (context.kindeDomain)`);
    const domain = context.kindeDomain;
    return this.#serial.run(() =>
      quietly(async () => {
        lib.config.issuerURL = domain;
        try {
          // getAccessToken answers null unless validateToken passes; then redirectOnExpiredToken redirects (→ null) when expired.
          if (!(await lib.validateToken({ token: token ?? '' }))) return { accepted: false, reason: 'validateToken: invalid (getAccessToken answers null)' };
          if (lib.isTokenExpired(token ?? '')) return { accepted: false, reason: 'isTokenExpired: redirectOnExpiredToken redirects (getAccessToken answers null)' };
          return { accepted: true };
        } catch (e) {
          return { accepted: false, reason: `threw: ${(e as Error).message}` };
        }
      }),
    );
  }

  async stop(): Promise<void> {}
}
