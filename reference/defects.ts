/**
 * Seeded defects. Each mutant target is the reference issuer with exactly one
 * of these switched on; the suite must catch every one (see test/mutants.test.ts).
 * Keeping them as named switches in one place (instead of copies of the issuer)
 * means a mutant differs from the reference by exactly the documented defect.
 */
export interface Defect {
  description: string;
  /** The requirement whose check must catch this defect (test/mutants.test.ts). */
  caughtBy: string;
  /** The defect lives in the HTTP surface (discovery, JWKS paths, headers): only a target seen over HTTP shows it. */
  over?: 'http';
}

export const DEFECTS = {
  'workflow-overwrites-sub': { description: 'a workflow can overwrite `sub`', caughtBy: 'WF-PROHIBITED-ACCESS' },
  'exp-dropped-on-empty-permissions': { description: '`exp` is dropped when a workflow empties `permissions`', caughtBy: 'WF-PROHIBITED-ACCESS' },
  'rotated-key-unpublished': { description: 'after a key rotation, tokens are signed with the new key while the JWKS still serves only the old one', caughtBy: 'SIG-KID-IN-JWKS' },
  'unpublished-signing-key': { description: 'tokens are signed with a key that is not in the JWKS', caughtBy: 'SIG-KID-IN-JWKS' },
  'access-claims-leak-into-id': { description: 'custom claims aimed at the access token also land in the ID token', caughtBy: 'WF-CUSTOM-ISOLATION' },
  'bindings-not-enforced': { description: 'workflows can modify tokens without declaring the binding', caughtBy: 'WF-BINDING-REQUIRED' },
  'jti-reused': { description: 'every token carries the same `jti`', caughtBy: 'TOKEN-JTI-UNIQUE' },
  'iss-trailing-slash': { description: '`iss` has a trailing slash', caughtBy: 'TOKEN-ISS' },
  'access-lifetime-ignores-config': { description: 'access tokens always live 86400 s, whatever the app configures', caughtBy: 'ACCESS-LIFETIME' },
  'id-aud-string': { description: 'the ID token `aud` is a string, not an array', caughtBy: 'ID-AUD-ARRAY' },
  'profile-claims-without-scope': { description: 'profile claims are present without the `profile` scope', caughtBy: 'ID-PROFILE-SCOPE' },
  'at-hash-wrong': { description: '`at_hash` hashes the whole access token instead of taking the left half', caughtBy: 'ID-AT-HASH' },
  'aud-first-only': { description: 'access tokens (user and M2M) carry only the first requested audience', caughtBy: 'ACCESS-AUD' },
  'scope-scp-disagree': { description: 'M2M `scope` string drops the last granted scope', caughtBy: 'M2M-SCOPE-SCP' },
  'm2m-user-claims': { description: 'M2M tokens carry a user claim (`email`)', caughtBy: 'M2M-NO-USER-CLAIMS' },
  'm2m-untoggled-flags': { description: 'M2M tokens carry every environment flag, not only those toggled on', caughtBy: 'FLAGS-M2M-TOGGLED' },
  'org-scoped-m2m-without-org-code': { description: 'org-scoped M2M tokens lack `org_code`', caughtBy: 'ORG-M2M-ORG-CODE' },
  'org-override-honored': { description: 'a client-credentials request can set the `org_code`', caughtBy: 'ORG-M2M-NO-OVERRIDE' },
  'flag-type-code-wrong': { description: 'integer flags carry type code `n` instead of `i`', caughtBy: 'FLAGS-SHAPE' },
  'private-property-leaked': { description: 'private (non-public) properties appear in tokens', caughtBy: 'PROP-PUBLIC-ONLY' },
  'empty-permissions-removed': { description: 'a workflow setting `permissions = []` removes the claim', caughtBy: 'WF-EMPTY-PERMS-FLAGS' },
  'last-write-first-wins': { description: 'when a workflow sets a claim twice, the first value wins', caughtBy: 'WF-LAST-WRITE' },
  'workflow-on-management-api': { description: 'M2M workflows modify tokens for the Management API audience', caughtBy: 'WF-M2M-MGMT-API' },
  'm2m-trigger-on-user-tokens': { description: 'm2m:token_generation workflows also run for user tokens', caughtBy: 'WF-TRIGGER' },
  'failure-policy-ignored': { description: 'a failing workflow with failurePolicy stop still yields tokens', caughtBy: 'WF-FAILURE-STOP' },
  'refresh-origin-wrong': { description: 'workflows on refresh see origin authorization_request', caughtBy: 'WF-REFRESH-ORIGIN' },
  'refresh-not-rotated': { description: 'the refresh grant returns the same refresh token', caughtBy: 'RT-ROTATE' },
  'old-refresh-accepted-forever': { description: 'rotated-out refresh tokens stay valid', caughtBy: 'RT-OLD-REFUSED' },
  'refresh-new-access-always': { description: 'the refresh grant mints a new access token even when the old one is unexpired', caughtBy: 'RT-ACCESS-UNCHANGED' },
  'refresh-never-expires': { description: 'refresh tokens never expire', caughtBy: 'RT-LIFETIME' },
  'offline-access-gives-refresh': { description: '`offline_access` is treated like `offline` and yields a refresh token', caughtBy: 'RT-OFFLINE-ACCESS' },
  'trial-expiry-as-timestamp': { description: '`trial_expires_on` is Unix seconds instead of an ISO 8601 date-time', caughtBy: 'ACCESS-BILLING-TRIAL' },
  'hostile-name-corrupts': { description: 'claims are merged with plain assignment and for…in (a `__proto__` claim pollutes other claims)', caughtBy: 'WF-HOSTILE-NAMES' },
  'jwks-publishes-private-key': { description: 'the JWKS publishes the signing key with its private members (d, p, q, dp, dq, qi)', caughtBy: 'SIG-JWKS-PUBLIC-ONLY' },
  'jwks-publishes-hmac-secret': { description: 'the JWKS also lists an HS256 key with its secret `k`', caughtBy: 'SIG-JWKS-PUBLIC-ONLY' },
  'token-standard-base64': { description: 'token segments are standard base64 with padding (`+`, `/`, `=`), not base64url', caughtBy: 'TOKEN-WELL-FORMED' },
  'duplicate-claim-names': { description: 'the payload is built by string concatenation and repeats `iss` (a stale default first)', caughtBy: 'TOKEN-CLAIM-NAMES-UNIQUE' },
  'oversized-token': { description: 'every token carries a 24 KiB `_debug` claim, too big for an HTTP header', caughtBy: 'TOKEN-BOUNDED' },
  'fetch-env-always-mounted': { description: 'kinde.env and kinde.fetch are there for workflows that do not declare them', caughtBy: 'WF-NATIVE-BINDING-GATE' },
  'secure-fetch-with-fetch': { description: 'declaring kinde.fetch also mounts kinde.secureFetch (one switch for both)', caughtBy: 'WF-NATIVE-BINDING-GATE' },
  'fetch-ignores-url': { description: 'kinde.fetch answers every request with the first fixture, whatever its URL (matching by method only)', caughtBy: 'WF-FIXTURE-VALUES' },
  'env-values-trimmed': { description: 'environment variables reach the workflow without their surrounding whitespace', caughtBy: 'WF-FIXTURE-VALUES' },
  'workflow-promise-not-awaited': {
    description: "the runtime does not wait for the workflow's promise: writes after an await that takes more than one microtask turn are lost",
    caughtBy: 'WF-AWAIT-WRITES',
  },
  'only-first-workflow-runs': { description: 'only the first deployed workflow of a trigger runs', caughtBy: 'WF-ALL-WORKFLOWS-RUN' },
  'event-org-code-missing': { description: "the user token workflow's event has `context.organization.code` null even when the user signs in to an organization", caughtBy: 'WF-EVENT-FIELDS' },
  'undefined-written-as-null': { description: "the low-level `setCustomClaim(name, undefined)` stores the claim as null", caughtBy: 'WF-UNDEFINED-CLAIM' },
  'refresh-auth-time-now': { description: 'an ID token minted by the refresh grant carries the time of the refresh as auth_time, not the time the user authenticated', caughtBy: 'ID-REFRESH-CLAIMS' },
  'refresh-drops-org-code': { description: 'an access token minted by the refresh grant (after the first expired) lacks the session’s `org_code`', caughtBy: 'ACCESS-ORG-CODE' },
  'refresh-keeps-first-workflow-claims': {
    description: 'an access token minted by the refresh grant carries the claims the workflows wrote at sign-in, not those they write on refresh',
    caughtBy: 'WF-REFRESH-ORIGIN',
  },
  'client-secret-unchecked': { description: 'confidential clients are not authenticated: any client secret (or none) is accepted', caughtBy: 'TOKEN-CLIENT-AUTH' },
  'unauthorized-audience-granted': { description: 'a token request gets any API of the environment as audience, authorized for the application or not', caughtBy: 'TOKEN-NO-ESCALATION' },
  'undefined-scope-granted': { description: 'client credentials grant a requested scope that no requested API defines', caughtBy: 'TOKEN-NO-ESCALATION' },
  'discovery-advertises-hs256': { description: 'discovery advertises HS256 beside RS256 as an ID token signing algorithm', caughtBy: 'DISC-SIGNING-ALGS', over: 'http' },
  'discovery-issuer-slash': { description: 'the discovery issuer has a trailing slash the tokens’ iss does not', caughtBy: 'DISC-ISSUER', over: 'http' },
  'discovery-jwks-uri-wrong': { description: 'discovery jwks_uri names a path where no key set is served', caughtBy: 'DISC-JWKS-URI', over: 'http' },
  'discovery-algs-without-rs256': { description: 'discovery advertises only ES256 signing while tokens are RS256', caughtBy: 'DISC-SIGNING-ALGS', over: 'http' },
  'discovery-missing-subject-types': { description: 'the discovery document lacks the REQUIRED subject_types_supported', caughtBy: 'DISC-REQUIRED-MEMBERS', over: 'http' },
  'discovery-grant-types-incomplete': { description: 'discovery grant_types_supported omits refresh_token although refresh tokens are issued and redeemed', caughtBy: 'DISC-METADATA', over: 'http' },
  'discovery-pkce-plain-only': { description: 'discovery code_challenge_methods_supported offers only plain, not S256', caughtBy: 'DISC-METADATA', over: 'http' },
  'jwks-json-path-missing': { description: 'only /.well-known/jwks is served; /.well-known/jwks.json answers 404', caughtBy: 'JWKS-BOTH-PATHS', over: 'http' },
  'token-response-text-plain': { description: 'successful token responses are labelled Content-Type: text/plain (the body is still JSON)', caughtBy: 'RESP-JSON', over: 'http' },
  'code-reuse-accepted': { description: 'an authorization code can be exchanged again after its first exchange (new tokens each time)', caughtBy: 'CODE-SINGLE-USE' },
  'code-reuse-keeps-tokens': { description: 'a replayed authorization code is refused but the refresh tokens issued from it stay valid', caughtBy: 'CODE-REUSE-REVOKES' },
  'pkce-unbound': { description: 'the code_challenge of the sign-in is dropped: any code_verifier, or none, is accepted', caughtBy: 'CODE-PKCE-BOUND' },
  'redirect-uri-unbound': { description: 'the redirect_uri of the sign-in is not compared at the token endpoint: any one, or none, is accepted', caughtBy: 'CODE-REDIRECT-BOUND' },
  'code-client-unbound': { description: 'an authorization code issued to one application is exchanged by another (with its own credentials)', caughtBy: 'CODE-CLIENT-BOUND' },
  'error-code-generic': { description: 'the token endpoint answers invalid_request where invalid_grant or unsupported_grant_type is due', caughtBy: 'TOKEN-ERROR-CODES' },
  'token-response-cacheable': { description: 'token responses say Cache-Control: no-cache with an empty Pragma (cacheable by intermediaries)', caughtBy: 'RESP-NO-STORE', over: 'http' },
  'header-jku': { description: 'token headers carry `jku` naming the issuer’s own JWKS', caughtBy: 'TOKEN-HEADER-MEMBERS' },
  'header-cty-jwt': { description: 'token headers carry `cty: "JWT"` (declaring a nested JWT) although the payload is the claims set', caughtBy: 'TOKEN-HEADER-MEMBERS' },
  'jwks-n-leading-zero': { description: 'the JWKS publishes the modulus `n` with a leading zero octet (257 octets for a 2048-bit key)', caughtBy: 'SIG-JWK-ENCODING' },
  'm2m-refresh-token': { description: 'client-credentials responses carry a `refresh_token`', caughtBy: 'M2M-NO-REFRESH-TOKEN' },
  // Token revocation (RFC 7009; reference/revocation.ts).
  'revoke-noop': { description: 'the revocation endpoint answers 200 and revokes nothing', caughtBy: 'REVOKE-REFRESH-REFUSED' },
  'revoked-access-returned-on-refresh': { description: 'after its access token is revoked, a refresh returns that revoked access token again', caughtBy: 'REVOKE-ACCESS-NEW-ON-REFRESH' },
  'revoke-unknown-token-400': { description: 'revoking an unknown or already revoked token answers 400 invalid_request', caughtBy: 'REVOKE-INVALID-TOKEN-200' },
  'revoke-any-client': { description: 'any authenticated client can revoke another client’s tokens', caughtBy: 'REVOKE-CLIENT-BOUND' },
} as const satisfies Record<string, Defect>;

export type DefectName = keyof typeof DEFECTS;

export function isDefectName(x: string): x is DefectName {
  return Object.hasOwn(DEFECTS, x);
}
