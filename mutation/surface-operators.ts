/**
 * Operators of the issuer's HTTP surface (capability httpSurface): the
 * discovery document's members, the two JWKS paths and the token endpoint's
 * cache headers, each a pure edit of what the target answered. And one
 * consistency operator for the content of refresh-minted access tokens (the
 * sign-in's claims handed out again). In-process targets never show the HTTP
 * surface, so there the surface operators stay unexercised.
 */
import type { HttpGetAnswer, JsonObject, JsonValue } from '../adapters/types.js';
import type { Operator } from './types.js';

const DISCOVERY = '/.well-known/openid-configuration';
const REQUIRED_MEMBERS = ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri', 'response_types_supported', 'subject_types_supported', 'id_token_signing_alg_values_supported'];

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Edit the discovery document's JSON (only when `ref` is discovery and it is an object). */
function discoveryEdit(f: (doc: JsonObject) => boolean): (ref: string, a: HttpGetAnswer) => boolean {
  return (ref, a) => ref.endsWith(DISCOVERY) && isObject(a.json) && f(a.json);
}

function discoveryOperators(): Operator[] {
  const op = (id: string, target: string, description: string, f: (doc: JsonObject) => boolean): Operator => ({
    id: `discovery.${id}`,
    family: 'surface',
    target: `discovery.${target}`,
    area: 'discovery',
    description,
    surface: discoveryEdit(f),
  });
  const str = (doc: JsonObject, name: string, g: (v: string) => string): boolean => {
    const v = doc[name];
    if (typeof v !== 'string' || g(v) === v) return false;
    doc[name] = g(v);
    return true;
  };
  const ops: Operator[] = REQUIRED_MEMBERS.map((m) => op(`${m}:drop`, m, `the discovery document has no ${m}`, (d) => m in d && delete d[m]));
  ops.push(
    op('issuer:edit:trailing-slash', 'issuer', 'the discovery issuer ends with a slash the tokens’ iss does not have', (d) => str(d, 'issuer', (v) => `${v}/`)),
    op('issuer:edit:http', 'issuer', 'the discovery issuer is http:// instead of https://', (d) => str(d, 'issuer', (v) => v.replace(/^https:/, 'http:'))),
    op('issuer:edit:other-tenant', 'issuer', 'the discovery issuer names another subdomain', (d) => str(d, 'issuer', (v) => v.replace('://', '://other-'))),
    op('jwks_uri:edit:other-path', 'jwks_uri', 'discovery jwks_uri names a path where no key set is served', (d) => str(d, 'jwks_uri', (v) => v.replace(/\/\.well-known\/jwks(\.json)?$/, '/.well-known/keys'))),
    op('jwks_uri:edit:foreign-origin', 'jwks_uri', 'discovery jwks_uri is on a foreign origin', (d) => str(d, 'jwks_uri', (v) => v.replace(/^https?:\/\/[^/]+/, 'https://keys.example.com'))),
    op('id_token_signing_alg_values_supported:edit:no-rs256', 'id_token_signing_alg_values_supported', 'discovery advertises ES256 instead of RS256', (d) => {
      const v = d.id_token_signing_alg_values_supported;
      if (!Array.isArray(v) || !v.includes('RS256')) return false;
      d.id_token_signing_alg_values_supported = v.map((x) => (x === 'RS256' ? 'ES256' : x)) as JsonValue;
      return true;
    }),
  );
  ops.push(
    op('id_token_signing_alg_values_supported:add:HS256', 'id_token_signing_alg_values_supported', 'discovery advertises HS256 beside RS256', (d) => {
      const v = d.id_token_signing_alg_values_supported;
      if (!Array.isArray(v) || v.includes('HS256')) return false;
      d.id_token_signing_alg_values_supported = [...v, 'HS256'];
      return true;
    }),
  );
  // Optional members (DISC-METADATA): present in the reference's document, judged against behaviour.
  const list = (doc: JsonObject, name: string, g: (v: JsonValue[]) => JsonValue[]): boolean => {
    const v = doc[name];
    if (!Array.isArray(v)) return false;
    const next = g(v);
    if (JSON.stringify(next) === JSON.stringify(v)) return false;
    doc[name] = next as JsonValue;
    return true;
  };
  for (const g of ['authorization_code', 'refresh_token', 'client_credentials']) {
    ops.push(op(`grant_types_supported:drop:${g}`, 'grant_types_supported', `discovery grant_types_supported omits ${g}, a grant the environment serves`, (d) => list(d, 'grant_types_supported', (v) => v.filter((x) => x !== g))));
  }
  ops.push(
    op('code_challenge_methods_supported:edit:plain-only', 'code_challenge_methods_supported', 'discovery code_challenge_methods_supported offers plain instead of S256', (d) => list(d, 'code_challenge_methods_supported', (v) => v.map((x) => (x === 'S256' ? 'plain' : x)))),
    op('scopes_supported:add:offline_access', 'scopes_supported', 'discovery scopes_supported advertises offline_access, which Kinde does not support', (d) => list(d, 'scopes_supported', (v) => [...v, 'offline_access'])),
    op('response_types_supported:edit:no-code', 'response_types_supported', 'discovery response_types_supported lists id_token instead of code', (d) => list(d, 'response_types_supported', (v) => v.map((x) => (x === 'code' ? 'id_token' : x)))),
    op('token_endpoint_auth_methods_supported:type:string', 'token_endpoint_auth_methods_supported', 'discovery token_endpoint_auth_methods_supported is a space-joined string, not an array', (d) => {
      const v = d.token_endpoint_auth_methods_supported;
      if (!Array.isArray(v)) return false;
      d.token_endpoint_auth_methods_supported = v.join(' ');
      return true;
    }),
    op('userinfo_endpoint:edit:relative', 'userinfo_endpoint', 'discovery userinfo_endpoint is a relative path, not an absolute URL', (d) => str(d, 'userinfo_endpoint', (v) => v.replace(/^https?:\/\/[^/]+/, ''))),
  );
  return ops;
}

