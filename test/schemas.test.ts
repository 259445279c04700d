/**
 * The token schemas: they compile in Ajv strict mode, accept the docs' own
 * example tokens (repaired only where the docs' JSON is malformed, and the
 * repairs are checked against the fact sheet here), and reject what the docs
 * rule out — so each schema is shown able to fail.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CatalogError, SCHEMA_KINDS, createAjv, schemaErrors, validatorFor } from '../schemas/catalog.js';
import type { SchemaKind } from '../schemas/catalog.js';

type Json = Record<string, unknown>;

function readJson(path: string): Json {
  return JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as Json;
}

const SCHEMA_FILES: Record<SchemaKind, string> = {
  access: '../schemas/access-token.schema.json',
  id: '../schemas/id-token.schema.json',
  m2m: '../schemas/m2m-token.schema.json',
  'token-response': '../schemas/token-response.schema.json',
  jwks: '../schemas/jwks.schema.json',
};

// Example files (schemas/examples/README.md lists the same repairs):
// - id-token.json: §4 example; closed the unterminated strings aud[0] and org_codes[0].
// - access-token.json: §6 example (jsonc); removed the "// your user id" comment; sub keeps the docs' "kp:_" typo.
// - m2m-global.json: S3 global example; closed the unterminated strings aud[0], gty[0], scp[1].
// - m2m-org-scoped.json: S3 org-scoped example = global + "org_code": "org_ba4a2311eb1".
// - m2m-feature-flags.json (§2), application-properties.json (S2), refresh-response.json (§3),
//   m2m-token-response.json (S7 M2M tutorial): no repair needed.
const ex = {
  id: readJson('../schemas/examples/id-token.json'),
  access: readJson('../schemas/examples/access-token.json'),
  m2mGlobal: readJson('../schemas/examples/m2m-global.json'),
  m2mOrg: readJson('../schemas/examples/m2m-org-scoped.json'),
  flags: readJson('../schemas/examples/m2m-feature-flags.json'),
  appProps: readJson('../schemas/examples/application-properties.json'),
  refreshResponse: readJson('../schemas/examples/refresh-response.json'),
  m2mResponse: readJson('../schemas/examples/m2m-token-response.json'),
};

const FACTS_URL = new URL('../../shared/spec/kinde-token-facts.md', import.meta.url);

/** The first fenced code block after `marker` in the fact sheet. Throws (test fails) if absent. */
function docBlock(marker: string): string {
  const facts = readFileSync(FACTS_URL, 'utf8');
  const at = facts.indexOf(marker);
  if (at < 0) throw new Error(`marker not found in fact sheet: ${marker}`);
  const m = /```[a-z]*\n([\s\S]*?)```/.exec(facts.slice(at));
  if (!m?.[1]) throw new Error(`no code block after: ${marker}`);
  return m[1];
}

