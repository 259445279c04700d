import { registerChecks } from './lib/register.js';
import { checks } from './access-token.js';

registerChecks('access-token', checks);
