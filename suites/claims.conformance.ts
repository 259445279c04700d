import { checks } from './claims.js';
import { registerChecks } from './lib/register.js';

registerChecks('token-response', checks);
