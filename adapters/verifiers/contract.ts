/**
 * The documented verifier contract in-process, and its defects. Without
 * defects it is the control every check must pass (`--verifier=reference`):
 * RS256 pinned, keys from the JWKS by exact kid, `iss` exact, `aud` contains
 * the API, `exp` present and in the future, `nbf` not in the future, and the
 * org-enforcement middleware's 401/403 answers as statuses.
 *
 * Seeded defects (`mutant:<defect>`) each remove one of those; generated
 * defects (`weak:<value>:<weakness>`, weaknesses.ts) weaken one comparison.
 * The suite must catch every one of them.
 */
import { createHmac, createPublicKey, createVerify, timingSafeEqual, type KeyObject } from 'node:crypto';
import { compactVerify, decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import { SUITE_VERSION as version } from '../../schemas/version.js';
import { AdapterError, type Jwk, type Jwks } from '../types.js';
import type { Verdict, VerificationContext, VerifierAdapter, VerifierInfo } from '../verifier-types.js';
import { algorithmsFor, audienceMatches, sameString, UNDECLARED_LEEWAY_SECONDS, type Policy, type Variant } from './weaknesses.js';

export const VERIFIER_DEFECTS = {
  'decode-only': 'decodes the token and checks claims, never the signature',
  'any-alg': "trusts the header's alg: none is accepted, HS* is checked with the public key as the secret",
  'aud-ignored': 'never checks aud',
  'exp-ignored': 'never checks exp',
  'iss-prefix': 'accepts any iss that starts with the expected issuer',
  'org-check-missing': 'verifies the token but never compares org_code with the route',
  'org-case-insensitive': 'compares org_code with the route ignoring case',
  'alg-family': 'accepts RS384/RS512/PS256/PS384/PS512 signatures made with the key from the JWKS, not only RS256',
} as const;
export type VerifierDefect = keyof typeof VERIFIER_DEFECTS;

/** Seeded defects that are one weakened comparison. */
const DEFECT_POLICY: Partial<Record<VerifierDefect, Policy>> = {
  'aud-ignored': { aud: 'ignored' },
  'exp-ignored': { exp: 'ignored' },
  'iss-prefix': { iss: 'prefix' },
  'org-check-missing': { org: 'ignored' },
  'org-case-insensitive': { org: 'case-insensitive' },
  'alg-family': { alg: 'family' },
};

export function isVerifierDefect(name: string): name is VerifierDefect {
  return Object.hasOwn(VERIFIER_DEFECTS, name);
}

class Reject extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The token is refused for its times (exp, nbf): the status weakness expired-403 answers these 403. */
    readonly time = false,
  ) {
    super(message);
  }
}

const JWKS_TIMEOUT_MS = 5_000;

export class ContractVerifier implements VerifierAdapter {
  readonly name: string;
  readonly #decodeOnly: boolean;
  readonly #anyAlg: boolean;
  readonly #p: Policy;
  readonly #v: Variant;
  readonly #jwks = new Map<string, Jwk[]>();
  /** State of the stateful weaknesses. */
  readonly #verdicts = new Map<string, Verdict>();
  readonly #verifiedJtis = new Set<string>();
  readonly #unknownKids = new Set<unknown>();

  constructor(name = 'reference', defects: ReadonlySet<VerifierDefect> = new Set(), policy: Policy = {}, variant: Variant = {}) {
    this.name = name;
    this.#v = variant;
    this.#decodeOnly = defects.has('decode-only');
    this.#anyAlg = defects.has('any-alg');
    this.#p = Object.assign({}, ...[...defects].map((d) => DEFECT_POLICY[d] ?? {}), policy) as Policy;
  }

  async start(): Promise<VerifierInfo> {
    return {
      name: this.name,
      version,
      capabilities: { remoteJwks: true, orgEnforcement: true, audience: true, tokenType: true, httpRequest: true },
      jwksRefreshMs: 0,
    };
  }

