/**
 * Generated defective verifiers: the documented contract (contract.ts) with
 * exactly one comparison weakened, for every value a verifier compares. These
 * are the mistakes found in independently built verifier APIs (a prefix or
 * substring check, a case-insensitive or trimmed comparison, an alg family
 * instead of RS256, a leeway nobody declared, a verdict cache), generated as
 * the product value × weakness so the suite's power against them is measured,
 * not assumed: test/verifier-defects.test.ts asserts every one is caught.
 *
 * `--verifier=weak:<value>:<weakness>` runs one of them (e.g. `weak:iss:case-insensitive`).
 */

export type Compared = 'iss' | 'aud' | 'org' | 'kid' | 'alg' | 'exp' | 'nbf' | 'state' | 'input' | 'auth' | 'status';

const STRING_WEAKNESSES = ['prefix', 'suffix', 'substring', 'contained', 'case-insensitive', 'trim', 'nfkc', 'missing-ok'] as const;

export const WEAKNESSES = {
  iss: [...STRING_WEAKNESSES, 'url-normalized', 'host-only'],
  aud: [...STRING_WEAKNESSES, 'ignored', 'first-only', 'array-only', 'joined'],
  /** loose: `==` (an array or number org_code equals the route); sibling-claims: org_codes / orgCode / org_name may stand in for org_code. */
  org: [...STRING_WEAKNESSES, 'ignored', 'loose', 'sibling-claims'],
  /**
   * Keys chosen by a weakened kid comparison; first-key: the first RSA key of the JWKS whatever
   * the kid (as Kinde's kinde-node-auth-utils does, issue 18). Ignoring kid and trying every key
   * is not a weakness (RFC 7515 §4.1.4: kid is a hint): see VARIANTS.
   */
  kid: ['prefix', 'substring', 'contained', 'case-insensitive', 'trim', 'nfkc', 'first-key'],
  /**
   * family-behind-jwks: the RSA family allowed, keys chosen as jose's createRemoteJWKSet does (a JWK with
   * an alg member only for that alg): masked while every key is published with alg RS256, caught by a key without alg.
   */
  alg: ['family', 'any-asymmetric', 'case-insensitive', 'trim', 'prefix', 'header-ignored', 'family-behind-jwks'],
  exp: ['ignored', 'missing-ok', 'tolerance', 'string-coerced', 'milliseconds', 'off-by-one'],
  nbf: ['ignored', 'tolerance'],
  /** Stateful: verdicts cached per token, payloads cached per jti, keys never forgotten, a kid once unknown refused for good. */
  state: ['verdict-cache', 'jti-cache', 'key-union', 'negative-kid-cache'],
  /**
   * User input overriding the token ("never override it with user input"): the token's org read from
   * `?org_code=` or an `X-Org-Code` header when present, or the org being accessed read from `?org_code=`.
   */
  input: ['query-token-org', 'header-token-org', 'query-route-org'],
  /** The Authorization header: only the exact scheme "Bearer"; or the signature checked on the first header's token and the claims read from the last one's. */
  auth: ['scheme-case', 'split-tokens'],
  /**
   * The HTTP status of a refusal: every invalid token (bad signature, key, alg, iss, aud, times, encoding) answered
   * 403 instead of 401 (only the missing token still 401), or only expired and not-yet-valid tokens answered 403.
   */
  status: ['invalid-403', 'expired-403'],
} as const satisfies Record<Compared, readonly string[]>;

/**
 * Correct verifiers that differ from the reference in ways the docs and RFCs allow: each must
 * pass the whole verifier suite (test/full/verifier-variants.test.ts), so no check blames an
 * allowed choice. `--verifier=variant:<name>`.
 */
export const VARIANTS = {
  /** kid ignored, every RSA key of the JWKS tried (RFC 7515 §4.1.4: kid is a hint). */
  'kid-ignored': { kid: 'try-all' },
  /** Claims judged in another order (exp and nbf first, then aud, then iss). */
  'claims-reversed': { order: 'reversed' },
  /** Both at once. */
  'kid-ignored-claims-reversed': { kid: 'try-all', order: 'reversed' },
} as const satisfies Record<string, Variant>;

