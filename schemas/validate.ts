/**
 * Compiled JSON Schema validators for token payloads, token responses and the
 * JWKS. One Ajv instance in strict mode: a schema that uses an unknown keyword
 * or an ambiguous type fails to compile instead of silently accepting
 * everything. Each validator is compiled on first use and cached.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { AnySchemaObject, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { CatalogError } from './errors.js';
import claimTypes from './claim-types.schema.json' with { type: 'json' };
import accessToken from './access-token.schema.json' with { type: 'json' };
import idToken from './id-token.schema.json' with { type: 'json' };
import m2mToken from './m2m-token.schema.json' with { type: 'json' };
import tokenResponse from './token-response.schema.json' with { type: 'json' };
import jwks from './jwks.schema.json' with { type: 'json' };

// ajv-formats is CommonJS: depending on the loader (tsx, vitest, esbuild bundle)
// the default import is the plugin function or a namespace holding it.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as typeof addFormatsModule;

/** What a validator checks: a decoded token payload, a token endpoint body or a key set. */
export type SchemaKind = 'access' | 'id' | 'm2m' | 'token-response' | 'jwks';
export const SCHEMA_KINDS: readonly SchemaKind[] = ['access', 'id', 'm2m', 'token-response', 'jwks'];

const SCHEMAS: Record<SchemaKind, AnySchemaObject> = {
  access: accessToken,
  id: idToken,
  m2m: m2mToken,
  'token-response': tokenResponse,
  jwks,
};

/**
 * A fresh strict Ajv 2020-12 instance with formats; the shared claim types are registered.
 * `metaSchema: false` skips checking each schema against the 2020-12 meta-schema (compiling
 * that meta-schema was over half of a run's start-up): for the schemas this package ships,
 * which the self-tests check with it on (test/schemas.test.ts). Strict mode stays on either way.
 */
export function createAjv(options: { metaSchema?: boolean } = {}): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true, ...(options.metaSchema === false ? { validateSchema: false } : {}) });
  addFormats(ajv);
  ajv.addSchema(claimTypes);
  return ajv;
}

let shared: Ajv2020 | undefined;
const cache = new Map<SchemaKind, ValidateFunction>();

/** The Ajv instance behind {@link validatorFor}; catalogs compile their (shipped) schemas here too. */
export function sharedAjv(): Ajv2020 {
  shared ??= createAjv({ metaSchema: false });
  return shared;
}

/** The compiled validator for `kind`, compiled on first call. */
export function validatorFor(kind: SchemaKind): ValidateFunction {
  const hit = cache.get(kind);
  if (hit) return hit;
  const schema = Object.hasOwn(SCHEMAS, kind) ? SCHEMAS[kind] : undefined;
  if (!schema) throw new CatalogError('ERR_UNKNOWN_SCHEMA', `no schema for kind ${JSON.stringify(kind)}`);
  const validate = sharedAjv().compile(schema);
  cache.set(kind, validate);
  return validate;
}

/**
 * Readable messages, one per violation, e.g. `/aud must be array` or
 * `/ must have required property 'jti'`. Empty when `value` is valid.
 */
export function schemaErrors(kind: SchemaKind, value: unknown): string[] {
  const validate = validatorFor(kind);
  return validate(value) ? [] : formatErrors(validate.errors);
}

/** Ajv errors as `<instance path> <message>`; `if` wrappers are dropped, their `then` errors say it all. */
export function formatErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  if (!errors) return [];
  const messages: string[] = [];
  for (const e of errors) {
    if (e.keyword === 'if') continue;
    let message = e.message ?? `fails ${e.keyword}`;
    if (e.keyword === 'enum' || e.keyword === 'const') {
      const allowed = e.keyword === 'enum' ? e.params['allowedValues'] : e.params['allowedValue'];
      message += `: ${JSON.stringify(allowed)}`;
    }
    const line = `${e.instancePath === '' ? '/' : e.instancePath} ${message}`;
    if (!messages.includes(line)) messages.push(line);
  }
  return messages;
}
