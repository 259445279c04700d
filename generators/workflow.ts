/**
 * Workflow programs: a tiny model of what a token-generation `Workflow.ts`
 * does, an arbitrary for it, its rendering to real source using
 * `@kinde/infrastructure`, and the run a correct runtime must produce.
 *
 * The model is deliberately small (set a claim, copy an event field, throw,
 * hang) so that {@link expectedRun} can be exact and counterexamples shrink
 * to a few lines of source.
 */
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type { JsonValue, TokenType } from '../adapters/types.js';
import { customClaimNameArb, jsonClaimValueArb, jsonRoundTrip } from './claims.js';
import { fewestItemsArray, shrinkingFirst } from './shrink.js';
import { wordArb } from './ids.js';

export type TokenBinding = 'kinde.accessToken' | 'kinde.idToken' | 'kinde.m2mToken';
export type EventPath =
  | 'context.user.id'
  | 'context.application.clientId'
  | 'context.organization.code'
  | 'request.auth.audience'
  | 'context.workflow.trigger'
  | 'context.auth.origin';
export type WorkflowTriggerName = 'user:tokens_generation' | 'm2m:token_generation';

export type WorkflowOp =
  /** proxy = `accessTokenCustomClaims()` & co; lowLevel = `kinde.accessToken.setCustomClaim(name, value)`. */
  | { kind: 'set'; binding: TokenBinding; name: string; value: JsonValue; style: 'proxy' | 'lowLevel' }
  | { kind: 'setFromEvent'; binding: TokenBinding; name: string; path: EventPath; style: 'proxy' | 'lowLevel' }
  | { kind: 'throw'; message: string }
  | { kind: 'loopForever' };

export interface WorkflowProgram {
  /** Identifier-like workflow id (`workflowSettings.id`). */
  id: string;
  trigger: WorkflowTriggerName;
  /** Declared in `workflowSettings.bindings`; may omit bindings the ops use (the "undeclared binding" case). */
  bindings: TokenBinding[];
  /** Also declare the native `url: {}` binding, as the docs' examples do. */
  declareUrlBinding: boolean;
  /** `undefined` = omitted (the library documents "stop" as default). */
  failurePolicy?: 'stop' | 'continue';
  ops: WorkflowOp[];
}

export const TOKEN_BINDINGS: readonly TokenBinding[] = ['kinde.accessToken', 'kinde.idToken', 'kinde.m2mToken'];
export const EVENT_PATHS: readonly EventPath[] = [
  'context.user.id',
  'context.application.clientId',
  'context.organization.code',
  'request.auth.audience',
  'context.workflow.trigger',
  'context.auth.origin',
];

/** The token type each binding modifies. */
export const BINDING_TOKEN: Readonly<Record<TokenBinding, TokenType>> = {
  'kinde.accessToken': 'access',
  'kinde.idToken': 'id',
  'kinde.m2mToken': 'm2m',
};

/** Bindings a correct runtime offers for each trigger (S5). */
export const TRIGGER_BINDINGS: Readonly<Record<WorkflowTriggerName, readonly TokenBinding[]>> = {
  'user:tokens_generation': ['kinde.accessToken', 'kinde.idToken'],
  'm2m:token_generation': ['kinde.m2mToken'],
};

// ---------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------

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

const EVENT_FIELD_HELPER = `
/** Reads a field of the event; a missing field is set as null (JSON has no undefined). */
function eventField(event: unknown, path: string[]): unknown {
  let value: any = event;
  for (const key of path) value = value?.[key];
  return value ?? null;
}
`;

