/**
 * Decoding and verifying tokens as a careful relying party would: RS256
 * pinned, key chosen by `kid` from the target's JWKS.
 */
import { createLocalJWKSet, errors, jwtVerify, type JWTVerifyGetKey, type KeyInput } from 'jose';
import { BOUNDS, jsonShape } from '../../adapters/bounds.js';
import type { Jwks } from '../../adapters/types.js';
import { decodeJws, type Decoded, type DecodeError } from './jws-decode.js';

export type { Decoded, DecodeError } from './jws-decode.js';

/** Decode without verifying (strict and bounded, see jws-decode.ts); returns an explanation instead of throwing. */
export function decodeToken(raw: unknown): Decoded | DecodeError {
  const d = decodeJws(raw);
  if (!('error' in d)) tokenStats.decoded += 1;
  return d;
}

export function isDecoded(x: Decoded | DecodeError): x is Decoded {
  return !('error' in x);
}

/** Counters for the benchmark (bench/run.ts). */
export const tokenStats = { decoded: 0, verified: 0, verifyMs: 0 };

const keySets = new WeakMap<Jwks, ReturnType<typeof createLocalJWKSet>>();

/** Verify the signature with RS256 pinned against `jwks`. Returns null when valid, else the reason. */
export async function verifySignature(raw: string, jwks: Jwks): Promise<string | null> {
  let keySet = keySets.get(jwks);
  if (!keySet) {
    // jose copies the set with structuredClone, which recurses: never hand it a hostile depth.
    const shape = jsonShape(jwks);
    if (shape.tooDeepAt !== undefined) return `the JWKS nests deeper than ${BOUNDS.jsonDepth} levels (at ${shape.tooDeepAt.slice(0, 200)}); the suite does not use it`;
    keySet = createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]);
    keySets.set(jwks, keySet);
  }
  tokenStats.verified += 1;
  const startedAt = performance.now();
  try {
    const why = await verifyWith(raw, keySet);
    if (!(why instanceof errors.JWKSMultipleMatchingKeys)) return why;
    // Several keys share the token's kid: that is SIG-KID-IN-JWKS's to judge (RFC 7517 §4.5 asks distinct kids,
    // a SHOULD); the signature verifies when one of them verifies it (jose hands the candidates over).
    let last: string | null = 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED: no key with the token\'s kid verifies it';
    for await (const key of why) {
      const r = await verifyWith(raw, key);
      if (r === null) return null;
      if (typeof r === 'string') last = r;
    }
    return last;
  } finally {
    tokenStats.verifyMs += performance.now() - startedAt;
  }
}

/** One verification with RS256 pinned: null when the signature holds, the reason, or jose's several-candidates error. */
async function verifyWith(raw: string, key: KeyInput | JWTVerifyGetKey): Promise<string | null | errors.JWKSMultipleMatchingKeys> {
  try {
    // Claims (exp, iss, aud) are judged by their own requirements; here only the signature counts.
    await jwtVerify(raw, key, { algorithms: ['RS256'], currentDate: new Date(0) });
    return null;
  } catch (e) {
    if (e instanceof errors.JWTClaimValidationFailed) return null;
    if (e instanceof errors.JWTExpired) return null;
    if (e instanceof errors.JWKSMultipleMatchingKeys) return e;
    const code = (e as { code?: string }).code ?? 'error';
    return `${code}: ${(e as Error).message}`;
  }
}
