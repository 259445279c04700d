import { registerChecks } from './lib/register.js';
import { checks as clientBound } from './refresh-client.js';
import { checks } from './refresh.js';

registerChecks('refresh', [...checks, ...clientBound]);
