/**
 * Runs the example org API on 127.0.0.1, configured the way the README tells
 * users to configure their own API for `--verifier=http-api`:
 *
 *   KTC_API_ISSUER    issuer the API trusts   (default https://ktc-example.kinde.com)
 *   KTC_API_AUDIENCE  the API's audience      (default ktc:example-api)
 *   KTC_JWKS_PORT     where the suite serves the issuer's JWKS on loopback (default 47661):
 *                     the API fetches http://127.0.0.1:${KTC_JWKS_PORT}/.well-known/jwks
 *   PORT              where the API listens   (default 47662; 0 picks a free port, printed)
 *
 *   PORT=47662 npx tsx examples/org-api/server.ts
 *   npx kinde-token-conformance run --verifier=http-api --verifier-url=http://127.0.0.1:47662
 *
 * Prints `listening on <url>` once ready. Nothing else is tuned: jose's default JWKS cache applies.
 */
import { createServer } from 'node:http';
import { createOrgApi } from './app.js';

const env = process.env;
const jwksPort = env.KTC_JWKS_PORT ?? '47661';
const api = createOrgApi({
  issuer: env.KTC_API_ISSUER ?? 'https://ktc-example.kinde.com',
  audience: env.KTC_API_AUDIENCE ?? 'ktc:example-api',
  jwksUrl: `http://127.0.0.1:${jwksPort}/.well-known/jwks`,
});
const port = Number(env.PORT ?? 47662);
const server = createServer(api);
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`);
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => server.close(() => process.exit(0)));
