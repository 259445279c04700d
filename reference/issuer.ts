/**
 * The reference issuer: an in-process implementation of the token behaviour
 * Kinde documents. It is the default target of the suite and can serve as a
 * local Kinde-compatible token service in other projects' tests.
 *
 * Flows: a completed sign-in yields an authorization code; the token endpoint
 * exchanges it (access + ID token, refresh token only with scope `offline`),
 * refreshes (always rotating) and serves client credentials for M2M apps.
 * Workflows (`user:tokens_generation`, `m2m:token_generation`) run on every
 * issuance with the documented bindings; prohibited claims never change.
 */
import { randomBytes } from 'node:crypto';
import { emptyTenant, issuerOf, managementApiAudience, type Application, type DeployedWorkflow, type JsonObject, type Jwks, type SignInRequest, type Tenant, type TokenSet, type WorkflowFixtureSet } from '../adapters/types.js';
import { accessTokenClaims, atHash, idTokenClaims, m2mTokenClaims, newJti, type ClaimContext, type UserGrant } from './claims.js';
import { Clock } from './clock.js';
import { AuthorizationCodes, remember, type CodeBinding } from './code-grant.js';
import type { DefectName } from './defects.js';
import { IssuerError } from './errors.js';
import { accessWritesFor, applyWrites, DeployedWorkflows, type ClaimWrites } from './issuer-workflows.js';
import { freshKey, KeyStore, type SigningKey } from './keys.js';
import { REFERENCE_CAPABILITIES, type GrantRequest } from './grant-types.js';
import { ISSUER_LIMITS } from './limits.js';
import { revokeToken, RevokedTokens, type RevocationRequest } from './revocation.js';
import { TenantIndex, validateTenant } from './tenant.js';
import type { TokenBinding } from './workflows/index.js';

export { REFERENCE_CAPABILITIES, type GrantRequest };

export const USER_TRIGGER = 'user:tokens_generation';
export const M2M_TRIGGER = 'm2m:token_generation';
/** OIDC scopes Kinde grants; `offline_access` is deliberately absent (refresh-tokens page). */
const USER_SCOPES = new Set(['openid', 'profile', 'email', 'offline']);

export interface IssuerOptions {
  /** Seeded defects (mutant targets). Empty for the reference. */
  defects?: ReadonlySet<DefectName>;
  /** Seconds a rotated-out refresh token stays valid (the docs' unspecified overlap). Default 0. */
  refreshOverlapSeconds?: number;
  /** Workflow execution budget per run. */
  workflowTimeoutMs?: number;
  clock?: Clock;
}

interface Session {
  clientId: string;
  userId: string;
  orgCode?: string;
  scopes: string[];
  audience: string[];
  authTime: number;
  /** The last access token issued for this session and its expiry. */
  access?: { token: string; exp: number };
  firstAccessWrites?: ClaimWrites['kinde.accessToken']; // the sign-in's, reused on refresh only by a mutant
}

interface RefreshRecord {
  session: Session;
  expiresAt: number;
  /** When this token was rotated out, if it was. */
  rotatedAt?: number;
}

export class ReferenceIssuer {
  readonly clock: Clock;
  readonly refreshOverlapSeconds: number;
  readonly #defects: ReadonlySet<DefectName>;
  readonly #timeoutMs: number;
  #keys: KeyStore;
  #rogueKey?: SigningKey;
  #index: TenantIndex;
  readonly #workflows: DeployedWorkflows;
  readonly #codes: AuthorizationCodes<Session>;
  #refresh = new Map<string, RefreshRecord>();
  #fixedJti?: string;

