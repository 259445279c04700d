/**
 * Builds a `Workflow.ts` source into a script the sandbox can run: one esbuild
 * build of the source alone, `@kinde/infrastructure` replaced by a stub that
 * re-exports the REAL library (bundled once, `library.ts`) so imported names
 * are still checked, then one sandbox evaluation to read and validate
 * `workflowSettings`. Results are cached by SHA-256 of the source (LRU).
 */

import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import type { Plugin } from 'esbuild';
import { WorkflowError } from './errors.js';
import { ALLOWED_IMPORT, LIBRARY_NAME, libraryStub, loadLibrary } from './library.js';
import { callSandbox } from './sandbox.js';
import { parseWorkflowSettings } from './settings.js';
import type { CompiledWorkflow } from './types.js';

/** Largest accepted source, in UTF-8 bytes. */
export const MAX_SOURCE_BYTES = 256 * 1024;
/** Compiled workflows kept in memory, at most this many … */
export const COMPILE_CACHE_SIZE = 500;
/** … and at most this many characters of compiled code in all (hostile sources can be big). */
export const COMPILE_CACHE_CHARS = 32 * 1024 * 1024;
/** Time budget for evaluating the module body to read its settings. */
const SETTINGS_TIMEOUT_MS = 1_000;

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Counters for benchmarks: builds (cache misses) and the time spent in esbuild and in the settings evaluation. */
export const compileCounters = { builds: 0, esbuildMs: 0, settingsMs: 0 };

/**
 * Only `@kinde/infrastructure` may be imported (it resolves to the stub);
 * everything else fails the build, naming the import and where it is.
 */
const importGuard = (stub: string): Plugin => ({
  name: 'kinde-workflow-imports',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.path === ALLOWED_IMPORT) return { path: ALLOWED_IMPORT, namespace: 'kinde' };
      return {
        errors: [{ text: `import "${args.path}" is not allowed in a workflow: only "${ALLOWED_IMPORT}" can be imported` }],
      };
    });
    build.onLoad({ filter: /.*/, namespace: 'kinde' }, () => ({ contents: stub, loader: 'js' }));
  },
});
const guards = new WeakMap<object, Plugin>();

/**
 * `import(expr)` survives bundling and, inside node:vm, rejects with a
 * HOST-realm error (a way out of the sandbox). The keyword cannot be written
 * with escapes and esbuild prints the call as `import(`, so any `import(` left
 * in the bundle outside a property access is refused (rarely, also inside a
 * string literal; the message says why).
 */
