/**
 * Every issuer check of the suite, by area. The vitest files register these;
 * self-tests (mutant kill matrix, coverage) use the same list.
 */
import type { Area } from '../reports/results.js';
import { checks as accessToken } from './access-token.js';
import { checks as claims } from './claims.js';
import { checks as idToken } from './id-token.js';
import type { Check } from './lib/check.js';
import { checks as m2mToken } from './m2m-token.js';
import { checks as properties } from './properties.js';
import { checks as refresh } from './refresh.js';
import { checks as refreshClient } from './refresh-client.js';
import { checks as signature } from './signature.js';
import { checks as tokenResponse } from './token-response.js';
import { checks as verifier } from './verifier.js';
import { checks as workflows } from './workflows.js';

export const SUITES: ReadonlyArray<{ area: Area; file: string; checks: Check<any>[] }> = [
  { area: 'signature', file: 'signature', checks: signature },
  { area: 'token-response', file: 'claims', checks: claims },
  { area: 'access-token', file: 'access-token', checks: accessToken },
  { area: 'id-token', file: 'id-token', checks: idToken },
  { area: 'm2m-token', file: 'm2m-token', checks: m2mToken },
  { area: 'properties', file: 'properties', checks: properties },
  { area: 'token-response', file: 'token-response', checks: tokenResponse },
  { area: 'refresh', file: 'refresh', checks: [...refresh, ...refreshClient] },
  { area: 'workflows', file: 'workflows', checks: workflows },
];

export const ALL_CHECKS: ReadonlyArray<Check<any>> = SUITES.flatMap((s) => s.checks);

/** Verifier checks (run with --verifier). */
export const VERIFIER_CHECKS: ReadonlyArray<Check<any>> = verifier;
