import { registerChecks } from './lib/register.js';
import { checks } from './signature.js';

registerChecks('signature', checks);
