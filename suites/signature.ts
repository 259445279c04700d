/**
 * Signatures and keys ("Verifying JSON Web Tokens"): every token is a
 * well-formed, bounded compact JWS with unique member names, RS256, names a
 * key of the published JWKS and verifies against it, with no header member
 * that names another key or changes processing; the JWKS itself holds public
 * RSA keys only, with n and e encoded as Base64urlUInt.
 */
import fc from 'fast-check';
import type { JsonObject, JsonValue, Jwk, Jwks, TokenType } from '../adapters/types.js';
import { schemaErrors } from '../schemas/catalog.js';
import { defineCheck, type Check } from './lib/check.js';
import { issuanceArb, issueAll } from './lib/issuance.js';
import { own } from './lib/json.js';
import { verifySignature, type Decoded } from './lib/tokens.js';
import { judgeHeaderMembers } from './lib/token-header.js';
import type { Judge } from './lib/violation.js';

/** Members that only private or symmetric keys have (RFC 7518 §6.3.2, §6.4). */
const PRIVATE_RSA_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'];

/** The modulus size in bits, leading zero octets not counted (zeros in front of a short modulus do not make it longer: SIG-JWK-ENCODING judges them). */
function modulusBits(jwk: Jwk): number {
  if (typeof jwk.n !== 'string') return 0;
  const octets = Buffer.from(jwk.n, 'base64url');
  const first = octets.findIndex((b) => b !== 0);
  return first < 0 ? 0 : (octets.length - first) * 8 - Math.clz32(octets[first]!) + 24;
}

/** Requirements judged on every issued token (the token-form ones first: nothing else can be judged without them). */
const TOKEN_REQUIREMENTS = ['TOKEN-WELL-FORMED', 'TOKEN-BOUNDED', 'TOKEN-CLAIM-NAMES-UNIQUE', 'SIG-RS256', 'SIG-KID-IN-JWKS', 'SIG-RSA-2048', 'SIG-JWK-USE', 'TOKEN-HEADER-MEMBERS'];

async function judgeSignature(judge: Judge, type: TokenType, token: Decoded, jwks: Jwks): Promise<void> {
  const details = { tokenType: type, token: { header: token.header, payload: token.payload } };
  judge.check(token.duplicates.length === 0, 'TOKEN-CLAIM-NAMES-UNIQUE', 'ERR_TOKEN_MALFORMED', () => duplicatesMessage(type, token), details);
  judgeHeaderMembers(judge, type, token.header);
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
          : `${type} token kid "${kid}" is not in the JWKS (kids: ${kidList(jwks)})`,
    { ...details, claim: 'kid', expected: jwks.keys.slice(0, 20).map((k) => k.kid ?? null), actual: kid ?? null },
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
    // A verifier cannot use a published private key as a verification key: that is SIG-JWKS-PUBLIC-ONLY's defect.
    const leaked = key !== undefined && PRIVATE_RSA_MEMBERS.some((m) => Object.hasOwn(key, m));
    judge.check(why === null, 'SIG-RS256', 'ERR_SIG_INVALID', `${type} token does not verify against the JWKS with RS256 pinned: ${why}`, {
      ...details,
      ...(leaked ? { because: 'SIG-JWKS-PUBLIC-ONLY' } : {}),
    });
  }
}

function kidList(jwks: Jwks): string {
  const kids = jwks.keys.slice(0, 20).map((k) => k.kid).join(', ') || 'none';
  return jwks.keys.length > 20 ? `${kids}, … ${jwks.keys.length - 20} more` : kids;
}

