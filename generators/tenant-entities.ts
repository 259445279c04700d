/** Arbitraries for a tenant's building blocks: feature flags, property definitions and values, APIs, roles. */
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type { Api, FeatureFlag, JsonValue, PropertyDefinition } from '../adapters/types.js';
import {
  appPropertyKeyArb,
  audienceArb,
  flagKeyArb,
  hexArb,
  orgPropertyKeyArb,
  permissionKeyArb,
  roleKeyArb,
  userPropertyKeyArb,
} from './ids.js';
import { MAX_PROPERTIES } from './tenant-limits.js';

/** Raw values for a flag of each type; the flag's type picks one. Keeps overrides type-correct. */
export const flagValueSeedArb = fc.record({
  b: fc.boolean(),
  s: fc.string({ unit: 'grapheme', maxLength: 12 }),
  i: fc.integer({ min: -1_000, max: 1_000_000 }),
});

export const flagArb: Arbitrary<FeatureFlag> = fc.oneof(
  fc.record({ key: flagKeyArb, type: fc.constant('b' as const), value: fc.boolean() }),
  fc.record({ key: flagKeyArb, type: fc.constant('s' as const), value: fc.string({ unit: 'grapheme', maxLength: 12 }) }),
  fc.record({ key: flagKeyArb, type: fc.constant('i' as const), value: fc.integer({ min: -1_000, max: 1_000_000 }) }),
);

export const propertyDefinitionArb: Arbitrary<PropertyDefinition> = fc.oneof(
  fc.record({ key: userPropertyKeyArb, context: fc.constant('user' as const), public: fc.boolean() }),
  fc.record({ key: orgPropertyKeyArb, context: fc.constant('organization' as const), public: fc.boolean() }),
  fc.record({ key: appPropertyKeyArb, context: fc.constant('application' as const), public: fc.boolean() }),
);

/** Property values: Kinde properties are mostly text; a few numbers and booleans. */
export const propertyValueArb: Arbitrary<JsonValue> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.boolean() },
);

/** One optional value per property definition slot (`undefined` = entity has no value). */
export const propertySeedsArb = fc.array(fc.option(propertyValueArb, { nil: undefined, freq: 4 }), {
  minLength: MAX_PROPERTIES,
  maxLength: MAX_PROPERTIES,
});

export const apiArb: Arbitrary<Api> = fc.record({
  audience: audienceArb,
  scopes: fc.uniqueArray(permissionKeyArb, { maxLength: 3 }),
});

export const roleArb = fc.record({ key: roleKeyArb, idHex: hexArb(16), name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }) });
