/**
 * `jose` configured as the docs recommend: keys from the environment's JWKS
 * (`createRemoteJWKSet`), RS256 pinned ("Verifying JSON Web Tokens"), `iss`
 * and `aud` checked (the M2M tutorial's `jwtVerify(token, JWKS, {issuer, audience})`).
 * No `requiredClaims`: the docs do not ask for it, so a token without `exp`
 * shows what that configuration really does.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { Verdict, VerificationContext, VerifierAdapter, VerifierInfo } from '../verifier-types.js';
import { AdapterError } from '../types.js';
import { libraryVersion } from './versions.js';

/** jose's default is 30 s; the suite's rotation checks wait this long at most. */
export const JOSE_COOLDOWN_MS = 1_000;

export class JoseVerifier implements VerifierAdapter {
  readonly name = 'jose';
  readonly #timeoutMs: number;
  readonly #sets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

  constructor(options: { timeoutMs?: number } = {}) {
    this.#timeoutMs = options.timeoutMs ?? 5_000;
  }

  async start(): Promise<VerifierInfo> {
    return {
      name: this.name,
      version: libraryVersion('jose'),
      capabilities: { remoteJwks: true, orgEnforcement: false, audience: true, tokenType: true, httpRequest: false },
      jwksRefreshMs: JOSE_COOLDOWN_MS,
    };
  }

  async verify(token: string | undefined, context: VerificationContext): Promise<Verdict> {
    if (token === undefined) return { accepted: false, reason: 'no token' };
    if (!context.issuerBaseUrl) throw new AdapterError('ERR_TARGET_PROTOCOL', 'jose verifier needs issuerBaseUrl (remote JWKS)');
    const url = `${context.issuerBaseUrl}/.well-known/jwks`;
    let set = this.#sets.get(url);
    if (!set) {
      set = createRemoteJWKSet(new URL(url), { cooldownDuration: JOSE_COOLDOWN_MS, timeoutDuration: this.#timeoutMs });
      this.#sets.set(url, set);
    }
    try {
      await jwtVerify(token, set, { algorithms: ['RS256'], issuer: context.issuer, audience: context.audience });
      return { accepted: true };
    } catch (e) {
      return { accepted: false, reason: `${(e as { code?: string }).code ?? 'error'}: ${(e as Error).message}` };
    }
  }

  async stop(): Promise<void> {
    this.#sets.clear();
  }
}
