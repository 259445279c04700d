/**
 * `@kinde/jwt-validator`: Kinde's own validator. It fetches
 * `<domain>/.well-known/jwks.json`, so its domain is pointed at the loopback
 * issuer mirror. It takes no issuer or audience option: `iss`, `aud` and
 * `exp` are whatever it does with them (the suite finds out).
 */
import { validateToken } from '@kinde/jwt-validator';
import { AdapterError } from '../types.js';
import type { Verdict, VerificationContext, VerifierAdapter, VerifierInfo } from '../verifier-types.js';
import { libraryVersion } from './versions.js';

export class KindeJwtValidatorVerifier implements VerifierAdapter {
  readonly name = 'kinde-jwt-validator';

  async start(): Promise<VerifierInfo> {
    return {
      name: this.name,
      version: libraryVersion('@kinde/jwt-validator'),
      // validateToken({token, domain}) has no audience parameter and no notion of token type.
      capabilities: { remoteJwks: true, orgEnforcement: false, audience: false, tokenType: false, httpRequest: false },
      jwksRefreshMs: 0,
    };
  }

  async verify(token: string | undefined, context: VerificationContext): Promise<Verdict> {
    if (!context.issuerBaseUrl) throw new AdapterError('ERR_TARGET_PROTOCOL', 'kinde-jwt-validator needs issuerBaseUrl (remote JWKS)');
    // It logs every failed JWKS attempt with console.error; those are expected during attacks.
    const restore = console.error;
    console.error = () => {};
    try {
      const r = await validateToken({ token: token ?? '', domain: context.issuerBaseUrl });
      return r.valid ? { accepted: true } : { accepted: false, reason: r.message };
    } catch (e) {
      return { accepted: false, reason: `threw: ${(e as Error).message}` };
    } finally {
      console.error = restore;
    }
  }

  async stop(): Promise<void> {}
}
