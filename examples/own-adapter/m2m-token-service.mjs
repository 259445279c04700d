/**
 * An adapter of your own, as docs/writing-an-adapter.md walks through it:
 *
 *   npx kinde-token-conformance run --target=./m2m-token-service.mjs
 *
 * The file holds two things a real project would keep apart:
 *
 * 1. `M2mTokenService`: a small machine-to-machine token issuer (standing in for
 *    yours). It answers the client credentials grant only, with RS256 tokens
 *    shaped as Kinde documents them in "Token structure and claims for M2M
 *    applications": aud, azp, exp, gty, iat, iss, jti, scope, scp and v "2",
 *    plus org_code for an organization-scoped app. It takes OAuth form fields
 *    and answers { status, body }, as a token endpoint would.
 * 2. `createAdapter()`: the glue the suite loads. It turns the suite's calls
 *    (provision a generated tenant, request tokens, read the JWKS, move the
 *    clock, rotate the key) into calls on the service.
 *
 * It is plain JavaScript, and its only dependency is `jose`; it imports
 * nothing from kinde-token-conformance (see targetError below).
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

// ---------------------------------------------------------------------------
// 1. The token service
// ---------------------------------------------------------------------------

/** An OAuth error response body (RFC 6749 5.2). */
function oauthError(status, error, description) {
  return { status, body: { error, error_description: description } };
}

function sameSecret(given, expected) {
  const a = Buffer.from(String(given));
  const b = Buffer.from(String(expected));
  return a.length === b.length && timingSafeEqual(a, b);
}

export class M2mTokenService {
  /** Environment configuration: issuer, M2M apps, APIs and their scopes. */
  #config = { issuer: '', apps: new Map(), apis: new Map() };
  /** Current signing key: { kid, privateKey, publicJwk }. */
  #key;
  /** Seconds added to the wall clock (tests move time forward). */
  #clockOffset = 0;

  static async create() {
    const service = new M2mTokenService();
    await service.rotateSigningKey();
    return service;
  }

