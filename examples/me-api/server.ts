/**
 * An API without organizations, the most common kind: `GET /api/me` answers
 * the caller's `sub` for a valid access token, 401 otherwise. Tested through
 * `--verifier=http-api` with a route that has no `:org_code` (the org
 * requirements are then not applicable):
 *
 *   PORT=47663 npx tsx examples/me-api/server.ts
 *   KTC_API_ROUTE=/api/me KTC_API_ACCEPT_STATUS=200 KTC_API_REJECT_STATUS=401,431 \
 *     npx kinde-token-conformance run --verifier=http-api --verifier-url=http://127.0.0.1:47663
 *
 * Same settings as examples/org-api (KTC_API_ISSUER, KTC_API_AUDIENCE,
 * KTC_JWKS_PORT, PORT); jose's createRemoteJWKSet with its defaults.
 * Prints `listening on <url>` once ready.
 */
import { createServer, type ServerResponse } from 'node:http';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const env = process.env;
const issuer = env.KTC_API_ISSUER ?? 'https://ktc-example.kinde.com';
const audience = env.KTC_API_AUDIENCE ?? 'ktc:example-api';
const jwks = createRemoteJWKSet(new URL(`http://127.0.0.1:${env.KTC_JWKS_PORT ?? '47661'}/.well-known/jwks`));

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const server = createServer((req, res) => {
  if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://localhost').pathname !== '/api/me') return send(res, 404, { error: 'Not found' });
  // The scheme is case-insensitive (RFC 9110 §11.1; Kinde's token_type is "Bearer" or "bearer").
  const [scheme, token] = (req.headers.authorization ?? '').split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !token) return send(res, 401, { error: 'Missing token' });
  jwtVerify(token, jwks, { algorithms: ['RS256'], issuer, audience, requiredClaims: ['exp'] }).then(
    ({ payload }) => send(res, 200, { sub: payload.sub ?? null }),
    () => send(res, 401, { error: 'Invalid or expired token' }),
  );
});
const port = Number(env.PORT ?? 47663);
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`);
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => server.close(() => process.exit(0)));