function duplicatesMessage(type: TokenType, token: Decoded): string {
  const top = token.duplicates.map((d) => /^payload \/([^/]*) \(/.exec(d)?.[1]).filter((n): n is string => n !== undefined && !n.includes('~'));
  const read = top.length > 0 ? `; the suite, like JSON.parse and jose, reads the last one: ${top.map((n) => `${n} = ${JSON.stringify(own(token.payload, n))?.slice(0, 100)}`).join(', ')}` : '';
  return `${type} token repeats member names (RFC 7519 §4: claim names MUST be unique): ${token.duplicates.slice(0, 10).join(', ')}${read}`;
}

/** The key with its secret members replaced: a report must not spread a leaked key further. */
function redactKey(key: Jwk): JsonObject {
  const out: JsonObject = { ...(key as JsonObject) };
  for (const m of [...PRIVATE_RSA_MEMBERS, 'k']) if (Object.hasOwn(out, m)) out[m] = '[redacted]';
  return out;
}

/**
 * Why a JWK member is not a Base64urlUInt (RFC 7518 §2: the minimum number of
 * octets, zero as the single octet AA; RFC 7515 §2: base64url without padding),
 * or null when it is one.
 */
export function base64urlUIntProblem(value: unknown): string | null {
  if (typeof value !== 'string') return `is ${value === undefined ? 'absent' : typeof value}, not a string`;
  if (!/^[A-Za-z0-9_-]+$/.test(value)) return 'is not unpadded base64url (only A-Z a-z 0-9 - _)';
  const octets = Buffer.from(value, 'base64url');
  if (octets.toString('base64url') !== value) return 'is not the canonical base64url of any octets (a stray character or non-zero trailing bits)';
  if (octets.length > 1 && octets[0] === 0) return `has a leading zero octet (${octets.length} octets where ${octets.length - 1} hold the value)`;
  return null;
}

function judgeKeyEncoding(judge: Judge, jwk: Jwk, name: string): void {
  if (jwk.kty !== 'RSA') return;
  const problems = (['n', 'e'] as const).flatMap((m) => {
    const why = base64urlUIntProblem(jwk[m]);
    return why === null ? [] : [`${m} ${why}`];
  });
  judge.check(problems.length === 0, 'SIG-JWK-ENCODING', 'ERR_RESPONSE_INVALID', () => `${name}: ${problems.join('; ')} (RFC 7518 §2 Base64urlUInt: the minimum number of octets, no padding)`, {
    expected: 'n and e as Base64urlUInt: unpadded base64url of the minimal big-endian octets',
    actual: { kid: jwk.kid ?? null, n: typeof jwk.n === 'string' ? `${jwk.n.slice(0, 24)}… (${jwk.n.length} chars)` : ((jwk.n as unknown as JsonValue) ?? null), e: (jwk.e as unknown as JsonValue) ?? null },
  });
}

function judgeJwks(judge: Judge, jwks: Jwks): void {
  const keys: unknown[] = Array.isArray((jwks as { keys?: unknown }).keys) ? jwks.keys : [];
  keys.forEach((key, i) => {
    if (typeof key !== 'object' || key === null) return;
    const jwk = key as Jwk;
    const name = `JWKS key ${i}${typeof jwk.kid === 'string' ? ` (kid ${JSON.stringify(jwk.kid.slice(0, 64))})` : ''}`;
    const priv = PRIVATE_RSA_MEMBERS.filter((m) => Object.hasOwn(jwk, m));
    judge.check(priv.length === 0, 'SIG-JWKS-PUBLIC-ONLY', 'ERR_RESPONSE_INVALID', `${name} publishes private key members ${priv.join(', ')} (RFC 7518 §6.3.2): the private half of the key is readable by anyone`, {
      expected: 'a public key: no d, p, q, dp, dq, qi, oth',
      actual: redactKey(jwk),
    });
    judgeKeyEncoding(judge, jwk, name);
    const symmetric = jwk.kty === 'oct' || Object.hasOwn(jwk, 'k');
    judge.check(!symmetric, 'SIG-JWKS-PUBLIC-ONLY', 'ERR_RESPONSE_INVALID', `${name} is a symmetric key (kty ${JSON.stringify(jwk.kty)}${Object.hasOwn(jwk, 'k') ? ', secret k published' : ''}): anyone can sign HMAC tokens with it`, {
      expected: 'RSA public keys only',
      actual: redactKey(jwk),
    });
  });
  const errors = schemaErrors('jwks', jwks);
  judge.check(errors.length === 0, 'SIG-JWKS-PUBLIC-ONLY', 'ERR_RESPONSE_INVALID', () => `the JWKS breaks schemas/jwks.schema.json: ${errors.slice(0, 5).join('; ')}${errors.length > 5 ? `; … ${errors.length - 5} more` : ''}`, {
    expected: 'RSA public keys with kty, n, e and kid',
    actual: { keys: keys.slice(0, 3).map((k) => (typeof k === 'object' && k !== null ? redactKey(k as Jwk) : (k as JsonValue))) },
  });
}

export const checks: Check<any>[] = [
  defineCheck({
    name: 'every token is RS256-signed by a key of the JWKS',
    requirements: TOKEN_REQUIREMENTS,
    needs: [],
    arbitrary: () => issuanceArb(),
    async predicate(input, judge, env) {
      const issued = await issueAll(env, judge, input, TOKEN_REQUIREMENTS);
      const jwks = await env.adapter.jwks();
      for (const { type, token, trace } of issued.tokens) {
        Object.assign(judge.trace, trace, { token: { header: token.header, payload: token.payload } });
        await judgeSignature(judge, type, token, jwks);
      }
    },
  }),
  defineCheck({
    // Kinde rotates its signing keys; a verifier that follows the docs fetches the JWKS and expects the token's
    // kid in it, so tokens signed after a rotation must name a key the JWKS then publishes (the old one may stay).
    name: 'after a signing-key rotation, every new token is RS256-signed by a key of the JWKS then published',
    requirements: ['SIG-KID-IN-JWKS', 'SIG-RS256'],
    needs: ['keyRotation'],
    // A rotation costs an RSA key generation on most targets: a tenth of the runs.
    runsFactor: 0.1,
    arbitrary: () => issuanceArb(),
    async predicate(input, judge, env) {
      await env.adapter.rotateKeys!();
      judge.trace.commands = ['rotateKeys()'];
      const issued = await issueAll(env, judge, input, ['SIG-KID-IN-JWKS', 'SIG-RS256']);
      const jwks = await env.adapter.jwks();
      for (const { type, token, trace } of issued.tokens) {
        Object.assign(judge.trace, trace, { token: { header: token.header, payload: token.payload } });
        await judgeSignature(judge, type, token, jwks);
      }
    },
  }),
  defineCheck({
    name: 'the published JWKS holds RSA public keys only, each encoded minimally',
    requirements: ['SIG-JWKS-PUBLIC-ONLY', 'SIG-JWK-ENCODING'],
    needs: [],
    // The key set does not depend on generated input: a few reads, to see it after other checks provisioned.
    runsFactor: 0.05,
    arbitrary: () => fc.constant(null),
    async predicate(_input, judge, env) {
      judgeJwks(judge, await env.adapter.jwks());
    },
  }),
];
