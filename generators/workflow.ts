/**
 * Workflow programs: a tiny model of what a token-generation `Workflow.ts`
 * does (workflow-ops.ts), an arbitrary for it (here), its rendering to real
 * source using `@kinde/infrastructure` (workflow-render.ts), and the run a
 * correct runtime must produce (workflow-run.ts).
 *
 * The model is deliberately small (set a claim, copy an event field, guard a
 * write on the event, await, throw, hang, set undefined, delete) so that
 * {@link expectedRun} can be exact and counterexamples shrink to a few lines
 * of source.
 */
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type { JsonValue, TokenType } from '../adapters/types.js';
import { customClaimNameArb, jsonClaimValueArb } from './claims.js';
import { fewestItemsArray, shrinkingFirst } from './shrink.js';
import { wordArb } from './ids.js';
import {
  AUDIENCE_SUFFIXES,
  AWAIT_STYLES,
  BINDING_TOKEN,
  EVENT_PATHS,
  TOKEN_BINDINGS,
  TRIGGER_BINDINGS,
  type Condition,
  type FixtureBinding,
  type TokenBinding,
  type WorkflowOp,
  type WorkflowProgram,
  type WorkflowTriggerName,
} from './workflow-ops.js';
import { renderWorkflow } from './workflow-render.js';

export * from './workflow-ops.js';
export * from './workflow-render.js';
export * from './workflow-run.js';

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
  /** Generate `await` ops between the others. Default false. */
  allowAwait?: boolean;
  /** Guard some ops by a condition on the event (`if (…) { … }`). Default false. */
  allowConditions?: boolean;
  /** Generate `delete claims[name]` on the library's proxy. Default false. */
  allowDelete?: boolean;
  /** Generate writes of `undefined` (the reference refuses them: the workflow throws). Default false. */
  allowUndefined?: boolean;
  /** Generate the docs' "reduce token size" writes (`permissions = []`, `feature_flags = {}` on the access token). Default false. */
  allowSizeReduction?: boolean;
  /**
   * Generate claims read from env variables and fetch answers (`setFromEnv`
   * of one of `envKeys`, `setFromFetch` of one of `urls`), declaring kinde.env
   * and kinde.fetch for them. Only for targets that take fixtures. Default none.
   */
  fixtureReads?: { envKeys: readonly string[]; urls: readonly string[] };
}

/** The ops real workflows use beyond plain writes: awaits, event conditions, delete on the claims proxy, the docs' token-size reduction (with room for two more ops than the default, so writes stay as many). */
export const REAL_WORKFLOW_OPS = { allowAwait: true, allowConditions: true, allowDelete: true, allowSizeReduction: true, maxOps: 8 } as const satisfies WorkflowProgramOptions;

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

/** Conditions that can go either way on this trigger's events (M2M events carry no org and no origin). */
function conditionArb(trigger: WorkflowTriggerName): Arbitrary<Condition> {
  const audience = fc.record({ kind: fc.constant('audience' as const), endsWith: fc.constantFrom(...AUDIENCE_SUFFIXES), present: fc.boolean() });
  if (trigger === 'm2m:token_generation') return audience;
  return fc.oneof(
    fc.record({ kind: fc.constant('org' as const), present: fc.boolean() }),
    fc.record({ kind: fc.constant('origin' as const), is: fc.constantFrom('authorization_request' as const, 'refresh_token_request' as const) }),
    audience,
  );
}

/** `op`, guarded by a condition one time in three when conditions are on (shrinks to unguarded). */
function guarded<T extends WorkflowOp>(op: Arbitrary<T>, trigger: WorkflowTriggerName, on: boolean | undefined): Arbitrary<T> {
  if (!on) return op;
  return fc
    .tuple(op, fc.option(conditionArb(trigger), { nil: undefined, freq: 2 }))
    .map(([o, when]) => (when === undefined ? o : { ...o, when }));
}

