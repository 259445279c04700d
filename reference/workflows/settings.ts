/**
 * Validation of a module's `workflowSettings` export (after a JSON round trip
 * out of the sandbox). Errors name the offending field.
 */

import { WorkflowError } from './errors.js';
import type { WorkflowSettingsInfo } from './types.js';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const fail = (field: string, problem: string): never => {
  throw new WorkflowError('ERR_WORKFLOW_SETTINGS', `workflowSettings${field} ${problem}`);
};

export function parseWorkflowSettings(raw: unknown): WorkflowSettingsInfo {
  if (!isPlainObject(raw)) return fail('', 'must be an object');

  const { id, name, trigger, failurePolicy, bindings } = raw;
  if (typeof id !== 'string' || id === '') fail('.id', 'must be a non-empty string');
  if (name !== undefined && typeof name !== 'string') fail('.name', 'must be a string when present');
  if (typeof trigger !== 'string' || trigger === '') fail('.trigger', 'must be a non-empty string');

  let policy: 'stop' | 'continue' = 'stop'; // the library's types: "stop is default"
  if (failurePolicy !== undefined) {
    if (!isPlainObject(failurePolicy)) fail('.failurePolicy', 'must be an object like { action: "stop" }');
    const action = (failurePolicy as Record<string, unknown>).action;
    if (action !== 'stop' && action !== 'continue') fail('.failurePolicy.action', 'must be "stop" or "continue"');
    policy = action as 'stop' | 'continue';
  }

  const declared: string[] = [];
  if (bindings !== undefined) {
    if (!isPlainObject(bindings)) fail('.bindings', 'must be an object keyed by binding name');
    for (const [key, value] of Object.entries(bindings as Record<string, unknown>)) {
      if (!isPlainObject(value)) fail(`.bindings[${JSON.stringify(key)}]`, 'must be an object (e.g. {})');
      declared.push(key);
    }
  }

  const info: WorkflowSettingsInfo = {
    id: id as string,
    trigger: trigger as string,
    failurePolicy: policy,
    bindings: declared,
  };
  if (typeof name === 'string') info.name = name;
  return info;
}