/** What a correct variant changes. */
export interface Variant {
  kid?: 'try-all';
  order?: 'reversed';
}

export function parseVariantName(name: string): Variant | undefined {
  const m = /^variant:([a-z-]+)$/.exec(name);
  return m && Object.hasOwn(VARIANTS, m[1]!) ? VARIANTS[m[1] as keyof typeof VARIANTS] : undefined;
}

export type Weakness<C extends Compared = Compared> = (typeof WEAKNESSES)[C][number];
export type Policy = { [C in Compared]?: Weakness<C> };

/** Undeclared leeway of the `tolerance` weakness, in seconds. */
export const UNDECLARED_LEEWAY_SECONDS = 300;

export function variantVerifierNames(): string[] {
  return Object.keys(VARIANTS).map((v) => `variant:${v}`);
}

export function weakVerifierNames(): string[] {
  return (Object.entries(WEAKNESSES) as Array<[Compared, readonly string[]]>).flatMap(([c, ws]) => ws.map((w) => `weak:${c}:${w}`));
}

/** `weak:iss:prefix` → `{ iss: 'prefix' }`, or undefined if it names no generated defect. */
export function parseWeakName(name: string): Policy | undefined {
  const m = /^weak:([a-z]+):([a-z0-9-]+)$/.exec(name);
  if (!m) return undefined;
  const [, value, weakness] = m as unknown as [string, Compared, string];
  const list = (WEAKNESSES as Record<string, readonly string[]>)[value];
  return list?.includes(weakness) ? ({ [value]: weakness } as Policy) : undefined;
}

/** Compare a claim or header value with the expected string, weakened as `w` says. */
export function sameString(actual: unknown, expected: string, w: string | undefined): boolean {
  if (w === 'missing-ok' && actual === undefined) return true;
  if (w === 'ignored') return true;
  // eslint-disable-next-line eqeqeq -- the defect: JavaScript's loose equality (["org_x"] == "org_x").
  if (w === 'loose') return actual != null && (actual as string) == expected;
  if (typeof actual !== 'string') return false;
  switch (w) {
    case 'prefix':
      return actual.startsWith(expected);
    case 'suffix':
      return actual.endsWith(expected);
    case 'substring':
      return actual.includes(expected);
    case 'contained':
      return actual.length > 0 && expected.includes(actual);
    case 'case-insensitive':
      return actual.toLowerCase() === expected.toLowerCase();
    case 'trim':
      return actual.trim() === expected.trim();
    case 'nfkc':
      return actual.normalize('NFKC') === expected.normalize('NFKC');
    case 'url-normalized':
      try {
        return new URL(actual).href === new URL(expected).href;
      } catch {
        return false;
      }
    case 'host-only':
      try {
        return new URL(actual).hostname === new URL(expected).hostname;
      } catch {
        return false;
      }
    default:
      return actual === expected;
  }
}

/** Does `aud` name the API, under the aud weakness `w`? */
export function audienceMatches(aud: unknown, expected: string, w: Weakness<'aud'> | undefined): boolean {
  if (w === 'ignored' || (w === 'missing-ok' && aud === undefined)) return true;
  if (w === 'array-only' && !Array.isArray(aud)) return false;
  if (w === 'joined') return (Array.isArray(aud) ? aud.join(' ') : String(aud)).includes(expected);
  const list: unknown[] = Array.isArray(aud) ? aud : [aud];
  if (w === 'first-only') return sameString(list[0], expected, undefined);
  return list.some((a) => sameString(a, expected, w));
}

const RSA_FAMILY = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const ASYMMETRIC = [...RSA_FAMILY, 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** The algorithms jose may verify with, or 'rs256-by-label' when the header is judged by a weakened string compare. */
export function algorithmsFor(w: Weakness<'alg'> | undefined): string[] | 'rs256-by-label' {
  if (w === 'family' || w === 'family-behind-jwks') return RSA_FAMILY;
  if (w === 'any-asymmetric') return ASYMMETRIC;
  if (w === undefined) return ['RS256'];
  return 'rs256-by-label';
}