function programForTrigger(trigger: WorkflowTriggerName, opts: WorkflowProgramOptions, r: ResolvedOptions): Arbitrary<WorkflowProgram> {
  const universe = TRIGGER_BINDINGS[trigger].filter((b) => r.types.includes(BINDING_TOKEN[b]));
  const style = fc.constantFrom<'proxy' | 'lowLevel'>('proxy', 'lowLevel');
  const perBinding = <T extends WorkflowOp>(make: (binding: TokenBinding) => Arbitrary<T>): Arbitrary<WorkflowOp> =>
    guarded(fc.oneof(...universe.map(make)), trigger, opts.allowConditions);
  // One record per binding (no chain), so the name always fits the binding's token type.
  const setOp = perBinding((binding) =>
    fc.record({ kind: fc.constant('set' as const), binding: fc.constant(binding), name: r.nameArb(BINDING_TOKEN[binding]), value: r.valueArb, style }),
  );
  const setFromEventOp = perBinding((binding) =>
    fc.record({
      kind: fc.constant('setFromEvent' as const),
      binding: fc.constant(binding),
      name: r.nameArb(BINDING_TOKEN[binding]),
      path: fc.constantFrom(...EVENT_PATHS),
      style,
    }),
  );
  const throwOp = guarded(
    fc.string({ maxLength: 20 }).map((message): WorkflowOp => ({ kind: 'throw', message })),
    trigger,
    opts.allowConditions,
  );
  const optional = (on: boolean | undefined, weight: number, arbitrary: () => Arbitrary<WorkflowOp>) => (on ? [{ weight, arbitrary: arbitrary() }] : []);
  const opArb: Arbitrary<WorkflowOp> = fc.oneof(
    { weight: 6, arbitrary: setOp },
    { weight: 2, arbitrary: setFromEventOp },
    ...optional(opts.allowThrow, 1, () => throwOp),
    ...optional(opts.allowHang, 1, () => fc.constant<WorkflowOp>({ kind: 'loopForever' })),
    ...optional(opts.allowAwait, 2, () => fc.constantFrom(...AWAIT_STYLES).map((s): WorkflowOp => ({ kind: 'await', style: s }))),
    ...optional(opts.allowSizeReduction && universe.includes('kinde.accessToken'), 1, () =>
      guarded(
        fc
          .tuple(fc.constantFrom('permissions', 'feature_flags'), style)
          .map(([name, st]): WorkflowOp => ({ kind: 'set', binding: 'kinde.accessToken', name, value: name === 'permissions' ? [] : {}, style: st })),
        trigger,
        opts.allowConditions,
      ),
    ),
    ...optional(opts.allowDelete, 1, () =>
      perBinding((binding) => fc.record({ kind: fc.constant('deleteClaim' as const), binding: fc.constant(binding), name: r.nameArb(BINDING_TOKEN[binding]) })),
    ),
    ...optional(opts.fixtureReads !== undefined && opts.fixtureReads.envKeys.length > 0, 2, () =>
      perBinding((binding) =>
        fc.record({
          kind: fc.constant('setFromEnv' as const),
          binding: fc.constant(binding),
          name: r.nameArb(BINDING_TOKEN[binding]),
          key: fc.constantFrom(...opts.fixtureReads!.envKeys),
          style,
        }),
      ),
    ),
    ...optional(opts.fixtureReads !== undefined && opts.fixtureReads.urls.length > 0, 2, () =>
      perBinding((binding) =>
        fc.record({
          kind: fc.constant('setFromFetch' as const),
          binding: fc.constant(binding),
          name: r.nameArb(BINDING_TOKEN[binding]),
          url: fc.constantFrom(...opts.fixtureReads!.urls),
          style,
        }),
      ),
    ),
    ...optional(opts.allowUndefined, 1, () =>
      perBinding((binding) =>
        fc.record({ kind: fc.constant('setUndefined' as const), binding: fc.constant(binding), name: r.nameArb(BINDING_TOKEN[binding]), style }),
      ),
    ),
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
      const fixtureBindings = FIXTURE_OPS.filter(([kind]) => s.ops.some((op) => op.kind === kind)).map(([, b]) => b);
      return withSourceToString({
        id: s.id,
        trigger,
        bindings,
        declareUrlBinding: s.declareUrlBinding,
        ...(fixtureBindings.length > 0 ? { fixtureBindings } : {}),
        ...(s.failurePolicy !== undefined ? { failurePolicy: s.failurePolicy } : {}),
        ops: s.ops,
      });
    });
}

/** The native binding each fixture-reading op needs declared. */
const FIXTURE_OPS: ReadonlyArray<[WorkflowOp['kind'], FixtureBinding]> = [
  ['setFromEnv', 'kinde.env'],
  ['setFromFetch', 'kinde.fetch'],
];

/** Makes fast-check print the program as its source (non-enumerable, so equality and JSON ignore it). */
function withSourceToString(p: WorkflowProgram): WorkflowProgram {
  Object.defineProperty(p, fc.toStringMethod, { value: () => `\n${renderWorkflow(p)}`, enumerable: false });
  return p;
}

