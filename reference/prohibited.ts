/**
 * Claims a workflow may not change, per token type. Mirrors
 * `@kinde/infrastructure` lib/prohibitedClaims.ts and the "Customize tokens
 * using workflows" tutorial. The reference keeps its own copy on purpose: it is
 * an implementation under test, not a reader of the suite's catalog.
 */
import type { TokenType } from '../adapters/types.js';

const COMMON = ['azp', 'exp', 'iat', 'iss', 'nbf', 'sid', 'sub', 'act', 'aud'];

export const PROHIBITED: Readonly<Record<TokenType, ReadonlySet<string>>> = {
  access: new Set([...COMMON, 'jti', 'scp']),
  id: new Set([...COMMON, 'auth_time', 'jti', 'updated_at', 'rat']),
  m2m: new Set([...COMMON, 'gty', 'jti', 'scp']),
};

/** Claims the issuer always computes itself after workflows ran. */
export const ISSUER_COMPUTED: Readonly<Record<TokenType, ReadonlySet<string>>> = {
  access: new Set(),
  id: new Set(['at_hash']),
  m2m: new Set(),
};
