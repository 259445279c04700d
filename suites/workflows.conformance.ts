import { registerChecks } from './lib/register.js';
import { checks } from './workflows.js';

registerChecks('workflows', checks);
