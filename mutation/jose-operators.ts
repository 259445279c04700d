/**
 * Operators on the JOSE layer: the protected header (no kid, an unknown kid,
 * other typ values, an unknown critical parameter, jku naming the issuer's own
 * JWKS, zip (TOKEN-HEADER-MEMBERS), another RSA-family alg
 * with the same key), the signature (an unpublished key, a weak published
 * key, a corrupted signature, alg none, HMAC keyed with the public key) and
 * the served JWKS (fields dropped or changed, keys added, duplicated or gone).
 */
import { TOKEN_TYPES, type Jwk, type TokenType } from '../adapters/types.js';
import type { Operator, Signing, TokenEdit } from './types.js';
import { otherId } from './values.js';

function header(type: TokenType, id: string, description: string, f: (edit: TokenEdit) => boolean, signing?: Signing): Operator {
  return { id: `${type}.header.${id}`, family: 'header', target: `header.${id.split(':')[0]}`, area: 'jose', tokenTypes: [type], description: `${type} token: ${description}`, token: f, ...(signing ? { signing } : {}) };
}

function sig(type: TokenType, id: string, description: string, signing: Signing, f: (edit: TokenEdit) => boolean = () => true): Operator {
  return { id: `${type}.sig:${id}`, family: 'signature', target: 'signature', area: 'jose', tokenTypes: [type], description: `${type} token: ${description}`, token: f, signing };
}

const ALGS = ['RS384', 'RS512', 'PS256', 'PS384'] as const;

function joseOperators(type: TokenType): Operator[] {
  return [
    header(type, 'kid:drop', 'the header has no kid', (e) => 'kid' in e.header && delete e.header.kid),
    header(type, 'kid:unknown', 'the header names a kid that is not in the JWKS', (e) => {
      const kid = typeof e.header.kid === 'string' ? otherId(e.header.kid, 'kid') : undefined;
      if (kid === undefined) return false;
      e.header.kid = kid;
      return true;
    }),
    header(type, 'typ:drop', 'the header has no typ', (e) => 'typ' in e.header && delete e.header.typ),
    header(type, 'typ:lower', 'typ is "jwt"', (e) => set(e, 'typ', 'jwt')),
    header(type, 'typ:at+jwt', 'typ is "at+jwt" (RFC 9068 access token)', (e) => set(e, 'typ', 'at+jwt')),
    header(type, 'typ:JOSE+JSON', 'typ is "JOSE+JSON" (the JSON serialization) on a compact token', (e) => set(e, 'typ', 'JOSE+JSON')),
    header(type, 'crit:unknown', 'the header marks an unknown extension critical', (e) => {
      e.header.crit = ['x-ktc'];
      e.header['x-ktc'] = true;
      return true;
    }),
    header(type, 'jku:own', "the header carries jku naming the issuer's own JWKS", (e) => typeof e.payload.iss === 'string' && set(e, 'jku', `${e.payload.iss}/.well-known/jwks`)),
    header(type, 'zip:DEF', 'the header carries zip DEF (a JWE parameter) over an uncompressed payload', (e) => set(e, 'zip', 'DEF')),
    ...ALGS.map((alg) => header(type, `alg:${alg}`, `signed with ${alg} by the same key, header alg ${alg}`, () => true, { kind: 'alg', alg })),
    sig(type, 'unpublished-key', 'signed by a key that is not in the JWKS (kid of the published key)', { kind: 'unpublished-key' }),
    sig(type, 'weak-key', 'signed by a 1024-bit RSA key that the JWKS publishes', { kind: 'weak-key' }),
    sig(type, 'corrupt', 'one bit of the signature flipped', { kind: 'corrupt-signature' }),
    sig(type, 'none', 'alg none with an empty signature', { kind: 'none' }),
  ];
}

function set(e: TokenEdit, k: string, v: string): boolean {
  if (e.header[k] === v) return false;
  e.header[k] = v;
  return true;
}

function jwks(id: string, description: string, f: (keys: Jwk[]) => Jwk[] | false): Operator {
  return {
    id: `jwks.${id}`,
    family: 'jwks',
    target: `jwks.${id.split(':')[0]}`,
    area: 'jwks',
    description: `the JWKS: ${description}`,
    jwks: (set) => {
      const next = f(set.keys);
      if (next === false) return false;
      set.keys = next;
      return true;
    },
  };
}

function eachKey(f: (k: Jwk) => boolean): (keys: Jwk[]) => Jwk[] | false {
  return (keys) => {
    const copy = keys.map((k) => ({ ...k }));
    return copy.map(f).some(Boolean) ? copy : false;
  };
}

const JWKS_OPERATORS: Operator[] = [
  jwks('use:drop', 'keys have no use', eachKey((k) => 'use' in k && delete k.use)),
  jwks('use:enc', 'keys are marked use "enc"', eachKey((k) => ((k.use = 'enc'), true))),
  jwks('alg:drop', 'keys have no alg', eachKey((k) => 'alg' in k && delete k.alg)),
  jwks('alg:RS384', 'keys are marked alg RS384', eachKey((k) => ((k.alg = 'RS384'), true))),
  jwks('kid:drop', 'keys have no kid', eachKey((k) => 'kid' in k && delete k.kid)),
  jwks('kty:EC', 'keys claim kty EC', eachKey((k) => ((k.kty = 'EC'), true))),
  jwks('n:edit', "the key's modulus has one character replaced", eachKey((k) => typeof k.n === 'string' && ((k.n = k.n.slice(0, 10) + (k.n[10] === 'A' ? 'B' : 'A') + k.n.slice(11)), true))),
  jwks('e:edit', "the key's exponent is 3", eachKey((k) => ((k.e = 'Aw'), true))),
  jwks('keys:empty', 'no keys at all', (keys) => (keys.length === 0 ? false : [])),
  jwks('keys:add-unrelated', 'another valid RSA key is published too', (keys) => [...keys, { ...keys[0]!, kid: `${keys[0]?.kid ?? 'k'}-next`, n: flipModulus(keys[0]?.n) }]),
  jwks('keys:duplicate-kid', 'a second key with the same kid but another modulus is published first', (keys) =>
    keys.length === 0 ? false : [{ ...keys[0]!, n: flipModulus(keys[0]!.n) }, ...keys],
  ),
];

function flipModulus(n: string | undefined): string {
  if (!n) return 'AQAB';
  return n.slice(0, 20) + (n[20] === 'A' ? 'B' : 'A') + n.slice(21);
}

export function joseOperatorsAll(): Operator[] {
  return [...TOKEN_TYPES.flatMap(joseOperators), ...JWKS_OPERATORS];
}
