/**
 * SIG-RS256 judges the signature, SIG-KID-IN-JWKS the kid: a JWKS listing two keys under the token's kid (RFC 7517
 * §4.5 asks distinct kids, a SHOULD) no longer makes the signature "not verify" when one of those keys verifies it
 * (jose's several-candidates error was taken as a failed signature). A wrong signature still fails.
 */
import { describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Jwks } from '../adapters/types.js';
import { verifySignature } from '../suites/lib/tokens.js';

async function rsa(kid: string) {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

describe('verifySignature', () => {
  it('a token verifies when one of several keys under its kid verifies it, in either order; otherwise not', async () => {
    const signer = await rsa('k1');
    const decoy = await rsa('k1');
    const other = await rsa('k1');
    const token = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(signer.privateKey);
    expect(await verifySignature(token, { keys: [decoy.jwk, signer.jwk] } as Jwks)).toBeNull();
    expect(await verifySignature(token, { keys: [signer.jwk, decoy.jwk] } as Jwks)).toBeNull();
    expect(await verifySignature(token, { keys: [signer.jwk] } as Jwks)).toBeNull();
    expect(await verifySignature(token, { keys: [decoy.jwk, other.jwk] } as Jwks)).toMatch(/SIGNATURE_VERIFICATION_FAILED/);
    expect(await verifySignature(token, { keys: [decoy.jwk] } as Jwks)).toMatch(/SIGNATURE_VERIFICATION_FAILED/);
  });
});
