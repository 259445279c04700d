/**
 * `fast-jwt` (the verifier behind @fastify/jwt): RS256 pinned, `allowedIss`
 * and `allowedAud` set, key chosen by kid from the loopback JWKS.
 */
import { createVerifier } from 'fast-jwt';
import { AdapterError } from '../types.js';
import type { Verdict, VerificationContext, VerifierAdapter, VerifierInfo } from '../verifier-types.js';
import { JwksFetcher } from './jwks-fetch.js';
import { libraryVersion } from './versions.js';

const COOLDOWN_MS = 1_000;

export class FastJwtVerifier implements VerifierAdapter {
  readonly name = 'fast-jwt';
  readonly #timeoutMs: number;
  readonly #fetchers = new Map<string, JwksFetcher>();

  constructor(options: { timeoutMs?: number } = {}) {
    this.#timeoutMs = options.timeoutMs ?? 5_000;
  }

  async start(): Promise<VerifierInfo> {
    return {
      name: this.name,
      version: libraryVersion('fast-jwt'),
      capabilities: { remoteJwks: true, orgEnforcement: false, audience: true, tokenType: true, httpRequest: false },
      jwksRefreshMs: COOLDOWN_MS,
    };
  }

  async verify(token: string | undefined, context: VerificationContext): Promise<Verdict> {
    if (token === undefined) return { accepted: false, reason: 'no token' };
    if (!context.issuerBaseUrl) throw new AdapterError('ERR_TARGET_PROTOCOL', 'fast-jwt verifier needs issuerBaseUrl (remote JWKS)');
    const url = `${context.issuerBaseUrl}/.well-known/jwks.json`;
    let fetcher = this.#fetchers.get(url);
    if (!fetcher) {
      fetcher = new JwksFetcher(url, { timeoutMs: this.#timeoutMs, cooldownMs: COOLDOWN_MS });
      this.#fetchers.set(url, fetcher);
    }
    const keys = fetcher;
    const verify = createVerifier({
      key: async (decoded: { header: { kid?: unknown } }) => keys.key(decoded.header.kid).then((k) => k.export({ type: 'spki', format: 'pem' }) as string),
      algorithms: ['RS256'],
      allowedIss: context.issuer,
      allowedAud: context.audience,
      cache: false,
    });
    try {
      await verify(token);
      return { accepted: true };
    } catch (e) {
      return { accepted: false, reason: `${(e as { code?: string }).code ?? 'error'}: ${(e as Error).message}` };
    }
  }

  async stop(): Promise<void> {
    this.#fetchers.clear();
  }
}
