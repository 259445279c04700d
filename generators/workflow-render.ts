/**
 * Rendering a workflow program to real `Workflow.ts` source using
 * `@kinde/infrastructure`, in the style of Kinde's workflow tutorial.
 */
import type { JsonValue } from '../adapters/types.js';
import {
  TOKEN_BINDINGS,
  type AwaitStyle,
  type BindingOp,
  type Condition,
  type EventPath,
  type TokenBinding,
  type WorkflowOp,
  type WorkflowProgram,
} from './workflow-ops.js';

/** Per binding: the library's proxy factory and the local it is kept in. */
const PROXY: Readonly<Record<TokenBinding, { factory: string; local: string }>> = {
  'kinde.accessToken': { factory: 'accessTokenCustomClaims', local: 'accessToken' },
  'kinde.idToken': { factory: 'idTokenCustomClaims', local: 'idToken' },
  'kinde.m2mToken': { factory: 'm2mTokenClaims', local: 'm2mToken' },
};

/**
 * A JavaScript expression that evaluates to `value`. Objects and arrays go
 * through `JSON.parse` of a string literal: an object literal
 * `{"__proto__": 1}` would set the prototype instead of defining a key.
 * A top-level `-0` stays `-0` so the runtime's own serialization is tested.
 */
export function renderJsonValue(value: JsonValue): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return `JSON.parse(${JSON.stringify(JSON.stringify(value))})`;
}

function renderEventRead(path: EventPath): string {
  return `eventField(event, ${JSON.stringify(path.split('.'))})`;
}

function renderCondition(c: Condition): string {
  switch (c.kind) {
    case 'org':
      return `${renderEventRead('context.organization.code')} ${c.present ? '!==' : '==='} null`;
    case 'origin':
      return `${renderEventRead('context.auth.origin')} === ${JSON.stringify(c.is)}`;
    case 'audience':
      return `${c.present ? '' : '!'}audienceEndsWith(event, ${JSON.stringify(c.endsWith)})`;
  }
}

const EVENT_FIELD_HELPER = `
/** Reads a field of the event; a missing field is set as null (JSON has no undefined). */
function eventField(event: unknown, path: string[]): unknown {
  let value: any = event;
  for (const key of path) value = value?.[key];
  return value ?? null;
}
`;

const AUDIENCE_HELPER = `
/** Whether some requested audience ends with \`suffix\`. */
function audienceEndsWith(event: unknown, suffix: string): boolean {
  const audience = eventField(event, ["request", "auth", "audience"]);
  return Array.isArray(audience) && audience.some((a) => typeof a === "string" && a.endsWith(suffix));
}
`;

const PAUSE_HELPER = `
/** An awaited local async helper that itself awaits. */
async function pause(): Promise<void> {
  await null;
}
`;

const AWAIT: Readonly<Record<AwaitStyle, string>> = {
  resolved: 'await Promise.resolve();',
  helper: 'await pause();',
  chain: 'await Promise.resolve().then(() => null).then(() => null);',
};

/** How the ops need the source to look: imports, helpers, how each proxy is obtained. */
interface Plan {
  usesProxy: Set<TokenBinding>;
  /** Proxies obtained lazily (`??=`) because some use is guarded: the factory throws when the binding is missing. */
  lazy: Set<TokenBinding>;
  usesLowLevel: boolean;
  usesEvent: boolean;
  usesAudience: boolean;
  usesPause: boolean;
  usesEnv: boolean;
  usesFetch: boolean;
}

function plan(ops: readonly WorkflowOp[]): Plan {
  const out: Plan = { usesProxy: new Set(), lazy: new Set(), usesLowLevel: false, usesEvent: false, usesAudience: false, usesPause: false, usesEnv: false, usesFetch: false };
  for (const op of ops) {
    if (op.kind === 'await' && op.style === 'helper') out.usesPause = true;
    const when = 'when' in op ? op.when : undefined;
    if (when) {
      out.usesEvent = true;
      if (when.kind === 'audience') out.usesAudience = true;
    }
    if (op.kind === 'setFromEvent') out.usesEvent = true;
    if (op.kind === 'setFromEnv') out.usesEnv = true;
    if (op.kind === 'setFromFetch') out.usesFetch = true;
    if (!('binding' in op)) continue;
    if (op.kind === 'deleteClaim' || op.style === 'proxy') {
      out.usesProxy.add(op.binding);
      if (when) out.lazy.add(op.binding);
    } else out.usesLowLevel = true;
  }
  return out;
}

