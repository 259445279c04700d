#!/usr/bin/env node
// npx entry: runs the TypeScript launcher through tsx's loader (no build step).
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
