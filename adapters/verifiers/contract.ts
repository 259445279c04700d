/**
 * The documented verifier contract in-process, and its mutants. Without
 * defects it is the control every check must pass (`--verifier=reference`):
 * RS256 pinned, keys from the JWKS by kid, `iss` exact, `aud` contains the
 * API, `exp` present and in the future, and the org-enforcement middleware's
 * 401/403 answers as statuses. Each defect removes exactly one of those, so
 * the suite must catch every mutant (the verifier-side mirror of the seeded
 * issuer defects in reference/defects.ts).
 */
import { createPublicKey, createHmac, timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { SUITE_VERSION as version } from '../../schemas/version.js';
import { AdapterError, type Jwks } from '../types.js';
import type { Verdict, VerificationContext, VerifierAdapter, VerifierInfo } from '../verifier-types.js';

export const VERIFIER_DEFECTS = {
  'decode-only': 'decodes the token and checks claims, never the signature',
  'any-alg': "trusts the header's alg: none is accepted, HS* is checked with the public key as the secret",
  'aud-ignored': 'never checks aud',
  'exp-ignored': 'never checks exp',
  'iss-prefix': 'accepts any iss that starts with the expected issuer',
  'org-check-missing': 'verifies the token but never compares org_code with the route',
  'org-case-insensitive': 'compares org_code with the route ignoring case',
} as const;
export type VerifierDefect = keyof typeof VERIFIER_DEFECTS;

export function isVerifierDefect(name: string): name is VerifierDefect {
  return Object.hasOwn(VERIFIER_DEFECTS, name);
}

class Reject extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class ContractVerifier implements VerifierAdapter {
  readonly name: string;
  readonly #defects: ReadonlySet<VerifierDefect>;
  readonly #sets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

  constructor(name = 'reference', defects: ReadonlySet<VerifierDefect> = new Set()) {
    this.name = name;
    this.#defects = defects;
  }

  #has(d: VerifierDefect): boolean {
    return this.#defects.has(d);
  }

  async start(): Promise<VerifierInfo> {
    return {
      name: this.name,
      version,
      capabilities: { remoteJwks: true, orgEnforcement: true, audience: true, tokenType: true },
      jwksRefreshMs: 0,
    };
  }

  #keySet(ctx: VerificationContext): ReturnType<typeof createRemoteJWKSet> {
    if (!ctx.issuerBaseUrl) throw new AdapterError('ERR_TARGET_PROTOCOL', `${this.name} needs issuerBaseUrl (remote JWKS)`);
    const url = `${ctx.issuerBaseUrl}/.well-known/jwks`;
    let set = this.#sets.get(url);
    if (!set) {
      set = createRemoteJWKSet(new URL(url), { cooldownDuration: 0, timeoutDuration: 5_000 });
      this.#sets.set(url, set);
    }
    return set;
  }

  async verify(token: string | undefined, ctx: VerificationContext): Promise<Verdict> {
    try {
      if (!token) throw new Reject(401, 'Missing token');
      const payload = await this.#verifyToken(token, ctx).catch((e: unknown) => {
        if (e instanceof Reject || e instanceof AdapterError) throw e;
        throw new Reject(401, `Invalid token: ${(e as Error).message}`);
      });
      if (ctx.orgCode !== undefined && !this.#has('org-check-missing')) {
        const org = payload.org_code;
        if (typeof org !== 'string' || org === '') throw new Reject(403, 'Token not scoped to an organization');
        const same = this.#has('org-case-insensitive') ? org.toLowerCase() === ctx.orgCode.toLowerCase() : org === ctx.orgCode;
        if (!same) throw new Reject(403, 'Token does not match organization');
      }
      return { accepted: true, status: 200 };
    } catch (e) {
      if (e instanceof Reject) return { accepted: false, status: e.status, reason: e.message };
      throw e;
    }
  }

  async #verifyToken(token: string, ctx: VerificationContext): Promise<JWTPayload> {
    const header = decodeProtectedHeader(token);
    let payload: JWTPayload;
    if (this.#has('decode-only')) {
      payload = decodeJwt(token);
    } else if (this.#has('any-alg') && header.alg !== 'RS256') {
      payload = this.#trustHeaderAlg(token, String(header.alg), ctx.jwks);
    } else {
      // Signature only here: claims are judged below, where each defect can switch one off.
      payload = (await jwtVerify(token, this.#keySet(ctx), { algorithms: ['RS256'], currentDate: new Date(0) }).catch((e: unknown) => {
        if ((e as { code?: string }).code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && (e as { claim?: string }).claim === 'nbf') {
          return { payload: decodeJwt(token) };
        }
        throw e;
      })).payload;
    }
    this.#checkClaims(payload, ctx);
    return payload;
  }

  /** The classic mistake: the token chooses the algorithm. */
  #trustHeaderAlg(token: string, alg: string, jwks: Jwks): JWTPayload {
    const [h, p, s] = token.split('.');
    if (alg.toLowerCase() === 'none') return decodeJwt(token);
    const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg];
    if (!hash) throw new Reject(401, `unsupported alg ${alg}`);
    const jwk = jwks.keys[0];
    if (!jwk) throw new Reject(401, 'no key');
    const secrets = [
      createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string,
      JSON.stringify(jwk),
    ];
    const given = Buffer.from(s ?? '', 'base64url');
    for (const secret of secrets) {
      const mac = createHmac(hash, secret).update(`${h}.${p}`).digest();
      if (mac.length === given.length && timingSafeEqual(mac, given)) return decodeJwt(token);
    }
    throw new Reject(401, 'HMAC mismatch');
  }

  #checkClaims(payload: JWTPayload, ctx: VerificationContext): void {
    const now = Math.floor(Date.now() / 1000);
    const iss = payload.iss;
    const issOk = this.#has('iss-prefix') ? typeof iss === 'string' && iss.startsWith(ctx.issuer) : iss === ctx.issuer;
    if (!issOk) throw new Reject(401, `unexpected iss ${JSON.stringify(iss)}`);
    if (!this.#has('aud-ignored')) {
      const aud = payload.aud;
      const list = Array.isArray(aud) ? aud : [aud];
      if (!list.includes(ctx.audience)) throw new Reject(401, `unexpected aud ${JSON.stringify(aud)}`);
    }
    if (!this.#has('exp-ignored')) {
      if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) throw new Reject(401, 'exp missing or not a number');
      if (payload.exp <= now) throw new Reject(401, 'token expired');
    }
    if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || payload.nbf > now)) throw new Reject(401, 'token not yet valid');
  }

  async stop(): Promise<void> {
    this.#sets.clear();
  }
}
