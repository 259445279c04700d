/**
 * `@kinde-oss/kinde-node-auth-utils`: `getPem(domain)` (the first key of
 * `<domain>/.well-known/jwks.json`, by axios) then `authToken(token, pem, cb)`,
 * fetched per request as kinde-node-express's own session path does.
 */
import authUtils from '@kinde-oss/kinde-node-auth-utils';
import { AdapterError } from '../../types.js';
import type { Verdict, VerificationContext, VerifierAdapter, VerifierInfo } from '../../verifier-types.js';
import { libraryVersion } from '../versions.js';
import { quietly } from './library.js';

const PKG = '@kinde-oss/kinde-node-auth-utils';
// A CommonJS module whose exports object sits under `default` when imported from ESM.
const { getPem, authToken } = ((authUtils as unknown as { default?: typeof authUtils }).default ?? authUtils);

export class KindeAuthUtilsVerifier implements VerifierAdapter {
  readonly name = 'kinde-node-auth-utils';

  async start(): Promise<VerifierInfo> {
    return {
      name: this.name,
      version: `${PKG} ${libraryVersion(PKG)} (getPem + authToken)`,
      capabilities: { remoteJwks: true, orgEnforcement: false, audience: false, tokenType: false, httpRequest: false },
      jwksRefreshMs: 0,
      kindeDomain: true,
    };
  }

  async verify(token: string | undefined, context: VerificationContext): Promise<Verdict> {
    if (!context.kindeDomain) throw new AdapterError('ERR_TARGET_PROTOCOL', `${this.name} needs the Kinde domain (context.kindeDomain)`);
    if (token === undefined) return { accepted: false, reason: 'no token' };
    const domain = context.kindeDomain;
    return quietly(async () => {
      let pem: string | undefined;
      try {
        pem = await getPem(domain);
      } catch (e) {
        return { accepted: false, reason: `getPem threw: ${(e as Error).message}` };
      }
      return new Promise<Verdict>((resolve) => {
        try {
          authToken(token, pem, (err) => resolve(err ? { accepted: false, reason: `authToken: ${JSON.stringify(err)}` } : { accepted: true }));
        } catch (e) {
          resolve({ accepted: false, reason: `authToken threw: ${(e as Error).message}` });
        }
      });
    });
  }

  async stop(): Promise<void> {}
}
