import { registerChecks } from './lib/register.js';
import { checks } from './m2m-token.js';

registerChecks('m2m-token', checks);
