import { registerChecks } from './lib/register.js';
import { checks } from './properties.js';

registerChecks('properties', checks);
