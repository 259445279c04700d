/**
 * The acceptance side of the verifier suite: every shape the docs allow for a
 * valid access or M2M token, not one canonical token. A variation is plain
 * data applied to a token the issuer target issued; the result is re-signed
 * with the trusted key and must be accepted. A verifier that insists on one
 * shape (aud as an array, gty as a string, roles as objects, no unknown
 * claims, a 24-hour lifetime, …) refuses some of them.
 *
 * Shapes come from the claim catalog (schemas/claim-catalog.json) and the fact
 * sheet: aud is an array with "multiple audience values" (a string is the RFC
 * 7519 single-audience form), gty is documented as the string
 * `client_credentials` and shown as an array (contradiction 3), roles are IDs
 * or {id, key, name} objects (contradiction 12), permissions/feature_flags may
 * be emptied by a workflow, conditional and optional claims may be present or
 * absent, workflows add custom claims of any JSON shape.
 */
import fc from 'fast-check';
import type { JsonObject, JsonValue } from '../../adapters/types.js';
import { jsonClaimValueArb } from '../../generators/claims.js';
import { audienceArb, flagKeyArb, roleKeyArb, userPropertyKeyArb, orgPropertyKeyArb, appPropertyKeyArb } from '../../generators/ids.js';

export type AudShape = 'as-issued' | 'string' | 'array' | 'extra-before' | 'extra-after' | 'extras-around';

export interface Variation {
  aud: AudShape;
  /** Other APIs' audiences for the extra-audience shapes. */
  extraAudiences: string[];
  gty: 'as-issued' | 'string' | 'array';
  roles: 'as-issued' | 'absent' | 'empty' | { ids: string[] } | { objects: string[] };
  /** Conditional and optional claims the docs allow, added (with a valid value) or removed. */
  add: Partial<Record<OptionalClaim, JsonValue>>;
  drop: DroppableClaim[];
  /** Workflow-emptied collections (customize-token-with-workflow page). */
  emptied: Array<'permissions' | 'feature_flags' | 'scp'>;
  /** Custom claims a workflow added. */
  custom: Record<string, JsonValue>;
  /** Lifetime and age: exp = now + remaining, iat = now - age. */
  remaining: number;
  age: number;
}

const OPTIONAL = [
  'org_name',
  'email',
  'external_organization_id',
  'has_trial_period',
  'trial_expires_on',
  'user_properties',
  'organization_properties',
  'application_properties',
  'ext_groups',
  'ext_attributes',
  'feature_flags',
  'nbf',
  'sid',
  'act',
] as const;
export type OptionalClaim = (typeof OPTIONAL)[number];

/** Conditional claims a valid token may lack (required ones stay). org_code is decided by the route. */
const DROPPABLE = ['permissions', 'feature_flags', 'roles', 'org_name', 'email', 'application_properties'] as const;
export type DroppableClaim = (typeof DROPPABLE)[number];

const propsArb = (key: fc.Arbitrary<string>) => fc.dictionary(key, fc.record({ v: fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean()) }), { maxKeys: 3 });

const flagValueArb = fc.oneof(
  fc.record({ t: fc.constant('b'), v: fc.boolean() }),
  fc.record({ t: fc.constant('s'), v: fc.string({ maxLength: 12 }) }),
  fc.record({ t: fc.constant('i'), v: fc.integer() }),
  fc.record({ t: fc.constant('j'), v: jsonClaimValueArb({ maxDepth: 1, maxStringLength: 32, maxEntries: 3 }) as fc.Arbitrary<JsonValue> }),
);

/** A valid value for each optional claim. nbf and act are set relative to the token when applied. */
const OPTIONAL_VALUE: Record<OptionalClaim, fc.Arbitrary<JsonValue>> = {
  org_name: fc.string({ minLength: 1, maxLength: 20 }),
  email: fc.constantFrom('jane.smith@example.com', 'a+b@example.org'),
  external_organization_id: fc.string({ minLength: 1, maxLength: 16 }),
  has_trial_period: fc.constant(true),
  trial_expires_on: fc.constant('2099-01-01T00:00:00Z'),
  user_properties: propsArb(userPropertyKeyArb) as fc.Arbitrary<JsonValue>,
  organization_properties: propsArb(orgPropertyKeyArb) as fc.Arbitrary<JsonValue>,
  application_properties: propsArb(appPropertyKeyArb) as fc.Arbitrary<JsonValue>,
  ext_groups: fc.array(fc.string({ minLength: 1, maxLength: 10 }), { maxLength: 3 }),
  ext_attributes: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 2 }) as fc.Arbitrary<JsonValue>,
  feature_flags: fc.dictionary(flagKeyArb, flagValueArb as fc.Arbitrary<JsonValue>, { minKeys: 1, maxKeys: 3 }) as fc.Arbitrary<JsonValue>,
  nbf: fc.constant(0),
  sid: fc.string({ minLength: 1, maxLength: 24 }),
  act: fc.constant({ sub: 'kp_actor' }),
};

const customKeyArb = fc.oneof(fc.constantFrom('companyName', 'house', 'https://hasura.io/jwt/claims', 'x-tenant'), fc.string({ minLength: 1, maxLength: 12 }));