/** Real `Workflow.ts` source for `p`, in the style of Kinde's workflow tutorial. */
export function renderWorkflow(p: WorkflowProgram): string {
  const user = p.trigger === 'user:tokens_generation';
  const usesProxy = new Set<TokenBinding>();
  let usesLowLevel = false;
  let usesEvent = false;
  for (const op of p.ops) {
    if (op.kind !== 'set' && op.kind !== 'setFromEvent') continue;
    if (op.style === 'proxy') usesProxy.add(op.binding);
    else usesLowLevel = true;
    if (op.kind === 'setFromEvent') usesEvent = true;
  }
  const eventType = user ? 'onUserTokenGeneratedEvent' : 'onM2MTokenGeneratedEvent';
  const factories = TOKEN_BINDINGS.filter((b) => usesProxy.has(b)).map((b) => PROXY[b].factory);
  // Type-only names carry `type` so the source also builds under verbatimModuleSyntax.
  const imports = [`type ${eventType}`, 'type WorkflowSettings', 'WorkflowTrigger', ...factories];

  const out: string[] = [];
  out.push(`import { ${imports.join(', ')} } from "@kinde/infrastructure";`, '');
  if (usesLowLevel) out.push('// Low-level bindings API (the runtime provides `kinde`).', 'declare const kinde: any;', '');

  out.push('export const workflowSettings: WorkflowSettings = {');
  out.push(`  id: ${JSON.stringify(p.id)},`);
  out.push(`  name: ${JSON.stringify(`Generated workflow ${p.id}`)},`);
  out.push(`  trigger: WorkflowTrigger.${user ? 'UserTokenGeneration' : 'M2MTokenGeneration'},`);
  if (p.failurePolicy !== undefined) out.push('  failurePolicy: {', `    action: ${JSON.stringify(p.failurePolicy)},`, '  },');
  const bindings = TOKEN_BINDINGS.filter((b) => p.bindings.includes(b)).map((b) => `    ${JSON.stringify(b)}: {},`);
  if (p.declareUrlBinding) bindings.push('    url: {},');
  if (bindings.length === 0) out.push('  bindings: {},');
  else out.push('  bindings: {', ...bindings, '  },');
  out.push('};', '');

  out.push(`export default async function Workflow(event: ${eventType}) {`);
  const obtained = new Set<TokenBinding>();
  for (const op of p.ops) {
    switch (op.kind) {
      case 'set':
      case 'setFromEvent': {
        const value = op.kind === 'set' ? renderJsonValue(op.value) : renderEventRead(op.path);
        const name = JSON.stringify(op.name);
        if (op.style === 'lowLevel') {
          out.push(`  kinde.${op.binding.slice('kinde.'.length)}.setCustomClaim(${name}, ${value});`);
        } else {
          const { factory, local } = PROXY[op.binding];
          // Obtained at first use: that call throws when the binding is missing.
          if (!obtained.has(op.binding)) {
            out.push(`  const ${local} = ${factory}<Record<string, any>>();`);
            obtained.add(op.binding);
          }
          out.push(`  ${local}[${name}] = ${value};`);
        }
        break;
      }
      case 'throw':
        out.push(`  throw new Error(${JSON.stringify(op.message)});`);
        break;
      case 'loopForever':
        out.push('  for (;;) {}');
        break;
    }
  }
  out.push('}');
  if (usesEvent) out.push(EVENT_FIELD_HELPER.trimEnd());
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------
// Arbitrary
// ---------------------------------------------------------------------------

export interface WorkflowProgramOptions {
  /** Fix the trigger; otherwise any trigger that has a binding for `tokenTypes`. */
  trigger?: WorkflowTriggerName;
  /** Generate `throw` ops. Default false. */
  allowThrow?: boolean;
  /** Generate `loopForever` ops (only for targets that enforce a timeout). Default false. */
  allowHang?: boolean;
  /** Probability that one binding the ops use is left undeclared. Default 0. */
  undeclaredBindingRate?: number;
  /** Restrict the bindings ops write to these token types. Default all. */
  tokenTypes?: readonly TokenType[];
  /** Maximal number of ops. Default 6. */
  maxOps?: number;
  /** Claim names per token type. Default {@link customClaimNameArb}. */
  nameArb?: (tokenType: TokenType) => Arbitrary<string>;
  /** Claim values. Default {@link jsonClaimValueArb} with depth 3 and strings up to 256. */
  valueArb?: Arbitrary<JsonValue>;
}

/**
 * Workflow programs. Shrinks towards fewer ops, simpler values, only the
 * bindings the ops use, no `url` binding and no failure policy. Generated
 * programs print as their rendered source in counterexamples.
 */
export function workflowProgramArb(opts: WorkflowProgramOptions = {}): Arbitrary<WorkflowProgram> {
  const types = opts.tokenTypes ?? ['access', 'id', 'm2m'];
  const triggers = (Object.keys(TRIGGER_BINDINGS) as WorkflowTriggerName[]).filter(
    (t) => (opts.trigger === undefined || t === opts.trigger) && TRIGGER_BINDINGS[t].some((b) => types.includes(BINDING_TOKEN[b])),
  );
  if (triggers.length === 0) throw new RangeError('workflowProgramArb: no trigger offers a binding for the requested token types');
  const rate = Math.min(1, Math.max(0, opts.undeclaredBindingRate ?? 0));
  const nameArb = opts.nameArb ?? customClaimNameArb;
  const valueArb = opts.valueArb ?? jsonClaimValueArb({ maxDepth: 3, maxStringLength: 256 });
  const maxOps = opts.maxOps ?? 6;

  return fc.oneof(...triggers.map((trigger) => programForTrigger(trigger, opts, { types, rate, nameArb, valueArb, maxOps })));
}

/** Several workflow programs, deployed in order; counterexamples shrink to the fewest workflows first. */
export function workflowListArb(opts: WorkflowProgramOptions, constraints: fc.ArrayConstraints): Arbitrary<WorkflowProgram[]> {
  return fewestItemsArray(workflowProgramArb(opts), constraints);
}

interface ResolvedOptions {
  types: readonly TokenType[];
  rate: number;
  nameArb: (tokenType: TokenType) => Arbitrary<string>;
  valueArb: Arbitrary<JsonValue>;
  maxOps: number;
}

function programForTrigger(trigger: WorkflowTriggerName, opts: WorkflowProgramOptions, r: ResolvedOptions): Arbitrary<WorkflowProgram> {
  const universe = TRIGGER_BINDINGS[trigger].filter((b) => r.types.includes(BINDING_TOKEN[b]));
  const style = fc.constantFrom<'proxy' | 'lowLevel'>('proxy', 'lowLevel');
  // One record per binding (no chain), so the name always fits the binding's token type.
  const setOp: Arbitrary<WorkflowOp> = fc.oneof(
    ...universe.map((binding) =>
      fc.record({ kind: fc.constant('set' as const), binding: fc.constant(binding), name: r.nameArb(BINDING_TOKEN[binding]), value: r.valueArb, style }),
    ),
  );
  const setFromEventOp: Arbitrary<WorkflowOp> = fc.oneof(
    ...universe.map((binding) =>
      fc.record({
        kind: fc.constant('setFromEvent' as const),
        binding: fc.constant(binding),
        name: r.nameArb(BINDING_TOKEN[binding]),
        path: fc.constantFrom(...EVENT_PATHS),
        style,
      }),
    ),
  );
  const opArb: Arbitrary<WorkflowOp> = fc.oneof(
    { weight: 6, arbitrary: setOp },
    { weight: 2, arbitrary: setFromEventOp },
    ...(opts.allowThrow
      ? [{ weight: 1, arbitrary: fc.string({ maxLength: 20 }).map((message): WorkflowOp => ({ kind: 'throw', message })) }]
      : []),
    ...(opts.allowHang ? [{ weight: 1, arbitrary: fc.constant<WorkflowOp>({ kind: 'loopForever' }) }] : []),
  );
  const fields = {
    id: wordArb(3, 24).map((w) => `wf${w}`),
    ops: fewestItemsArray(opArb, { maxLength: r.maxOps }),
    extraBindings: fc.subarray([...universe]),
    // shrinks to 0 = everything declared
    undeclaredDie: fc.integer({ min: 0, max: 999 }),
    undeclaredPick: fc.nat(),
    declareUrlBinding: fc.boolean(),
    failurePolicy: fc.constantFrom<'stop' | 'continue' | undefined>(undefined, 'stop', 'continue'),
  };
  // Fewest ops first; the id (cosmetic) and the settings after.
  return shrinkingFirst(fields, ['ops'])
    .map((s): WorkflowProgram => {
      const used = TOKEN_BINDINGS.filter((b) => s.ops.some((op) => 'binding' in op && op.binding === b));
      const dropped = s.undeclaredDie >= 1000 * (1 - r.rate) && used.length > 0 ? used[s.undeclaredPick % used.length] : undefined;
      const bindings = TOKEN_BINDINGS.filter((b) => b !== dropped && (used.includes(b) || s.extraBindings.includes(b)));
      return withSourceToString({
        id: s.id,
        trigger,
        bindings,
        declareUrlBinding: s.declareUrlBinding,
        ...(s.failurePolicy !== undefined ? { failurePolicy: s.failurePolicy } : {}),
        ops: s.ops,
      });
    });
}

/** Makes fast-check print the program as its source (non-enumerable, so equality and JSON ignore it). */
function withSourceToString(p: WorkflowProgram): WorkflowProgram {
  Object.defineProperty(p, fc.toStringMethod, { value: () => `\n${renderWorkflow(p)}`, enumerable: false });
  return p;
}

// ---------------------------------------------------------------------------
// Interpretation
// ---------------------------------------------------------------------------

export interface ExpectedWrite {
  binding: TokenBinding;
  name: string;
  value: JsonValue;
}

export interface ExpectedRun {
  completes: boolean;
  failure?: 'threw' | 'undeclared-binding' | 'timeout';
  /**
   * Every claim write the workflow performed, in order, with values as JSON
   * makes them. On a failed run these are the writes made BEFORE the failure;
   * a correct issuer does not apply them (what it does instead follows the
   * failure policy and is the caller's decision). Prohibited names are still
   * listed here: filtering them is the issuer's job, not the workflow's.
   */
  writes: ExpectedWrite[];
}

export interface RunContext {
  /** Bindings the runtime offers for this run (e.g. {@link TRIGGER_BINDINGS}[trigger]). */
  offered: readonly TokenBinding[];
  /** The event fields; `undefined` = absent from the event. */
  event: Readonly<Record<EventPath, JsonValue | undefined>>;
}

/**
 * What a correct runtime does with `p`: ops run in order; writing through a
 * binding that is not both declared and offered fails the run at that op
 * (`undeclared-binding`); `throw` fails with `threw`; `loopForever` with
 * `timeout`. `setFromEvent` of an absent field writes `null` (the rendered
 * source does `?? null`, since JSON has no `undefined`).
 */
export function expectedRun(p: WorkflowProgram, ctx: RunContext): ExpectedRun {
  const writes: ExpectedWrite[] = [];
  const available = (b: TokenBinding) => p.bindings.includes(b) && ctx.offered.includes(b);
  for (const op of p.ops) {
    switch (op.kind) {
      case 'throw':
        return { completes: false, failure: 'threw', writes };
      case 'loopForever':
        return { completes: false, failure: 'timeout', writes };
      case 'set':
      case 'setFromEvent': {
        if (!available(op.binding)) return { completes: false, failure: 'undeclared-binding', writes };
        const raw = op.kind === 'set' ? op.value : (ctx.event[op.path] ?? null);
        writes.push({ binding: op.binding, name: op.name, value: jsonRoundTrip(raw) });
        break;
      }
    }
  }
  return { completes: true, writes };
}

/**
 * The last value written per claim name for one binding (later writes win).
 * A `Map`, so that names like `__proto__` are ordinary keys.
 */
export function finalClaims(writes: readonly ExpectedWrite[], binding: TokenBinding): Map<string, JsonValue> {
  const out = new Map<string, JsonValue>();
  for (const w of writes) if (w.binding === binding) out.set(w.name, w.value);
  return out;
}
