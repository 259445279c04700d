/**
 * How the reference writes a signed token and its published key set, and the
 * seeded defects that live exactly there (reference/defects.ts): the wire
 * encoding, duplicate member names, size, and private key material in the
 * JWKS. The correct paths are jose's; a defect changes only its own detail.
 */
import { randomBytes, webcrypto } from 'node:crypto';
import { exportJWK, SignJWT } from 'jose';
import type { Jwk, JsonObject } from '../adapters/types.js';
import type { DefectName } from './defects.js';
import type { SigningKey } from './signing-key.js';

/** Size of the `_debug` claim of the `oversized-token` defect: well past any header limit. */
const DEBUG_CLAIM_CHARS = 24 * 1024;

/** Counters for benchmarks (bench/run.ts): tokens signed and the time spent signing them. */
export const signCounters = { tokens: 0, ms: 0 };

export async function encodeToken(payload: JsonObject, key: SigningKey, defects: ReadonlySet<DefectName>): Promise<string> {
  const startedAt = performance.now();
  try {
    return await encode(payload, key, defects);
  } finally {
    signCounters.tokens += 1;
    signCounters.ms += performance.now() - startedAt;
  }
}

async function encode(payload: JsonObject, key: SigningKey, defects: ReadonlySet<DefectName>): Promise<string> {
  const header: { alg: string; kid: string; typ: string; jku?: string; cty?: string } = { alg: 'RS256', kid: key.kid, typ: 'JWT' };
  if (defects.has('header-jku') && typeof payload.iss === 'string') header.jku = `${payload.iss}/.well-known/jwks`;
  if (defects.has('header-cty-jwt')) header.cty = 'JWT';
  const body = defects.has('oversized-token') ? { ...payload, _debug: 'x'.repeat(DEBUG_CLAIM_CHARS) } : payload;
  if (defects.has('duplicate-claim-names')) {
    // Built by string concatenation: a stale default `iss` first, the real one after it (JSON.parse reads the last).
    const json = `{"iss":"https://default.kinde.com",${JSON.stringify(body).slice(1)}`;
    return signRaw(b64url(JSON.stringify(header)), b64url(json), key);
  }
  if (defects.has('token-standard-base64')) {
    const std = (s: string | Uint8Array) => Buffer.from(s).toString('base64');
    const input = `${std(JSON.stringify(header))}.${std(JSON.stringify(body))}`;
    return `${input}.${std(await rs256(input, key))}`;
  }
  return new SignJWT(body as Record<string, unknown>).setProtectedHeader(header).sign(key.privateKey);
}

/** The JWK Set published for `keys`. */
export async function publishedKeys(keys: SigningKey[], defects: ReadonlySet<DefectName>): Promise<Jwk[]> {
  const out: Jwk[] = keys.map((k) => ({ ...k.publicJwk }));
  if (defects.has('jwks-publishes-private-key')) {
    // The private JWK exported where the public one belongs.
    out[0] = { ...((await exportJWK(keys[0]!.privateKey)) as Jwk), kid: keys[0]!.kid, alg: 'RS256', use: 'sig' };
  }
  if (defects.has('jwks-n-leading-zero')) {
    // The modulus with a 0x00 octet in front (a signed-integer encoder): the same value, not the minimal octets.
    out[0] = { ...out[0]!, n: Buffer.concat([Buffer.of(0), Buffer.from(out[0]!.n as string, 'base64url')]).toString('base64url') };
  }
  if (defects.has('jwks-publishes-hmac-secret')) {
    out.push({ kty: 'oct', kid: `hs256-${keys[0]!.kid}`, alg: 'HS256', use: 'sig', k: randomBytes(32).toString('base64url') });
  }
  return out;
}

async function signRaw(header: string, payload: string, key: SigningKey): Promise<string> {
  const input = `${header}.${payload}`;
  return `${input}.${b64url(await rs256(input, key))}`;
}

async function rs256(input: string, key: SigningKey): Promise<Uint8Array> {
  return new Uint8Array(await webcrypto.subtle.sign('RSASSA-PKCS1-v1_5', key.privateKey, Buffer.from(input, 'ascii')));
}

function b64url(s: string | Uint8Array): string {
  return Buffer.from(s).toString('base64url');
}
