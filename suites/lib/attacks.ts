/**
 * The attack catalog (anchors §6: RFC 8725, jwt_tool) as fast-check
 * arbitraries over plain data, so fast-check shrinks a caught defect to the
 * smallest malicious variant. `buildAttack` (attack-build.ts) turns an attack
 * plus a valid token into the malicious compact JWS. Each class names the
 * requirement a verifier breaks by accepting it.
 *
 * Every value a verifier must compare (iss, aud, kid, alg; org_code in the org
 * checks) is attacked with generated near misses of the expected value
 * (attack-near-miss.ts), re-signed with the key the verifier trusts, so only
 * the comparison can tell them apart; every JWS algorithm other than RS256 is
 * tried with that same trusted key (RFC 8725 §3.1).
 */
import fc from 'fast-check';
import { editArb, editBatteryArb, urlEditArb, urlEditBatteryArb, type Edit, type UrlEdit } from './attack-near-miss.js';

export type RsaSwapAlg = 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512';
export type ForeignAlg = 'ES256' | 'ES384' | 'ES512' | 'EdDSA';

export type Attack =
  | { kind: 'alg-none'; alg: string; signature: 'empty' | 'original' }
  | { kind: 'strip-signature'; form: 'empty' | 'two-segments' | 'zeroed' }
  | { kind: 'hmac-confusion'; alg: 'HS256' | 'HS384' | 'HS512'; secret: 'spki-pem' | 'pkcs1-pem' | 'jwk-json' | 'modulus' | 'empty'; keepKid: boolean }
  /** The trusted RSA key itself under another RSA algorithm. */
  | { kind: 'alg-swap'; alg: RsaSwapAlg }
  /** ES256/384/512 or EdDSA with a key the suite publishes in the JWKS (its own kid, or the trusted RSA key's). */
  | { kind: 'alg-foreign'; alg: ForeignAlg; kid: 'own' | 'trusted' }
  /** A valid RS256 signature by the trusted key under an alg header that is a near miss of "RS256". */
  | { kind: 'alg-label'; edit: Edit }
  | { kind: 'embedded-jwk'; keepKid: boolean }
  | { kind: 'jku' | 'x5u'; keepKid: boolean }
  | { kind: 'kid-injection'; kid: string; sign: 'hs-empty' | 'attacker-rsa' }
  | { kind: 'unknown-kid'; kid: string }
  /** Signed by the trusted key, kid a near miss of its kid. */
  | { kind: 'kid-near-miss'; edit: Edit }
  | { kind: 'expired'; secondsAgo: number }
  | { kind: 'exp-invalid'; exp: 'missing' | 'string' | 'string-number' | 'null' | 'boolean' | 'array' | 'object' }
  | { kind: 'nbf-future'; secondsAhead: number }
  | { kind: 'iss'; variant: 'missing' | 'array' | 'null' | 'number' | 'empty' | 'other-tenant' }
  | { kind: 'iss-near-miss'; edit: UrlEdit }
  | { kind: 'aud'; variant: 'missing' | 'other-api' | 'empty-array' | 'other-string' | 'null' | 'empty-string' | 'object' }
  /** aud holds only near misses of the API's audience, as a string or in an array (beside other APIs). */
  | { kind: 'aud-near-miss'; edit: Edit; shape: 'string' | 'array' | 'array-with-other' | 'nested-array' }
  | { kind: 'crit'; variant: 'unknown' | 'b64-false' }
  | { kind: 'tamper'; claim: 'sub' | 'org_code' | 'permissions' | 'feature_flags' | 'exp' | 'scp' }
  | { kind: 'encoding'; variant: 'duplicate-key' | 'extra-segment' | 'five-segments' | 'pad-payload' | 'whitespace-payload' | 'dot-suffix' }
  | { kind: 'weak-key' }
  | { kind: 'oversized'; kilobytes: number };

export type AttackKind = Attack['kind'];