const DYNAMIC_IMPORT = /(?<![\w$.])import\s*\(/;

const cache = new Map<string, Promise<CompiledWorkflow>>();
/** Characters of code of the settled entries of {@link cache}. */
const sizes = new Map<string, number>();
let cachedChars = 0;

function forget(hash: string): void {
  cache.delete(hash);
  cachedChars -= sizes.get(hash) ?? 0;
  sizes.delete(hash);
}

/**
 * `owner` is the sandbox fairness key of the caller (e.g. the issuer): its
 * settings evaluations queue behind its own runs, not behind everyone's.
 */
export async function compileWorkflow(source: string, owner?: unknown): Promise<CompiledWorkflow> {
  if (typeof source !== 'string') throw new WorkflowError('ERR_WORKFLOW_BUILD', 'the workflow source must be a string');
  const hash = createHash('sha256').update(source).digest('hex');
  const hit = cache.get(hash);
  if (hit !== undefined) {
    cache.delete(hash); // refresh LRU position
    cache.set(hash, hit);
    return hit;
  }
  const pending = build(source, hash, owner);
  cache.set(hash, pending);
  if (cache.size > COMPILE_CACHE_SIZE) forget(cache.keys().next().value as string);
  pending.then(
    (wf) => {
      if (cache.get(hash) !== pending) return;
      sizes.set(hash, wf.code.length);
      cachedChars += wf.code.length;
      while (cachedChars > COMPILE_CACHE_CHARS && cache.size > 1) forget(cache.keys().next().value as string);
    },
    () => {
      if (cache.get(hash) === pending) forget(hash);
    },
  );
  return pending;
}

/** Drops every cached compilation (benchmarks measure cold compiles with it). */
export function clearCompileCache(): void {
  cache.clear();
  sizes.clear();
  cachedChars = 0;
}

async function build(source: string, hash: string, owner: unknown): Promise<CompiledWorkflow> {
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > MAX_SOURCE_BYTES) {
    throw new WorkflowError('ERR_WORKFLOW_BUILD', `the workflow source is ${bytes} bytes; the limit is ${MAX_SOURCE_BYTES}`);
  }
  const lib = await loadLibrary();
  let guard = guards.get(lib);
  if (guard === undefined) guards.set(lib, (guard = importGuard(libraryStub(lib))));
  compileCounters.builds += 1;
  const startedAt = performance.now();
  let code: string;
  try {
    const result = await esbuild.build({
      stdin: { contents: source, loader: 'ts', resolveDir: REPO_ROOT, sourcefile: 'Workflow.ts' },
      bundle: true,
      format: 'cjs',
      platform: 'neutral',
      // Not this repo's tsconfig: its verbatimModuleSyntax would keep the docs' untyped type imports.
      tsconfigRaw: {},
      plugins: [guard],
      write: false,
      logLevel: 'silent',
      legalComments: 'none',
      sourcemap: false,
    });
    code = result.outputFiles[0]?.text ?? '';
  } catch (error) {
    throw new WorkflowError('ERR_WORKFLOW_BUILD', `the workflow does not build: ${describeBuildFailure(error)}`, {
      cause: error,
    });
  } finally {
    compileCounters.esbuildMs += performance.now() - startedAt;
  }
  if (DYNAMIC_IMPORT.test(code)) {
    throw new WorkflowError(
      'ERR_WORKFLOW_BUILD',
      'the workflow does not build: dynamic import() is not allowed in a workflow (the bundle still contains "import(")',
    );
  }

  const settingsAt = performance.now();
  const answer = await callSandbox(
    { mode: 'settings', code, codeKey: hash, lib: lib.code, libKey: lib.key, libName: LIBRARY_NAME, timeoutMs: SETTINGS_TIMEOUT_MS, tokensJson: '[]', eventJson: '{}' },
    owner,
  );
  compileCounters.settingsMs += performance.now() - settingsAt;
  switch (answer.status) {
    case 'settings':
      break;
    case 'settings-invalid':
      throw new WorkflowError('ERR_WORKFLOW_SETTINGS', `workflowSettings cannot be read: ${answer.message}`);
    case 'timeout':
      throw new WorkflowError('ERR_WORKFLOW_TIMEOUT', `evaluating the module to read workflowSettings: ${answer.message}`);
    case 'memory':
      throw new WorkflowError('ERR_WORKFLOW_MEMORY', `evaluating the module to read workflowSettings: ${answer.message}`);
    case 'busy':
      throw new WorkflowError('ERR_WORKFLOW_BUSY', `evaluating the module to read workflowSettings: ${answer.message}`);
    case 'build':
      throw new WorkflowError('ERR_WORKFLOW_BUILD', answer.message);
    default:
      throw new WorkflowError('ERR_WORKFLOW_THREW', `evaluating the module to read workflowSettings: ${answer.message}`);
  }
  if (answer.message === '') {
    throw new WorkflowError('ERR_WORKFLOW_SETTINGS', 'workflowSettings is not exported by the module');
  }
  const settings = parseWorkflowSettings(JSON.parse(answer.message));
  if (answer.extra !== 'function') {
    throw new WorkflowError(
      'ERR_WORKFLOW_NO_DEFAULT_EXPORT',
      `the module must export a default function (the workflow); its default export is ${answer.extra}`,
    );
  }
  Object.freeze(settings.bindings);
  return Object.freeze({ hash, settings: Object.freeze(settings), code });
}

function describeBuildFailure(error: unknown): string {
  const errors = (error as { errors?: esbuild.Message[] }).errors;
  if (!Array.isArray(errors) || errors.length === 0) return error instanceof Error ? error.message : String(error);
  return errors
    .map((m) => (m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ${m.text}` : m.text))
    .join('; ');
}
