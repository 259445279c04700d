/**
 * Decoding and verifying tokens as a careful relying party would: RS256
 * pinned, key chosen by `kid` from the target's JWKS.
 */
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { JsonObject, Jwks } from '../../adapters/types.js';

export interface Decoded {
  raw: string;
  header: JsonObject;
  payload: JsonObject;
}

/** Decode without verifying; returns an explanation instead of throwing. */
export function decodeToken(raw: unknown): Decoded | { error: string } {
  if (typeof raw !== 'string' || raw.length === 0) return { error: `token is ${raw === undefined ? 'absent' : 'not a non-empty string'}` };
  const segments = raw.split('.');
  if (segments.length !== 3) return { error: `a JWS compact token has 3 segments, this one has ${segments.length}` };
  // RFC 7515 §2 and §7.1: each segment is base64url without padding, whitespace or other characters, and canonical.
  const bad = segments.findIndex((x, i) => !/^[A-Za-z0-9_-]*$/.test(x) || (i < 2 && x.length === 0) || Buffer.from(x, 'base64url').toString('base64url') !== x);
  if (bad >= 0) return { error: `the ${['header', 'payload', 'signature'][bad]} segment is not canonical base64url (RFC 7515 §2): ${JSON.stringify(segments[bad]!.slice(-12))}` };
  tokenStats.decoded += 1;
  try {
    return {
      raw,
      header: decodeProtectedHeader(raw) as JsonObject,
      payload: decodeJwt(raw) as JsonObject,
    };
  } catch (e) {
    return { error: `token does not decode: ${(e as Error).message}` };
  }
}

export function isDecoded(x: Decoded | { error: string }): x is Decoded {
  return !('error' in x);
}

/** Counters for the benchmark (bench/run.ts). */
export const tokenStats = { decoded: 0, verified: 0 };

const keySets = new WeakMap<Jwks, ReturnType<typeof createLocalJWKSet>>();

/** Verify the signature with RS256 pinned against `jwks`. Returns null when valid, else the reason. */
export async function verifySignature(raw: string, jwks: Jwks): Promise<string | null> {
  let keySet = keySets.get(jwks);
  if (!keySet) {
    keySet = createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]);
    keySets.set(jwks, keySet);
  }
  tokenStats.verified += 1;
  try {
    // Claims (exp, iss, aud) are judged by their own requirements; here only the signature counts.
    await jwtVerify(raw, keySet, { algorithms: ['RS256'], currentDate: new Date(0) });
    return null;
  } catch (e) {
    if (e instanceof errors.JWTClaimValidationFailed) return null;
    if (e instanceof errors.JWTExpired) return null;
    const code = (e as { code?: string }).code ?? 'error';
    return `${code}: ${(e as Error).message}`;
  }
}
