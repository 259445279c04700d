// Compiles the package to dist/ (JavaScript + .d.ts, imported JSON copied by
// tsc) and copies the files tsc does not know: the sandbox host and the entry
// of its processes, plain JavaScript loaded natively by `node`.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
rmSync(join(root, 'dist'), { recursive: true, force: true });
const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
} catch {
  console.error('build failed: tsc reported the errors above');
  process.exit(1);
}
// Every plain-JavaScript file of the sandbox (the host imports its siblings): all of them, so a new one cannot be left out.
const sandboxDir = 'reference/workflows';
const sandboxFiles = readdirSync(join(root, sandboxDir)).filter((f) => f.endsWith('.js'));
if (!sandboxFiles.includes('sandbox-host.js') || !sandboxFiles.includes('sandbox-child.js')) {
  console.error(`build failed: ${sandboxDir} lacks sandbox-host.js or sandbox-child.js`);
  process.exit(1);
}
for (const f of sandboxFiles) copyFileSync(join(root, sandboxDir, f), join(root, 'dist', sandboxDir, f));
console.log('built dist/');
