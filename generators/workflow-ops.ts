/**
 * The workflow program model: what a generated token-generation
 * `Workflow.ts` does, as data. Rendering (workflow-render.ts), the run a
 * correct runtime must produce (workflow-run.ts) and the arbitrary
 * (workflow.ts) all read these types.
 */
import type { JsonValue, TokenType } from '../adapters/types.js';

export type TokenBinding = 'kinde.accessToken' | 'kinde.idToken' | 'kinde.m2mToken';
export type EventPath =
  | 'context.user.id'
  | 'context.application.clientId'
  | 'context.organization.code'
  | 'request.auth.audience'
  | 'context.workflow.trigger'
  | 'context.auth.origin';
export type WorkflowTriggerName = 'user:tokens_generation' | 'm2m:token_generation';
export type AuthOrigin = 'authorization_request' | 'refresh_token_request';

/**
 * A test on the event an op is guarded by (`if (…) { op }`), so the same
 * workflow writes different claims for different events.
 */
export type Condition =
  /** `context.organization.code` is (not) null/absent. */
  | { kind: 'org'; present: boolean }
  /** `context.auth.origin` equals `is` (absent on M2M events: never equal). */
  | { kind: 'origin'; is: AuthOrigin }
  /** Some entry of `request.auth.audience` does (not) end with `suffix`. */
  | { kind: 'audience'; endsWith: string; present: boolean };

/**
 * How an `await` op waits; each settles within the same evaluation (no
 * timers: the sandbox offers none): `resolved` after one microtask turn,
 * `helper` (an awaited local async function that awaits itself) and `chain`
 * (a resolved-later `.then` chain) after several.
 */
export type AwaitStyle = 'resolved' | 'helper' | 'chain';
export const AWAIT_STYLES: readonly AwaitStyle[] = ['resolved', 'helper', 'chain'];

export type WriteStyle = 'proxy' | 'lowLevel';

export type WorkflowOp =
  /** proxy = `accessTokenCustomClaims()` & co; lowLevel = `kinde.accessToken.setCustomClaim(name, value)`. */
  | { kind: 'set'; binding: TokenBinding; name: string; value: JsonValue; style: WriteStyle; when?: Condition }
  | { kind: 'setFromEvent'; binding: TokenBinding; name: string; path: EventPath; style: WriteStyle; when?: Condition }
  | { kind: 'throw'; message: string; when?: Condition }
  | { kind: 'loopForever' }
  | { kind: 'await'; style: AwaitStyle }
  /**
   * `claims[name] = undefined` / `setCustomClaim(name, undefined)`. The
   * library's proxy passes `undefined` on to `setCustomClaim`; the reference
   * refuses it (JSON has no undefined: the workflow throws).
   */
  | { kind: 'setUndefined'; binding: TokenBinding; name: string; style: WriteStyle; when?: Condition }
  /** `delete claims[name]` on the library's proxy (it has no deleteProperty trap: the token is untouched). */
  | { kind: 'deleteClaim'; binding: TokenBinding; name: string; when?: Condition }
  /** The claim gets `getEnvironmentVariable(key)?.value ?? null` (kinde.env, declared by the program). */
  | { kind: 'setFromEnv'; binding: TokenBinding; name: string; key: string; style: WriteStyle; when?: Condition }
  /** The claim gets `(await fetch(url, { method: 'GET', responseFormat: 'json' })).data ?? null` (kinde.fetch, declared by the program). */
  | { kind: 'setFromFetch'; binding: TokenBinding; name: string; url: string; style: WriteStyle; when?: Condition };

/** The native bindings generated programs read fixtures through. */
export type FixtureBinding = 'kinde.env' | 'kinde.fetch';

/**
 * What a program's env and fetch reads are answered with (the fixtures the
 * suite deploys its workflows with): env values per key, the JSON body of a
 * 200 answer per GET URL. A key or URL not listed is not in the fixtures: the
 * env read gives null, the fetch fails like a network error.
 */
export interface FixtureReads {
  env: Readonly<Record<string, string>>;
  fetch: Readonly<Record<string, JsonValue>>;
}

export interface WorkflowProgram {
  /** Identifier-like workflow id (`workflowSettings.id`). */
  id: string;
  trigger: WorkflowTriggerName;
  /** Declared in `workflowSettings.bindings`; may omit bindings the ops use (the "undeclared binding" case). */
  bindings: TokenBinding[];
  /** Also declare the native `url: {}` binding, as the docs' examples do. */
  declareUrlBinding: boolean;
  /** Native bindings declared for the fixture reads (`setFromEnv`, `setFromFetch`); absent = none. */
  fixtureBindings?: FixtureBinding[];
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

/** Audience endings the generated tenants produce: `app:prod-api`, `https://x.example.com/v1`, the Management API's `…/api`. */
export const AUDIENCE_SUFFIXES: readonly string[] = ['-api', '/v1', '/api'];

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

/** Ops that go through a token binding. */
export type BindingOp = Extract<WorkflowOp, { binding: TokenBinding }>;
export function isBindingOp(op: WorkflowOp): op is BindingOp {
  return 'binding' in op;
}
