/**
 * Verifier names → verifier adapters (`--verifier=<name>`).
 */
import { AdapterError } from '../types.js';
import type { VerifierAdapter } from '../verifier-types.js';
import { ContractVerifier, VERIFIER_DEFECTS, isVerifierDefect } from './contract.js';
import { HttpApiVerifier } from './http-api.js';
import { lazy } from '../lazy.js';
import { parseVariantName, parseWeakName, VARIANTS, weakVerifierNames } from './weaknesses.js';

export interface VerifierOptions {
  /** Base URL of the API under test (http-api verifier). */
  verifierUrl?: string;
  timeoutMs?: number;
}

export interface VerifierDescription {
  name: string;
  description: string;
}

export function listVerifiers(): VerifierDescription[] {
  return [
    { name: 'reference', description: 'the documented contract in-process (control: must pass everything)' },
    { name: 'jose', description: 'jose jwtVerify + createRemoteJWKSet, RS256, issuer, audience' },
    { name: 'kinde-jwt-validator', description: "@kinde/jwt-validator validateToken (Kinde's own validator)" },
    { name: 'jsonwebtoken-express', description: "the docs' org middleware: jsonwebtoken + jwks-rsa on /orgs/:org_code/users" },
    { name: 'fast-jwt', description: 'fast-jwt createVerifier, RS256, allowedIss, allowedAud' },
    { name: 'http-api', description: 'your API at --verifier-url (GET /orgs/:org_code/users); see adapters/verifiers/http-api.ts' },
    ...Object.entries(VERIFIER_DEFECTS).map(([d, description]) => ({ name: `mutant:${d}`, description: `seeded verifier defect: ${description}` })),
    ...Object.keys(VARIANTS).map((v) => ({ name: `variant:${v}`, description: 'a correct verifier that differs from the reference in an allowed way (must pass everything)' })),
    { name: 'weak:<value>:<weakness>', description: `a generated defect: one comparison weakened (${weakVerifierNames().length} of them, e.g. weak:iss:case-insensitive)` },
  ];
}

const VERIFIER_METHODS = ['start', 'verify', 'stop'] as const;

export function createVerifier(name: string, options: VerifierOptions = {}): VerifierAdapter {
  const timeout = options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {};
  switch (name) {
    case 'reference':
      return new ContractVerifier();
    // The JWT libraries load only when named: importing all of them cost every run ~0.6 s of start-up.
    case 'jose':
      return lazy(name, VERIFIER_METHODS, async () => new (await import('./jose.js')).JoseVerifier(timeout));
    case 'kinde-jwt-validator':
      return lazy(name, VERIFIER_METHODS, async () => new (await import('./kinde.js')).KindeJwtValidatorVerifier());
    case 'jsonwebtoken-express':
      return lazy(name, VERIFIER_METHODS, async () => new (await import('./jsonwebtoken-express.js')).JsonwebtokenExpressVerifier(timeout));
    case 'fast-jwt':
      return lazy(name, VERIFIER_METHODS, async () => new (await import('./fast-jwt.js')).FastJwtVerifier(timeout));
    case 'http-api':
      return new HttpApiVerifier({ ...timeout, ...(options.verifierUrl !== undefined ? { url: options.verifierUrl } : {}) });
  }
  if (name.startsWith('mutant:')) {
    const defect = name.slice('mutant:'.length);
    if (isVerifierDefect(defect)) return new ContractVerifier(name, new Set([defect]));
  }
  const policy = parseWeakName(name);
  if (policy) return new ContractVerifier(name, new Set(), policy);
  const variant = parseVariantName(name);
  if (variant) return new ContractVerifier(name, new Set(), {}, variant);
  throw new AdapterError(
    'ERR_UNKNOWN_TARGET',
    `unknown verifier "${name}". Known verifiers:\n${listVerifiers()
      .map((v) => `  ${v.name.padEnd(36)} ${v.description}`)
      .join('\n')}`,
  );
}