/** Closes strings the docs left unterminated: a line with an odd number of quotes gets one at its end. */
function closeUnterminated(text: string): { text: string; repairs: number } {
  let repairs = 0;
  const lines = text.split('\n').map((line) => {
    const quotes = (line.match(/(?<!\\)"/g) ?? []).length;
    if (quotes % 2 === 0) return line;
    repairs += 1;
    return `${line}"`;
  });
  return { text: lines.join('\n'), repairs };
}

/** Removes jsonc line comments (`  // ...` after a value; never inside a string such as https://). */
function stripComments(text: string): { text: string; repairs: number } {
  let repairs = 0;
  const out = text.replace(/\s+\/\/[^"\n]*$/gm, () => {
    repairs += 1;
    return '';
  });
  return { text: out, repairs };
}

describe('schemas compile in Ajv strict mode', () => {
  for (const kind of SCHEMA_KINDS) {
    it(`${kind} compiles strictly and is self-describing`, () => {
      const schema = readJson(SCHEMA_FILES[kind]);
      expect(() => createAjv().compile(schema)).not.toThrow();
      expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema['$id']).toBe(`https://kinde-token-conformance.dev/schemas/${SCHEMA_FILES[kind].split('/').pop()}`);
      expect(typeof schema['title']).toBe('string');
      expect(typeof schema['description']).toBe('string');
    });
  }

  // A run compiles these without the meta-schema check (schemas/validate.ts): this is where it happens.
  const shipped = readdirSync(new URL('../schemas/', import.meta.url)).filter((f) => f.endsWith('.schema.json') && f !== 'claim-types.schema.json');
  it.each(shipped)('%s passes the 2020-12 meta-schema', (file) => {
    expect(() => createAjv().compile(readJson(`../schemas/${file}`))).not.toThrow();
  });

  it('the meta-schema check is on by default and off only when asked', () => {
    const broken = { type: 'string', minLength: -1 };
    expect(() => createAjv().compile(broken)).toThrow(/minLength/);
    expect(() => createAjv({ metaSchema: false }).compile(broken)).not.toThrow();
    expect(() => createAjv({ metaSchema: false }).compile({ type: 'object', docUrl: 'https://docs.kinde.com/' })).toThrow(/unknown keyword/);
  });

  it('strict mode is really on: an invented keyword is rejected', () => {
    expect(() => createAjv().compile({ type: 'object', docUrl: 'https://docs.kinde.com/' })).toThrow(/unknown keyword/);
  });

  for (const kind of ['access', 'id', 'm2m'] as const) {
    it(`every ${kind} claim has a description and a docs.kinde.com URL`, () => {
      const props = readJson(SCHEMA_FILES[kind])['properties'] as Record<string, Json>;
      const names = Object.keys(props);
      expect(names.length).toBeGreaterThan(10);
      for (const name of names) {
        const p = props[name]!;
        expect(typeof p['description'], name).toBe('string');
        expect(`${String(p['$comment'] ?? '')} ${String(p['description'])}`, name).toMatch(/https:\/\/docs\.kinde\.com\//);
      }
    });
  }

  it('validators are compiled once and cached', () => {
    expect(validatorFor('access')).toBe(validatorFor('access'));
    expect(validatorFor('access')).not.toBe(validatorFor('id'));
  });

  it('an unknown kind is a CatalogError, not a silent pass', () => {
    expect(() => validatorFor('refresh' as SchemaKind)).toThrow(CatalogError);
    try {
      validatorFor('__proto__' as SchemaKind);
      expect.unreachable();
    } catch (e) {
      expect((e as CatalogError).code).toBe('ERR_UNKNOWN_SCHEMA');
    }
  });
});

describe('example files are the docs\' examples, minimally repaired', () => {
  it('§4 ID token: invalid as published, equal to the example after closing 2 strings', () => {
    const raw = docBlock('Example ID token (VERBATIM');
    expect(() => JSON.parse(raw)).toThrow();
    const { text, repairs } = closeUnterminated(raw);
    expect(repairs).toBe(2);
    expect(JSON.parse(text)).toEqual(ex.id);
  });

  it('§6 access token: equal to the example after removing 1 jsonc comment', () => {
    const raw = docBlock('Example access token (VERBATIM, jsonc)');
    expect(() => JSON.parse(raw)).toThrow();
    const { text, repairs } = stripComments(raw);
    expect(repairs).toBe(1);
    expect(closeUnterminated(text).repairs).toBe(0);
    expect(JSON.parse(text)).toEqual(ex.access);
  });

  it('S3 M2M tokens: invalid as published, equal to the examples after closing 3 strings', () => {
    const raw = docBlock('Global M2M example (VERBATIM');
    expect(() => JSON.parse(raw)).toThrow();
    const { text, repairs } = closeUnterminated(raw);
    expect(repairs).toBe(3);
    const global = JSON.parse(text) as Json;
    expect(global).toEqual(ex.m2mGlobal);
    expect(readFileSync(FACTS_URL, 'utf8')).toContain('Org-scoped example = same plus `"org_code": "org_ba4a2311eb1",`');
    expect({ ...global, org_code: 'org_ba4a2311eb1' }).toEqual(ex.m2mOrg);
  });

  it('§2 feature flags, S2 application properties and §3 refresh response parse unrepaired', () => {
    expect(JSON.parse(docBlock('embedded in the token under the `feature_flags` claim:'))).toEqual(ex.flags);
    expect(JSON.parse(docBlock('The value will appear in the token under a `application_properties` claim:'))).toEqual(ex.appProps);
    expect(JSON.parse(docBlock('Refresh response example (verbatim):'))).toEqual(ex.refreshResponse);
    const facts = readFileSync(FACTS_URL, 'utf8');
    const m2mResponse = /`(\{"access_token": "\.\.\.", "expires_in"[^`]*\})`/.exec(facts)?.[1];
    expect(m2mResponse).toBeDefined();
    expect(JSON.parse(m2mResponse!)).toEqual(ex.m2mResponse);
  });
});

describe('the docs\' examples validate', () => {
  it('§4 ID token', () => expect(schemaErrors('id', ex.id)).toEqual([]));
  it('§6 access token (sub typo "kp:_" included)', () => expect(schemaErrors('access', ex.access)).toEqual([]));
  it('S3 global M2M token', () => expect(schemaErrors('m2m', ex.m2mGlobal)).toEqual([]));
  it('S3 org-scoped M2M token', () => expect(schemaErrors('m2m', ex.m2mOrg)).toEqual([]));
  it('§2 feature_flags inside an M2M token', () => expect(schemaErrors('m2m', { ...ex.m2mGlobal, ...ex.flags })).toEqual([]));
  it('S2 application_properties inside access, ID and M2M tokens', () => {
    expect(schemaErrors('access', { ...ex.access, ...ex.appProps })).toEqual([]);
    expect(schemaErrors('id', { ...ex.id, ...ex.appProps })).toEqual([]);
    expect(schemaErrors('m2m', { ...ex.m2mOrg, ...ex.appProps })).toEqual([]);
  });
  it('§3 refresh response ("Bearer", no expires_in) and the M2M tutorial response ("bearer")', () => {
    expect(schemaErrors('token-response', ex.refreshResponse)).toEqual([]);
    expect(schemaErrors('token-response', ex.m2mResponse)).toEqual([]);
  });
});

/** Copy of `base` with `key` set (or removed when value is undefined). */
function withClaim(base: Json, key: string, value: unknown): Json {
  const copy: Json = structuredClone(base);
  if (value === undefined) delete copy[key];
  else copy[key] = value;
  return copy;
}

describe('access token schema rejects what the docs rule out', () => {
  it.each([
    ['aud as a string', 'aud', 'myapp:prod-api', '/aud must be array'],
    ['scp as a space-separated string', 'scp', 'openid profile', '/scp must be array'],
    ['missing jti', 'jti', undefined, "/ must have required property 'jti'"],
    ['missing scp', 'scp', undefined, "/ must have required property 'scp'"],
    ['exp as a string', 'exp', '1693371599', '/exp must be integer'],
    ['iat in milliseconds as a float', 'iat', 1693285199.5, '/iat must be integer'],
    ['org_code without org_ prefix', 'org_code', 'acme', '/org_code must match pattern "^org_"'],
    ['permissions as an object', 'permissions', { read: true }, '/permissions must be array'],
    ['iss over http', 'iss', 'http://acme.kinde.com', '/iss must match pattern "^https://"'],
    ['has_trial_period as a string', 'has_trial_period', 'true', '/has_trial_period must be boolean'],
    ['trial_expires_on not a date-time', 'trial_expires_on', 'next tuesday', '/trial_expires_on must match format "date-time"'],
    ['a boolean flag with value "yes"', 'feature_flags', { f: { t: 'b', v: 'yes' } }, '/feature_flags/f/v must be boolean'],
    ['an integer flag with value 1.5', 'feature_flags', { f: { t: 'i', v: 1.5 } }, '/feature_flags/f/v must be integer'],
    ['a string flag with value 1', 'feature_flags', { f: { t: 's', v: 1 } }, '/feature_flags/f/v must be string'],
    ['an undocumented flag code j', 'feature_flags', { f: { t: 'j', v: {} } }, '/feature_flags/f/t must be equal to one of the allowed values: ["b","s","i"]'],
    ['a flag without v', 'feature_flags', { f: { t: 'b' } }, "/feature_flags/f must have required property 'v'"],
    ['a property value without {v}', 'user_properties', { kp_usr_city: 'Sydney' }, '/user_properties/kp_usr_city must be object'],
    ['a property object lacking v', 'organization_properties', { kp_org_city: {} }, "/organization_properties/kp_org_city must have required property 'v'"],
    ['roles objects missing key/name', 'roles', [{ id: 'r1' }], 'must match a schema in anyOf'],
  ])('%s', (_label, key, value, message) => {
    const errors = schemaErrors('access', withClaim(ex.access, key, value));
    expect(errors.some((e) => e.includes(message)), errors.join('\n')).toBe(true);
  });

  it('accepts both documented roles shapes, custom top-level claims and trials', () => {
    expect(schemaErrors('access', withClaim(ex.access, 'roles', ['admin', 'owner']))).toEqual([]);
    expect(schemaErrors('access', withClaim(ex.access, 'roles', [{ id: '01', key: 'admin', name: 'Admin' }]))).toEqual([]);
    expect(schemaErrors('access', { ...ex.access, companyName: 'Acme Inc.', 'https://hasura.io/jwt/claims': { 'x-hasura-default-role': 'user' } })).toEqual([]);
    expect(schemaErrors('access', { ...ex.access, has_trial_period: true, trial_expires_on: '2026-05-01T00:00:00Z', permissions: [], feature_flags: {} })).toEqual([]);
  });

  it('property: flags validate exactly when v has the type t names', () => {
    const code = fc.constantFrom('b', 's', 'i');
    const value = fc.oneof(fc.boolean(), fc.string(), fc.integer(), fc.double({ noInteger: true, noNaN: true }), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }));
    const matches = (t: string, v: unknown) =>
      (t === 'b' && typeof v === 'boolean') || (t === 's' && typeof v === 'string') || (t === 'i' && Number.isInteger(v));
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.record({ t: code, v: value }), { maxKeys: 4 }), (flags) => {
        const valid = schemaErrors('access', { ...ex.access, feature_flags: flags }).length === 0;
        expect(valid).toBe(Object.values(flags).every((f) => matches(f.t, f.v)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('ID token schema rejects what the docs rule out', () => {
  it.each([
    ['missing at_hash', 'at_hash', undefined, "/ must have required property 'at_hash'"],
    ['missing auth_time', 'auth_time', undefined, "/ must have required property 'auth_time'"],
    ['missing updated_at', 'updated_at', undefined, "/ must have required property 'updated_at'"],
    ['at_hash with base64 padding', 'at_hash', 'VZ6cU0Ay0RKB5EosbWuTCQ==', '/at_hash must match pattern'],
    ['at_hash in standard base64', 'at_hash', 'VZ6cU0Ay+RKB5Eos/WuTCQ', '/at_hash must match pattern'],
    ['aud as a string', 'aud', 'https://acme.kinde.com', '/aud must be array'],
    ['updated_at as an ISO string', 'updated_at', '2023-08-14T10:39:00Z', '/updated_at must be integer'],
    ['org_codes as a string', 'org_codes', 'org_1', '/org_codes must be array'],
    ['email as an array', 'email', ['jane@example.com'], '/email must be string'],
  ])('%s', (_label, key, value, message) => {
    const errors = schemaErrors('id', withClaim(ex.id, key, value));
    expect(errors.some((e) => e.includes(message)), errors.join('\n')).toBe(true);
  });

  it('profile and email claims are optional (they depend on scopes)', () => {
    let minimal = ex.id;
    for (const k of ['email', 'name', 'given_name', 'family_name', 'picture', 'org_codes', 'provided_id']) minimal = withClaim(minimal, k, undefined);
    expect(schemaErrors('id', minimal)).toEqual([]);
  });
});

describe('M2M token schema rejects what the docs rule out', () => {
  it.each([
    ['gty of another grant', 'gty', 'authorization_code', '/gty must'],
    ['gty array without client_credentials', 'gty', ['refresh_token'], '/gty must contain at least 1 valid item'],
    ['empty gty array', 'gty', [], '/gty must contain at least 1 valid item'],
    ['missing gty', 'gty', undefined, "/ must have required property 'gty'"],
    ['missing scope', 'scope', undefined, "/ must have required property 'scope'"],
    ['scope with a double space', 'scope', 'read:users  write:flags', '/scope must match pattern'],
    ['scope with a trailing space', 'scope', 'read:users ', '/scope must match pattern'],
    ['scope as an array', 'scope', ['read:users'], '/scope must be string'],
    ['v as a number', 'v', 2, '/v must be string'],
    ['org_code without org_ prefix', 'org_code', 'ba4a2311eb1', '/org_code must match pattern'],
    ['application property without {v}', 'application_properties', { region: 'eu' }, '/application_properties/region must be object'],
  ])('%s', (_label, key, value, message) => {
    const errors = schemaErrors('m2m', withClaim(ex.m2mGlobal, key, value));
    expect(errors.some((e) => e.includes(message)), errors.join('\n')).toBe(true);
  });

  it('accepts gty as the string the claims table names and an empty scope with empty scp (contradiction 3, M2M tutorial)', () => {
    expect(schemaErrors('m2m', withClaim(ex.m2mGlobal, 'gty', 'client_credentials'))).toEqual([]);
    expect(schemaErrors('m2m', { ...ex.m2mGlobal, scope: '', scp: [] })).toEqual([]);
  });
});

describe('token response schema', () => {
  it.each(['Bearer', 'bearer', 'BEARER'])('accepts token_type %s (contradiction 15)', (tokenType) => {
    expect(schemaErrors('token-response', { access_token: 'a.b.c', token_type: tokenType, expires_in: 86400 })).toEqual([]);
  });
  it.each([
    ['token_type mac', { access_token: 'a.b.c', token_type: 'mac' }, '/token_type must match pattern'],
    ['token_type with a trailing space', { access_token: 'a.b.c', token_type: 'Bearer ' }, '/token_type must match pattern'],
    ['missing access_token', { token_type: 'Bearer' }, "/ must have required property 'access_token'"],
    ['empty access_token', { access_token: '', token_type: 'Bearer' }, '/access_token must NOT have fewer than 1 characters'],
    ['expires_in as a string', { access_token: 'a.b.c', token_type: 'Bearer', expires_in: '3600' }, '/expires_in must be integer'],
    ['refresh_token as null', { access_token: 'a.b.c', token_type: 'Bearer', refresh_token: null }, '/refresh_token must be string'],
  ])('rejects %s', (_label, body, message) => {
    const errors = schemaErrors('token-response', body);
    expect(errors.some((e) => e.includes(message)), errors.join('\n')).toBe(true);
  });
});

describe('JWKS schema', () => {
  const key = { kty: 'RSA', n: 'sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1Wl', e: 'AQAB', kid: 'k1', alg: 'RS256', use: 'sig' };
  it('accepts an RSA public key set', () => {
    expect(schemaErrors('jwks', { keys: [key] })).toEqual([]);
  });
  it.each([
    ['an empty key set', { keys: [] }, '/keys must NOT have fewer than 1 items'],
    ['a key without kid', { keys: [{ ...key, kid: undefined }] }, "/keys/0 must have required property 'kid'"],
    ['an EC key', { keys: [{ ...key, kty: 'EC' }] }, '/keys/0/kty must be equal to constant'],
    ['an HMAC secret', { keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'h1' }] }, '/keys/0/kty must be equal to constant'],
    ['a published private exponent', { keys: [{ ...key, d: 'AQAB' }] }, '/keys/0/d must NOT be valid'],
    ['a modulus in standard base64', { keys: [{ ...key, n: 'sXch+aQe/HnP' }] }, '/keys/0/n must match pattern'],
  ])('rejects %s', (_label, body, message) => {
    const errors = schemaErrors('jwks', JSON.parse(JSON.stringify(body)));
    expect(errors.some((e) => e.includes(message)), errors.join('\n')).toBe(true);
  });
});