  /**
   * Replace the whole configuration. `apps` are the M2M applications:
   * { clientId, clientSecret, apis: [audience], orgCode?, accessTokenLifetime }.
   */
  configure({ issuer, apps, apis }) {
    this.#config = {
      issuer,
      apps: new Map(apps.map((a) => [a.clientId, { ...a, apis: new Set(a.apis) }])),
      apis: new Map(apis.map((a) => [a.audience, new Set(a.scopes)])),
    };
  }

  now() {
    return Math.floor(Date.now() / 1000) + this.#clockOffset;
  }

  advanceClock(seconds) {
    this.#clockOffset += seconds;
  }

  /** A new signing key; the old one is no longer published. */
  async rotateSigningKey() {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
    const kid = randomUUID();
    this.#key = { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
  }

  /** What /.well-known/jwks would serve. */
  jwks() {
    return { keys: [{ ...this.#key.publicJwk }] };
  }

  /**
   * POST /oauth2/token. `form` holds the form fields: grant_type, client_id,
   * client_secret, audience (one or more) and scope (space separated).
   * Anything else a caller sends, such as an org_code, is ignored: the token's
   * claims come from the app's configuration only.
   */
  async token(form) {
    if (form.grant_type !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', `this service issues M2M tokens only (grant_type=client_credentials), not ${form.grant_type}`);
    }
    const app = this.#config.apps.get(form.client_id);
    if (!app || !sameSecret(form.client_secret ?? '', app.clientSecret)) {
      return oauthError(401, 'invalid_client', 'unknown client or wrong client secret');
    }
    const audience = [...new Set(form.audience ?? [])];
    if (audience.length === 0) return oauthError(400, 'invalid_request', 'audience is required');
    const notAllowed = audience.filter((a) => !app.apis.has(a) || !this.#config.apis.has(a));
    if (notAllowed.length > 0) return oauthError(403, 'unauthorized_client', `the app is not authorized for ${notAllowed.join(', ')}`);
    const scopes = [...new Set((form.scope ?? '').split(' ').filter(Boolean))];
    const unknown = scopes.filter((s) => !audience.some((a) => this.#config.apis.get(a).has(s)));
    if (unknown.length > 0) return oauthError(400, 'invalid_scope', `no requested API defines ${unknown.join(', ')}`);

    const iat = this.now();
    const claims = {
      aud: audience,
      azp: app.clientId,
      gty: ['client_credentials'],
      scope: scopes.join(' '),
      scp: scopes,
      v: '2',
      ...(app.orgCode !== undefined ? { org_code: app.orgCode } : {}),
    };
    const accessToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: this.#key.kid, typ: 'JWT' })
      .setIssuer(this.#config.issuer)
      .setIssuedAt(iat)
      .setExpirationTime(iat + app.accessTokenLifetime)
      .setJti(randomUUID())
      .sign(this.#key.privateKey);
    return {
      status: 200,
      body: { access_token: accessToken, expires_in: app.accessTokenLifetime, scope: claims.scope, token_type: 'bearer' },
    };
  }
}

// ---------------------------------------------------------------------------
// 2. The adapter: what kinde-token-conformance loads from this file
// ---------------------------------------------------------------------------

/**
 * An error for a broken target, as opposed to an OAuth refusal (which is a
 * `{ ok: false }` result, never an exception). It carries the code the suite's
 * `AdapterError` would. With the package installed, prefer
 * `throw new AdapterError(code, message)` from 'kinde-token-conformance': the
 * suite recognises that class, reports the check ERRORED naming the code, and
 * stops the run early for ERR_TARGET_UNREACHABLE/_TIMEOUT/_PROTOCOL. This
 * example imports nothing from the package so that it also runs inside the
 * package's own repository; its own errors only mark calls the suite does not
 * make (before start(), or workflows while the `workflows` capability is off).
 */
function targetError(code, message) {
  return Object.assign(new Error(message), { name: 'AdapterError', code });
}

/** Called by the suite with its target options (unused here); may be async. */
export function createAdapter() {
  let service;
  const started = () => {
    if (!service) throw targetError('ERR_TARGET_PROTOCOL', 'm2m-token-service: start() was not called');
    return service;
  };
  const answer = ({ status, body }) =>
    status === 200 ? { ok: true, status, body } : { ok: false, status, error: body.error, errorDescription: body.error_description };

  return {
    name: 'm2m-token-service',

    async start() {
      service ??= await M2mTokenService.create();
      return {
        name: 'm2m-token-service',
        version: '1.0.0',
        // Only what this service really does: M2M tokens, org-scoped apps, a
        // clock the suite may move, a signing key it may rotate. No users, no
        // refresh tokens, no workflows, no properties or feature flags.
        capabilities: {
          userTokens: false,
          refresh: false,
          m2m: true,
          orgScopedM2m: true,
          workflows: false,
          properties: false,
          featureFlags: false,
          clock: true,
          keyRotation: true,
        },
      };
    },

    // The suite's generated tenant (adapters/types.ts `Tenant`) mapped onto this service's configuration.
    async provision(tenant) {
      started().configure({
        issuer: `https://${tenant.subdomain}.kinde.com`,
        apps: tenant.applications
          .filter((a) => a.kind === 'm2m')
          .map((a) => ({
            clientId: a.clientId,
            clientSecret: a.clientSecret,
            apis: a.apis,
            orgCode: a.orgCode,
            accessTokenLifetime: a.lifetimes.accessToken,
          })),
        apis: tenant.apis,
      });
    },

    async clientCredentials(request) {
      return answer(
        await started().token({
          grant_type: 'client_credentials',
          client_id: request.clientId,
          client_secret: request.clientSecret,
          audience: request.audience,
          scope: (request.scopes ?? []).join(' '),
          ...(request.orgCode !== undefined ? { org_code: request.orgCode } : {}),
        }),
      );
    },

    // No user sign-in and no refresh tokens: the token endpoint's own answer.
    async signIn() {
      return answer(await started().token({ grant_type: 'authorization_code' }));
    },
    async refresh() {
      return answer(await started().token({ grant_type: 'refresh_token' }));
    },

    // Not called while the `workflows` capability is false; say so if it is.
    async deployWorkflow() {
      throw targetError('ERR_TARGET_REJECTED', 'm2m-token-service runs no workflows');
    },
    async removeWorkflow() {
      throw targetError('ERR_TARGET_REJECTED', 'm2m-token-service runs no workflows');
    },

    async jwks() {
      return started().jwks();
    },
    async advanceClock(seconds) {
      started().advanceClock(seconds);
    },
    // Optional: the clock that sets iat, so TOKEN-TIMES can judge the token times.
    async clockNow() {
      return started().now();
    },
    async rotateKeys() {
      await started().rotateSigningKey();
    },

    // Nothing to release: no server, socket or timer.
    async stop() {
      service = undefined;
    },
  };
}