/** The requirement a verifier violates by accepting each attack class. */
export const ATTACK_REQUIREMENT: Record<AttackKind, string> = {
  'alg-none': 'VERIFY-ALG-NONE',
  'strip-signature': 'VERIFY-ALG-NONE',
  'hmac-confusion': 'VERIFY-ALG-HMAC',
  'alg-swap': 'VERIFY-ALG-RS256',
  'alg-foreign': 'VERIFY-ALG-RS256',
  'alg-label': 'VERIFY-ALG-RS256',
  'embedded-jwk': 'VERIFY-HEADER-KEY',
  jku: 'VERIFY-HEADER-KEY',
  x5u: 'VERIFY-HEADER-KEY',
  'kid-injection': 'VERIFY-KID',
  'unknown-kid': 'VERIFY-KID',
  'kid-near-miss': 'VERIFY-KID',
  expired: 'VERIFY-EXP',
  'exp-invalid': 'VERIFY-EXP-REQUIRED',
  'nbf-future': 'VERIFY-NBF',
  iss: 'VERIFY-ISS',
  'iss-near-miss': 'VERIFY-ISS',
  aud: 'VERIFY-AUD',
  'aud-near-miss': 'VERIFY-AUD',
  crit: 'VERIFY-CRIT',
  tamper: 'VERIFY-TAMPER',
  encoding: 'VERIFY-ENCODING',
  'weak-key': 'VERIFY-RSA-2048',
  oversized: 'VERIFY-BOUNDED',
};

const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);

/**
 * Seconds outside the declared tolerance. 0 is already outside: `exp` is then the
 * current second, and RFC 7519 §4.1.4 says the current time "MUST be before" it (a
 * verifier that checks `exp < now` instead of `exp <= now` accepts it); the token is
 * built so that its exp instant is strictly before the verifier's clock, whatever its
 * resolution (attack-build.ts). Then just outside, and far outside.
 */
const outsideArb = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 6, max: 120 }), fc.integer({ min: 121, max: 10_000_000 }));
/**
 * nbf ahead of the clock: at least 3 s, because the verifier's clock may cross one second
 * boundary while the token travels, and nbf == now is valid.
 */
const aheadArb = fc.oneof(fc.integer({ min: 3, max: 5 }), fc.integer({ min: 6, max: 120 }), fc.integer({ min: 121, max: 10_000_000 }));

export const ATTACKS: Record<string, fc.Arbitrary<Attack>> = {
  'VERIFY-ALG-NONE': fc.oneof(
    fc.record({
      kind: fc.constant('alg-none' as const),
      alg: fc.oneof(pick('none', 'None', 'NONE', 'nOnE'), fc.mixedCase(fc.constant('none'))),
      signature: pick('empty' as const, 'original' as const),
    }),
    fc.record({ kind: fc.constant('strip-signature' as const), form: pick('empty' as const, 'two-segments' as const, 'zeroed' as const) }),
  ),
  'VERIFY-ALG-HMAC': fc.record({
    kind: fc.constant('hmac-confusion' as const),
    alg: pick('HS256' as const, 'HS384' as const, 'HS512' as const),
    secret: pick('spki-pem' as const, 'pkcs1-pem' as const, 'jwk-json' as const, 'modulus' as const, 'empty' as const),
    keepKid: fc.boolean(),
  }),
  'VERIFY-ALG-RS256': fc.oneof(
    fc.record({ kind: fc.constant('alg-swap' as const), alg: pick<RsaSwapAlg>('RS384', 'RS512', 'PS256', 'PS384', 'PS512') }),
    fc.record({ kind: fc.constant('alg-foreign' as const), alg: pick<ForeignAlg>('ES256', 'ES384', 'ES512', 'EdDSA'), kid: pick('own' as const, 'trusted' as const) }),
  ),
  'VERIFY-HEADER-KEY': fc.record({ kind: pick('embedded-jwk' as const, 'jku' as const, 'x5u' as const), keepKid: fc.boolean() }),
  'VERIFY-KID': fc.oneof(
    fc.record({
      kind: fc.constant('kid-injection' as const),
      kid: pick('../../../../../../dev/null', '/dev/null', "' UNION SELECT 'attacker", "x' OR '1'='1", '/invalid_path', '|sleep 1', '../../../../etc/passwd', ''),
      sign: pick('hs-empty' as const, 'attacker-rsa' as const),
    }),
    fc.record({ kind: fc.constant('unknown-kid' as const), kid: fc.string({ minLength: 1, maxLength: 24 }) }),
  ),
  'VERIFY-EXP': fc.record({ kind: fc.constant('expired' as const), secondsAgo: outsideArb }),
  'VERIFY-EXP-REQUIRED': fc.record({
    kind: fc.constant('exp-invalid' as const),
    exp: pick('missing' as const, 'string' as const, 'string-number' as const, 'null' as const, 'boolean' as const, 'array' as const, 'object' as const),
  }),
  'VERIFY-NBF': fc.record({ kind: fc.constant('nbf-future' as const), secondsAhead: aheadArb }),
  'VERIFY-ISS': fc.record({ kind: fc.constant('iss' as const), variant: pick('missing' as const, 'array' as const, 'null' as const, 'number' as const, 'empty' as const, 'other-tenant' as const) }),
  'VERIFY-AUD': fc.record({
    kind: fc.constant('aud' as const),
    variant: pick('missing' as const, 'other-api' as const, 'empty-array' as const, 'other-string' as const, 'null' as const, 'empty-string' as const, 'object' as const),
  }),
  'VERIFY-CRIT': fc.record({ kind: fc.constant('crit' as const), variant: pick('unknown' as const, 'b64-false' as const) }),
  'VERIFY-TAMPER': fc.record({ kind: fc.constant('tamper' as const), claim: pick('sub' as const, 'org_code' as const, 'permissions' as const, 'feature_flags' as const, 'exp' as const, 'scp' as const) }),
  'VERIFY-ENCODING': fc.record({
    kind: fc.constant('encoding' as const),
    variant: pick('duplicate-key' as const, 'extra-segment' as const, 'five-segments' as const, 'pad-payload' as const, 'whitespace-payload' as const, 'dot-suffix' as const),
  }),
  'VERIFY-RSA-2048': fc.constant({ kind: 'weak-key' as const }),
  'VERIFY-BOUNDED': fc.record({ kind: fc.constant('oversized' as const), kilobytes: fc.integer({ min: 64, max: 2048 }) }),
};

