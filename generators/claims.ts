/**
 * Claim names and claim values a workflow might write.
 *
 * Values are chosen to break serializers (astral characters, NUL, edge
 * numbers, `__proto__` keys); names are drawn from four categories so a
 * property can tell "must appear" from "must be ignored" by category.
 */
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type { JsonValue, TokenType } from '../adapters/types.js';

// ---------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------

export interface JsonClaimValueOptions {
  /** Maximal nesting of arrays/objects. Default 4. */
  maxDepth?: number;
  /** Upper bound (UTF-16 units, roughly) of the long strings. Default 4096. */
  maxStringLength?: number;
  /** Maximal entries per array/object. Default 4. */
  maxEntries?: number;
  /**
   * Upper bound of the value's JSON in UTF-8 bytes. Default: none. Checks whose
   * tokens carry several generated values set it, so a conforming issuer's token
   * stays within TOKEN-BOUNDED's 16 KiB (a value no real token could carry says
   * nothing about the issuer).
   */
  maxJsonBytes?: number;
}

/** Numbers at the edges of what JSON and IEEE-754 can carry. `-0` serializes as `0`. */
export const EDGE_NUMBERS: readonly number[] = [
  0,
  -0,
  1,
  -1,
  0.1,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  1e308,
  -1e308,
  Number.MAX_VALUE,
  5e-324,
  -5e-324,
];

/** Strings that have broken JSON, JWT or UTF-8 handling somewhere. All well-formed UTF-16. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  '\u0000',
  'a\u0000b',
  'e\u0301', // combining acute
  'Z\u0351\u0363\u036b', // stacked combining marks
  '\u{1F600}', // astral emoji
  '\u{1D518}\u{1D52B}\u{1D526}', // astral math letters
  '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}', // ZWJ sequence
  'مرحبا بالعالم', // RTL
  '\u202Eevil\u202C', // RTL override
  'שלום',
  '\u2028\u2029', // JS line terminators, legal in JSON
  '\uFEFFbom',
  '"quoted" \\ back\\slash',
  '</script><script>',
  '{"json":"in a string"}',
  '\t\n\r\b\f',
  '\u00ff\u0100',
];

/** Keys that mean something to JavaScript objects. */
export const HOSTILE_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
];

const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true });

/**
 * Any code point except the surrogate range, as a one-character string. Not
 * fast-check's `unit: 'binary'`: mapping its values back (which shrinking does)
 * builds a reverse table of all 1.1 million code points, ~60 MB per thread.
 */
const codePointArb: Arbitrary<string> = fc
  .integer({ min: 0, max: 0x10ffff - 0x800 })
  .map((n) => String.fromCodePoint(n < 0xd800 ? n : n + 0x800));

function stringArb(maxStringLength: number): Arbitrary<string> {
  const shortMax = Math.min(16, maxStringLength);
  // Long strings are a short chunk repeated: cheap to generate, and the repeat
  // count shrinks independently of the content.
  const longString = fc
    .tuple(fc.string({ unit: codePointArb, minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: maxStringLength }))
    .map(([chunk, n]) => chunk.repeat(Math.ceil(n / chunk.length)).slice(0, Math.max(chunk.length, n)))
    // slicing could cut a surrogate pair in half; drop a dangling high surrogate
    .map(dropLoneSurrogateAtEnd);
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: shortMax }) },
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    { weight: 2, arbitrary: fc.string({ unit: codePointArb, maxLength: shortMax }) },
    { weight: 1, arbitrary: longString },
  );
}

function dropLoneSurrogateAtEnd(s: string): string {
  const last = s.charCodeAt(s.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? s.slice(0, -1) : s;
}

/** Object keys: mostly ordinary, sometimes hostile, sometimes unicode. */
const objectKeyArb: Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 8 }) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_KEYS) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
);

/**
 * JSON values for claims. Only JSON-representable values: no `undefined`,
 * `NaN` or `Infinity`; `-0` does occur (it is valid JavaScript input that
 * JSON turns into `0`, see {@link jsonRoundTrip}). Objects are built with
 * `Object.fromEntries`, so a `__proto__` key is an own data property.
 */
export function jsonClaimValueArb(opts: JsonClaimValueOptions = {}): Arbitrary<JsonValue> {
  const maxDepth = opts.maxDepth ?? 4;
  const maxStringLength = Math.max(1, opts.maxStringLength ?? 4096);
  const maxEntries = opts.maxEntries ?? 4;
  const leaf: Arbitrary<JsonValue> = fc.oneof(
    { withCrossShrink: true },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 2, arbitrary: fc.constantFrom(...EDGE_NUMBERS) },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: finiteDouble },
    { weight: 4, arbitrary: stringArb(maxStringLength) },
  );
  const { value } = fc.letrec<{ value: JsonValue; array: JsonValue[]; object: { [key: string]: JsonValue } }>(
    (tie) => ({
      value: fc.oneof(
        { depthSize: 'small', maxDepth, withCrossShrink: true },
        { weight: 3, arbitrary: leaf },
        { weight: 1, arbitrary: tie('array') },
        { weight: 1, arbitrary: tie('object') },
      ),
      array: fc.array(tie('value'), { maxLength: maxEntries }),
      object: fc
        .uniqueArray(fc.tuple(objectKeyArb, tie('value')), { selector: ([k]) => k, maxLength: maxEntries })
        .map((entries) => Object.fromEntries(entries)),
    }),
  );
  const maxBytes = opts.maxJsonBytes;
  return maxBytes === undefined ? value : value.filter((v) => Buffer.byteLength(JSON.stringify(v), 'utf8') <= maxBytes);
}

