/**
 * Errors of the reference workflow runtime. Every failure carries a stable
 * `code` so callers (the reference issuer, adapters, tests) branch on codes,
 * never on message text.
 */

export type WorkflowErrorCode =
  /** The source does not bundle: syntax error, forbidden import, too large, dynamic `import()`. */
  | 'ERR_WORKFLOW_BUILD'
  /** `workflowSettings` is missing or invalid; the message names the field. */
  | 'ERR_WORKFLOW_SETTINGS'
  /** The workflow threw or its promise rejected. */
  | 'ERR_WORKFLOW_THREW'
  /** The workflow did not finish within its time budget (also: the sandbox stopped answering). */
  | 'ERR_WORKFLOW_TIMEOUT'
  /** The default export returned a promise that never settled. */
  | 'ERR_WORKFLOW_UNSETTLED'
  /** The module has no default-exported function. */
  | 'ERR_WORKFLOW_NO_DEFAULT_EXPORT'
  /** The workflow exceeded the sandbox heap or memory limit; its sandbox process was stopped. */
  | 'ERR_WORKFLOW_MEMORY'
  /** Too many runs of one environment were already waiting for a sandbox. */
  | 'ERR_WORKFLOW_BUSY';

export const WORKFLOW_ERROR_CODES: readonly WorkflowErrorCode[] = [
  'ERR_WORKFLOW_BUILD',
  'ERR_WORKFLOW_SETTINGS',
  'ERR_WORKFLOW_THREW',
  'ERR_WORKFLOW_TIMEOUT',
  'ERR_WORKFLOW_UNSETTLED',
  'ERR_WORKFLOW_NO_DEFAULT_EXPORT',
  'ERR_WORKFLOW_MEMORY',
  'ERR_WORKFLOW_BUSY',
];

export class WorkflowError extends Error {
  readonly code: WorkflowErrorCode;
  constructor(code: WorkflowErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkflowError';
    this.code = code;
  }
}