function jwksPathOperators(): Operator[] {
  const at = (path: string) => (ref: string) => ref === path || ref.endsWith(path);
  const json = at('/.well-known/jwks.json');
  return [
    {
      id: 'jwks-path.jwks.json:404',
      family: 'surface',
      target: 'jwks-path./.well-known/jwks.json',
      area: 'jwks',
      description: '/.well-known/jwks.json answers 404 (only /.well-known/jwks is served)',
      surface: (ref, a) => json(ref) && a.status !== 404 && ((a.status = 404), delete a.json, true),
    },
    {
      id: 'jwks-path.jwks.json:stale-key',
      family: 'surface',
      target: 'jwks-path./.well-known/jwks.json',
      area: 'jwks',
      description: '/.well-known/jwks.json serves a key set whose key has another kid (a stale copy)',
      surface: (ref, a) => {
        if (!json(ref) || !isObject(a.json) || !Array.isArray(a.json.keys) || a.json.keys.length === 0) return false;
        a.json.keys = a.json.keys.map((k) => (isObject(k) ? { ...k, kid: `stale-${String(k.kid ?? '')}` } : k));
        return true;
      },
    },
  ];
}

function headerOperators(): Operator[] {
  const op = (id: string, description: string, f: (h: Record<string, string>) => boolean): Operator => ({
    id: `response.headers.${id}`,
    family: 'surface',
    target: `response.headers.${id.split(':')[0]}`,
    area: 'response',
    description,
    headers: f,
  });
  return [
    op('cache-control:drop', 'token answers have no Cache-Control header', (h) => 'cache-control' in h && delete h['cache-control']),
    op('cache-control:edit:no-cache', 'token answers say Cache-Control: no-cache (storable) instead of no-store', (h) => h['cache-control'] !== 'no-cache' && ((h['cache-control'] = 'no-cache'), true)),
    op('pragma:drop', 'token answers have no Pragma header', (h) => 'pragma' in h && delete h.pragma),
    op('cache-control:drop@refresh', 'refresh_token answers have no Cache-Control header', (h) => 'cache-control' in h && delete h['cache-control']),
  ].map((o) => (o.id.endsWith('@refresh') ? { ...o, grants: ['refresh_token'] as const } : o));
}

/** Per-issuance claims a refresh legitimately changes. */
const PER_ISSUANCE = new Set(['iat', 'exp', 'nbf', 'jti', 'auth_time']);

/**
 * The access token a refresh mints carries the last sign-in's claims (workflow
 * claims included) instead of its own: memory holds the sign-in's payload.
 */
const SIGN_IN_CLAIMS_ON_REFRESH: Operator = {
  id: 'refresh:access:sign-in-claims',
  family: 'consistency',
  target: 'access',
  area: 'refresh',
  description: 'an access token minted by the refresh grant carries the sign-in access token’s claims (workflow claims of origin authorization_request included)',
  tokenTypes: ['access'],
  grants: ['authorization_code', 'refresh_token'],
  token: (edit, ctx) => {
    if (ctx.grant === 'authorization_code') {
      ctx.memory.set('sign-in-access', structuredClone(edit.payload));
      return false;
    }
    const first = ctx.memory.get('sign-in-access') as JsonObject | undefined;
    if (!first) return false;
    let changed = false;
    for (const name of new Set([...Object.keys(first), ...Object.keys(edit.payload)])) {
      if (PER_ISSUANCE.has(name) || JSON.stringify(first[name]) === JSON.stringify(edit.payload[name])) continue;
      if (first[name] === undefined) delete edit.payload[name];
      else edit.payload[name] = structuredClone(first[name]!);
      changed = true;
    }
    return changed;
  },
};

export function surfaceOperatorsAll(): Operator[] {
  return [...discoveryOperators(), ...jwksPathOperators(), ...headerOperators(), SIGN_IN_CLAIMS_ON_REFRESH];
}
