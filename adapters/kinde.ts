/**
 * The `kinde` target: a live Kinde environment, driven with one real M2M app
 * (and optionally one org-scoped M2M app) through its real discovery, token
 * endpoint and JWKS. Settings come from environment variables only
 * (adapters/kinde/config.ts); secrets are never printed.
 *
 * A live tenant cannot be provisioned. `provision(tenant)` therefore records
 * the generated tenant only to map requests onto the real apps:
 * - a generated org-scoped M2M app → the real org-scoped app (when configured),
 *   any other generated app → the real M2M app;
 * - the request's client secret, when it is the generated app's own, → the real
 *   secret; a different (wrong) secret stays wrong; an unknown client stays unknown;
 * - audiences → `KINDE_AUDIENCE`; scopes are not sent (which scopes the real
 *   app was granted is not known); an `org_code` override is sent as is.
 *
 * Tokens come back unchanged (they are signed). Checks that compare a token
 * with values of the *generated* tenant (azp, aud, lifetime, scopes, issuer
 * subdomain, the org of an org-scoped app) cannot be honest against a fixed
 * tenant: {@link KindeTargetInfo.notApplicable} lists them with the reason and
 * {@link KindeTargetInfo.fixedTenant} is the real tenant as far as it is known.
 * Capabilities: `m2m`, plus `orgScopedM2m` when an org-scoped app is configured.
 */
import { decodeJwt } from 'jose';
import { exchange, parseJson, type Answer } from './http/transport.js';
import { isLoopbackOrigin, kindeConfigFromEnv, KINDE_ENV, type KindeClient, type KindeConfig } from './kinde/config.js';
import {
  AdapterError,
  type Adapter,
  type ClientCredentialsRequest,
  type DeployedWorkflow,
  type Jwks,
  type TargetInfo,
  type Tenant,
  type TokenResult,
  type TokenSet,
} from './types.js';

export { kindeConfigFromEnv, KINDE_ENV, type KindeConfig } from './kinde/config.js';

export const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 2 * 1024 * 1024;

/** What is known of the one real environment the adapter talks to. */
export interface FixedTenant {
  issuer: string;
  tokenEndpoint: string;
  jwksUri: string;
  audience: string[];
  /** Client IDs only; secrets stay inside the adapter. */
  m2mClientId: string;
  orgScopedClientId?: string;
  expectOrgCode?: string;
}

export interface KindeTargetInfo extends TargetInfo {
  /** The real tenant the tokens come from; generated tenants are not provisioned. */
  fixedTenant: FixedTenant;
  /** Requirement ID → why it cannot be judged honestly against a fixed tenant. */
  notApplicable: Record<string, string>;
}

const FIXED = 'the kinde target cannot provision the generated tenant';
/**
 * Requirements whose checks compare tokens with the generated tenant's values.
 * Against a live environment they would fail for the wrong reason.
 */
export const FIXED_TENANT_NOT_APPLICABLE: Readonly<Record<string, string>> = Object.freeze({
  'M2M-AZP-AUD': `${FIXED}: azp/aud are the real app's client ID and KINDE_AUDIENCE, not the generated ones`,
  'M2M-LIFETIME': `${FIXED}: the real app's token lifetime is not known to the suite`,
  'M2M-SCOPE-SCP': `${FIXED}: the real app's granted scopes are unknown, so generated scopes are not requested`,
  'TOKEN-ISS': `${FIXED}: the issuer is the real environment's, not https://<generated subdomain>.kinde.com`,
  'ORG-M2M-ORG-CODE': `${FIXED}: the real org-scoped app's org is not the generated one`,
});

export interface KindeAdapterOptions {
  /** Default: read from process.env. */
  config?: KindeConfig;
  /** Per call (connect + headers + body), ms. Default 10 s. */
  timeoutMs?: number;
}

interface Discovery {
  issuer: string;
  token_endpoint: string;
  jwks_uri: string;
}

export class KindeAdapter implements Adapter {
  readonly name = 'kinde';
  readonly #config: KindeConfig;
  readonly #timeoutMs: number;
  #fixed: FixedTenant | undefined;
  /** Generated client ID → generated app (of the last provisioned tenant). */
  #generated = new Map<string, Tenant['applications'][number]>();

