import { registerChecks } from './lib/register.js';
import { checks } from './verifier.js';

registerChecks('org-m2m', checks.filter((c) => c.requirements.some((r: string) => r.startsWith('VERIFY-ORG-'))));