/** Slack (s) kept between "now" and exp so the token is valid when presented. */
export const VALID_MARGIN_SECONDS = 30;

export const variationArb: fc.Arbitrary<Variation> = fc.record({
  aud: fc.constantFrom<AudShape>('as-issued', 'string', 'array', 'extra-before', 'extra-after', 'extras-around'),
  extraAudiences: fc.uniqueArray(audienceArb, { minLength: 2, maxLength: 3 }),
  gty: fc.constantFrom('as-issued' as const, 'string' as const, 'array' as const),
  roles: fc.oneof(
    fc.constantFrom('as-issued' as const, 'absent' as const, 'empty' as const),
    fc.record({ ids: fc.uniqueArray(roleKeyArb, { minLength: 1, maxLength: 3 }) }),
    fc.record({ objects: fc.uniqueArray(roleKeyArb, { minLength: 1, maxLength: 3 }) }),
  ),
  add: fc.record(Object.fromEntries(OPTIONAL.map((c) => [c, OPTIONAL_VALUE[c]])) as Record<OptionalClaim, fc.Arbitrary<JsonValue>>, { requiredKeys: [] }),
  drop: fc.subarray([...DROPPABLE]),
  emptied: fc.subarray(['permissions' as const, 'feature_flags' as const, 'scp' as const]),
  custom: fc.dictionary(customKeyArb, jsonClaimValueArb({ maxDepth: 2, maxStringLength: 64, maxEntries: 3 }) as fc.Arbitrary<JsonValue>, { maxKeys: 2 }),
  remaining: fc.oneof(fc.integer({ min: VALID_MARGIN_SECONDS, max: 3_600 }), fc.constantFrom(86_400, 1_296_000)),
  age: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 86_000 })),
});

/** Claims a variation never touches: what the verifier compares, and what identifies the token. */
const FIXED = new Set(['iss', 'exp', 'iat', 'sub', 'azp', 'jti', 'org_code', 'scope', 'v', 'aud', 'gty']);
/** Names a workflow's custom claim may not take here: documented claims keep their documented shapes. */
const RESERVED = new Set<string>([...FIXED, ...OPTIONAL, ...DROPPABLE, 'nbf', 'roles', 'permissions', 'scp', '__proto__']);

/**
 * Apply `v` to a valid payload. `audience` is the API the token is presented to (it stays
 * in aud); `now` is the suite's clock in seconds.
 */
export function applyVariation(payload: JsonObject, v: Variation, audience: string, now: number): JsonObject {
  const out: JsonObject = { ...payload };
  const extras = v.extraAudiences.filter((a) => a !== audience);
  const asArray = Array.isArray(payload.aud) ? (payload.aud as string[]) : [String(payload.aud)];
  const aud: Record<AudShape, JsonValue> = {
    'as-issued': payload.aud ?? [audience],
    string: audience,
    array: [audience],
    'extra-before': [...extras, ...asArray],
    'extra-after': [...asArray, ...extras],
    'extras-around': [extras[0] ?? 'other:api', ...asArray, ...extras.slice(1)],
  };
  out.aud = aud[v.aud];
  if (payload.gty !== undefined && v.gty !== 'as-issued') out.gty = v.gty === 'string' ? 'client_credentials' : ['client_credentials'];
  for (const c of v.drop) delete out[c];
  for (const [c, value] of Object.entries(v.add)) {
    if (FIXED.has(c) || value === undefined) continue;
    out[c] = c === 'nbf' ? now - v.age : value;
  }
  if (v.roles === 'absent') delete out.roles;
  else if (v.roles === 'empty') out.roles = [];
  else if (typeof v.roles === 'object') {
    out.roles = 'ids' in v.roles ? v.roles.ids : v.roles.objects.map((key, i) => ({ id: `rol_${i}${key.length}`, key, name: key }));
  }
  for (const c of v.emptied) out[c] = c === 'feature_flags' ? {} : [];
  for (const [k, value] of Object.entries(v.custom)) if (!RESERVED.has(k) && !Object.hasOwn(payload, k)) out[k] = value;
  out.iat = now - v.age;
  out.exp = now + v.remaining;
  return out;
}

/** One line for reports: which shapes this variation uses. */
export function describeVariation(v: Variation): string {
  const parts = [`aud ${v.aud}`];
  if (v.gty !== 'as-issued') parts.push(`gty ${v.gty}`);
  if (v.roles !== 'as-issued') parts.push(`roles ${typeof v.roles === 'string' ? v.roles : 'ids' in v.roles ? 'as ids' : 'as objects'}`);
  const added = Object.keys(v.add);
  if (added.length) parts.push(`+${added.join(' +')}`);
  if (v.drop.length) parts.push(`-${v.drop.join(' -')}`);
  if (v.emptied.length) parts.push(`empty ${v.emptied.join(', ')}`);
  const custom = Object.keys(v.custom);
  if (custom.length) parts.push(`custom ${custom.map((k) => JSON.stringify(k)).join(', ')}`);
  parts.push(`exp in ${v.remaining} s, age ${v.age} s`);
  return parts.join('; ');
}
