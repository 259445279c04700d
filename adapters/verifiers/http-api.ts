/**
 * Any API in any language, judged by its answers: the suite calls the user's
 * real org route (`GET /orgs/:org_code/users` by default) at `--verifier-url`
 * with `Authorization: Bearer <token>`; 2xx is accepted, anything else is a
 * rejection (401/403, or 404 per the M2M tutorial, are the documented ones).
 *
 * A deployed API is configured once, so the suite must issue tokens for its
 * issuer and audience and serve the keys where the API looks for them:
 *
 *   KTC_API_ISSUER    issuer the API expects      (default https://ktc-example.kinde.com)
 *   KTC_API_AUDIENCE  audience the API expects    (default ktc:example-api)
 *   KTC_API_ROUTE     route template              (default /orgs/:org_code/users)
 *   KTC_JWKS_PORT     loopback port the suite serves /.well-known/jwks(.json) and
 *                     openid-configuration on     (default 47661)
 *   KTC_JWKS_REFRESH_MS  how long the API may take to fetch a key it has not seen (default 30000,
 *                     jose's default cool-down; only the key-rotation check waits this long)
 *
 * The suite signs every token with one fixed key for the whole run (suites/lib/attack-fixed-keys.ts),
 * so an API with jose's or jwks-rsa's default cache and cool-down needs no tuning.
 *
 * Without --verifier-url the verifier cannot be created (ERR_VERIFIER_CONFIG, a usage error);
 * start() probes the route with a timeout and fails with ERR_VERIFIER_UNREACHABLE when nothing answers.
 */
import { AdapterError } from '../types.js';
import type { Verdict, VerificationContext, VerifierAdapter, VerifierInfo } from '../verifier-types.js';
import { presentBearer, routeFor } from './http.js';

export const HTTP_API_DEFAULTS = {
  issuer: 'https://ktc-example.kinde.com',
  audience: 'ktc:example-api',
  route: '/orgs/:org_code/users',
  jwksPort: 47661,
  jwksRefreshMs: 30_000,
} as const;

export interface HttpApiOptions {
  url?: string;
  timeoutMs?: number;
  issuer?: string;
  audience?: string;
  route?: string;
  jwksPort?: number;
  jwksRefreshMs?: number;
}

function envInt(name: string): number | undefined {
  const v = process.env[name];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

export class HttpApiVerifier implements VerifierAdapter {
  readonly name = 'http-api';
  readonly #o: Required<HttpApiOptions>;

  constructor(options: HttpApiOptions = {}) {
    if (!options.url) throw new AdapterError('ERR_VERIFIER_CONFIG', 'http-api needs --verifier-url=<base URL of the API under test>, e.g. --verifier-url=http://127.0.0.1:47662');
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new AdapterError('ERR_VERIFIER_CONFIG', `--verifier-url is not a URL: ${JSON.stringify(options.url)}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new AdapterError('ERR_VERIFIER_CONFIG', `--verifier-url must be http(s), got ${parsed.protocol}`);
    this.#o = {
      url: options.url.replace(/\/+$/, ''),
      timeoutMs: options.timeoutMs ?? 5_000,
      issuer: options.issuer ?? process.env.KTC_API_ISSUER ?? HTTP_API_DEFAULTS.issuer,
      audience: options.audience ?? process.env.KTC_API_AUDIENCE ?? HTTP_API_DEFAULTS.audience,
      route: options.route ?? process.env.KTC_API_ROUTE ?? HTTP_API_DEFAULTS.route,
      jwksPort: options.jwksPort ?? envInt('KTC_JWKS_PORT') ?? HTTP_API_DEFAULTS.jwksPort,
      jwksRefreshMs: options.jwksRefreshMs ?? envInt('KTC_JWKS_REFRESH_MS') ?? HTTP_API_DEFAULTS.jwksRefreshMs,
    };
  }

  async start(): Promise<VerifierInfo> {
    if (!this.#o.route.includes(':org_code')) throw new AdapterError('ERR_VERIFIER_CONFIG', `KTC_API_ROUTE must contain :org_code, got "${this.#o.route}"`);
    // Reachability: any HTTP answer will do (a 401 without a token is the expected one).
    const probe = `${this.#o.url}${routeFor(this.#o.route, 'org_ktcprobe')}`;
    try {
      await presentBearer(probe, undefined, this.#o.timeoutMs);
    } catch (e) {
      const why = e instanceof AdapterError && e.code === 'ERR_TARGET_TIMEOUT' ? `did not answer within ${this.#o.timeoutMs} ms` : `could not be reached (${(e as Error).message})`;
      throw new AdapterError('ERR_VERIFIER_UNREACHABLE', `the API under test at ${this.#o.url} ${why}: GET ${probe}. Start it first, or fix --verifier-url.`, { cause: e });
    }
    return {
      name: this.name,
      version: this.#o.url,
      capabilities: { remoteJwks: true, orgEnforcement: true, audience: true, tokenType: true, httpRequest: true },
      fixedContext: { issuer: this.#o.issuer, audience: this.#o.audience },
      jwksPort: this.#o.jwksPort,
      jwksRefreshMs: this.#o.jwksRefreshMs,
    };
  }

  async verify(token: string | undefined, context: VerificationContext): Promise<Verdict> {
    return presentBearer(`${this.#o.url}${routeFor(this.#o.route, context.orgCode)}`, token, this.#o.timeoutMs, context.request);
  }

  async stop(): Promise<void> {}
}
