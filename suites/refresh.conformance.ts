import { registerChecks } from './lib/register.js';
import { checks } from './refresh.js';

registerChecks('refresh', checks);
