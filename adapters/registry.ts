/**
 * Target names → adapters. `reference` is the embedded issuer; `mutant:<defect>`
 * is the reference with one seeded defect (see reference/defects.ts).
 */
import { DEFECTS, isDefectName } from '../reference/defects.js';
import { ReferenceAdapter } from './reference.js';
import { AdapterError, type Adapter } from './types.js';

export interface TargetDescription {
  name: string;
  description: string;
}

export function listTargets(): TargetDescription[] {
  return [
    { name: 'reference', description: 'the embedded reference issuer (default)' },
    ...Object.entries(DEFECTS).map(([d, description]) => ({ name: `mutant:${d}`, description: `seeded defect: ${description}` })),
  ];
}

/** Settings an out-of-process target needs. */
export interface TargetOptions {
  targetUrl?: string;
  timeoutMs?: number;
  validateProtocol?: boolean;
}

export function createAdapter(target: string, _options: TargetOptions = {}): Adapter {
  if (target === 'reference') return new ReferenceAdapter();
  if (target.startsWith('mutant:')) {
    const defect = target.slice('mutant:'.length);
    if (isDefectName(defect)) return new ReferenceAdapter(target, { defects: new Set([defect]) });
  }
  throw new AdapterError(
    'ERR_UNKNOWN_TARGET',
    `unknown target "${target}". Known targets:\n${listTargets()
      .map((t) => `  ${t.name.padEnd(44)} ${t.description}`)
      .join('\n')}`,
  );
}
