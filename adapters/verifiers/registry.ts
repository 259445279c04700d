/**
 * Verifier names → verifier adapters (`--verifier=<name>`).
 */
import { AdapterError } from '../types.js';
import type { VerifierAdapter } from '../verifier-types.js';
import { ContractVerifier, VERIFIER_DEFECTS, isVerifierDefect } from './contract.js';
import { HttpApiVerifier } from './http-api.js';
import { lazy } from '../lazy.js';
import { loadWith } from './kinde/library.js';
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
    { name: 'kinde-node-express-jwtverify', description: "@kinde-oss/kinde-node-express jwtVerify middleware (optional peer: install it)" },
    { name: 'kinde-node-express-protectroute', description: '@kinde-oss/kinde-node-express protectRoute, bearer path (optional peer)' },
    { name: 'kinde-node-auth-utils', description: '@kinde-oss/kinde-node-auth-utils getPem + authToken (optional peer)' },
    { name: 'kinde-auth-nextjs', description: "@kinde-oss/kinde-auth-nextjs getAccessToken's validateToken, without Next.js (optional peer)" },
    { name: 'jsonwebtoken-express', description: "the docs' org middleware: jsonwebtoken + jwks-rsa on /orgs/:org_code/users" },
    { name: 'fast-jwt', description: 'fast-jwt createVerifier, RS256, allowedIss, allowedAud' },
    { name: 'http-api', description: 'your API at --verifier-url (GET /orgs/:org_code/users); see adapters/verifiers/http-api.ts' },
    ...Object.entries(VERIFIER_DEFECTS).map(([d, description]) => ({ name: `mutant:${d}`, description: `seeded verifier defect: ${description}` })),
    ...Object.keys(VARIANTS).map((v) => ({ name: `variant:${v}`, description: 'a correct verifier that differs from the reference in an allowed way (must pass everything)' })),
    { name: 'weak:<value>:<weakness>', description: `a generated defect: one comparison weakened (${weakVerifierNames().length} of them, e.g. weak:iss:case-insensitive)` },
  ];
}

const BUILT_IN = ['reference', 'jose', 'kinde-jwt-validator', 'jsonwebtoken-express', 'fast-jwt', 'http-api'];

/** True for a name {@link createVerifier} knows: what a results file may name for `--replay`. */
export function isVerifierName(name: string): boolean {
  if (BUILT_IN.includes(name)) return true;
  if (name.startsWith('mutant:') && isVerifierDefect(name.slice('mutant:'.length))) return true;
  return parseWeakName(name) !== undefined;
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
    // Kinde's libraries are optional peers: loadWith turns a missing one into an error naming the package.
    case 'kinde-node-express-jwtverify':
      return lazy(name, VERIFIER_METHODS, () => loadWith('@kinde-oss/kinde-node-express', name, async () => new (await import('./kinde/node-express.js')).KindeExpressJwtVerifyVerifier()));
    case 'kinde-node-express-protectroute':
      return lazy(name, VERIFIER_METHODS, () => loadWith('@kinde-oss/kinde-node-express', name, async () => new (await import('./kinde/node-express.js')).KindeExpressProtectRouteVerifier()));
    case 'kinde-node-auth-utils':
      return lazy(name, VERIFIER_METHODS, () => loadWith('@kinde-oss/kinde-node-auth-utils', name, async () => new (await import('./kinde/auth-utils.js')).KindeAuthUtilsVerifier()));
    case 'kinde-auth-nextjs':
      return lazy(name, VERIFIER_METHODS, async () => new (await import('./kinde/nextjs.js')).KindeNextjsVerifier());
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
