import { registerChecks } from './lib/register.js';
import { checks } from './id-token.js';

registerChecks('id-token', checks);
