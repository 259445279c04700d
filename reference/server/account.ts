/**
 * The endpoints Kinde's SDKs call after sign-in, so their flows complete
 * against `serve`: the user profile (`GET /oauth2/v2/user_profile`, what
 * @kinde-oss/kinde-typescript-sdk's getUserProfile and kinde-node-express's
 * getUser read), `GET /logout?redirect=` (the SDKs' logout URL), token
 * revocation (`POST /oauth2/revoke`, RFC 7009, the path and form the
 * TypeScript SDK's OAuthApi sends) and introspection (`POST /oauth2/introspect`,
 * RFC 7662). Every refusal is a 4xx `{error, error_description}` like the
 * token endpoint's; what is remembered (revoked access tokens) is bounded.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Application } from '../../adapters/types.js';
import type { ReferenceIssuer } from '../issuer.js';
import { IssuerError } from '../errors.js';
import { verifyAccessToken } from '../revocation.js';
import { HttpError, parseForm, readForm, sendEmpty, sendJson, type FormFields } from './http-io.js';
import { parseBasic } from './requests.js';

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

const digest = (s: string) => createHash('sha256').update(s).digest();

function one(fields: FormFields, name: string): string | undefined {
  const v = fields.get(name);
  if (v && v.length > 1) throw new HttpError(400, 'invalid_request', `parameter "${name}" must not repeat`);
  return v?.[0] === '' ? undefined : v?.[0];
}

/** The client of a revocation or introspection request (form fields or HTTP Basic, RFC 6749 2.3.1), not yet checked. */
function clientOf(req: IncomingMessage, fields: FormFields): { id: string; secret: string | undefined; challenge: Record<string, string> } {
  const basic = parseBasic(req.headers.authorization);
  const id = basic?.id ?? one(fields, 'client_id');
  const challenge: Record<string, string> = basic ? { 'WWW-Authenticate': 'Basic realm="token"' } : {};
  if (id === undefined) throw new HttpError(401, 'invalid_client', 'client authentication is required (client_id or HTTP Basic)', challenge);
  return { id, secret: basic?.secret ?? one(fields, 'client_secret'), challenge };
}

function authenticateClient(issuer: ReferenceIssuer, req: IncomingMessage, fields: FormFields): Application {
  const { id, secret, challenge } = clientOf(req, fields);
  const app = issuer.tenant.applications.find((a) => a.clientId === id);
  const good = app !== undefined && (app.kind === 'frontend' || (secret !== undefined && timingSafeEqual(digest(secret), digest(app.clientSecret))));
  if (!app || !good) throw new HttpError(401, 'invalid_client', 'unknown client or wrong client secret', challenge);
  return app;
}

const verify = (issuer: ReferenceIssuer, token: string) =>
  verifyAccessToken({ issuer: issuer.issuer, revoked: issuer.revoked, jwks: () => issuer.jwks(), now: () => issuer.clock.now() }, token);

export class AccountEndpoints {
  readonly #issuer: ReferenceIssuer;

  constructor(issuer: ReferenceIssuer) {
    this.#issuer = issuer;
  }

  /** `GET /oauth2/v2/user_profile` with `Authorization: Bearer <user access token>`. */
  async userProfile(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const m = BEARER.exec(req.headers.authorization ?? '');
    const challenge = (error: string) => ({ 'WWW-Authenticate': `Bearer error="${error}"` });
    if (!m) throw new HttpError(401, 'invalid_token', 'a user access token is required: Authorization: Bearer <token>', challenge('invalid_request'));
    const claims = await verify(this.#issuer, m[1]!);
    if (!claims) throw new HttpError(401, 'invalid_token', 'the access token is not valid here (signature, issuer, expiry or revoked)', challenge('invalid_token'));
    const user = this.#issuer.tenant.users.find((u) => u.id === claims.sub);
    if (!user) throw new HttpError(403, 'insufficient_scope', 'the token is not a user token of this environment (M2M tokens have no profile)', challenge('insufficient_scope'));
    const name = [user.givenName, user.familyName].filter(Boolean).join(' ');
    // The fields of the SDKs' UserProfileV2 model (id, sub, provided_id, name, given_name, family_name, updated_at, email, picture).
    sendJson(res, 200, {
      id: user.id,
      sub: user.id,
      provided_id: user.providedId ?? null,
      name,
      given_name: user.givenName,
      family_name: user.familyName,
      updated_at: user.updatedAt,
      email: user.email,
      picture: user.picture ?? null,
    });
  }

  /** `GET /logout?redirect=<url>`: nothing is signed in server-side, so this only sends the browser back. */
  logout(query: string, res: ServerResponse): void {
    const q = parseForm(query);
    const redirect = one(q, 'redirect');
    if (redirect === undefined) {
      sendJson(res, 200, { logged_out: true });
      return;
    }
    let target: URL;
    try {
      target = new URL(redirect);
    } catch {
      throw new HttpError(400, 'invalid_request', 'redirect is not an absolute URL');
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new HttpError(400, 'invalid_request', 'redirect must be an http(s) URL');
    sendEmpty(res, 302, { Location: target.toString() });
  }

  /** `POST /oauth2/revoke` (RFC 7009): the issuer decides (reference/revocation.ts); 200 with an empty body. */
  async revoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fields = await readForm(req);
    const { id, secret, challenge } = clientOf(req, fields);
    const token = one(fields, 'token');
    if (token === undefined) throw new HttpError(400, 'invalid_request', 'token is required');
    const hint = one(fields, 'token_type_hint');
    try {
      await this.#issuer.revoke({ token, clientId: id, ...(secret !== undefined ? { clientSecret: secret } : {}), ...(hint !== undefined ? { tokenTypeHint: hint } : {}) });
    } catch (e) {
      if (e instanceof IssuerError && e.code === 'invalid_client') throw new HttpError(e.status, e.code, e.message, challenge);
      throw e;
    }
    sendEmpty(res, 200);
  }

  /** `POST /oauth2/introspect` (RFC 7662), for an authenticated client of the environment. */
  async introspect(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fields = await readForm(req);
    authenticateClient(this.#issuer, req, fields);
    const token = one(fields, 'token');
    if (token === undefined) throw new HttpError(400, 'invalid_request', 'token is required');
    const refresh = this.#issuer.refreshTokenInfo(token);
    if (refresh) {
      sendJson(res, 200, refresh.active
        ? { active: true, token_type: 'refresh_token', client_id: refresh.clientId, sub: refresh.userId, scope: refresh.scopes.join(' '), exp: refresh.expiresAt, iss: this.#issuer.issuer }
        : { active: false });
      return;
    }
    const claims = await verify(this.#issuer, token);
    if (!claims) {
      sendJson(res, 200, { active: false });
      return;
    }
    const scope = typeof claims.scope === 'string' ? claims.scope : Array.isArray(claims.scp) ? claims.scp.join(' ') : undefined;
    sendJson(res, 200, {
      active: true,
      token_type: 'access_token',
      ...(claims.azp !== undefined ? { client_id: claims.azp } : {}),
      ...(claims.sub !== undefined ? { sub: claims.sub } : {}),
      ...(scope !== undefined ? { scope } : {}),
      ...(claims.aud !== undefined ? { aud: claims.aud } : {}),
      iss: claims.iss,
      exp: claims.exp,
      ...(claims.iat !== undefined ? { iat: claims.iat } : {}),
    });
  }
}
