/**
 * Workflow runtime of the reference issuer: compiles real `Workflow.ts`
 * sources against the real `@kinde/infrastructure` and runs them sandboxed,
 * recording every `setCustomClaim` call for the issuer to judge.
 */

export { WorkflowError, WORKFLOW_ERROR_CODES } from './errors.js';
export type { WorkflowErrorCode } from './errors.js';
export { TOKEN_BINDINGS } from './types.js';
export type { ClaimWrite, CompiledWorkflow, RunInput, RunResult, TokenBinding, WorkflowSettingsInfo } from './types.js';
export { compileWorkflow, clearCompileCache, compileCounters, MAX_SOURCE_BYTES, COMPILE_CACHE_SIZE } from './compile.js';
export { parseWorkflowSettings } from './settings.js';
export { runWorkflow, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS } from './run.js';
export {
  closeSandbox,
  configureSandbox,
  sandboxCounters,
  sandboxStats,
  SANDBOX_HEAP_MB,
  SANDBOX_LIMITS,
  SANDBOX_MEMORY_MB,
  SANDBOX_POOL_DEFAULTS,
} from './sandbox.js';
export type { PoolStats } from './pool.js';
