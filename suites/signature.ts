/**
 * Signatures and keys ("Verifying JSON Web Tokens"): every token is RS256,
 * names a key of the published JWKS, and verifies against it.
 */
import type { Jwk, Jwks, TokenType } from '../adapters/types.js';
import { defineCheck, type Check } from './lib/check.js';
import { issuanceArb, issueAll } from './lib/issuance.js';
import { verifySignature, type Decoded } from './lib/tokens.js';
import type { Judge } from './lib/violation.js';

function modulusBits(jwk: Jwk): number {
  return typeof jwk.n === 'string' ? Buffer.from(jwk.n, 'base64url').length * 8 : 0;
}

async function judgeSignature(judge: Judge, type: TokenType, token: Decoded, jwks: Jwks): Promise<void> {
  const details = { tokenType: type, token: { header: token.header, payload: token.payload } };
  const alg = token.header.alg;
  judge.check(alg === 'RS256', 'SIG-RS256', 'ERR_SIG_INVALID', `${type} token header alg is ${JSON.stringify(alg)}, not "RS256"`, {
    ...details,
    claim: 'alg',
    expected: 'RS256',
    actual: alg ?? null,
  });
  const kid = token.header.kid;
  const matches = typeof kid === 'string' ? jwks.keys.filter((k) => k.kid === kid) : [];
  const key = matches.length === 1 ? matches[0] : undefined;
  judge.check(
    key !== undefined,
    'SIG-KID-IN-JWKS',
    'ERR_SIG_INVALID',
    () =>
      typeof kid !== 'string'
        ? `${type} token header has no kid`
        : matches.length > 1
          ? `${type} token kid "${kid}" names ${matches.length} keys of the JWKS, not exactly one`
          : `${type} token kid "${kid}" is not in the JWKS (kids: ${jwks.keys.map((k) => k.kid).join(', ') || 'none'})`,
    { ...details, claim: 'kid', expected: jwks.keys.map((k) => k.kid ?? null), actual: kid ?? null },
  );
  if (key) {
    // Kinde's own validator (@kinde/jwt-validator) refuses any other key: "Invalid JWK RSA key".
    const usable = key.kty === 'RSA' && typeof key.n === 'string' && typeof key.e === 'string' && key.use === 'sig';
    judge.check(usable, 'SIG-JWK-USE', 'ERR_SIG_INVALID', () => `the JWKS key "${kid}" is ${JSON.stringify({ kty: key.kty, use: key.use ?? '(absent)' })}, not an RSA key with n, e and use "sig"`, {
      ...details,
      claim: 'kid',
      expected: { kty: 'RSA', use: 'sig' },
      actual: { kty: key.kty, use: key.use ?? null },
    });
    const bits = modulusBits(key);
    judge.check(key.kty === 'RSA' && bits >= 2048, 'SIG-RSA-2048', 'ERR_SIG_INVALID', `${type} token is signed with a ${key.kty} key of ${bits} bits`, {
      ...details,
      expected: 'RSA >= 2048 bits',
      actual: `${key.kty} ${bits} bits`,
    });
  }
  if (judge.focused('SIG-RS256')) {
    const why = await verifySignature(token.raw, jwks);
    judge.check(why === null, 'SIG-RS256', 'ERR_SIG_INVALID', `${type} token does not verify against the JWKS with RS256 pinned: ${why}`, details);
  }
}

export const checks: Check<any>[] = [
  defineCheck({
    name: 'every token is RS256-signed by a key of the JWKS',
    requirements: ['SIG-RS256', 'SIG-KID-IN-JWKS', 'SIG-RSA-2048', 'SIG-JWK-USE'],
    needs: [],
    arbitrary: () => issuanceArb(),
    async predicate(input, judge, env) {
      const issued = await issueAll(env, judge, input, ['SIG-RS256', 'SIG-KID-IN-JWKS', 'SIG-RSA-2048', 'SIG-JWK-USE']);
      const jwks = await env.adapter.jwks();
      for (const { type, token, trace } of issued.tokens) {
        Object.assign(judge.trace, trace, { token: { header: token.header, payload: token.payload } });
        await judgeSignature(judge, type, token, jwks);
      }
    },
  }),
];
