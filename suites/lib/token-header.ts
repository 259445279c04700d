/**
 * The JOSE header of issued tokens as a surface (TOKEN-HEADER-MEMBERS): alg is
 * judged by SIG-RS256, kid by SIG-KID-IN-JWKS, typ is left to the application
 * (RFC 7519 §5.1); the members below have no place in a Kinde token, whose key
 * is the one the environment's JWKS publishes. A cty that declares a nested
 * JWT ("JWT", or "application/jwt", in any case: RFC 7515 §4.1.10) is judged too:
 * the payload of a Kinde token is a claims set, never another JWT. Another cty
 * is not judged (RFC 7519 §5.2 only makes it NOT RECOMMENDED, and §7.2 step 8
 * acts on "JWT" alone). Their order, and members not listed (x5t, private
 * names), are not judged.
 */
import type { JsonObject, TokenType } from '../../adapters/types.js';
import type { Judge } from './violation.js';

/** Header members an issuer must not emit, each with why (the requirement's note has the clauses). */
export const FORBIDDEN_HEADER_MEMBERS: Readonly<Record<string, string>> = {
  jku: 'a URL to fetch the key set from (RFC 7515 §4.1.2; RFC 8725 §3.10: SSRF)',
  x5u: 'a URL to fetch a certificate from (RFC 7515 §4.1.5; RFC 8725 §3.10: SSRF)',
  jwk: 'the verification key embedded in the token (RFC 7515 §4.1.3)',
  x5c: 'a certificate chain embedded in the token (RFC 7515 §4.1.6)',
  crit: 'critical extensions a recipient MUST reject when it does not understand them (RFC 7515 §4.1.11)',
  b64: 'an unencoded payload, another signing input (RFC 7797 §3)',
  zip: 'compression, a JWE parameter (RFC 7516 §4.1.3)',
  enc: 'content encryption: a header with enc is a JWE (RFC 7516 §9)',
};

/** A cty that tells a verifier the payload is itself a JWT (RFC 7519 §5.2, §7.2 step 8; RFC 7515 §4.1.10: "application/" may be left off). */
export function declaresNestedJwt(cty: unknown): boolean {
  return typeof cty === 'string' && /^(application\/)?jwt$/i.test(cty);
}

const NESTED_CTY = 'a nested JWT on a payload that is a JSON claims set (RFC 7519 §5.2, §7.2 step 8: a verifier then decodes the payload as another JWT)';

export function judgeHeaderMembers(judge: Judge, type: TokenType, header: JsonObject): void {
  const found = Object.keys(FORBIDDEN_HEADER_MEMBERS).filter((m) => Object.hasOwn(header, m));
  if (declaresNestedJwt(header.cty)) found.push('cty');
  judge.check(
    found.length === 0,
    'TOKEN-HEADER-MEMBERS',
    'ERR_TOKEN_MALFORMED',
    () => `${type} token header carries ${found.map((m) => `${m} ${JSON.stringify(header[m])?.slice(0, 120)} (${FORBIDDEN_HEADER_MEMBERS[m] ?? NESTED_CTY})`).join('; ')}: a Kinde token's key is the one the JWKS publishes under kid, and its payload is the claims set itself`,
    { tokenType: type, claim: found[0] ?? 'header', expected: `no ${Object.keys(FORBIDDEN_HEADER_MEMBERS).join(', ')}; no cty "JWT"`, actual: Object.fromEntries(found.map((m) => [m, header[m] ?? null])) },
  );
}
