/**
 * Verifier names → verifier adapters (`--verifier=<name>`).
 */
import { AdapterError } from '../types.js';
import type { VerifierAdapter } from '../verifier-types.js';

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
  return [];
}

export function createVerifier(name: string, _options: VerifierOptions = {}): VerifierAdapter {
  throw new AdapterError(
    'ERR_UNKNOWN_TARGET',
    `unknown verifier "${name}". Known verifiers:\n${listVerifiers()
      .map((v) => `  ${v.name.padEnd(36)} ${v.description}`)
      .join('\n') || '  (none yet)'}`,
  );
}
