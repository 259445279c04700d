import { registerChecks } from './lib/register.js';
import { checks } from './token-response.js';

registerChecks('token-response', checks);
