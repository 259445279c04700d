/**
 * The README's figures about the catalog stay true: the requirement count,
 * the table of areas (requirements, documented, inferred, warning-level per
 * area) and the number of seeded defects are computed here from
 * schemas/requirements.json and reference/defects.ts and must appear as written.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFECTS } from '../reference/defects.js';
import { requirements, type Requirement } from '../schemas/catalog.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const isVerifier = (r: Requirement) => r.id.startsWith('VERIFY-');

/** README rows: label → which requirements it counts. */
const ROWS: Array<[string, (r: Requirement) => boolean]> = [
  ['Signature, keys, discovery, both JWKS paths, `iss`, `jti`, token times, well-formed and bounded tokens (issuer side)', (r) => r.area === 'signature' && !isVerifier(r)],
  ['Verifier conformance (receiving side)', (r) => r.area === 'signature' && isVerifier(r)],
  ['Access token', (r) => r.area === 'access-token'],
  ['ID token', (r) => r.area === 'id-token'],
  ['M2M token', (r) => r.area === 'm2m-token'],
  ['Org-scoped M2M (issuer {issuer}, API enforcement {verifier})', (r) => r.area === 'org-m2m'],
  ['Properties in tokens', (r) => r.area === 'properties'],
  ['Feature flags', (r) => r.area === 'feature-flags'],
  ['Refresh tokens (model-based sequences)', (r) => r.area === 'refresh'],
  ['Workflows', (r) => r.area === 'workflows'],
  ['Token endpoint: response body, content type and cache headers, client authentication, what a request cannot obtain, authorization-code grant, error codes', (r) => r.area === 'token-response'],
];

function row(label: string, of: (r: Requirement) => boolean): string {
  const rs = requirements.filter(of);
  const filled = label
    .replace('{issuer}', String(rs.filter((r) => !isVerifier(r)).length))
    .replace('{verifier}', String(rs.filter(isVerifier).length));
  const documented = rs.filter((r) => r.level === 'documented').length;
  const warning = rs.filter((r) => r.severity === 'warning').length;
  return `| ${filled} | ${rs.length} | ${documented} | ${rs.length - documented} | ${warning} |`;
}

describe('README figures', () => {
  it('the area table counts every requirement of the catalog once, as the catalog says', () => {
    const counted = requirements.filter((r) => ROWS.some(([, of]) => of(r)));
    expect(counted.length, 'a requirement area the README table does not show').toBe(requirements.length);
    for (const [label, of] of ROWS) expect(README, `README row for "${label}"`).toContain(row(label, of));
  });

  it('says how many requirements and seeded defects there are', () => {
    expect(README).toContain(`\n${requirements.length} requirements, each with a stable ID`);
    expect(README).toContain(`(${Object.keys(DEFECTS).length} of them, \`targets\` lists them)`);
    expect(README).toContain(`Each of the ${Object.keys(DEFECTS).length} seeded defects`);
  });
});