/** The expression a binding op writes. */
function renderValue(op: BindingOp): string {
  switch (op.kind) {
    case 'set':
      return renderJsonValue(op.value);
    case 'setFromEvent':
      return renderEventRead(op.path);
    case 'setFromEnv':
      return `getEnvironmentVariable(${JSON.stringify(op.key)})?.value ?? null`;
    case 'setFromFetch':
      return `(await fetch(${JSON.stringify(op.url)}, { method: "GET", responseFormat: "json" })).data ?? null`;
    default:
      return 'undefined';
  }
}

function renderBindingOp(op: BindingOp, lazy: boolean, obtained: Set<TokenBinding>): string[] {
  const name = JSON.stringify(op.name);
  const value = renderValue(op);
  if (op.kind !== 'deleteClaim' && op.style === 'lowLevel') {
    return [`kinde.${op.binding.slice('kinde.'.length)}.setCustomClaim(${name}, ${value});`];
  }
  const { factory, local } = PROXY[op.binding];
  const out: string[] = [];
  // Obtained at first use: that call throws when the binding is missing.
  if (lazy) out.push(`${local} ??= ${factory}<Record<string, any>>();`);
  else if (!obtained.has(op.binding)) out.push(`const ${local} = ${factory}<Record<string, any>>();`);
  obtained.add(op.binding);
  out.push(op.kind === 'deleteClaim' ? `delete ${local}[${name}];` : `${local}[${name}] = ${value};`);
  return out;
}

function renderOp(op: WorkflowOp, p: Plan, obtained: Set<TokenBinding>): string[] {
  switch (op.kind) {
    case 'throw':
      return [`throw new Error(${JSON.stringify(op.message)});`];
    case 'loopForever':
      return ['for (;;) {}'];
    case 'await':
      return [AWAIT[op.style]];
    default:
      return renderBindingOp(op, p.lazy.has(op.binding), obtained);
  }
}

/** Real `Workflow.ts` source for `p`, in the style of Kinde's workflow tutorial. */
export function renderWorkflow(p: WorkflowProgram): string {
  const user = p.trigger === 'user:tokens_generation';
  const pl = plan(p.ops);
  const eventType = user ? 'onUserTokenGeneratedEvent' : 'onM2MTokenGeneratedEvent';
  const factories = TOKEN_BINDINGS.filter((b) => pl.usesProxy.has(b)).map((b) => PROXY[b].factory);
  // Type-only names carry `type` so the source also builds under verbatimModuleSyntax.
  const reads = [...(pl.usesEnv ? ['getEnvironmentVariable'] : []), ...(pl.usesFetch ? ['fetch'] : [])];
  const imports = [`type ${eventType}`, 'type WorkflowSettings', 'WorkflowTrigger', ...factories, ...reads];

  const out: string[] = [];
  out.push(`import { ${imports.join(', ')} } from "@kinde/infrastructure";`, '');
  if (pl.usesLowLevel) out.push('// Low-level bindings API (the runtime provides `kinde`).', 'declare const kinde: any;', '');

  out.push('export const workflowSettings: WorkflowSettings = {');
  out.push(`  id: ${JSON.stringify(p.id)},`);
  out.push(`  name: ${JSON.stringify(`Generated workflow ${p.id}`)},`);
  out.push(`  trigger: WorkflowTrigger.${user ? 'UserTokenGeneration' : 'M2MTokenGeneration'},`);
  if (p.failurePolicy !== undefined) out.push('  failurePolicy: {', `    action: ${JSON.stringify(p.failurePolicy)},`, '  },');
  const bindings = TOKEN_BINDINGS.filter((b) => p.bindings.includes(b)).map((b) => `    ${JSON.stringify(b)}: {},`);
  for (const b of p.fixtureBindings ?? []) bindings.push(`    ${JSON.stringify(b)}: {},`);
  if (p.declareUrlBinding) bindings.push('    url: {},');
  if (bindings.length === 0) out.push('  bindings: {},');
  else out.push('  bindings: {', ...bindings, '  },');
  out.push('};', '');

  out.push(`export default async function Workflow(event: ${eventType}) {`);
  for (const b of TOKEN_BINDINGS) if (pl.lazy.has(b)) out.push(`  let ${PROXY[b].local}: Record<string, any> | undefined;`);
  const obtained = new Set<TokenBinding>();
  for (const op of p.ops) {
    const lines = renderOp(op, pl, obtained);
    const when = 'when' in op ? op.when : undefined;
    if (when) out.push(`  if (${renderCondition(when)}) {`, ...lines.map((l) => `    ${l}`), '  }');
    else out.push(...lines.map((l) => `  ${l}`));
  }
  out.push('}');
  if (pl.usesEvent) out.push(EVENT_FIELD_HELPER.trimEnd());
  if (pl.usesAudience) out.push(AUDIENCE_HELPER.trimEnd());
  if (pl.usesPause) out.push(PAUSE_HELPER.trimEnd());
  return out.join('\n') + '\n';
}
