/**
 * Builds a `Workflow.ts` source into a script the sandbox can run: one esbuild
 * build of the source alone, `@kinde/infrastructure` replaced by a stub that
 * re-exports the REAL library (bundled once, `library.ts`) so imported names
 * are still checked, then one sandbox evaluation to read and validate
 * `workflowSettings`. Results are cached by SHA-256 of the source (LRU).
 *
 * The stub reaches esbuild as a `data:` URL the allowed import is aliased to,
 * and the import guard's filter does not match it: a workflow that imports
 * only `@kinde/infrastructure` builds without a single call back into this
 * process (half the CPU of a build that loads the stub through a plugin).
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
 * A filter (Go's RE2: no look-ahead) that matches every import path except
 * exactly `@kinde/infrastructure` and paths that start with `data:`. esbuild
 * runs plugins before aliases, so the allowed import and the stub it is
 * aliased to pass the guard without a round trip to this process.
 */
function guardFilter(): RegExp {
  const esc = (c: string) => c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
  /** What may follow the characters matched so far when the path is not `rest` exactly (`prefix`: does not start with it). */
  const not = (rest: string, prefix: boolean): string => {
    if (rest === '') return '[\\s\\S]'; // exactly: one character more is another path
    const [c, tail] = [rest[0]!, rest.slice(1)];
    const deeper = tail === '' && prefix ? '' : `|${esc(c)}${not(tail, prefix)}`;
    return `(?:$|[^${esc(c)}]${deeper})`;
  };
  const [a, b] = [ALLOWED_IMPORT, 'data:'];
  return new RegExp(`^(?:$|[^${esc(a[0]!)}${esc(b[0]!)}]|${esc(a[0]!)}${not(a.slice(1), false)}|${esc(b[0]!)}${not(b.slice(1), true)})`);
}
/** Exported for a test that holds it to its contract. */
export const GUARD_FILTER = guardFilter();
const notAllowed = (path: string) => `import "${path}" is not allowed in a workflow: only "${ALLOWED_IMPORT}" can be imported`;

/**
 * Only `@kinde/infrastructure` may be imported (it resolves to the stub);
 * everything else fails the build, naming the import and where it is. (A
 * `data:` import of the workflow's own passes the filter and is refused after
 * the build, from the metafile: it never reaches the file system.)
 */
const importGuard: Plugin = {
  name: 'kinde-workflow-imports',
  setup(build) {
    build.onResolve({ filter: GUARD_FILTER }, (args) => ({ errors: [{ text: notAllowed(args.path) }] }));
  },
};
/** The stub of each library, as the `data:` URL the allowed import is aliased to. */
const stubs = new WeakMap<object, string>();

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
  let stub = stubs.get(lib);
  if (stub === undefined) stubs.set(lib, (stub = `data:text/javascript;base64,${Buffer.from(libraryStub(lib)).toString('base64')}`));
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
      alias: { [ALLOWED_IMPORT]: stub },
      plugins: [importGuard],
      metafile: true,
      write: false,
      logLevel: 'silent',
      legalComments: 'none',
      sourcemap: false,
    });
    code = result.outputFiles[0]?.text ?? '';
    for (const input of Object.values(result.metafile.inputs)) {
      // An import TypeScript elides (unused) is listed `external`, unresolved: the guard never saw it either.
      const other = input.imports.find((i) => i.external !== true && i.original !== ALLOWED_IMPORT);
      if (other !== undefined) throw new WorkflowError('ERR_WORKFLOW_BUILD', `the workflow does not build: Workflow.ts: ${notAllowed(other.original ?? other.path)}`);
    }
  } catch (error) {
    if (error instanceof WorkflowError) throw error;
    throw new WorkflowError('ERR_WORKFLOW_BUILD', `the workflow does not build: ${describeBuildFailure(error, stub)}`, {
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

/** esbuild's messages, the stub's `data:` URL shown as the import it stands for. */
function describeBuildFailure(error: unknown, stub: string): string {
  const errors = (error as { errors?: esbuild.Message[] }).errors;
  if (!Array.isArray(errors) || errors.length === 0) return error instanceof Error ? error.message : String(error);
  const shown = `"<${stub.slice(0, 40)}`;
  const named = (text: string) => text.replace(/"<data:[^"]*>"/g, (m) => (m.startsWith(shown) ? `"${ALLOWED_IMPORT}"` : m));
  return errors
    .map((m) => named(m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ${m.text}` : m.text))
    .join('; ');
}
