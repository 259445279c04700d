/**
 * One-line hints where the fix is obvious from an error message: a library
 * helper used without its import, a native binding not declared.
 */
import { HELPER_BINDINGS } from './bindings.js';

const LIBRARY = new Set([...Object.keys(HELPER_BINDINGS), 'getM2MToken', 'onUserTokenGeneratedEvent', 'WorkflowTrigger']);
const NATIVE: Record<string, string> = { URL: 'url', URLSearchParams: 'url', console: 'console', util: 'util' };

export function hintFor(message: string): string | undefined {
  const undefinedName = /\b([A-Za-z_$][\w$]*) is not defined\b/.exec(message)?.[1];
  if (undefinedName && LIBRARY.has(undefinedName)) {
    return `\`${undefinedName}\` is not defined — import { ${undefinedName} } from '@kinde/infrastructure'?`;
  }
  if (undefinedName && NATIVE[undefinedName]) {
    return `\`${undefinedName}\` is not defined — declare ${NATIVE[undefinedName]}: {} in workflowSettings.bindings?`;
  }
  const binding = /\b(\w+) binding not available/.exec(message)?.[1];
  if (binding) return `declare "kinde.${binding.charAt(0).toLowerCase()}${binding.slice(1)}": {} in workflowSettings.bindings?`;
  if (/kinde is not defined/.test(message)) return 'declare the kinde.* bindings the workflow uses in workflowSettings.bindings?';
  return undefined;
}
