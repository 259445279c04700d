/**
 * Runs the example org API on 127.0.0.1.
 *
 *   KINDE_ISSUER_URL=https://ktc-example.kinde.com KINDE_AUDIENCE=ktc:example-api \
 *   KINDE_JWKS_URL=http://127.0.0.1:47661/.well-known/jwks PORT=47662 npx tsx examples/org-api/server.ts
 *
 * Prints `listening on <url>` once ready. Defaults match the http-api verifier's defaults.
 */
import { createServer } from 'node:http';
import { createOrgApi } from './app.js';

const env = process.env;
const api = createOrgApi({
  issuer: env.KINDE_ISSUER_URL ?? 'https://ktc-example.kinde.com',
  audience: env.KINDE_AUDIENCE ?? 'ktc:example-api',
  jwksUrl: env.KINDE_JWKS_URL ?? 'http://127.0.0.1:47661/.well-known/jwks',
  ...(env.KINDE_JWKS_COOLDOWN_MS ? { jwksCooldownMs: Number(env.KINDE_JWKS_COOLDOWN_MS) } : {}),
});
const port = Number(env.PORT ?? 47662);
const server = createServer(api);
server.listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}`));
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => server.close(() => process.exit(0)));