  constructor(options: KindeAdapterOptions = {}) {
    this.#config = options.config ?? kindeConfigFromEnv();
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** The real tenant, once started. */
  get fixedTenant(): FixedTenant | undefined {
    return this.#fixed;
  }

  async start(): Promise<KindeTargetInfo> {
    const discoveryUrl = `${this.#config.domain}/.well-known/openid-configuration`;
    const a = await this.#send('GET', discoveryUrl);
    const d = this.#ok(a) as Partial<Discovery> | null;
    for (const field of ['issuer', 'token_endpoint', 'jwks_uri'] as const) {
      if (typeof d?.[field] !== 'string' || d[field] === '') {
        throw new AdapterError('ERR_TARGET_PROTOCOL', `${a.what}: discovery has no ${field}`);
      }
    }
    const { issuer, token_endpoint, jwks_uri } = d as Discovery;
    // The client secret goes to token_endpoint: only to the configured domain (or, for a loopback stand-in, loopback).
    for (const [field, url] of [['token_endpoint', token_endpoint], ['jwks_uri', jwks_uri]] as const) {
      if (!this.#sameSite(url)) {
        throw new AdapterError('ERR_TARGET_PROTOCOL', `${a.what}: ${field} ${JSON.stringify(url)} is not on ${KINDE_ENV.domain}; refusing to send credentials elsewhere`);
      }
    }
    const o = this.#config.orgScoped;
    this.#fixed = {
      issuer,
      tokenEndpoint: token_endpoint,
      jwksUri: jwks_uri,
      audience: [...this.#config.audience],
      m2mClientId: this.#config.m2m.clientId,
      ...(o ? { orgScopedClientId: o.clientId, ...(o.expectOrgCode !== undefined ? { expectOrgCode: o.expectOrgCode } : {}) } : {}),
    };
    // Credentials are checked once here, so a typo fails the run at once instead of every check.
    await this.#probe(this.#config.m2m, [KINDE_ENV.clientId, KINDE_ENV.clientSecret]);
    if (o) await this.#probe(o, [KINDE_ENV.orgClientId, KINDE_ENV.orgClientSecret], o.expectOrgCode);
    return {
      name: 'kinde',
      version: new URL(issuer).host,
      capabilities: {
        userTokens: false,
        refresh: false,
        m2m: true,
        orgScopedM2m: o !== undefined,
        workflows: false,
        properties: false,
        featureFlags: false,
        clock: false,
        keyRotation: false,
        // Revocation is judged on user sessions (refresh tokens), which a live environment cannot sign in here.
        revocation: false,
        // A real sign-in needs a browser: no code can be had without one, so none is exchanged, replayed or mis-bound.
        codeExchange: false,
      },
      fixedTenant: this.#fixed,
      notApplicable: { ...FIXED_TENANT_NOT_APPLICABLE },
    };
  }

  /** Records the generated tenant to map its apps onto the real ones; nothing is sent. */
  async provision(tenant: Tenant): Promise<void> {
    this.#generated = new Map(tenant.applications.map((a) => [a.clientId, a]));
  }

  async clientCredentials(request: ClientCredentialsRequest): Promise<TokenResult> {
    const fixed = this.#started();
    const app = this.#generated.get(request.clientId);
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (app === undefined) {
      // Not a client of the generated tenant: stays unknown to the real one too.
      form.set('client_id', request.clientId);
      form.set('client_secret', request.clientSecret);
    } else {
      const real: KindeClient = app.orgCode !== undefined && this.#config.orgScoped ? this.#config.orgScoped : this.#config.m2m;
      form.set('client_id', real.clientId);
      // A wrong secret stays wrong (and is not the real one).
      form.set('client_secret', request.clientSecret === app.clientSecret ? real.clientSecret : `wrong-${request.clientSecret}`);
    }
    for (const aud of fixed.audience) form.append('audience', aud);
    if (request.orgCode !== undefined) form.set('org_code', request.orgCode);
    return this.#token(form);
  }

  async jwks(): Promise<Jwks> {
    const a = await this.#send('GET', this.#started().jwksUri);
    const body = this.#ok(a) as Partial<Jwks> | null;
    if (!Array.isArray(body?.keys)) throw new AdapterError('ERR_TARGET_PROTOCOL', `${a.what}: no "keys" array`);
    return body as Jwks;
  }

  async stop(): Promise<void> {
    this.#generated.clear();
  }

  // Not supported against a live environment (capabilities say so; the suite never calls these).
  deployWorkflow(): Promise<DeployedWorkflow> {
    return Promise.reject(this.#unsupported('workflows'));
  }
  removeWorkflow(): Promise<void> {
    return Promise.reject(this.#unsupported('workflows'));
  }
  signIn(): Promise<TokenResult> {
    return Promise.reject(this.#unsupported('userTokens'));
  }
  refresh(): Promise<TokenResult> {
    return Promise.reject(this.#unsupported('refresh'));
  }

  // ---------------------------------------------------------------------------

  async #probe(client: KindeClient, vars: [string, string], expectOrgCode?: string): Promise<void> {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret });
    for (const aud of this.#config.audience) form.append('audience', aud);
    const r = await this.#token(form);
    if (!r.ok) {
      throw new AdapterError(
        'ERR_TARGET_REJECTED',
        `${this.#fixed!.tokenEndpoint}: the client-credentials request with ${vars.join(' / ')} and ${KINDE_ENV.audience} was refused ` +
          `(HTTP ${r.status} ${r.error}${r.errorDescription ? `: ${r.errorDescription}` : ''}); check that the app is an M2M app authorized for that API`,
      );
    }
    if (expectOrgCode !== undefined) {
      let org: unknown;
      try {
        org = decodeJwt(r.body.access_token).org_code;
      } catch {
        org = undefined; // the suite judges malformed tokens; here only the configuration is checked
      }
      if (org !== undefined && org !== expectOrgCode) {
        throw new AdapterError('ERR_TARGET_REJECTED', `${KINDE_ENV.expectOrgCode} does not match the org_code of the app named by ${KINDE_ENV.orgClientId}`);
      }
    }
  }

  async #token(form: URLSearchParams): Promise<TokenResult> {
    const a = await exchange({ method: 'POST', url: this.#started().tokenEndpoint, form }, this.#transport());
    if (a.status >= 400 && a.status < 500) {
      const body = safeJson(a) as { error?: unknown; error_description?: unknown } | undefined;
      if (typeof body?.error !== 'string') throw new AdapterError('ERR_TARGET_PROTOCOL', `${a.what}: HTTP ${a.status} without an OAuth error body`);
      return {
        ok: false,
        status: a.status,
        error: body.error,
        ...(typeof body.error_description === 'string' ? { errorDescription: body.error_description } : {}),
      };
    }
    const body = this.#ok(a) as Partial<TokenSet> | null;
    if (typeof body?.access_token !== 'string') throw new AdapterError('ERR_TARGET_PROTOCOL', `${a.what}: token response has no access_token`);
    return { ok: true, status: a.status, body: body as TokenSet };
  }

  #send(method: 'GET', url: string): Promise<Answer> {
    return exchange({ method, url }, this.#transport());
  }

  #transport() {
    return { timeoutMs: this.#timeoutMs, maxResponseBytes: MAX_RESPONSE_BYTES };
  }

  #ok(a: Answer): unknown {
    if (a.status >= 300 && a.status < 400) throw new AdapterError('ERR_TARGET_PROTOCOL', `${a.what}: unexpected redirect (HTTP ${a.status})`);
    if (a.status < 200 || a.status >= 300) throw new AdapterError(a.status >= 500 ? 'ERR_TARGET_PROTOCOL' : 'ERR_TARGET_REJECTED', `${a.what}: HTTP ${a.status}`);
    return parseJson(a);
  }

  #sameSite(url: string): boolean {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    const domain = new URL(this.#config.domain);
    if (isLoopbackOrigin(domain.origin)) return isLoopbackOrigin(u.origin) && u.protocol === domain.protocol;
    return u.protocol === 'https:' && u.host === domain.host;
  }

  #started(): FixedTenant {
    if (!this.#fixed) throw new AdapterError('ERR_TARGET_PROTOCOL', 'kinde target: called before start()');
    return this.#fixed;
  }

  #unsupported(capability: string): AdapterError {
    return new AdapterError('ERR_TARGET_PROTOCOL', `kinde target: ${capability} is not supported against a live environment (the capability is not declared)`);
  }
}

function safeJson(a: Answer): unknown {
  try {
    return JSON.parse(a.text);
  } catch {
    return undefined;
  }
}
