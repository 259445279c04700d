// The library API in a project's own code (run: node stand-in.mjs).
//
// 1. startReferenceIssuer(): a Kinde stand-in on 127.0.0.1, so the code under
//    test gets real RS256 tokens without a live tenant.
// 2. runConformance(): a conformance run against it (or against your own
//    token service), with the results object every report is built from.
import { readFile } from 'node:fs/promises';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { runConformance, startReferenceIssuer } from 'kinde-token-conformance';

const tenant = JSON.parse(await readFile(new URL('./tenant.json', import.meta.url), 'utf8'));
const kinde = await startReferenceIssuer({ tenant });
try {
  // What your service does: client credentials at the token endpoint...
  const res = await fetch(kinde.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'orders-worker', client_secret: 'Ex4mpleSecretN0tARealOne7b1c9d2e5f8a3b6c0d', audience: 'acme:orders-api' }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`token endpoint answered ${res.status}: ${await res.text()}`);
  const { access_token } = await res.json();
  // ...and what your API does: verify it against the JWKS, issuer and audience pinned.
  const { payload } = await jwtVerify(access_token, createRemoteJWKSet(new URL(kinde.jwksUrl)), {
    issuer: kinde.issuer,
    audience: 'acme:orders-api',
    algorithms: ['RS256'],
  });
  console.log(`M2M token for ${payload.azp}: gty=${JSON.stringify(payload.gty)} scp=${JSON.stringify(payload.scp)} iss=${payload.iss}`);

  // A conformance run against the stand-in over HTTP, as against any protocol v1 target.
  const { results, exitCode } = await runConformance({ target: 'http', targetUrl: kinde.url, runs: 10, seed: 1, only: ['TOKEN-ISS', 'M2M-GTY', 'SIG-RS256'] });
  for (const r of results.requirements) console.log(`${r.id.padEnd(12)} ${r.verdict}`);
  console.log(`score ${results.summary.score}%, exit code ${exitCode}`);
  process.exitCode = exitCode;
} finally {
  await kinde.close();
}
