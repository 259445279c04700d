#!/usr/bin/env node
// npx entry. An installed package runs the compiled JavaScript in dist/; a
// clone of the repository (TypeScript sources beside this file) runs the
// sources through tsx, so what you edit is what runs.
import { existsSync } from 'node:fs';

const sources = new URL('./cli.ts', import.meta.url);
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./cli.ts');
} else {
  await import('../dist/bin/cli.js');
}
