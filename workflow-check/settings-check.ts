/**
 * Checks `workflowSettings` as read out of the sandbox, with Kinde's own rules
 * where the docs are silent (kinde-oss/workflows-runtime: a missing id is
 * refused with "workflow id not found, please export workflowSettings.id", an
 * unknown failurePolicy.action is refused, no failurePolicy means stop, the
 * default export must be a function), then with the reference's parser, so
 * nothing the reference would refuse slips through.
 */
import { parseWorkflowSettings, type WorkflowSettingsInfo } from '../reference/workflows/index.js';
import { KNOWN_BINDINGS, KNOWN_TRIGGERS, RUNTIME } from './bindings.js';
import type { Finding } from './findings.js';
import type { ShimRecord } from './shim.js';
import type { Position, SettingsLocations } from './static.js';

export interface SettingsResult {
  findings: Finding[];
  /** The settings as the reference reads them; undefined when they are invalid. */
  settings?: WorkflowSettingsInfo;
  /** `failurePolicy` was absent (so `stop`). */
  defaultPolicy: boolean;
  /** The settings read leniently (for the static checks when the strict read refuses them). */
  loose?: WorkflowSettingsInfo;
}

type ExportsRecord = Extract<ShimRecord, { k: 's' }>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function checkSettings(
  record: ExportsRecord,
  where: SettingsLocations,
  at: (p: Position | undefined) => Finding['at'],
): SettingsResult {
  const findings: Finding[] = [];
  const error = (message: string, pos: Position | undefined, basis?: Finding['basis']) =>
    findings.push({ kind: 'settings', level: 'error', message, ...(at(pos) ? { at: at(pos)! } : {}), ...(basis ? { basis } : {}) });
  const warning = (message: string, pos: Position | undefined, basis?: Finding['basis']) =>
    findings.push({ kind: 'settings', level: 'warning', message, ...(at(pos) ? { at: at(pos)! } : {}), ...(basis ? { basis } : {}) });
  const inferred = (source: string) => ({ level: 'inferred' as const, source });
  // The docs show settings by example only; their shape is the library's type.
  const documented = inferred('@kinde/infrastructure 0.9 dist/types.d.ts: type WorkflowSettings, enum WorkflowTrigger');

  if (record.d === 'object' && record.h === 'function') {
    warning(
      "the default export is an object with handle(), not a function: Kinde's open runtime calls an entry point by name on such an object " +
        '(the platform chooses the name; its tests use "handle"), but every workflow in the docs is "export default async function"; ' +
        'check-workflow runs handle()',
      where.defaultExport ?? where.settings,
      inferred(`${RUNTIME.execute} (defaultExport.ToObject(vm).Get(startOptions.EntryPoint))`),
    );
  } else if (record.d !== 'function') {
    error(
      `the module must export a default function (the workflow); its default export is ${record.d}: Kinde's open runtime fails it ` +
        `(${record.d === 'undefined' ? '"no default export"' : '"could not find default exported function"'})`,
      where.defaultExport ?? where.settings,
      inferred(RUNTIME.execute),
    );
  }
  if (record.e !== undefined) {
    error(`workflowSettings cannot be read: ${record.e}`, where.settings, inferred(RUNTIME.bundlerSettings));
    return { findings, defaultPolicy: false };
  }
  const raw: unknown = record.s === null ? undefined : JSON.parse(record.s);
  if (raw === undefined) {
    error('workflowSettings is not exported: Kinde refuses the workflow ("workflow id not found, please export workflowSettings.id")', where.settings, inferred(RUNTIME.bundlerSettings));
    return { findings, defaultPolicy: false };
  }
  if (!isObject(raw)) {
    error('workflowSettings must be an object', where.settings, documented);
    return { findings, defaultPolicy: false };
  }
  const { id, name, trigger, failurePolicy, bindings } = raw;
  // What the static checks need even when the settings are refused: every problem of a file at once.
  const loose: WorkflowSettingsInfo = {
    id: typeof id === 'string' ? id : '',
    trigger: typeof trigger === 'string' ? trigger : '',
    failurePolicy: isObject(failurePolicy) && failurePolicy.action === 'continue' ? 'continue' : 'stop',
    bindings: isObject(bindings) ? Object.keys(bindings) : [],
  };
  if (typeof id !== 'string' || id === '') {
    error(
      `workflowSettings.id ${id === undefined ? 'is missing' : 'must be a non-empty string'}: Kinde refuses the workflow ("workflow id not found, please export workflowSettings.id")`,
      where.keys.id ?? where.settings,
      inferred(RUNTIME.bundlerSettings),
    );
  }
  if (name !== undefined && typeof name !== 'string') warning('workflowSettings.name must be a string', where.keys.name, documented);
  if (typeof trigger !== 'string' || trigger === '') {
    error(
      `workflowSettings.trigger ${
        trigger === undefined
          ? where.keys.trigger
            ? 'is undefined: the key is written but its value is undefined (a WorkflowTrigger member @kinde/infrastructure does not have?)'
            : 'is missing'
          : 'must be a string'
      }`,
      where.keys.trigger ?? where.settings,
      documented,
    );
  } else if (!KNOWN_TRIGGERS.includes(trigger)) {
    warning(`workflowSettings.trigger "${trigger}" is not a trigger Kinde documents (${KNOWN_TRIGGERS.join(', ')})`, where.keys.trigger, documented);
  }
  const defaultPolicy = failurePolicy === undefined;
  if (failurePolicy !== undefined) {
    const action = isObject(failurePolicy) ? failurePolicy.action : undefined;
    if (action !== 'stop' && action !== 'continue') {
      error(
        `workflowSettings.failurePolicy.action ${action === undefined ? 'is missing' : `is ${JSON.stringify(action)}`}: ` +
          'Kinde refuses the workflow ("invalid failure policy action"); use "stop" or "continue"',
        where.keys['failurePolicy.action'] ?? where.keys.failurePolicy,
        inferred(RUNTIME.bundlerSettings),
      );
    }
  }
  if (bindings !== undefined && !isObject(bindings)) {
    error('workflowSettings.bindings must be an object keyed by binding name', where.keys.bindings, documented);
  } else if (bindings !== undefined) {
    for (const [key, value] of Object.entries(bindings)) {
      if (!isObject(value)) error(`workflowSettings.bindings[${JSON.stringify(key)}] must be an object (e.g. {})`, where.bindings[key] ?? where.keys.bindings);
      else if (!KNOWN_BINDINGS.includes(key)) {
        warning(`unknown binding "${key}": Kinde knows ${KNOWN_BINDINGS.join(', ')}`, where.bindings[key] ?? where.keys.bindings, documented);
      }
    }
  }

  // The reference's own parser: whatever it refuses is an error too (and the only way to its settings object).
  try {
    const settings = parseWorkflowSettings(raw);
    return { findings, settings, loose, defaultPolicy };
  } catch (e) {
    if (!findings.some((f) => f.level === 'error')) error((e as Error).message, where.settings);
    return { findings, loose, defaultPolicy };
  }
}