/**
 * What a JSON serializer makes of a value: `JSON.parse(JSON.stringify(v))`.
 * `-0` becomes `0`; `__proto__` keys stay own properties (JSON.parse defines
 * them, it does not assign them).
 */
export function jsonRoundTrip(v: JsonValue): JsonValue {
  return JSON.parse(JSON.stringify(v)) as JsonValue;
}

// ---------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------

export type ClaimNameCategory = 'custom' | 'documented' | 'prohibited' | 'hostile';

/** `lib/prohibitedClaims.ts` of @kinde/infrastructure and the workflow tutorial (§5, S6). */
export const COMMON_PROHIBITED_CLAIMS: readonly string[] = ['azp', 'exp', 'iat', 'iss', 'nbf', 'sid', 'sub', 'act', 'aud'];

export const PROHIBITED_CLAIMS: Readonly<Record<TokenType, readonly string[]>> = {
  access: [...COMMON_PROHIBITED_CLAIMS, 'jti', 'scp'],
  id: [...COMMON_PROHIBITED_CLAIMS, 'auth_time', 'jti', 'updated_at', 'rat'],
  m2m: [...COMMON_PROHIBITED_CLAIMS, 'gty', 'jti', 'scp'],
};

/**
 * Claims the docs describe for each token type that are not prohibited, so a
 * workflow may overwrite them (§4, §5, §6, S2, S3, S7). `at_hash` is left
 * out on purpose: it is not prohibited, but overwriting it only breaks the
 * ID token's binding to the access token, which no suite wants by accident.
 */
export const DOCUMENTED_CLAIMS: Readonly<Record<TokenType, readonly string[]>> = {
  access: [
    'permissions',
    'feature_flags',
    'org_code',
    'roles',
    'email',
    'org_name',
    'external_organization_id',
    'user_properties',
    'organization_properties',
    'application_properties',
  ],
  id: [
    'name',
    'given_name',
    'family_name',
    'email',
    'picture',
    'org_codes',
    'provided_id',
    'user_properties',
    'organization_properties',
    'application_properties',
  ],
  m2m: ['org_code', 'feature_flags', 'application_properties'],
};

/** Property names with special meaning to JavaScript objects. */
export const HOSTILE_CLAIM_NAMES: readonly string[] = HOSTILE_KEYS;

/** Custom names straight from the docs. */
export const EXAMPLE_CUSTOM_CLAIMS: readonly string[] = ['companyName', 'house', 'https://hasura.io/jwt/claims'];

/** Which category `name` belongs to for `tokenType`. Unknown names are `custom`. */
export function claimNameCategory(tokenType: TokenType, name: string): ClaimNameCategory {
  if (PROHIBITED_CLAIMS[tokenType].includes(name)) return 'prohibited';
  if (DOCUMENTED_CLAIMS[tokenType].includes(name)) return 'documented';
  if (HOSTILE_CLAIM_NAMES.includes(name)) return 'hostile';
  return 'custom';
}

const IDENT_HEAD = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'];
const IDENT_TAIL = [...IDENT_HEAD, ...'0123456789_'];

/** Random plain custom name `^[a-zA-Z][a-zA-Z0-9_]{0,20}$`. */
const plainCustomNameArb: Arbitrary<string> = fc
  .tuple(fc.constantFrom(...IDENT_HEAD), fc.string({ unit: fc.constantFrom(...IDENT_TAIL), maxLength: 20 }))
  .map(([h, t]) => h + t);

/** Namespaced custom name, e.g. `https://example.com/claims/tier`. */
const namespacedNameArb: Arbitrary<string> = fc
  .tuple(fc.constantFrom('example.com', 'acme.test', 'myapp.io'), plainCustomNameArb)
  .map(([host, leaf]) => `https://${host}/claims/${leaf}`);

/**
 * Names a workflow might set on a token of `tokenType`. Weighted so every
 * {@link ClaimNameCategory} shows up many times in 100 runs (≈ 40% custom,
 * 25% documented, 25% prohibited, 10% hostile). A random custom name that
 * happens to hit another category is kept: {@link claimNameCategory} decides.
 */
export function customClaimNameArb(tokenType: TokenType): Arbitrary<string> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...EXAMPLE_CUSTOM_CLAIMS) },
    { weight: 4, arbitrary: plainCustomNameArb },
    { weight: 2, arbitrary: namespacedNameArb },
    { weight: 5, arbitrary: fc.constantFrom(...DOCUMENTED_CLAIMS[tokenType]) },
    { weight: 5, arbitrary: fc.constantFrom(...PROHIBITED_CLAIMS[tokenType]) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_CLAIM_NAMES) },
  );
}