/**
 * Generated near misses of each compared value, run as checks of their own beside the
 * structural attacks above, so neither dilutes the other. Each run is a battery: one
 * near miss of every kind of edit (attack-near-miss.ts), so every run tries every class
 * of defective comparison; the report names the one that was accepted.
 */
const AUD_SHAPES = ['string', 'array', 'array-with-other'] as const;
export const NEAR_MISSES: Record<string, fc.Arbitrary<Attack[]>> = {
  'VERIFY-ALG-RS256': editBatteryArb.map((edits) => edits.map((edit): Attack => ({ kind: 'alg-label', edit }))),
  'VERIFY-KID': editBatteryArb.map((edits) => edits.map((edit): Attack => ({ kind: 'kid-near-miss', edit }))),
  'VERIFY-ISS': urlEditBatteryArb.map((edits) => edits.map((edit): Attack => ({ kind: 'iss-near-miss', edit }))),
  'VERIFY-AUD': fc
    .tuple(editBatteryArb, fc.nat())
    .map(([edits, shift]) => [
      ...edits.map((edit, i): Attack => ({ kind: 'aud-near-miss', edit, shape: AUD_SHAPES[(i + shift) % AUD_SHAPES.length]! })),
      { kind: 'aud-near-miss', edit: edits[0]!, shape: 'nested-array' },
    ]),
};

/** One near miss at a time (for stateful sequences, where a battery would crowd out the other commands). */
export const NEAR_MISS_ONE: Record<string, fc.Arbitrary<Attack>> = {
  'VERIFY-ALG-RS256': fc.record({ kind: fc.constant('alg-label' as const), edit: editArb }),
  'VERIFY-KID': fc.record({ kind: fc.constant('kid-near-miss' as const), edit: editArb }),
  'VERIFY-ISS': fc.record({ kind: fc.constant('iss-near-miss' as const), edit: urlEditArb }),
  'VERIFY-AUD': fc.record({ kind: fc.constant('aud-near-miss' as const), edit: editArb, shape: pick('string' as const, 'array' as const, 'array-with-other' as const, 'nested-array' as const) }),
};

