/**
 * Flat specs for users, organizations and applications: plain indices and
 * masks into the tenant's pools, resolved later by tenant-resolve.ts.
 */
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { DEFAULT_LIFETIMES } from '../adapters/types.js';
import type { AppKind, Lifetimes } from '../adapters/types.js';
import { clientSecretArb, externalIdArb, hexArb, orgCodeArb, userIdArb, wordArb } from './ids.js';
import { flagValueSeedArb, propertySeedsArb } from './tenant-entities.js';
import { MAX_ACCESS_LIFETIME, MAX_ID_LIFETIME, MAX_REFRESH_LIFETIME, MAX_USER_APIS, MIN_LIFETIME } from './tenant-limits.js';

export const membershipSpecArb = fc.record({
  org: fc.nat(),
  roles: fc.array(fc.nat(), { maxLength: 3 }),
  permissions: fc.array(fc.nat(), { maxLength: 4 }),
  flagOverrides: fc.option(fc.array(fc.record({ flag: fc.nat(), value: flagValueSeedArb }), { minLength: 1, maxLength: 3 }), {
    nil: undefined,
    freq: 2,
  }),
});

export const personNameArb: Arbitrary<string> = fc.oneof(
  fc.constantFrom('Jane', 'Smith', 'José', 'Zoë', "O'Brien", '李', 'Ærøskøbing', 'محمد', 'Nguyễn'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
);

export const userSpecArb = fc.record({
  id: userIdArb,
  givenName: personNameArb,
  familyName: personNameArb,
  emailLocal: wordArb(1, 12, '._'),
  picture: fc.option(hexArb(12).map((h) => `https://lh3.googleusercontent.com/a/${h}`), { nil: undefined }),
  providedId: fc.option(wordArb(1, 16, '-'), { nil: undefined }),
  updatedAt: fc.integer({ min: 1_600_000_000, max: 1_800_000_000 }),
  memberships: fc.array(membershipSpecArb, { maxLength: 3 }),
  properties: propertySeedsArb,
});

export const orgSpecArb = fc.record({
  code: orgCodeArb,
  name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
  externalId: fc.option(externalIdArb, { nil: undefined }),
  properties: propertySeedsArb,
});

/** `null` = the documented defaults (the common case). */
export const lifetimesArb: Arbitrary<Lifetimes> = fc
  .oneof(
    { weight: 3, arbitrary: fc.constant(null) },
    {
      weight: 1,
      arbitrary: fc.record({
        accessToken: fc.integer({ min: MIN_LIFETIME, max: MAX_ACCESS_LIFETIME }),
        idToken: fc.integer({ min: MIN_LIFETIME, max: MAX_ID_LIFETIME }),
        refreshDelta: fc.integer({ min: 1, max: MAX_REFRESH_LIFETIME }),
      }),
    },
  )
  .map((l) =>
    l === null
      ? { ...DEFAULT_LIFETIMES }
      : {
          accessToken: l.accessToken,
          idToken: l.idToken,
          // refresh must outlive access (configure-tokens page, S1)
          refreshToken: Math.min(l.accessToken + l.refreshDelta, MAX_REFRESH_LIFETIME),
        },
  );

export const customizationSpecArb = fc.record({
  properties: fc.array(fc.nat(), { maxLength: 3 }),
  featureFlags: fc.array(fc.nat(), { maxLength: 3 }),
  roles: fc.boolean(),
  orgName: fc.boolean(),
  email: fc.boolean(),
  externalOrganizationId: fc.boolean(),
  orgCodes: fc.boolean(),
});
export type CustomizationSpec = typeof customizationSpecArb extends Arbitrary<infer T> ? T : never;

export function appSpecArb(kind: Arbitrary<AppKind>) {
  return fc.record({
    kind,
    secret: clientSecretArb,
    lifetimes: lifetimesArb,
    apis: fc.array(fc.boolean(), { minLength: MAX_USER_APIS, maxLength: MAX_USER_APIS }),
    managementApi: fc.boolean(),
    orgScope: fc.option(fc.nat(), { nil: undefined, freq: 2 }),
    tokens: fc.record({
      access: fc.option(customizationSpecArb, { nil: undefined, freq: 3 }),
      id: fc.option(customizationSpecArb, { nil: undefined, freq: 3 }),
      m2m: fc.option(customizationSpecArb, { nil: undefined, freq: 3 }),
    }),
    properties: propertySeedsArb,
  });
}
export type AppSpec = typeof appSpecArb extends (k: never) => Arbitrary<infer T> ? T : never;
