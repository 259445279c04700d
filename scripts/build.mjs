// Compiles the package to dist/ (JavaScript + .d.ts, imported JSON copied by
// tsc) and copies the files tsc does not know: the sandbox host and the entry
// of its processes, plain JavaScript loaded natively by `node`.
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
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
for (const file of ['reference/workflows/sandbox-host.js', 'reference/workflows/sandbox-child.js']) copyFileSync(join(root, file), join(root, 'dist', file));
console.log('built dist/');
