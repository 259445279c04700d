import type { CryptoKey } from 'jose';
import type { Jwk } from '../adapters/types.js';

/** One RS256 signing key of the reference: its id, the private half and the JWK it publishes. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: Jwk;
}
