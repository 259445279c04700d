import type { Jwks } from '../../adapters/types.js';
import type { SuiteKey } from './attack-keys.js';

/** A JWKS the verifier fetches from `baseUrl/.well-known/jwks(.json)`. */
export interface KeySet {
  readonly baseUrl: string;
  /** Signing keys published now (extra keys come on top). */
  readonly signing: readonly SuiteKey[];
  /** Replace the rotating part of the set (the root set keeps its stable key); resolves once it is served. */
  publish(keys: SuiteKey[]): Promise<void>;
  jwks(): Jwks;
  issuer: string;
  /** Fetches of this set's JWKS. */
  hits: number;
}
