/** Installed version of a verifier library, for the report's target line. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export function libraryVersion(pkg: string): string {
  try {
    // Resolve the package's main entry and walk up to its package.json (exports maps may hide ./package.json).
    let dir = dirname(require.resolve(pkg));
    for (let i = 0; i < 5; i++) {
      try {
        const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
        if (json.name === pkg && json.version) return json.version;
      } catch {
        /* keep walking */
      }
      dir = dirname(dir);
    }
  } catch {
    /* not installed */
  }
  return 'unknown';
}
