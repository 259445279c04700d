/**
 * A small API that enforces org access the way "Enforce org access in your
 * API using M2M tokens" documents it, with jose instead of jsonwebtoken:
 *
 *   1. no bearer token                      → 401 "Missing token"
 *   2. signature / iss / aud / exp invalid  → 401 "Invalid or expired token"
 *   3. no org_code claim                    → 403 "Token not scoped to an organization"
 *   4. org_code ≠ the route's :org_code     → 403 "Token does not match organization"
 *   5. otherwise                            → 200 with the org's users
 *
 * RS256 only, keys from the environment's JWKS ("Verifying JSON Web Tokens"), fetched
 * and cached by jose's createRemoteJWKSet with its default settings (10 min cache,
 * 30 s cool-down between refetches, 5 s timeout), as a real API would use it.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

export interface OrgApiConfig {
  /** `https://<subdomain>.kinde.com` */
  issuer: string;
  /** The API's audience as registered in Kinde. */
  audience: string;
  /** Where the keys are: `<issuer>/.well-known/jwks` in production. */
  jwksUrl: string;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export function createOrgApi(config: OrgApiConfig): RequestListener {
  const jwks = createRemoteJWKSet(new URL(config.jwksUrl));

  async function verifyOrgAccess(req: IncomingMessage, orgFromRoute: string): Promise<{ status: number; error?: string; claims?: JWTPayload }> {
    // The scheme is case-insensitive (RFC 9110 §11.1; Kinde's token_type is "Bearer" or "bearer").
    const [scheme, token] = (req.headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) return { status: 401, error: 'Missing token' };
    let claims: JWTPayload;
    try {
      // requiredClaims: Kinde tokens always carry exp; a token without one is not "valid and not expired".
      ({ payload: claims } = await jwtVerify(token, jwks, {
        algorithms: ['RS256'],
        issuer: config.issuer,
        audience: config.audience,
        requiredClaims: ['exp'],
      }));
    } catch {
      return { status: 401, error: 'Invalid or expired token' };
    }
    if (typeof claims.org_code !== 'string' || claims.org_code === '') return { status: 403, error: 'Token not scoped to an organization' };
    if (claims.org_code !== orgFromRoute) return { status: 403, error: 'Token does not match organization' };
    return { status: 200, claims };
  }

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const m = /^\/orgs\/([^/]+)\/users$/.exec(url.pathname);
    if (req.method !== 'GET' || !m) return send(res, 404, { error: 'Not found' });
    let org: string;
    try {
      org = decodeURIComponent(m[1]!);
    } catch {
      return send(res, 400, { error: 'Bad org code' });
    }
    verifyOrgAccess(req, org).then(
      (r) => (r.status === 200 ? send(res, 200, { org_code: org, users: [] }) : send(res, r.status, { error: r.error })),
      () => send(res, 500, { error: 'Internal error' }),
    );
  };
}