  private constructor(keys: KeyStore, options: IssuerOptions) {
    this.#keys = keys;
    this.#defects = options.defects ?? new Set();
    this.refreshOverlapSeconds = options.refreshOverlapSeconds ?? 0;
    this.#timeoutMs = options.workflowTimeoutMs ?? 1000;
    this.clock = options.clock ?? new Clock();
    this.#index = new TenantIndex(emptyTenant());
    this.#workflows = new DeployedWorkflows(this, this.#has, this.#timeoutMs);
    // A replayed code revokes the refresh tokens issued from it (RFC 6749 §4.1.2).
    this.#codes = new AuthorizationCodes<Session>(this.#has, ISSUER_LIMITS.maxAuthorizationCodes, (session) => {
      for (const [token, r] of this.#refresh) if (r.session === session) this.#refresh.delete(token);
    });
  }

  static async create(options: IssuerOptions = {}): Promise<ReferenceIssuer> {
    const issuer = new ReferenceIssuer(await KeyStore.create(options.defects), options);
    if (issuer.#has('unpublished-signing-key')) issuer.#rogueKey = await freshKey();
    return issuer;
  }

  #has = (d: DefectName): boolean => this.#defects.has(d);

  get tenant(): Tenant {
    return this.#index.tenant;
  }

  get issuer(): string {
    return issuerOf(this.tenant) + (this.#has('iss-trailing-slash') ? '/' : '');
  }

  /** Replace the tenant; drops workflows, codes and refresh tokens. */
  provision(tenant: unknown): void {
    const valid = validateTenant(structuredClone(tenant));
    this.#index = new TenantIndex(valid);
    this.#workflows.clear();
    this.#codes.clear();
    this.#refresh.clear();
  }

  /**
   * Compiles and deploys a `Workflow.ts` source (`ISSUER_LIMITS.maxWorkflows` at once), with what its
   * kinde.env and kinde.fetch answer (schemas/workflow-fixtures.schema.json; a bad one is `invalid_request`).
   */
  deployWorkflow(source: string, fixtures?: WorkflowFixtureSet): Promise<DeployedWorkflow> {
    return this.#workflows.deploy(source, fixtures);
  }

  removeWorkflow(id: string): void {
    this.#workflows.remove(id);
  }

  /** What this issuer keeps in memory (all bounded by ISSUER_LIMITS). */
  stats(): { workflows: number; authorizationCodes: number; refreshTokens: number; boundCodes: number } {
    return { workflows: this.#workflows.size, authorizationCodes: this.#codes.size, refreshTokens: this.#refresh.size, boundCodes: this.#codes.bound };
  }

  jwks(): Jwks {
    return this.#keys.jwks();
  }

  /** Access tokens revoked before their expiry (`serve`'s profile and introspection read it too). */
  readonly revoked = new RevokedTokens();

  /** Token revocation (RFC 7009), reference/revocation.ts: resolves for HTTP 200, throws IssuerError for a refusal. */
  revoke(req: RevocationRequest): Promise<void> {
    const forgetAccess = (t: string) => { for (const r of this.#refresh.values()) if (r.session.access?.token === t) delete r.session.access; };
    return revokeToken({ issuer: this.issuer, revoked: this.revoked, jwks: () => this.jwks(), now: () => this.clock.now(), has: this.#has, forgetAccess,
      client: (id, secret) => this.#client(id, secret), refreshClient: (t) => this.#refresh.get(t)?.session.clientId, forgetRefresh: (t) => this.#refresh.delete(t) }, req);
  }

  /** A refresh token's client, user, scopes and whether it is still good (introspection, revocation). */
  refreshTokenInfo(token: string): { clientId: string; userId: string; scopes: string[]; expiresAt: number; active: boolean } | undefined {
    const r = this.#refresh.get(token);
    const now = this.clock.now();
    return r && { clientId: r.session.clientId, userId: r.session.userId, scopes: r.session.scopes, expiresAt: r.expiresAt, active: now < r.expiresAt && (r.rotatedAt === undefined || now < r.rotatedAt + this.refreshOverlapSeconds) };
  }

  rotateKeys(): Promise<void> {
    return this.#keys.rotate();
  }

  /** Complete a sign-in: checks the request and returns an authorization code, bound to `binding` (PKCE, redirect URI). */
  authorize(req: SignInRequest, binding: CodeBinding = {}): string {
    const app = this.#index.app(req.clientId);
    if (!app) throw new IssuerError('invalid_client', `unknown client_id "${req.clientId}"`, 401);
    if (app.kind === 'm2m') throw new IssuerError('unauthorized_client', 'M2M applications cannot sign users in');
    const user = this.#index.user(req.userId);
    if (!user) throw new IssuerError('access_denied', `unknown user "${req.userId}"`, 403);
    if (req.orgCode !== undefined && !user.memberships.some((m) => m.orgCode === req.orgCode)) {
      throw new IssuerError('access_denied', `user "${user.id}" is not a member of "${req.orgCode}"`, 403);
    }
    this.#checkAudience(app, req.audience);
    const apiScopes = new Set(this.tenant.apis.filter((a) => req.audience.includes(a.audience)).flatMap((a) => a.scopes));
    const scopes = [...new Set(req.scopes)].filter(
      (s) => USER_SCOPES.has(s) || apiScopes.has(s) || (s === 'offline_access' && this.#has('offline-access-gives-refresh')),
    );
    const code = randomBytes(24).toString('base64url');
    const session: Session = {
      clientId: app.clientId,
      userId: user.id,
      scopes,
      audience: [...req.audience],
      authTime: this.clock.now(),
    };
    if (req.orgCode !== undefined) session.orgCode = req.orgCode;
    this.#codes.issue(code, session, binding);
    return code;
  }

  /** The token endpoint. Throws IssuerError for every refusal. */
  async token(req: GrantRequest): Promise<TokenSet> {
    try {
      return await this.#grant(req);
    } catch (e) {
      // The seeded defect: one generic code for every refusal of a grant or its type.
      if (e instanceof IssuerError && this.#has('error-code-generic') && (e.code === 'invalid_grant' || e.code === 'unsupported_grant_type')) {
        throw new IssuerError('invalid_request', e.message);
      }
      throw e;
    }
  }

  async #grant(req: GrantRequest): Promise<TokenSet> {
    switch (req.grant_type) {
      case 'authorization_code': {
        let app: Application | undefined;
        const session = this.#codes.redeem(req, () => (app = this.#client(req.client_id, req.client_secret)).clientId);
        return this.#issueUserTokens(app!, session, 'authorization_request');
      }
      case 'refresh_token':
        return this.#refreshGrant(req.refresh_token, req.client_id, req.client_secret);
      case 'client_credentials':
        return this.#clientCredentials(req);
      default:
        throw new IssuerError('unsupported_grant_type', `unsupported grant_type "${(req as { grant_type: string }).grant_type}"`);
    }
  }

  #client(clientId: string, secret: string | undefined): Application {
    const app = this.#index.app(clientId);
    if (!app) throw new IssuerError('invalid_client', `unknown client_id "${clientId}"`, 401);
    // Frontend apps are public clients (PKCE); others must authenticate.
    if (app.kind !== 'frontend' && secret !== app.clientSecret && !this.#has('client-secret-unchecked')) {
      throw new IssuerError('invalid_client', 'client authentication failed', 401);
    }
    return app;
  }

  #checkAudience(app: Application, audience: string[]): void {
    for (const aud of audience) {
      if (!app.apis.includes(aud) && !this.#has('unauthorized-audience-granted')) {
        throw new IssuerError('invalid_request', `application "${app.clientId}" is not authorized for audience "${aud}"`);
      }
    }
  }

  #ctx(app: Application): ClaimContext {
    return {
      tenant: this.tenant,
      issuer: this.issuer,
      app,
      now: this.clock.now(),
      has: this.#has,
      jti: () => {
        if (!this.#has('jti-reused')) return newJti();
        this.#fixedJti ??= newJti();
        return this.#fixedJti;
      },
    };
  }

  async #sign(payload: JsonObject): Promise<string> {
    return this.#keys.sign(payload, this.#rogueKey ?? this.#keys.active);
  }

  async #issueUserTokens(
    app: Application,
    session: Session,
    origin: 'authorization_request' | 'refresh_token_request',
  ): Promise<TokenSet> {
    const user = this.#index.user(session.userId);
    if (!user) throw new IssuerError('invalid_grant', 'the user no longer exists');
    const org = session.orgCode === undefined ? undefined : this.#index.org(session.orgCode);
    const ctx = this.#ctx(app);
    const grant: UserGrant = { user, scopes: session.scopes, audience: session.audience, authTime: origin === 'refresh_token_request' && this.#has('refresh-auth-time-now') ? ctx.now : session.authTime };
    if (org) grant.org = org;

    const reuseAccess =
      origin === 'refresh_token_request' &&
      session.access !== undefined &&
      session.access.exp > ctx.now &&
      !this.#has('refresh-new-access-always');
    const access = accessTokenClaims(ctx, grant);
    if (origin === 'refresh_token_request' && this.#has('refresh-drops-org-code')) delete access.org_code;
    const wantsId = session.scopes.includes('openid');
    const id = wantsId ? idTokenClaims(ctx, grant) : undefined;

    const tokens: Partial<Record<TokenBinding, JsonObject>> = { 'kinde.accessToken': access };
    if (id) tokens['kinde.idToken'] = id;
    const event = {
      request: { auth: { audience: [...session.audience] }, ip: '127.0.0.1', userAgent: 'kinde-token-conformance' },
      context: {
        domains: { kindeDomain: issuerOf(this.tenant) },
        auth: {
          origin: this.#has('refresh-origin-wrong') ? 'authorization_request' : origin,
          connectionId: 'conn_reference',
          isExistingSession: origin === 'refresh_token_request',
        },
        user: { id: user.id, identityId: `identity_${user.id}` },
        organization: { code: this.#has('event-org-code-missing') ? null : (session.orgCode ?? null) },
        application: { clientId: app.clientId },
        workflow: { trigger: USER_TRIGGER },
      },
    };
    const triggers = this.#has('m2m-trigger-on-user-tokens') ? [USER_TRIGGER, M2M_TRIGGER] : [USER_TRIGGER];
    const writes = await this.#workflows.run(triggers, event, tokens);
    applyWrites(access, 'access', accessWritesFor(origin, session, writes['kinde.accessToken'], this.#has), this.#has);
    if (id) {
      const forId = this.#has('access-claims-leak-into-id')
        ? [...writes['kinde.accessToken'], ...writes['kinde.idToken']]
        : writes['kinde.idToken'];
      applyWrites(id, 'id', forId, this.#has);
    }
    const emptiedPermissions = writes['kinde.accessToken'].some((w) => w.name === 'permissions' && Array.isArray(w.value) && w.value.length === 0);
    if (this.#has('exp-dropped-on-empty-permissions') && emptiedPermissions) delete access.exp;

    const accessToken = reuseAccess ? session.access!.token : await this.#sign(access);
    if (!reuseAccess) session.access = { token: accessToken, exp: access.exp as number };
    const body: TokenSet = {
      access_token: accessToken,
      expires_in: Math.max(0, session.access!.exp - ctx.now),
      scope: session.scopes.join(' '),
      token_type: 'Bearer',
    };
    if (id) {
      id.at_hash = atHash(accessToken, this.#has('at-hash-wrong'));
      body.id_token = await this.#sign(id);
    }
    if (session.scopes.includes('offline') || session.scopes.includes('offline_access')) {
      const rt = randomBytes(32).toString('base64url');
      remember(this.#refresh, rt, { session, expiresAt: ctx.now + app.lifetimes.refreshToken }, ISSUER_LIMITS.maxRefreshTokens);
      body.refresh_token = rt;
    }
    return body;
  }

  async #refreshGrant(token: string, clientId: string, secret: string | undefined): Promise<TokenSet> {
    const record = this.#refresh.get(token);
    if (!record) throw new IssuerError('invalid_grant', 'unknown refresh token');
    const app = this.#client(clientId, secret);
    if (app.clientId !== record.session.clientId) throw new IssuerError('invalid_grant', 'refresh token was issued to another client');
    const now = this.clock.now();
    if (now >= record.expiresAt && !this.#has('refresh-never-expires')) {
      this.#refresh.delete(token);
      throw new IssuerError('invalid_grant', 'refresh token expired');
    }
    // The window is [rotatedAt, rotatedAt + overlap): with no overlap the old
    // token is "immediately invalid", even within the same second.
    if (
      record.rotatedAt !== undefined &&
      now >= record.rotatedAt + this.refreshOverlapSeconds &&
      !this.#has('old-refresh-accepted-forever')
    ) {
      throw new IssuerError('invalid_grant', 'refresh token was rotated out');
    }
    const body = await this.#issueUserTokens(app, record.session, 'refresh_token_request');
    if (this.#has('refresh-not-rotated')) {
      // Keep the old token valid and hand it back as if it were new.
      if (body.refresh_token) this.#refresh.delete(body.refresh_token);
      body.refresh_token = token;
    } else {
      record.rotatedAt ??= now;
    }
    return body;
  }

  async #clientCredentials(req: Extract<GrantRequest, { grant_type: 'client_credentials' }>): Promise<TokenSet> {
    const app = this.#client(req.client_id, req.client_secret);
    if (app.kind !== 'm2m') throw new IssuerError('unauthorized_client', 'client_credentials is only for M2M applications');
    if (req.audience.length === 0) throw new IssuerError('invalid_request', 'audience is required');
    this.#checkAudience(app, req.audience);
    const available = this.tenant.apis.filter((a) => req.audience.includes(a.audience)).flatMap((a) => a.scopes);
    let scopes = [...new Set(available)];
    if (req.scope && req.scope.length > 0) {
      const unknown = req.scope.filter((s) => !available.includes(s));
      if (unknown.length > 0 && !this.#has('undefined-scope-granted')) throw new IssuerError('invalid_scope', `scope not granted to this application: ${unknown.join(' ')}`);
      scopes = [...new Set(req.scope)];
    }
    const orgCode = this.#has('org-override-honored') && req.org_code !== undefined ? req.org_code : app.orgCode;
    const org = orgCode === undefined ? undefined : this.#index.org(orgCode) ?? { code: orgCode, name: orgCode, properties: {} };
    const ctx = this.#ctx(app);
    const claims = m2mTokenClaims(ctx, org ? { audience: req.audience, scopes, org } : { audience: req.audience, scopes });

    const forManagementApi = req.audience.includes(managementApiAudience(this.tenant));
    if (!forManagementApi || this.#has('workflow-on-management-api')) {
      const event = {
        request: { auth: { audience: [...req.audience], scope: [...scopes] }, ip: '127.0.0.1' },
        context: {
          domains: { kindeDomain: issuerOf(this.tenant) },
          application: { clientId: app.clientId },
          workflow: { trigger: M2M_TRIGGER },
        },
      };
      const writes = await this.#workflows.run([M2M_TRIGGER], event, { 'kinde.m2mToken': claims });
      applyWrites(claims, 'm2m', writes['kinde.m2mToken'], this.#has);
    }
    const accessToken = await this.#sign(claims);
    return {
      access_token: accessToken,
      expires_in: Math.max(0, (claims.exp as number) - ctx.now),
      scope: claims.scope as string,
      token_type: 'Bearer',
      ...(this.#has('m2m-refresh-token') ? { refresh_token: randomBytes(32).toString('base64url') } : {}),
    };
  }
}
