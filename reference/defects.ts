/**
 * Seeded defects. Each mutant target is the reference issuer with exactly one
 * of these switched on; the suite must catch every one (see test/mutants.test.ts).
 * Keeping them as named switches in one place (instead of copies of the issuer)
 * means a mutant differs from the reference by exactly the documented defect.
 */
export const DEFECTS = {
  'workflow-overwrites-sub': 'a workflow can overwrite `sub`',
  'exp-dropped-on-empty-permissions': '`exp` is dropped when a workflow empties `permissions`',
  'unpublished-signing-key': 'tokens are signed with a key that is not in the JWKS',
  'access-claims-leak-into-id': 'custom claims aimed at the access token also land in the ID token',
  'bindings-not-enforced': 'workflows can modify tokens without declaring the binding',
  'jti-reused': 'every token carries the same `jti`',
  'iss-trailing-slash': '`iss` has a trailing slash',
  'access-lifetime-ignores-config': 'access tokens always live 86400 s, whatever the app configures',
  'id-aud-string': 'the ID token `aud` is a string, not an array',
  'profile-claims-without-scope': 'profile claims are present without the `profile` scope',
  'at-hash-wrong': '`at_hash` hashes the whole access token instead of taking the left half',
  'scope-scp-disagree': 'M2M `scope` string drops the last granted scope',
  'm2m-user-claims': 'M2M tokens carry a user claim (`email`)',
  'm2m-untoggled-flags': 'M2M tokens carry every environment flag, not only those toggled on',
  'org-scoped-m2m-without-org-code': 'org-scoped M2M tokens lack `org_code`',
  'org-override-honored': 'a client-credentials request can set the `org_code`',
  'flag-type-code-wrong': 'integer flags carry type code `n` instead of `i`',
  'private-property-leaked': 'private (non-public) properties appear in tokens',
  'empty-permissions-removed': 'a workflow setting `permissions = []` removes the claim',
  'last-write-first-wins': 'when a workflow sets a claim twice, the first value wins',
  'workflow-on-management-api': 'M2M workflows modify tokens for the Management API audience',
  'm2m-trigger-on-user-tokens': 'm2m:token_generation workflows also run for user tokens',
  'failure-policy-ignored': 'a failing workflow with failurePolicy stop still yields tokens',
  'refresh-origin-wrong': 'workflows on refresh see origin authorization_request',
  'refresh-not-rotated': 'the refresh grant returns the same refresh token',
  'old-refresh-accepted-forever': 'rotated-out refresh tokens stay valid',
  'refresh-new-access-always': 'the refresh grant mints a new access token even when the old one is unexpired',
  'refresh-never-expires': 'refresh tokens never expire',
  'offline-access-gives-refresh': '`offline_access` is treated like `offline` and yields a refresh token',
  'hostile-name-corrupts': 'claim names are assigned with plain property assignment (`__proto__` corrupts the claims)',
} as const;

export type DefectName = keyof typeof DEFECTS;

export function isDefectName(x: string): x is DefectName {
  return Object.hasOwn(DEFECTS, x);
}
