/**
 * Every check of the suite, by area. The runner (runner/) and a consumer's
 * vitest (runner/register.ts) run these; self-tests use the same lists.
 */
import type { Area } from '../reports/results.js';
import { checks as accessToken } from './access-token.js';
import { checks as claims } from './claims.js';
import { checks as codeExchange } from './code-exchange.js';
import { checks as discovery } from './discovery.js';
import { checks as idToken } from './id-token.js';
import type { Check } from './lib/check.js';
import { checks as m2mToken } from './m2m-token.js';
import { checks as properties } from './properties.js';
import { checks as refresh } from './refresh.js';
import { checks as refreshClient } from './refresh-client.js';
import { checks as revocation } from './revocation.js';
import { checks as signature } from './signature.js';
import { checks as tokenRequest } from './token-request.js';
import { checks as tokenResponse } from './token-response.js';
import { checks as verifier } from './verifier.js';
import { checks as workflowBindings } from './workflow-bindings.js';
import { checks as workflowOps } from './workflow-ops.js';
import { checks as workflows } from './workflows.js';

export const SUITES: ReadonlyArray<{ area: Area; file: string; checks: Check<any>[] }> = [
  { area: 'signature', file: 'signature', checks: signature },
  { area: 'token-response', file: 'claims', checks: claims },
  { area: 'access-token', file: 'access-token', checks: accessToken },
  { area: 'id-token', file: 'id-token', checks: idToken },
  { area: 'm2m-token', file: 'm2m-token', checks: m2mToken },
  { area: 'properties', file: 'properties', checks: properties },
  { area: 'token-response', file: 'token-response', checks: tokenResponse },
  { area: 'token-response', file: 'token-request', checks: tokenRequest },
  { area: 'token-response', file: 'code-exchange', checks: codeExchange },
  { area: 'signature', file: 'discovery', checks: discovery },
  { area: 'refresh', file: 'refresh', checks: [...refresh, ...refreshClient] },
  { area: 'workflows', file: 'workflows', checks: [...workflows, ...workflowOps] },
  { area: 'workflows', file: 'workflow-bindings', checks: workflowBindings },
  { area: 'refresh', file: 'revocation', checks: revocation },
];

export const ALL_CHECKS: ReadonlyArray<Check<any>> = SUITES.flatMap((s) => s.checks);

/** Verifier checks (run with --verifier), by area: the org-enforcement ones apart. */
const isOrg = (c: Check<any>) => c.requirements.some((r) => r.startsWith('VERIFY-ORG-'));
export const VERIFIER_SUITES: ReadonlyArray<{ area: Area; file: string; checks: Check<any>[] }> = [
  { area: 'signature', file: 'verifier', checks: verifier.filter((c) => !isOrg(c)) },
  { area: 'org-m2m', file: 'verifier-org', checks: verifier.filter(isOrg) },
];

export const VERIFIER_CHECKS: ReadonlyArray<Check<any>> = VERIFIER_SUITES.flatMap((s) => s.checks);
