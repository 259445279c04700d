/**
 * What the catalogs say about each claim's shape: its JSON kinds (from the
 * token JSON Schemas, `$ref`s into claim-types resolved) and a plausible value
 * for it, used when a mutant adds a claim where it must not be.
 */
import type { JsonObject, JsonValue, TokenType } from '../adapters/types.js';
import accessSchema from '../schemas/access-token.schema.json' with { type: 'json' };
import claimTypes from '../schemas/claim-types.schema.json' with { type: 'json' };
import idSchema from '../schemas/id-token.schema.json' with { type: 'json' };
import m2mSchema from '../schemas/m2m-token.schema.json' with { type: 'json' };
import { hashInt, type JsonKind } from './values.js';

type SchemaNode = { $ref?: string; type?: string | string[]; anyOf?: SchemaNode[]; oneOf?: SchemaNode[]; const?: unknown };

const SCHEMAS: Record<TokenType, { properties: Record<string, SchemaNode> }> = {
  access: accessSchema as never,
  id: idSchema as never,
  m2m: m2mSchema as never,
};
const DEFS = (claimTypes as unknown as { $defs: Record<string, SchemaNode> }).$defs;

function defName(node: SchemaNode): string | undefined {
  return node.$ref ? /#\/\$defs\/(.+)$/.exec(node.$ref)?.[1] : undefined;
}

function kindsOf(node: SchemaNode | undefined, depth = 0): JsonKind[] {
  if (!node || depth > 5) return [];
  const def = defName(node);
  if (def) return kindsOf(DEFS[def], depth + 1);
  const branches = node.anyOf ?? node.oneOf;
  if (branches) return [...new Set(branches.flatMap((b) => kindsOf(b, depth + 1)))];
  if (node.const !== undefined) return [node.const === null ? 'null' : Array.isArray(node.const) ? 'array' : (typeof node.const as JsonKind)];
  const types = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
  return [...new Set(types.map((t) => (t === 'integer' ? 'number' : (t as JsonKind))))];
}

/** JSON kinds the schema of `type` allows for `claim` (empty: untyped, e.g. `sid`). */
export function claimKinds(type: TokenType, claim: string): JsonKind[] {
  return kindsOf(SCHEMAS[type].properties[claim]);
}

/** The `$defs` name behind a claim's schema, if it has one (`unixTime`, `audience`, …). */
function claimDef(type: TokenType, claim: string): string | undefined {
  const node = SCHEMAS[type].properties[claim];
  return node ? defName(node) : undefined;
}

/**
 * A value for `claim` that looks right for `owner` (the token type whose
 * catalog documents it), taking what the token itself offers where it can
 * (its own `iat` for a time, its `aud` for audiences).
 */
export function plausibleValue(owner: TokenType, claim: string, payload: JsonObject, seed: string, owners?: JsonObject): JsonValue {
  const n = hashInt(seed, claim);
  const hex = (len: number) => Array.from({ length: len }, (_, i) => '0123456789abcdef'[hashInt(seed, `${claim}${i}`) % 16]).join('');
  switch (claimDef(owner, claim)) {
    case 'unixTime':
      // The owner's true value when the answer holds that token (updated_at from the ID token: the user's, the same on
      // every sign-in); iat otherwise. An iat-derived updated_at changed with the second a sign-in fell in, so one
      // mutant was killed or not by timing alone.
      if (typeof owners?.[claim] === 'number') return owners[claim];
      return typeof payload.iat === 'number' ? payload.iat : 1_700_000_000;
    case 'audience':
      return Array.isArray(payload.aud) ? payload.aud : [`api-${hex(6)}`];
    case 'scopeList':
      return Array.isArray(payload.scp) ? payload.scp : ['openid'];
    case 'issuer':
      return typeof payload.iss === 'string' ? payload.iss : 'https://example.kinde.com';
    case 'orgCode':
      return `org_${hex(11)}`;
    case 'stringArray':
      return [`x${n % 1000}`];
    case 'featureFlags':
      return { [`flag${n % 100}`]: { t: 'b', v: true } };
    case 'properties':
      return { [`prop${n % 100}`]: { v: 'x' } };
    case 'roles':
      return [{ id: `rol_${hex(8)}`, key: 'admin', name: 'Admin' }];
    case 'nonEmptyString':
      return hex(32);
    default:
      break;
  }
  if (claim === 'gty') return ['client_credentials'];
  if (claim === 'v') return '2';
  if (claim === 'scope') return Array.isArray(payload.scp) ? payload.scp.join(' ') : '';
  if (claim === 'sub') return `kp_${hex(32)}`;
  const kinds = claimKinds(owner, claim);
  if (kinds.includes('boolean')) return true;
  if (kinds.includes('number')) return typeof payload.iat === 'number' ? payload.iat : n;
  if (kinds.includes('object')) return { x: 'y' };
  if (kinds.includes('array')) return [];
  if (claim.includes('email')) return `user${n % 1000}@example.com`;
  if (claim === 'picture') return `https://example.com/${hex(8)}.png`;
  return `${claim}-${hex(6)}`;
}
