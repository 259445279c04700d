/**
 * Every verifier check in one file, so one process serves the JWKS for the
 * whole run: a deployed API (`--verifier=http-api`) caches the keys it fetched,
 * and a second process with a JWKS server of its own would look to it like a
 * key change (and could not bind the same port while the first runs).
 */
import { registerChecks } from './lib/register.js';
import { checks } from './verifier.js';

const isOrg = (c: (typeof checks)[number]) => c.requirements.some((r: string) => r.startsWith('VERIFY-ORG-'));
registerChecks('signature', checks.filter((c) => !isOrg(c)));
registerChecks('org-m2m', checks.filter(isOrg));