  async verify(token: string | undefined, ctx: VerificationContext): Promise<Verdict> {
    // The Authorization lines as sent; like Node's http, only the first one counts.
    const presented = ctx.request?.authorization ? ctx.request.authorization.map((l) => this.#bearer(l)) : [token];
    const first = presented[0];
    const cacheKey = `${first} ${ctx.orgCode}`;
    const cached = first !== undefined && this.#p.state === 'verdict-cache' ? this.#verdicts.get(cacheKey) : undefined;
    if (cached) return cached;
    let verdict: Verdict;
    try {
      if (!first) throw new Reject(401, 'Missing token');
      const invalid = (e: unknown) => {
        if (e instanceof Reject || e instanceof AdapterError) throw e;
        throw new Reject(401, `Invalid token: ${(e as Error).message}`);
      };
      let payload = await this.#verifyToken(first, ctx).catch(invalid);
      const last = presented[presented.length - 1];
      // split-tokens: the signature was checked on the first header's token, the claims are read from the last one's.
      if (this.#p.auth === 'split-tokens' && last && last !== first) payload = await Promise.resolve(decodeJwt(last)).catch(invalid);
      if (this.#v.order !== 'reversed') this.#checkClaims(payload, ctx);
      this.#checkOrg(payload, ctx);
      if (this.#v.order === 'reversed') this.#checkClaims(payload, ctx);
      verdict = { accepted: true, status: 200 };
    } catch (e) {
      if (!(e instanceof Reject)) throw e;
      verdict = { accepted: false, status: this.#refusalStatus(e, first), reason: e.message };
    }
    if (verdict.accepted && first !== undefined && this.#p.state === 'verdict-cache') this.#verdicts.set(cacheKey, verdict);
    return verdict;
  }

  /** The refusal's status: 401 for a missing or invalid token, 403 for a valid one of another org; weakened as the status weakness says. */
  #refusalStatus(e: Reject, token: string | undefined): number {
    if (token === undefined || e.status !== 401) return e.status;
    return this.#p.status === 'invalid-403' || (this.#p.status === 'expired-403' && e.time) ? 403 : e.status;
  }

  /** The token of an Authorization line: scheme Bearer in any letter case (RFC 9110 §11.1), one or more spaces, the token. */
  #bearer(line: string): string | undefined {
    const m = /^(\S+) +(\S+)$/.exec(line);
    if (!m) return undefined;
    const ok = this.#p.auth === 'scheme-case' ? m[1] === 'Bearer' : m[1]!.toLowerCase() === 'bearer';
    return ok ? m[2] : undefined;
  }

  /** The docs' middleware: 403 without org_code, 403 when it is not exactly the route's organization. */
  #checkOrg(payload: JWTPayload, ctx: VerificationContext): void {
    if (ctx.orgCode === undefined || this.#p.org === 'ignored') return;
    const query = ctx.request?.query ?? {};
    const headers = ctx.request?.headers ?? {};
    const input = this.#p.input;
    const org: unknown =
      input === 'query-token-org' && query.org_code !== undefined ? query.org_code : input === 'header-token-org' && headers['x-org-code'] !== undefined ? headers['x-org-code'] : payload.org_code;
    const route = input === 'query-route-org' && query.org_code !== undefined ? query.org_code : ctx.orgCode;
    if (this.#p.org === 'sibling-claims') {
      const candidates = [org, ...(Array.isArray(payload.org_codes) ? payload.org_codes : []), payload.orgCode, payload.org_name].filter((x) => typeof x === 'string' && x !== '');
      if (candidates.length === 0) throw new Reject(403, 'Token not scoped to an organization');
      if (!candidates.includes(route)) throw new Reject(403, 'Token does not match organization');
      return;
    }
    const missing = this.#p.org === 'loose' ? org == null || org === '' : typeof org !== 'string' || org === '';
    if (missing && this.#p.org !== 'missing-ok') throw new Reject(403, 'Token not scoped to an organization');
    if (!missing && !sameString(org, route, this.#p.org)) throw new Reject(403, 'Token does not match organization');
  }

  /** The JWS verified (or, under a seeded defect, not); claims are judged by the caller. */
  async #verifyToken(token: string, ctx: VerificationContext): Promise<JWTPayload> {
    const header = decodeProtectedHeader(token);
    let payload: JWTPayload;
    const jti = this.#p.state === 'jti-cache' ? decodeJwt(token).jti : undefined;
    if (this.#decodeOnly || (jti !== undefined && this.#verifiedJtis.has(jti))) {
      payload = decodeJwt(token);
    } else if (this.#anyAlg && header.alg !== 'RS256') {
      payload = this.#trustHeaderAlg(token, String(header.alg), ctx.jwks);
    } else {
      payload = await this.#verifySignature(token, header, ctx);
      if (jti !== undefined) this.#verifiedJtis.add(jti);
    }
    return payload;
  }

  /** Keys of the JWKS at the context's URL (fetched when unknown or `refresh`). */
  async #keys(ctx: VerificationContext, refresh: boolean): Promise<Jwk[]> {
    if (!ctx.issuerBaseUrl) throw new AdapterError('ERR_TARGET_PROTOCOL', `${this.name} needs issuerBaseUrl (remote JWKS)`);
    const url = `${ctx.issuerBaseUrl}/.well-known/jwks`;
    const known = this.#jwks.get(url);
    if (known && !refresh) return known;
    const res = await fetch(url, { signal: AbortSignal.timeout(JWKS_TIMEOUT_MS) });
    if (!res.ok) throw new Reject(401, `JWKS ${url}: HTTP ${res.status}`);
    let keys = ((await res.json()) as Jwks).keys ?? [];
    if (known && this.#p.state === 'key-union') keys = [...keys, ...known.filter((k) => !keys.some((n) => n.kid === k.kid))];
    this.#jwks.set(url, keys);
    return keys;
  }

  /** Keys whose kid matches the header's (exactly, unless the kid comparison is weakened); refetch once on none. */
  async #candidates(kid: unknown, ctx: VerificationContext): Promise<Jwk[]> {
    if (this.#p.kid === 'first-key') return (await this.#keys(ctx, false)).filter((k) => k.kty === 'RSA').slice(0, 1);
    const match = (keys: Jwk[]) => keys.filter((k) => k.kid !== undefined && sameString(kid, k.kid, this.#p.kid));
    if (this.#p.state === 'negative-kid-cache' && this.#unknownKids.has(kid)) return [];
    const first = match(await this.#keys(ctx, false));
    const found = first.length > 0 ? first : match(await this.#keys(ctx, true));
    if (found.length === 0 && this.#p.state === 'negative-kid-cache') this.#unknownKids.add(kid);
    return found;
  }

  async #verifySignature(token: string, header: ReturnType<typeof decodeProtectedHeader>, ctx: VerificationContext): Promise<JWTPayload> {
    if (this.#v.kid === 'try-all') {
      // kid ignored (RFC 7515 §4.1.4: a hint): every RSA key of the set is tried, then of a refetched set.
      return this.#verifyWith(token, header, (await this.#keys(ctx, false)).filter((k) => k.kty === 'RSA')).catch(async () =>
        this.#verifyWith(token, header, (await this.#keys(ctx, true)).filter((k) => k.kty === 'RSA')),
      );
    }
    return this.#verifyWith(token, header, await this.#candidates(header.kid, ctx));
  }

  async #verifyWith(token: string, header: ReturnType<typeof decodeProtectedHeader>, candidates: Jwk[]): Promise<JWTPayload> {
    if (candidates.length === 0) throw new Reject(401, `no key with kid ${JSON.stringify(header.kid)}`);
    const algorithms = algorithmsFor(this.#p.alg);
    // family-behind-jwks: like jose's remote key set, a JWK that names an alg is a candidate for that alg only.
    if (this.#p.alg === 'family-behind-jwks') candidates = candidates.filter((k) => k.alg === undefined || k.alg === header.alg);
    if (candidates.length === 0) throw new Reject(401, `no key for alg ${JSON.stringify(header.alg)}`);
    let last: unknown;
    for (const jwk of candidates) {
      const key = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
      try {
        if (algorithms === 'rs256-by-label') return this.#verifyRs256ByLabel(token, String(header.alg), key);
        // The JWS only (jose: alg allow-list, crit, key size); claims are judged in #checkClaims, where each weakness can apply.
        const { payload } = await compactVerify(token, key, { algorithms });
        const claims = JSON.parse(new TextDecoder().decode(payload)) as unknown;
        if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw new Reject(401, 'the payload is not a JSON object');
        return claims as JWTPayload;
      } catch (e) {
        last = e;
      }
    }
    throw last instanceof Error ? last : new Reject(401, 'signature verification failed');
  }

  /** The alg header judged by a weakened string compare, the signature checked as RS256. */
  #verifyRs256ByLabel(token: string, alg: string, key: KeyObject): JWTPayload {
    if (this.#p.alg !== 'header-ignored' && !sameString(alg, 'RS256', this.#p.alg)) throw new Reject(401, `alg ${alg} is not RS256`);
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw new Reject(401, 'RSA key under 2048 bits');
    const [h, p, s] = token.split('.');
    if (token.split('.').length !== 3 || !createVerify('RSA-SHA256').update(`${h}.${p}`).verify(key, Buffer.from(s ?? '', 'base64url'))) throw new Reject(401, 'signature verification failed');
    return decodeJwt(token);
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
    const steps = [() => this.#checkIss(payload, ctx), () => this.#checkAud(payload, ctx), () => this.#checkTimes(payload)];
    for (const step of this.#v.order === 'reversed' ? steps.reverse() : steps) step();
  }

  #checkIss(payload: JWTPayload, ctx: VerificationContext): void {
    if (!sameString(payload.iss, ctx.issuer, this.#p.iss)) throw new Reject(401, `unexpected iss ${JSON.stringify(payload.iss)}`);
  }

  #checkAud(payload: JWTPayload, ctx: VerificationContext): void {
    if (!audienceMatches(payload.aud, ctx.audience, this.#p.aud)) throw new Reject(401, `unexpected aud ${JSON.stringify(payload.aud)}`);
  }

  #checkTimes(payload: JWTPayload): void {
    const p = this.#p;
    const now = Math.floor(Date.now() / 1000);
    const exp: unknown = payload.exp;
    if (p.exp !== 'ignored' && !(p.exp === 'missing-ok' && exp === undefined)) {
      const value = p.exp === 'string-coerced' ? Number(exp) : exp;
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new Reject(401, 'exp missing or not a number', true);
      const clock = p.exp === 'milliseconds' ? Date.now() : p.exp === 'tolerance' ? now - UNDECLARED_LEEWAY_SECONDS : now;
      // off-by-one: `exp < now` instead of `exp <= now`, so a token is still good during its exp second.
      if (p.exp === 'off-by-one' ? value < clock : value <= clock) throw new Reject(401, 'token expired', true);
    }
    const nbf: unknown = payload.nbf;
    if (p.nbf !== 'ignored' && nbf !== undefined) {
      const leeway = p.nbf === 'tolerance' ? UNDECLARED_LEEWAY_SECONDS : 0;
      if (typeof nbf !== 'number' || nbf > now + leeway) throw new Reject(401, 'token not yet valid', true);
    }
  }

  async stop(): Promise<void> {
    this.#jwks.clear();
    this.#verdicts.clear();
    this.#verifiedJtis.clear();
    this.#unknownKids.clear();
  }
}
