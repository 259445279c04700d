/**
 * Any API in any language, judged by its answers: the suite calls the user's
 * real org route (`GET /orgs/:org_code/users` by default) at `--verifier-url`
 * with `Authorization: Bearer <token>`; 2xx is accepted, anything else is a
 * rejection (401/403, or 404 per the M2M tutorial, are the documented ones). The status is
 * judged too: 401 without a token and for every invalid one (VERIFY-ORG-401, VERIFY-INVALID-401),
 * 403 for a valid token without access to the route's org.
 *
 * A deployed API is configured once, so the suite must issue tokens for its
 * issuer and audience and serve the keys where the API looks for them:
 *
 *   KTC_API_ISSUER    issuer the API expects      (default https://ktc-example.kinde.com)
 *   KTC_API_AUDIENCE  audience the API expects    (default ktc:example-api)
 *   KTC_API_ROUTE     route template              (default /orgs/:org_code/users). Without
 *                     :org_code (e.g. /api/me) the API has no organizations: the org
 *                     requirements are then not applicable, never failed.
 *   KTC_API_ACCEPT_STATUS  statuses that mean "accepted" (default 2xx), e.g. 200 or 200,204
 *   KTC_API_REJECT_STATUS  statuses that mean "refused" (default: every other one), e.g.
 *                     401,403; anything outside both lists is an error of the API, not a verdict
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
  /** Statuses that mean accepted (default: 200–299). */
  acceptStatus?: number[];
  /** Statuses that mean refused (default: every status not accepted). */
  rejectStatus?: number[];
}

/** `"200,204"` / `"2xx"` → statuses; undefined when unset; a usage error when malformed. */
export function parseStatuses(name: string, value: string | undefined): number[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const out: number[] = [];
  for (const part of value.split(',').map((p) => p.trim())) {
    const cls = /^([1-5])xx$/i.exec(part);
    if (cls) for (let s = Number(cls[1]) * 100; s < Number(cls[1]) * 100 + 100; s++) out.push(s);
    else if (/^[1-5]\d\d$/.test(part)) out.push(Number(part));
    else throw new AdapterError('ERR_VERIFIER_CONFIG', `${name} must list HTTP statuses like 200,204 or 2xx, got ${JSON.stringify(value)}`);
  }
  return out;
}

function envInt(name: string): number | undefined {
  const v = process.env[name];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

export class HttpApiVerifier implements VerifierAdapter {
  readonly name = 'http-api';
  readonly #o: Required<Omit<HttpApiOptions, 'acceptStatus' | 'rejectStatus'>>;
  readonly #accept?: ReadonlySet<number>;
  readonly #reject?: ReadonlySet<number>;

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
    const accept = options.acceptStatus ?? parseStatuses('KTC_API_ACCEPT_STATUS', process.env.KTC_API_ACCEPT_STATUS);
    const reject = options.rejectStatus ?? parseStatuses('KTC_API_REJECT_STATUS', process.env.KTC_API_REJECT_STATUS);
    if (accept) this.#accept = new Set(accept);
    if (reject) this.#reject = new Set(reject);
    const both = accept?.filter((s) => reject?.includes(s)) ?? [];
    if (both.length > 0) throw new AdapterError('ERR_VERIFIER_CONFIG', `HTTP ${both.join(', ')} cannot mean both accepted and refused (KTC_API_ACCEPT_STATUS, KTC_API_REJECT_STATUS)`);
  }

  /** The API's answer as a verdict, by the configured statuses. */
  #judge(v: Verdict, url: string): Verdict {
    if (v.status === undefined || (!this.#accept && !this.#reject)) return v;
    if (this.#accept?.has(v.status) ?? (v.status >= 200 && v.status < 300)) return { accepted: true, status: v.status };
    if (this.#reject ? this.#reject.has(v.status) : true) return { accepted: false, status: v.status, ...(v.accepted ? {} : v.reason !== undefined ? { reason: v.reason } : {}) };
    throw new AdapterError('ERR_TARGET_PROTOCOL', `GET ${url} answered HTTP ${v.status}, neither an accepted (${[...(this.#accept ?? ['2xx'])].join(',')}) nor a refused (${[...this.#reject!].join(',')}) status`);
  }

  async start(): Promise<VerifierInfo> {
    if (!this.#o.route.startsWith('/')) throw new AdapterError('ERR_VERIFIER_CONFIG', `KTC_API_ROUTE must be a path starting with /, got "${this.#o.route}"`);
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
      // An API without :org_code in its route has no organizations to enforce: the org checks are not applicable.
      capabilities: { remoteJwks: true, orgEnforcement: this.#o.route.includes(':org_code'), audience: true, tokenType: true, httpRequest: true },
      fixedContext: { issuer: this.#o.issuer, audience: this.#o.audience },
      jwksPort: this.#o.jwksPort,
      jwksRefreshMs: this.#o.jwksRefreshMs,
    };
  }

  async verify(token: string | undefined, context: VerificationContext): Promise<Verdict> {
    const url = `${this.#o.url}${routeFor(this.#o.route, context.orgCode)}`;
    return this.#judge(await presentBearer(url, token, this.#o.timeoutMs, context.request), url);
  }

  async stop(): Promise<void> {}
}
