/**
 * Builds a `Workflow.ts` source into a script the sandbox can run: one esbuild
 * bundle with the REAL `@kinde/infrastructure` from this repository, then one
 * throwaway sandbox evaluation to read and validate `workflowSettings`.
 * Results are cached by SHA-256 of the source (LRU).
 */

import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import type { Plugin } from 'esbuild';
import { WorkflowError } from './errors.js';
import { callSandbox } from './sandbox.js';
import { parseWorkflowSettings } from './settings.js';
import type { CompiledWorkflow } from './types.js';

/** Largest accepted source, in UTF-8 bytes. */
export const MAX_SOURCE_BYTES = 256 * 1024;
/** Compiled workflows kept in memory. */
export const COMPILE_CACHE_SIZE = 500;
/** Time budget for evaluating the module body to read its settings. */
const SETTINGS_TIMEOUT_MS = 1_000;

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ALLOWED_IMPORT = '@kinde/infrastructure';

/** Only `@kinde/infrastructure` (and files inside it) may be imported; everything else fails the build. */
const importGuard: Plugin = {
  name: 'kinde-workflow-imports',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point' || args.path === ALLOWED_IMPORT) return undefined;
      if (args.path.startsWith('.') && args.importer.includes('/node_modules/@kinde/infrastructure/')) return undefined;
      return {
        errors: [{ text: `import "${args.path}" is not allowed in a workflow: only "${ALLOWED_IMPORT}" can be imported` }],
      };
    });
  },
};

/**
 * `import(expr)` survives bundling and, inside node:vm, rejects with a
 * HOST-realm error (a way out of the sandbox). The keyword cannot be written
 * with escapes and esbuild prints the call as `import(`, so any `import(` left
 * in the bundle outside a property access is refused (rarely, also inside a
 * string literal; the message says why).
 */
const DYNAMIC_IMPORT = /(?<![\w$.])import\s*\(/;

const cache = new Map<string, Promise<CompiledWorkflow>>();

export async function compileWorkflow(source: string): Promise<CompiledWorkflow> {
  if (typeof source !== 'string') throw new WorkflowError('ERR_WORKFLOW_BUILD', 'the workflow source must be a string');
  const hash = createHash('sha256').update(source).digest('hex');
  const hit = cache.get(hash);
  if (hit !== undefined) {
    cache.delete(hash); // refresh LRU position
    cache.set(hash, hit);
    return hit;
  }
  const pending = build(source, hash);
  cache.set(hash, pending);
  if (cache.size > COMPILE_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  pending.catch(() => {
    if (cache.get(hash) === pending) cache.delete(hash);
  });
  return pending;
}

/** Drops every cached compilation (benchmarks measure cold compiles with it). */
export function clearCompileCache(): void {
  cache.clear();
}

async function build(source: string, hash: string): Promise<CompiledWorkflow> {
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > MAX_SOURCE_BYTES) {
    throw new WorkflowError('ERR_WORKFLOW_BUILD', `the workflow source is ${bytes} bytes; the limit is ${MAX_SOURCE_BYTES}`);
  }
  let code: string;
  try {
    const result = await esbuild.build({
      stdin: { contents: source, loader: 'ts', resolveDir: REPO_ROOT, sourcefile: 'Workflow.ts' },
      bundle: true,
      format: 'cjs',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      // Not this repo's tsconfig: its verbatimModuleSyntax would keep the docs' untyped type imports.
      tsconfigRaw: {},
      plugins: [importGuard],
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
  }
  if (DYNAMIC_IMPORT.test(code)) {
    throw new WorkflowError(
      'ERR_WORKFLOW_BUILD',
      'the workflow does not build: dynamic import() is not allowed in a workflow (the bundle still contains "import(")',
    );
  }

  const answer = callSandbox({ mode: 'settings', code, timeoutMs: SETTINGS_TIMEOUT_MS, tokensJson: '[]', eventJson: '{}' });
  switch (answer.status) {
    case 'settings':
      break;
    case 'settings-invalid':
      throw new WorkflowError('ERR_WORKFLOW_SETTINGS', `workflowSettings cannot be read: ${answer.message}`);
    case 'timeout':
    case 'dead':
      throw new WorkflowError('ERR_WORKFLOW_TIMEOUT', `evaluating the module to read workflowSettings: ${answer.message}`);
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
