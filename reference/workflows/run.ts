/**
 * Runs a compiled workflow once against one token request, in the sandbox
 * pool. Asynchronous for the caller (its event loop keeps running); inside the
 * sandbox the workflow may only await sandbox promises, so it finishes (or
 * fails) within a single timeout-governed evaluation.
 */

import type { JsonValue } from '../../adapters/types.js';
import type { WorkflowErrorCode } from './errors.js';
import { LIBRARY_NAME, loadLibrary } from './library.js';
import { callSandbox } from './sandbox.js';
import type { SandboxResponse } from './sandbox.js';
import { TOKEN_BINDINGS } from './types.js';
import type { ClaimWrite, CompiledWorkflow, RunInput, RunResult, TokenBinding } from './types.js';

export const DEFAULT_TIMEOUT_MS = 1_000;
/** Upper bound for `timeoutMs`: a run takes this long at most (plus a grace period). */
export const MAX_TIMEOUT_MS = 30_000;

const CODES: Record<string, WorkflowErrorCode> = {
  threw: 'ERR_WORKFLOW_THREW',
  timeout: 'ERR_WORKFLOW_TIMEOUT',
  unsettled: 'ERR_WORKFLOW_UNSETTLED',
  'no-default': 'ERR_WORKFLOW_NO_DEFAULT_EXPORT',
  build: 'ERR_WORKFLOW_BUILD',
  memory: 'ERR_WORKFLOW_MEMORY',
  busy: 'ERR_WORKFLOW_BUSY',
  crashed: 'ERR_WORKFLOW_THREW',
};

/**
 * The sandbox's `kinde` exposes a token binding only if the issuer offers it
 * for this trigger AND the workflow declared it; otherwise the library throws
 * its own "binding not available" error.
 *
 * Never throws for anything the workflow does; throws TypeError/RangeError for
 * bad arguments from the caller (e.g. a non-JSON event).
 */
export async function runWorkflow(wf: CompiledWorkflow, input: RunInput): Promise<RunResult> {
  const startedAt = performance.now();
  const timeoutMs = input.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new RangeError(`timeoutMs must be between 1 and ${MAX_TIMEOUT_MS}`);
  }
  const declared = new Set(wf.settings.bindings);
  const exposed: [TokenBinding, string][] = [];
  for (const binding of TOKEN_BINDINGS) {
    const claims = input.tokens[binding];
    if (claims !== undefined && declared.has(binding)) exposed.push([binding, JSON.stringify(claims)]);
  }
  const tokensJson = JSON.stringify(exposed);
  const eventJson = JSON.stringify(input.event);
  if (typeof eventJson !== 'string') throw new TypeError('the event must be a JSON object');
  const lib = await loadLibrary();
  const response = await callSandbox(
    { mode: 'run', code: wf.code, codeKey: wf.hash, lib: lib.code, libKey: lib.key, libName: LIBRARY_NAME, timeoutMs: Math.ceil(timeoutMs), tokensJson, eventJson },
    input.owner,
  );
  return toResult(response, performance.now() - startedAt);
}

function toResult(response: SandboxResponse, durationMs: number): RunResult {
  const writes = response.writes.map(toWrite);
  const logs = response.logs.slice();
  if (response.status === 'ok') return { ok: true, writes, logs, durationMs };
  const code = CODES[response.status] ?? 'ERR_WORKFLOW_THREW';
  return { ok: false, error: { code, message: response.message }, writes, logs, durationMs };
}

/** Values arrive as JSON text produced inside the sandbox; parsing yields plain host data (own `__proto__` keys stay data). */
function toWrite(w: SandboxResponse['writes'][number]): ClaimWrite {
  return { binding: w.binding as TokenBinding, name: w.name, value: JSON.parse(w.json) as JsonValue };
}
