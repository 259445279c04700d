// Power worker entry when running from the TypeScript sources (a clone): the
// compiled package starts worker.js directly and never loads this file.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
