/**
 * The REAL `@kinde/infrastructure` of this repository, bundled once per
 * process as a CommonJS body. The sandbox evaluates it afresh in every run's
 * context (it reads the `kinde` global of that context), so workflows are
 * compiled without it: a workflow module reaches it through
 * {@link LIBRARY_NAME}, and its build checks imported names against
 * {@link Library.exports} (through {@link libraryStub}).
 */

import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

/**
 * The free variable through which a compiled workflow module reaches the
 * library: the sandbox passes a fresh instance of the library under this name.
 * (A variable, not `require`: nothing a workflow writes can load anything else.)
 */
export const LIBRARY_NAME = '__kindeInfrastructure';
export const ALLOWED_IMPORT = '@kinde/infrastructure';

export interface Library {
  /** CommonJS body (`module.exports = …`). */
  code: string;
  /** SHA-256 of `code` (the sandbox compiles it once per process under this key). */
  key: string;
  /** Names the library exports. */
  exports: readonly string[];
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

let pending: Promise<Library> | undefined;

export function loadLibrary(): Promise<Library> {
  pending ??= build();
  pending.catch(() => (pending = undefined));
  return pending;
}

async function build(): Promise<Library> {
  const common = {
    stdin: { contents: `export * from ${JSON.stringify(ALLOWED_IMPORT)};`, loader: 'js' as const, resolveDir: REPO_ROOT, sourcefile: 'kinde-infrastructure.js' },
    bundle: true,
    platform: 'neutral' as const,
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'silent' as const,
    legalComments: 'none' as const,
  };
  // ESM once for the export names, then the same modules as CommonJS for the sandbox.
  const esm = await esbuild.build({ ...common, format: 'esm', metafile: true });
  const exports = Object.values(esm.metafile.outputs)[0]?.exports ?? [];
  const cjs = await esbuild.build({ ...common, format: 'cjs' });
  const code = cjs.outputFiles?.[0]?.text ?? '';
  if (exports.length === 0 || code === '') throw new Error(`${ALLOWED_IMPORT} could not be bundled for the workflow sandbox`);
  const key = `lib:${createHash('sha256').update(code).digest('hex')}`;
  return Object.freeze({ code, key, exports: Object.freeze([...exports]) });
}

/** An ES module that re-exports the library's names from {@link LIBRARY_NAME}: what a workflow build imports instead. */
export function libraryStub(lib: Library): string {
  const lines = [`const lib = ${LIBRARY_NAME};`];
  for (const n of lib.exports) {
    if (n === 'default') lines.push('export default lib.default;');
    else if (/^[A-Za-z_$][\w$]*$/.test(n)) lines.push(`export const ${n} = lib.${n};`);
  }
  return lines.join('\n');
}
